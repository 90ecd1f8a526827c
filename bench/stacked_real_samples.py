#!/usr/bin/env python3
"""Real stacked Fashion-MNIST images as a .npy, to measure the stacked-MNIST protocol's floor.

    python3 bench/stacked_real_samples.py OUT.npy [--count 26000] [--seed 0] [--split train|test]
    gankit eval --samples OUT.npy

writes COUNT images of shape [3, 28, 28] in [-1, 1] (float32), each channel an image drawn
uniformly from the split, as `stacked-fashion-mnist` builds its training data. `gankit eval`
then reports the modes and KL to uniform that real data reach under the evaluator: the KL a
generator that matched the data exactly would show (sampling and the evaluator's errors)."""
import argparse
import gzip
import os

import numpy as np


def read_images(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    count, rows, cols = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows, cols)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=26000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--split", choices=["train", "test"], default="train")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()
    prefix = "train" if args.split == "train" else "t10k"
    images = read_images(os.path.join(args.data, f"{prefix}-images-idx3-ubyte.gz"))
    rng = np.random.default_rng(args.seed)
    picks = rng.integers(0, len(images), size=(args.count, 3))
    stacked = images[picks].astype(np.float32) * (2 / 255) - 1
    np.save(args.out, stacked)
    print(f"{args.out}: {stacked.shape} real stacked images from the {args.split} split")


if __name__ == "__main__":
    main()
