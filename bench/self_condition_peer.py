"""PyTorch peers of a self-conditioned 2-D `vanilla` run (`--self-condition K`, the 2-D default),
to load its checkpoints with strict=True and check that PyTorch's G(z) equals GANKit's:

    python3 bench/self_condition_peer.py RUN --write-noise z.npy
    gankit sample --run RUN --latent z.npy --out gankit.npy
    python3 bench/self_condition_peer.py RUN --noise z.npy --compare gankit.npy

G: the noise's first coordinate draws the cluster (Φ(z₀) against the cumulative `cluster_weights`),
its one-hot code joins the other coordinates, then the 2-D MLP (Linear, LeakyReLU, then Linear,
BatchNorm1d, LeakyReLU per hidden layer, Linear to 2) as child `main`. D: each packed point beside
its one-hot cluster into the MLP `main`; `clusters` holds the k-means centroids and counts.
Without --compare, prints the load results and D's mean score on G's samples."""
import argparse
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file


class SelfConditionedGenerator(nn.Module):
    def __init__(self, latent_size, clusters, hidden=(128, 256, 256), outputs=2):
        super().__init__()
        layers, inputs = [], latent_size - 1 + clusters
        for index, width in enumerate(hidden):
            layers.append(nn.Linear(inputs, width))
            if index > 0:
                layers.append(nn.BatchNorm1d(width))
            layers.append(nn.LeakyReLU(0.2))
            inputs = width
        layers.append(nn.Linear(inputs, outputs))
        self.main = nn.Sequential(*layers)
        self.clusters = clusters
        self.register_buffer("cluster_weights", torch.full((clusters,), 1.0 / clusters))

    def draw_clusters(self, z):
        cumulative = self.cluster_weights.double().cumsum(0)
        u = torch.special.ndtr(z[:, 0].double()) * cumulative[-1]
        return torch.searchsorted(cumulative, u, right=True).clamp(max=self.clusters - 1)

    def forward(self, z, labels=None):
        labels = self.draw_clusters(z) if labels is None else labels
        return self.main(torch.cat([F.one_hot(labels, self.clusters).float(), z[:, 1:]], dim=1))


class DataClusters(nn.Module):
    def __init__(self, clusters, features):
        super().__init__()
        self.register_buffer("centroids", torch.zeros(clusters, features))
        self.register_buffer("counts", torch.zeros(clusters))

    def assign(self, x):
        return torch.cdist(x.reshape(-1, self.centroids.shape[1]), self.centroids).argmin(dim=1)


class SelfConditionedDiscriminator(nn.Module):
    def __init__(self, clusters, pack=1, hidden=(256, 128), features=2):
        super().__init__()
        layers, inputs = [nn.Flatten()], pack * (features + clusters)
        for width in hidden:
            layers += [nn.Linear(inputs, width), nn.LeakyReLU(0.2)]
            inputs = width
        layers.append(nn.Linear(inputs, 1))
        self.main = nn.Sequential(*layers)
        self.clusters = DataClusters(clusters, features)
        self.k, self.pack = clusters, pack

    def forward(self, points, labels=None):
        """`points` [N, 2] (N divisible by the pack), scored in packs of consecutive points."""
        labels = self.clusters.assign(points) if labels is None else labels
        rows = points.shape[0] // self.pack
        codes = F.one_hot(labels, self.k).float().reshape(rows, -1)
        return self.main(torch.cat([points.reshape(rows, -1), codes], dim=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    parser.add_argument("--write-noise", help="write 2,500 standard normal noise rows (float32 .npy) and stop")
    parser.add_argument("--noise", help="the noise both G's get")
    parser.add_argument("--compare", help="GANKit's samples for that noise (gankit sample --latent)")
    arguments = parser.parse_args()
    configuration = json.load(open(f"{arguments.run}/config.json"))
    if arguments.write_noise:
        noise = np.random.default_rng(0).standard_normal((2500, configuration["latentSize"])).astype(np.float32)
        np.save(arguments.write_noise, noise)
        raise SystemExit(0)
    options = configuration["options"]
    clusters, pack = int(options["self-condition"]), int(options.get("pack", "1"))
    G = SelfConditionedGenerator(configuration["latentSize"], clusters)
    D = SelfConditionedDiscriminator(clusters, pack)
    print("generator:", G.load_state_dict(load_file(f"{arguments.run}/checkpoints/generator.safetensors"), strict=True))
    print("discriminator:", D.load_state_dict(load_file(f"{arguments.run}/checkpoints/discriminator.safetensors"), strict=True))
    G.eval()
    D.eval()
    z = torch.from_numpy(np.load(arguments.noise)) if arguments.noise else torch.randn(2 * pack * 100, configuration["latentSize"])
    with torch.no_grad():
        ours = G(z)
        print("D's mean score on G's samples:", D(ours[: (ours.shape[0] // pack) * pack]).mean().item())
    if arguments.compare:
        theirs = torch.from_numpy(np.load(arguments.compare))
        print(f"largest difference from GANKit's samples: {(ours - theirs).abs().max().item():.3g}")
