"""Reference outputs of MATLAB's imresize(image, scale) / imresize(image, [rows columns]) with
the default 'bicubic' method and antialiasing, through a NumPy port of MATLAB's imresize.m.

Run from this folder: python3 make_imresize_fixtures.py (needs numpy).

Writes imresize/input.npy (float32 [3, 23, 19], values in [0, 1]) and one float32 [3, H, W]
output per case (imresize/NAME.npy), computed in float64. The port follows imresize.m:
  - kernel: Keys' cubic convolution with a = -0.5, 4 taps wide;
  - downscaling (scale < 1) with antialiasing widens the kernel by 1/scale and scales it by
    scale: h(x) = scale * cubic(scale * x), width 4 / scale;
  - output pixel x (1-based) samples the input at u = x / scale + 0.5 * (1 - 1 / scale);
    taps left = floor(u - width / 2) + (0 .. ceil(width) + 1), weights normalized to sum 1;
  - borders are symmetric: index i outside 1..n reads aux[mod(i - 1, 2n)] with
    aux = [1..n, n..1] (the edge pixel repeated, as MATLAB's padarray 'symmetric');
  - taps whose weight is zero for every output pixel are dropped;
  - the dimension with the smaller scale is resized first (rows on a tie);
  - output size ceil(scale * size) when a scale is given (with a 1e-9 allowance so that
    300 * (1/3) gives 100), and the scale out / in per dimension when a size is given.
"""
import math
import numpy as np


def cubic(x):
    absolute = np.abs(x)
    absolute2, absolute3 = absolute ** 2, absolute ** 3
    return ((1.5 * absolute3 - 2.5 * absolute2 + 1) * (absolute <= 1)
            + (-0.5 * absolute3 + 2.5 * absolute2 - 4 * absolute + 2) * ((absolute > 1) & (absolute <= 2)))


def contributions(in_length, out_length, scale, kernel_width=4.0, antialiasing=True):
    if scale < 1 and antialiasing:
        kernel = lambda x: scale * cubic(scale * x)
        kernel_width = kernel_width / scale
    else:
        kernel = cubic
    x = np.arange(1, out_length + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - kernel_width / 2)
    taps = int(math.ceil(kernel_width)) + 2
    indices = left[:, None] + np.arange(taps, dtype=np.float64)[None, :]
    weights = kernel(u[:, None] - indices)
    weights = weights / weights.sum(axis=1, keepdims=True)
    aux = np.concatenate([np.arange(1, in_length + 1), np.arange(in_length, 0, -1)])
    indices = aux[np.mod(indices.astype(np.int64) - 1, aux.size)]
    keep = np.any(weights != 0, axis=0)
    return weights[:, keep], indices[:, keep] - 1


def resize_along(image, axis, out_length, scale):
    weights, indices = contributions(image.shape[axis], out_length, scale)
    moved = np.moveaxis(image, axis, -1)                       # [..., in]
    result = (moved[..., indices] * weights).sum(axis=-1)      # [..., out]
    return np.moveaxis(result, -1, axis)


def imresize(image, scale=None, size=None):
    """image: float64 [C, H, W]. Either scale (one number) or size (rows, columns)."""
    height, width = image.shape[1:]
    if size is None:
        scales = (scale, scale)
        size = tuple(int(math.ceil(scale * n - 1e-9)) for n in (height, width))
    else:
        scales = (size[0] / height, size[1] / width)
    order = [0, 1] if scales[0] <= scales[1] else [1, 0]
    result = image
    for dimension in order:
        result = resize_along(result, dimension + 1, size[dimension], scales[dimension])
    return result


CASES = {
    "down2": dict(scale=1 / 2), "down3": dict(scale=1 / 3), "down4": dict(scale=1 / 4),
    "up2": dict(scale=2), "up3": dict(scale=3), "up4": dict(scale=4),
    "scale0.6": dict(scale=0.6), "scale1.7": dict(scale=1.7),
    "size10x25": dict(size=(10, 25)), "size30x7": dict(size=(30, 7)),
}

if __name__ == "__main__":
    rng = np.random.default_rng(3)
    rows, columns = np.mgrid[0:23, 0:19].astype(np.float64)
    smooth = 0.5 + 0.3 * np.sin(columns / 3.0)[None] * np.cos(rows / 4.0)[None] * np.array([1, -0.5, 0.8])[:, None, None]
    image = np.clip(smooth + rng.normal(0, 0.08, (3, 23, 19)), 0, 1).astype(np.float32)
    np.save("imresize/input.npy", image)
    # Sanity checks of the port: constants stay constant, and the x2 shrink and x2 enlargement
    # have MATLAB's well-known weights (8 antialiased taps; 4 taps at offset 0.25).
    assert np.allclose(imresize(np.full((1, 9, 8), 0.3), scale=0.5), 0.3)
    weights, indices = contributions(16, 8, 0.5)
    assert np.allclose(weights[3] * 256, [-3, -9, 29, 111, 111, 29, -9, -3]) and list(indices[3]) == list(range(3, 11))
    weights, indices = contributions(4, 8, 2.0)
    assert np.allclose(weights[0] * 128, [-3, 29, 111, -9]) and list(indices[0]) == [1, 0, 0, 1]
    for name, case in CASES.items():
        output = imresize(image.astype(np.float64), **case)
        np.save(f"imresize/{name}.npy", np.ascontiguousarray(output, dtype=np.float32))
        print(name, output.shape)
