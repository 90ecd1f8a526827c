#!/usr/bin/env python3
"""Largest absolute difference between two safetensors files, tensor by tensor (NumPy only).

    python3 bench/compare_checkpoints.py A.safetensors B.safetensors
prints the largest difference over all tensors, the tensor holding it, and the largest weight
magnitude for scale. Used for the MPI equivalence measurements in the README."""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "U8": np.uint8}


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(body[start:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return tensors


a, b = load(sys.argv[1]), load(sys.argv[2])
if sorted(a) != sorted(b):
    sys.exit(f"different tensor names: {sorted(set(a) ^ set(b))}")
worst, where, scale = 0.0, None, 0.0
for name in sorted(a):
    x, y = a[name].astype(np.float64), b[name].astype(np.float64)
    difference = float(np.max(np.abs(x - y))) if x.size else 0.0
    scale = max(scale, float(np.max(np.abs(x))) if x.size else 0.0)
    if difference > worst or where is None:
        worst, where = difference, name
print(f"largest difference {worst:.3g} in {where} (largest magnitude {scale:.3g}, {len(a)} tensors)")
