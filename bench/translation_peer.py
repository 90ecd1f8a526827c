"""PyTorch peers of GANKit's translation networks (pix2pix's U-Net and PatchGAN).

The modules have GANKit's state_dict keys and layouts, so a GANKit checkpoint loads with
strict=True:

    python3 bench/translation_peer.py --load runs/p2p/checkpoints/generator.safetensors --size 32 --ngf 64 --channels 1
    python3 bench/translation_peer.py --bench pix2pix --size 256 --batch 1 --steps 10

--bench prints PyTorch's training images/s for the same step as `gankit bench train --model pix2pix`
(D on real and generated pairs, then G on cGAN + 100 L1, Adam 2e-4 / 0.5).
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def norm_layer(kind, features):
    return nn.BatchNorm2d(features) if kind == "batch" else nn.InstanceNorm2d(features)


class UNetGenerator(nn.Module):
    def __init__(self, input_channels, output_channels, size, width=64, norm="batch"):
        super().__init__()
        depth = size.bit_length() - 1
        self.depth = depth
        bias = norm == "instance"
        ch = lambda level: width * min(2 ** level, 8)
        down = []
        for level in range(depth):
            inp = input_channels if level == 0 else ch(level - 1)
            if level == 0:
                down.append(nn.Sequential(nn.Conv2d(inp, ch(0), 4, 2, 1)))
            elif level == depth - 1:
                down.append(nn.Sequential(nn.LeakyReLU(0.2), nn.Conv2d(inp, ch(level), 4, 2, 1)))
            else:
                down.append(nn.Sequential(nn.LeakyReLU(0.2), nn.Conv2d(inp, ch(level), 4, 2, 1, bias=bias), norm_layer(norm, ch(level))))
        up = []
        for block in range(depth):
            level = depth - 1 - block
            inp = ch(level) if block == 0 else 2 * ch(level)
            if block == depth - 1:
                up.append(nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(inp, output_channels, 4, 2, 1), nn.Tanh()))
            else:
                layers = [nn.ReLU(), nn.ConvTranspose2d(inp, ch(level - 1), 4, 2, 1, bias=bias), norm_layer(norm, ch(level - 1))]
                if block < 3:
                    layers.append(nn.Dropout(0.5))
                up.append(nn.Sequential(*layers))
        self.encoder = nn.ModuleList(down)
        self.decoder = nn.ModuleList(up)

    def forward(self, x):
        skips = []
        for block in self.encoder:
            x = block(x)
            skips.append(x)
        for index, block in enumerate(self.decoder):
            x = block(x)
            if index < self.depth - 1:
                x = torch.cat([skips[self.depth - 2 - index], x], 1)
        return x


def patch_discriminator(input_channels, layers, width=64, norm="batch"):
    modules = [nn.Conv2d(input_channels, width, 4, 2, 1), nn.LeakyReLU(0.2)]
    channels = width
    for layer in range(1, max(layers, 1) + 1):
        nxt = width * min(2 ** layer, 8)
        stride = 2 if layer < layers else 1
        modules += [nn.Conv2d(channels, nxt, 4, stride, 1, bias=norm == "instance"), norm_layer(norm, nxt), nn.LeakyReLU(0.2)]
        channels = nxt
    modules.append(nn.Conv2d(channels, 1, 4, 1, 1))
    return nn.Sequential(*modules)


def bench_pix2pix(size, batch, steps, channels=3):
    torch.manual_seed(0)
    G = UNetGenerator(channels, channels, size)
    D = patch_discriminator(2 * channels, {256: 3, 128: 2}.get(size, 1))
    optG = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    a = torch.randn(batch, channels, size, size).clamp(-1, 1)
    b = torch.randn(batch, channels, size, size).clamp(-1, 1)
    bce = nn.BCEWithLogitsLoss()

    def step():
        fake = G(a)
        real_out = D(torch.cat([a, b], 1))
        fake_out = D(torch.cat([a, fake.detach()], 1))
        lossD = 0.5 * (bce(real_out, torch.ones_like(real_out)) + bce(fake_out, torch.zeros_like(fake_out)))
        optD.zero_grad(); lossD.backward(); optD.step()
        out = D(torch.cat([a, fake], 1))
        lossG = bce(out, torch.ones_like(out)) + 100 * F.l1_loss(fake, b)
        optG.zero_grad(); lossG.backward(); optG.step()

    step()
    start = time.time()
    for _ in range(steps):
        step()
    seconds = time.time() - start
    print(f"pytorch pix2pix {size}x{size} batch {batch}: {steps * batch / seconds:.2f} images/s ({seconds / steps:.3f} s/step, {torch.get_num_threads()} threads)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", help="a GANKit generator.safetensors to load with strict=True")
    parser.add_argument("--discriminator", help="a GANKit discriminator.safetensors to load with strict=True")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--ngf", type=int, default=64)
    parser.add_argument("--ndf", type=int, default=64)
    parser.add_argument("--d-layers", type=int, default=None)
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--norm", default="batch")
    parser.add_argument("--bench", choices=["pix2pix"])
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    if args.load or args.discriminator:
        from safetensors.torch import load_file
        if args.load:
            G = UNetGenerator(args.channels, args.channels, args.size, args.ngf, args.norm)
            G.load_state_dict(load_file(args.load), strict=True)
            print(f"loaded {args.load} into the U-Net with strict=True")
        if args.discriminator:
            layers = args.d_layers or {256: 3, 128: 2}.get(args.size, 1)
            D = patch_discriminator(2 * args.channels, layers, args.ndf, args.norm)
            D.load_state_dict(load_file(args.discriminator), strict=True)
            print(f"loaded {args.discriminator} into the PatchGAN with strict=True")
    if args.bench == "pix2pix":
        bench_pix2pix(args.size, args.batch, args.steps, args.channels)


if __name__ == "__main__":
    main()
