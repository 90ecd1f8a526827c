"""Makes the JPEG fixtures under jpeg/ with Pillow, and Pillow's decoded pixels of each.

Run from this folder: python3 make_jpeg_fixtures.py (needs numpy and pillow).

Writes, for a 37x29 synthetic photo-like image (smooth gradients, an edge, mild noise):
  rgb_baseline.jpg     baseline, quality 90, 4:2:0 chroma subsampling (odd size: partial MCUs)
  rgb_progressive.jpg  progressive, quality 85, 4:2:0
  rgb_444.jpg          baseline, quality 95, 4:4:4
  gray.jpg             single-channel (grayscale) JPEG
  cmyk.jpg             4-channel CMYK JPEG as Pillow writes it (Adobe marker, inverted values)
  truncated.jpg        rgb_baseline.jpg cut to 60% of its bytes
and NAME.npy (uint8, [H, W, C]) with Pillow's decoding of each (for cmyk.jpg: after
Pillow's convert("RGB")).
"""
import io
import numpy as np
from PIL import Image

rng = np.random.default_rng(7)
height, width = 29, 37
rows, columns = np.mgrid[0:height, 0:width].astype(np.float64)
red = 40 + 180 * columns / (width - 1)
green = 30 + 190 * rows / (height - 1)
blue = 128 + 100 * np.sin(columns / 4.0) * np.cos(rows / 5.0)
blue[rows + columns > 40] -= 90  # a diagonal edge
rgb = np.stack([red, green, blue], axis=-1) + rng.normal(0, 6, (height, width, 3))
rgb = np.clip(np.round(rgb), 0, 255).astype(np.uint8)
image = Image.fromarray(rgb, "RGB")


def save(name, picture, **options):
    picture.save(f"jpeg/{name}.jpg", "JPEG", **options)
    decoded = Image.open(f"jpeg/{name}.jpg")
    decoded.load()
    if decoded.mode == "CMYK":
        decoded = decoded.convert("RGB")
    pixels = np.asarray(decoded)
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    np.save(f"jpeg/{name}.npy", np.ascontiguousarray(pixels, dtype=np.uint8))


save("rgb_baseline", image, quality=90, subsampling=2)
save("rgb_progressive", image, quality=85, subsampling=2, progressive=True)
save("rgb_444", image, quality=95, subsampling=0)
save("gray", image.convert("L"), quality=90)
save("cmyk", image.convert("CMYK"), quality=95)
data = open("jpeg/rgb_baseline.jpg", "rb").read()
open("jpeg/truncated.jpg", "wb").write(data[: int(len(data) * 0.6)])
for name in ["rgb_baseline", "rgb_progressive", "rgb_444", "gray", "cmyk"]:
    print(name, Image.open(f"jpeg/{name}.jpg").mode, np.load(f"jpeg/{name}.npy").shape)
