#!/usr/bin/env python3
"""Largest absolute difference between two safetensors files, tensor by tensor (NumPy only).

    python3 bench/compare_checkpoints.py A.safetensors B.safetensors
prints the largest absolute difference over the weights and biases (and over BatchNorm's running
statistics), the tensor holding it, and the largest difference relative to a tensor's largest
magnitude. Used for the MPI equivalence measurements in the README."""
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


def worst(names):
    """(largest absolute difference, its tensor, largest difference relative to its tensor's largest magnitude)."""
    result = (0.0, None, 0.0)
    for name in names:
        x, y = a[name].astype(np.float64), b[name].astype(np.float64)
        if not x.size:
            continue
        difference = float(np.max(np.abs(x - y)))
        relative = difference / max(float(np.max(np.abs(x))), 1e-30)
        if difference >= result[0]:
            result = (difference, name, max(result[2], relative))
        else:
            result = (result[0], result[1], max(result[2], relative))
    return result


weights = [n for n in a if n.endswith("weight") or n.endswith("bias")]
statistics = [n for n in a if n.endswith("running_mean") or n.endswith("running_var")]
d, where, relative = worst(weights)
print(f"weights: largest difference {d:.3g} ({where}), largest relative {relative:.3g}", end="")
if statistics:
    d, where, relative = worst(statistics)
    print(f"; BatchNorm statistics: {d:.3g} ({where}), relative {relative:.3g}", end="")
print()
