"""End-to-end cross-check of `gankit eval` against PyTorch + NumPy/SciPy (not run by the tests).

    python check_evaluation_with_pytorch.py SAMPLES.npy SAMPLES.eval.json [EVALUATOR.safetensors]

Loads the evaluator checkpoint into the equivalent torch.nn.Sequential (strict state_dict), computes
features and softmax of the 10,000 Fashion-MNIST test images and of the samples, then FID
(scipy.linalg.sqrtm), Inception-style score and precision/recall/density/coverage (k = 3) with the
reference code of make_metric_fixtures.py, and prints them next to the JSON that gankit wrote.
KID is left out: its random subsets come from GANKit's generator.
"""
import gzip
import json
import os
import sys

import numpy as np
import torch
from safetensors.torch import load_file
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_metric_fixtures import frechet_distance, inception_score, manifold_metrics  # noqa: E402

samples_path, json_path = sys.argv[1], sys.argv[2]
cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
evaluator_path = sys.argv[3] if len(sys.argv) > 3 else f"{cache}/gankit/evaluator-fashion-mnist.safetensors"

network = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(3136, 128), nn.LeakyReLU(0.2), nn.Dropout(0.3), nn.Linear(128, 10))
network.load_state_dict(load_file(evaluator_path), strict=True)
network.eval()


def outputs(images):
    features, probabilities = [], []
    with torch.no_grad():
        for start in range(0, len(images), 1000):
            x = torch.from_numpy(np.ascontiguousarray(images[start:start + 1000]))
            f = network[:11](x)
            features.append(f.numpy())
            probabilities.append(torch.softmax(network[11:](f), dim=1).numpy())
    return np.concatenate(features), np.concatenate(probabilities)


with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
    test = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 127.5 - 1
real_features, real_probabilities = outputs(test)
fake_features, fake_probabilities = outputs(np.load(samples_path).astype(np.float32))
ours = json.load(open(json_path))["metrics"]
rows = [("fid", frechet_distance(real_features, fake_features), ours["fid"]),
        ("inception_score", inception_score(fake_probabilities)[0], ours["inceptionScore"]["mean"])]
reference = manifold_metrics(real_features, fake_features, k=3)
rows += [(name, reference[name], ours["manifold"][name]) for name in ["precision", "recall", "density", "coverage"]]
print(f"feature RMS of the test images: {np.sqrt((real_features ** 2).mean()):.4f} (1 on the first 10,000 training images)")
for name, theirs, mine in rows:
    print(f"{name:16s} numpy {theirs:12.6f}   gankit {mine:12.6f}   relative difference {abs(theirs - mine) / max(abs(theirs), 1e-12):.2e}")
