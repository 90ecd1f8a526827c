"""PyTorch peers of the discriminators GANKit builds with the mode-collapse counters, to load a
GANKit checkpoint with strict=True:

    python3 bench/counters_peer.py RUN/checkpoints/discriminator.safetensors --pack 4 --minibatch-std --spectral-norm

The 2-D `vanilla` discriminator (Flatten, Linear(2·pack, 256), LeakyReLU, Linear(256, 128),
LeakyReLU, [MinibatchStd], Linear(128 [+1], 1)) with `torch.nn.utils.spectral_norm` on every
Linear when asked (keys `weight_orig`, `weight_u`, `weight_v`). Prints the score of a packed
batch of ring8-like points."""
import argparse

import torch
import torch.nn as nn
from safetensors.torch import load_file


class MinibatchStd(nn.Module):
    """ProGAN's layer as GANKit's MinibatchStandardDeviation: groups of `group` samples
    (rows i, i + N/group, ...), the mean over features of the per-feature deviation, appended."""

    def __init__(self, group=4):
        super().__init__()
        self.group = group

    def forward(self, x):
        n = x.shape[0]
        g = min(self.group, n) if n % self.group == 0 else n
        grouped = x.reshape(g, n // g, *x.shape[1:])
        deviation = (grouped.var(dim=0, unbiased=False) + 1e-8).sqrt()
        statistic = deviation.reshape(n // g, -1).mean(dim=1)
        per_sample = statistic.reshape(1, n // g).expand(g, n // g).reshape(n, 1)
        if x.dim() == 2:
            return torch.cat([x, per_sample], dim=1)
        return torch.cat([x, per_sample.reshape(n, 1, 1, 1).expand(n, 1, *x.shape[2:])], dim=1)


def vanilla_2d_discriminator(pack=1, minibatch_std=False, spectral_norm=False):
    wrap = nn.utils.spectral_norm if spectral_norm else (lambda layer: layer)
    layers = [nn.Flatten(), wrap(nn.Linear(2 * pack, 256)), nn.LeakyReLU(0.2), wrap(nn.Linear(256, 128)), nn.LeakyReLU(0.2)]
    if minibatch_std:
        layers.append(MinibatchStd())
    layers.append(wrap(nn.Linear(128 + (1 if minibatch_std else 0), 1)))
    return nn.Sequential(*layers)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint")
    parser.add_argument("--pack", type=int, default=1)
    parser.add_argument("--minibatch-std", action="store_true")
    parser.add_argument("--spectral-norm", action="store_true")
    arguments = parser.parse_args()
    D = vanilla_2d_discriminator(arguments.pack, arguments.minibatch_std, arguments.spectral_norm)
    print(D.load_state_dict(load_file(arguments.checkpoint), strict=True))
    D.eval()
    angles = torch.arange(8 * arguments.pack) * (2 * torch.pi / 8)
    points = torch.stack([angles.cos(), angles.sin()], dim=1)
    print("scores of packed ring8 means:", D(points.reshape(8, 2 * arguments.pack)).flatten().tolist())
