"""Reference PSNR and SSIM values for the super-resolution metrics, with scikit-image.

Run from this folder: python3 make_super_resolution_fixtures.py (needs numpy, scipy and
scikit-image).

Writes sr_reference_image.npy and sr_output_image.npy (float32 [3, 40, 36], RGB in [0, 1]: a
smooth photo-like image and a blurred, noisy copy of it) and sr_quality.json with:
  psnr_y_border4, ssim_y_border4, ssim_y_border0: on the Y channel of skimage.color.rgb2ycbcr
      (ITU-R BT.601, Y = 16 + 65.481 R + 128.553 G + 24.966 B, range 16..235, not rounded),
      4 pixels cropped from every side; PSNR with data_range=255;
      SSIM = structural_similarity(gaussian_weights=True, sigma=1.5,
      use_sample_covariance=False, data_range=255)
  psnr_rgb_border0, psnr_rgb_border4: over all three channels scaled to 0..255
  ssim_rgb_border4: the same SSIM, channel_axis=-1 (mean of the per-channel SSIMs)
"""
import json
import numpy as np
from scipy.ndimage import gaussian_filter
from skimage.color import rgb2ycbcr
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

rng = np.random.default_rng(11)
rows, columns = np.mgrid[0:40, 0:36].astype(np.float64)
reference = np.stack([
    0.5 + 0.4 * np.sin(columns / 5.0) * np.cos(rows / 7.0),
    0.3 + 0.5 * rows / 39.0,
    0.6 - 0.3 * (rows + columns > 38) + 0.1 * np.cos(columns / 2.0),
]) + rng.normal(0, 0.03, (3, 40, 36))
reference = np.clip(reference, 0, 1).astype(np.float32)
output = gaussian_filter(reference.astype(np.float64), sigma=(0, 0.8, 0.8)) + rng.normal(0, 0.02, (3, 40, 36))
output = np.clip(output, 0, 1).astype(np.float32)
np.save("sr_reference_image.npy", reference)
np.save("sr_output_image.npy", output)


def luma(image):
    return rgb2ycbcr(np.moveaxis(image.astype(np.float64), 0, -1))[..., 0]


def crop(image, border):
    return image[..., border:image.shape[-2] - border, border:image.shape[-1] - border] if border else image


def ssim(first, second, **options):
    return structural_similarity(first, second, gaussian_weights=True, sigma=1.5,
                                 use_sample_covariance=False, data_range=255, **options)


y_reference, y_output = luma(reference), luma(output)
assert 16 <= y_reference.min() and y_reference.max() <= 235
rgb_reference, rgb_output = reference.astype(np.float64) * 255, output.astype(np.float64) * 255
values = {
    "psnr_y_border4": peak_signal_noise_ratio(crop(y_reference, 4), crop(y_output, 4), data_range=255),
    "ssim_y_border4": ssim(crop(y_reference, 4), crop(y_output, 4)),
    "ssim_y_border0": ssim(y_reference, y_output),
    "psnr_rgb_border0": peak_signal_noise_ratio(rgb_reference, rgb_output, data_range=255),
    "psnr_rgb_border4": peak_signal_noise_ratio(crop(rgb_reference, 4), crop(rgb_output, 4), data_range=255),
    "ssim_rgb_border4": ssim(np.moveaxis(crop(rgb_reference, 4), 0, -1), np.moveaxis(crop(rgb_output, 4), 0, -1),
                             channel_axis=-1),
}
with open("sr_quality.json", "w") as file:
    json.dump(values, file, indent=2)
print(json.dumps(values, indent=2))
