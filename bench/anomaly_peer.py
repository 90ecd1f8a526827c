"""PyTorch peer of GANKit's anomaly family (GANomaly on 28x28 gray images).

The modules below are the ones GANKit builds (Sources/GAN/Families/Anomaly/AnomalyNetworks.swift),
with the same names, so a GANKit checkpoint loads with strict=True:

    python3 bench/anomaly_peer.py load RUN            # loads RUN/checkpoints/{generator,discriminator}.safetensors
    python3 bench/anomaly_peer.py speed [--width 32]  # PyTorch training images/s of one GANomaly step, batch 64

Compare the speed with `gankit bench train --model anomaly --option method=ganomaly --option normal-class=0`.
"""
import sys
import time

import torch
from torch import nn


def trunk(channels, width, halvings, batch_norm):
    layers = [nn.Conv2d(channels, width, 4, 2, 1, bias=False), nn.LeakyReLU(0.2)]
    current = width
    for _ in range(1, halvings):
        layers.append(nn.Conv2d(current, current * 2, 4, 2, 1, bias=False))
        if batch_norm:
            layers.append(nn.BatchNorm2d(current * 2))
        layers.append(nn.LeakyReLU(0.2))
        current *= 2
    return layers


def shape(size):
    halvings = 0
    while size % 2 == 0 and size > 7:
        size //= 2
        halvings += 1
    return halvings, size


def encoder(channels=1, size=28, latent=100, width=32, batch_norm=True):
    halvings, final = shape(size)
    return nn.Sequential(*trunk(channels, width, halvings, batch_norm),
                         nn.Conv2d(width << (halvings - 1), latent, final, 1, 0, bias=False), nn.Flatten())


def decoder(channels=1, size=28, latent=100, width=32):
    halvings, final = shape(size)
    current = width << (halvings - 1)
    layers = [nn.Unflatten(1, (latent, 1, 1)), nn.ConvTranspose2d(latent, current, final, 1, 0, bias=False),
              nn.BatchNorm2d(current), nn.ReLU()]
    for _ in range(1, halvings):
        layers += [nn.ConvTranspose2d(current, current // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(current // 2), nn.ReLU()]
        current //= 2
    layers += [nn.ConvTranspose2d(current, channels, 4, 2, 1, bias=False), nn.Tanh()]
    return nn.Sequential(*layers)


class GANomalyGenerator(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.encoder1 = encoder(**kw)
        self.decoder = decoder(**kw)
        self.encoder2 = encoder(**kw)

    def forward(self, x):
        z = self.encoder1(x)
        x_hat = self.decoder(z)
        return x_hat, z, self.encoder2(x_hat)


class FeatureDiscriminator(nn.Module):
    def __init__(self, channels=1, size=28, width=32, batch_norm=True, **_):
        super().__init__()
        halvings, final = shape(size)
        self.features = nn.Sequential(*trunk(channels, width, halvings, batch_norm))
        self.classifier = nn.Sequential(nn.Conv2d(width << (halvings - 1), 1, final, 1, 0, bias=False), nn.Flatten())

    def forward(self, x):
        hidden = self.features(x)
        return self.classifier(hidden), hidden.flatten(1)


def load(run):
    import json
    from safetensors.torch import load_file
    config = json.load(open(f"{run}/config.json"))
    options = config.get("options", {})
    c, size, _ = config["sampleShape"]
    kw = dict(channels=c, size=size, latent=config.get("latentSize", 100), width=int(options.get("width", 32)))
    method = options.get("method", "ganomaly")
    if method == "ganomaly":
        nets = {"generator": GANomalyGenerator(**kw), "discriminator": FeatureDiscriminator(**kw)}
    else:
        nets = {"generator": decoder(**kw), "discriminator": FeatureDiscriminator(batch_norm=False, **kw),
                "encoder": encoder(**kw)}
    for name, net in nets.items():
        net.load_state_dict(load_file(f"{run}/checkpoints/{name}.safetensors"), strict=True)
        print(f"{name}: loaded with strict=True ({sum(p.numel() for p in net.parameters())} parameters)")
    return nets


def speed(width=32, batch=64, steps=30, warmup=5):
    torch.manual_seed(0)
    G, D = GANomalyGenerator(width=width), FeatureDiscriminator(width=width)
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    x = torch.rand(batch, 1, 28, 28) * 2 - 1
    for step in range(warmup + steps):
        if step == warmup:
            start = time.perf_counter()
        x_hat, z, z_hat = G(x)
        _, f_real = D(x)
        _, f_fake = D(x_hat)
        loss_g = ((f_fake - f_real) ** 2).mean() + 50 * (x_hat - x).abs().mean() + ((z_hat - z) ** 2).mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        real, _ = D(x)
        fake, _ = D(x_hat.detach())
        loss_d = 0.5 * (bce(real, torch.ones_like(real)) + bce(fake, torch.zeros_like(fake)))
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
    seconds = time.perf_counter() - start
    print(f'{{"arch": "anomaly-ganomaly", "batch": {batch}, "steps": {steps}, "images_per_s": {batch * steps / seconds:.1f}, '
          f'"threads": {torch.get_num_threads()}}}')


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "load":
        load(sys.argv[2])
    elif len(sys.argv) >= 2 and sys.argv[1] == "speed":
        speed(width=int(sys.argv[3]) if len(sys.argv) >= 4 and sys.argv[2] == "--width" else 32)
    else:
        print(__doc__)
        sys.exit(2)
