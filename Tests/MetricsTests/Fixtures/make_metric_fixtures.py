"""Makes the feature fixtures of MetricsTests and the reference values GANKit's metrics must match.

Run from this folder with NumPy and SciPy:  python3 make_metric_fixtures.py
Writes real_features.npy and generated_features.npy (float32, 500 x 16), probabilities.npy
(float32, 500 x 10), kid_real_subsets.npy and kid_generated_subsets.npy (int64, 10 x 100),
and reference.json. The metrics here are written independently of GANKit, following the
published reference code: pytorch-fid (FID through scipy.linalg.sqrtm), torch-fidelity (KID),
prdc (precision, recall, density, coverage) and the original Inception Score code.
"""
import json

import numpy as np
import scipy
from scipy import linalg
from scipy.spatial.distance import cdist

def frechet_distance(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    mu1, mu2 = a.mean(axis=0), b.mean(axis=0)
    sigma1, sigma2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = np.real(linalg.sqrtm(sigma1 @ sigma2))
    return float(((mu1 - mu2) ** 2).sum() + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(root))


def kernel_distance(a, b, a_subsets, b_subsets):
    a, b = a.astype(np.float64), b.astype(np.float64)
    d = a.shape[1]
    estimates = []
    for ia, ib in zip(a_subsets, b_subsets):
        x, y = a[ia], b[ib]
        m = x.shape[0]
        kxx = (x @ x.T / d + 1) ** 3
        kyy = (y @ y.T / d + 1) ** 3
        kxy = (x @ y.T / d + 1) ** 3
        within = (kxx.sum() - np.diag(kxx).sum() + kyy.sum() - np.diag(kyy).sum()) / (m * (m - 1))
        estimates.append(within - 2 * kxy.sum() / (m * m))
    estimates = np.array(estimates)
    return float(estimates.mean()), float(estimates.std())


def kth_neighbour_distances(x, k):
    distances = cdist(x, x)
    return np.partition(distances, k, axis=1)[:, k]  # k + 1-th smallest, counting the zero self-distance


def manifold_metrics(real, fake, k=3):
    real, fake = real.astype(np.float64), fake.astype(np.float64)
    real_radii = kth_neighbour_distances(real, k)
    fake_radii = kth_neighbour_distances(fake, k)
    distance = cdist(real, fake)  # [real, fake]
    inside_real = distance < real_radii[:, None]
    return {
        "precision": float(inside_real.any(axis=0).mean()),
        "recall": float((distance < fake_radii[None, :]).any(axis=1).mean()),
        "density": float(inside_real.sum(axis=0).mean() / k),
        "coverage": float((distance.min(axis=1) < real_radii).mean()),
    }


def inception_score(p, splits=10):
    p = p.astype(np.float64)
    size = p.shape[0] // splits
    scores = []
    for s in range(splits):
        part = p[s * size:(s + 1) * size]
        marginal = part.mean(axis=0, keepdims=True)
        terms = np.where(part > 0, part * (np.log(np.where(part > 0, part, 1)) - np.log(marginal)), 0)
        scores.append(np.exp(terms.sum(axis=1).mean()))
    return float(np.mean(scores)), float(np.std(scores))


def main():
    rng = np.random.default_rng(20240611)
    count, dimension, classes = 500, 16, 10

    # Two correlated Gaussian feature sets that differ in mean and covariance.
    mixing_real = rng.normal(size=(dimension, dimension)) / np.sqrt(dimension)
    mixing_generated = mixing_real + 0.3 * rng.normal(size=(dimension, dimension)) / np.sqrt(dimension)
    real = (rng.normal(size=(count, dimension)) @ mixing_real + 0.5).astype(np.float32)
    generated = (rng.normal(size=(count, dimension)) @ mixing_generated * 1.2 + 0.7).astype(np.float32)

    logits = rng.normal(size=(count, classes)) * 3.0
    logits[:, 0] += 1.5  # a class bias, so the score is not at its maximum
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities = (probabilities / probabilities.sum(axis=1, keepdims=True)).astype(np.float32)

    subset_count, subset_size = 10, 100
    real_subsets = np.stack([rng.choice(count, subset_size, replace=False) for _ in range(subset_count)]).astype(np.int64)
    generated_subsets = np.stack([rng.choice(count, subset_size, replace=False) for _ in range(subset_count)]).astype(np.int64)


    kid_mean, kid_std = kernel_distance(real, generated, real_subsets, generated_subsets)
    is_mean, is_std = inception_score(probabilities)
    reference = {
        "fid": frechet_distance(real, generated),
        "fid_real_real": frechet_distance(real, real),
        "kid_mean": kid_mean,
        "kid_std": kid_std,
        "inception_score_mean": is_mean,
        "inception_score_std": is_std,
        **manifold_metrics(real, generated, k=3),
        "k": 3,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }
    np.save("real_features.npy", real)
    np.save("generated_features.npy", generated)
    np.save("probabilities.npy", probabilities)
    np.save("kid_real_subsets.npy", real_subsets)
    np.save("kid_generated_subsets.npy", generated_subsets)
    with open("reference.json", "w") as f:
        json.dump(reference, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps(reference, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
