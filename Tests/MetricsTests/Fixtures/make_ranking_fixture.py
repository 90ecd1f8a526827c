"""Makes ranking.json: scores and binary labels with many ties, and scikit-learn's
roc_auc_score and average_precision_score of each case (RankingMetricsTests compare with them).

    pip install scikit-learn numpy
    python3 make_ranking_fixture.py
"""
import json
import os

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

rng = np.random.default_rng(0)
cases = []
# Continuous scores, then coarsely rounded scores (many ties across classes), then a case
# where every score ties, then small hand-made cases.
for name, count, decimals in [("continuous", 300, None), ("ties", 400, 1), ("heavy-ties", 200, 0)]:
    labels = rng.random(count) < 0.3
    scores = rng.normal(size=count) + 0.8 * labels
    if decimals is not None:
        scores = np.round(scores, decimals)
    cases.append((name, scores.astype(np.float32), labels))
cases.append(("all-tied", np.zeros(10, dtype=np.float32), np.array([1, 0, 0, 1, 0, 0, 0, 1, 0, 0], dtype=bool)))
cases.append(("small", np.array([0.1, 0.4, 0.35, 0.8, 0.4], dtype=np.float32), np.array([0, 0, 1, 1, 1], dtype=bool)))
cases.append(("perfect", np.array([3, 2, 1, 0], dtype=np.float32), np.array([1, 1, 0, 0], dtype=bool)))
cases.append(("reversed", np.array([3, 2, 1, 0], dtype=np.float32), np.array([0, 0, 1, 1], dtype=bool)))

fixture = [
    {
        "name": name,
        "scores": [float(s) for s in scores],
        "labels": [int(l) for l in labels],
        "auroc": float(roc_auc_score(labels, scores)),
        "average_precision": float(average_precision_score(labels, scores)),
    }
    for name, scores, labels in cases
]
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ranking.json")
with open(path, "w") as f:
    json.dump(fixture, f, indent=1)
print("wrote", path)
