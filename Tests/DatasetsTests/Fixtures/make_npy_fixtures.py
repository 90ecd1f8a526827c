#!/usr/bin/env python3
"""Writes the .npy fixtures of DatasetsTests with NumPy itself (np.save / np.lib.format).

Each readable file holds arange(6) in its dtype, shaped (2, 3); the refused ones are a
Fortran-order array and a big-endian one. Run from this folder: python3 make_npy_fixtures.py
"""
import os
import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "npy")


def main():
    os.makedirs(HERE, exist_ok=True)
    values = np.arange(6).reshape(2, 3)
    for dtype in ("<f4", "<f8", "|u1", "<i8"):
        np.save(os.path.join(HERE, f"arange_{dtype[1:]}.npy"), values.astype(dtype))
    with open(os.path.join(HERE, "arange_f4_v2.npy"), "wb") as f:
        np.lib.format.write_array(f, values.astype("<f4"), version=(2, 0))
    np.save(os.path.join(HERE, "scalar_f8.npy"), np.float64(-2.5))
    np.save(os.path.join(HERE, "fortran_f4.npy"), np.asfortranarray(values.astype("<f4").T))
    np.save(os.path.join(HERE, "big_endian_f4.npy"), values.astype(">f4"))
    print("wrote", sorted(os.listdir(HERE)))


if __name__ == "__main__":
    main()
