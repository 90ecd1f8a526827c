"""Loads a GANKit run's generator checkpoint into the PyTorch nn.Sequential of DESIGN.md with
strict=True and compares its eval-mode outputs with GANKit's for the same noise.

  gankit sample --run RUN --latent z.npy --out gankit_samples.npy
  python check_pytorch_generator.py RUN z.npy gankit_samples.npy

Needs torch, numpy and safetensors (pip). Prints the largest absolute and relative difference."""
import json, sys, numpy as np, torch, torch.nn as nn
from safetensors.torch import load_file

run, latent_path, samples_path = sys.argv[1:4]
config = json.load(open(f"{run}/config.json"))
Z = config["latentSize"]
if config["architecture"] == "dcgan":
    G = nn.Sequential(nn.Linear(Z, 7 * 7 * 256, bias=False), nn.BatchNorm1d(7 * 7 * 256), nn.LeakyReLU(0.2),
                      nn.Unflatten(1, (256, 7, 7)),
                      nn.ConvTranspose2d(256, 128, 5, 1, 2, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
                      nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1, bias=False), nn.BatchNorm2d(64), nn.LeakyReLU(0.2),
                      nn.ConvTranspose2d(64, 1, 5, 2, 2, output_padding=1, bias=False), nn.Tanh())
elif config["dataset"] in ("ring8", "grid25"):
    G = nn.Sequential(nn.Linear(Z, 128), nn.LeakyReLU(0.2), nn.Linear(128, 256), nn.BatchNorm1d(256), nn.LeakyReLU(0.2),
                      nn.Linear(256, 256), nn.BatchNorm1d(256), nn.LeakyReLU(0.2), nn.Linear(256, 2))
else:
    G = nn.Sequential(nn.Linear(Z, 256), nn.LeakyReLU(0.2), nn.Linear(256, 512), nn.BatchNorm1d(512), nn.LeakyReLU(0.2),
                      nn.Linear(512, 1024), nn.BatchNorm1d(1024), nn.LeakyReLU(0.2), nn.Linear(1024, 784), nn.Tanh(),
                      nn.Unflatten(1, (1, 28, 28)))
state = load_file(f"{run}/checkpoints/generator.safetensors")
G.load_state_dict(state, strict=True)
G.eval()
with torch.no_grad():
    reference = G(torch.from_numpy(np.load(latent_path))).numpy()
ours = np.load(samples_path)
assert ours.shape == reference.shape, (ours.shape, reference.shape)
difference = np.abs(ours - reference)
print(f"loaded {len(state)} tensors with strict=True; samples {ours.shape}")
print(f"max |difference| {difference.max():.3g}; max relative (to max |value|) {difference.max() / np.abs(reference).max():.3g}")
