"""PyTorch peers of GANKit's CycleGAN networks (the reference implementation's ResnetGenerator
with reflection padding and instance norm, and the PatchGAN of translation_peer.py).

The modules have GANKit's state_dict keys and layouts, so GANKit checkpoints load with strict=True,
and a GANKit translation can be checked against PyTorch's on the same input:

    python3 bench/cyclegan_peer.py --run runs/cyclegan --ngf 32 --blocks 6 --channels 1 --size 28
    python3 bench/cyclegan_peer.py --run runs/cyclegan ... --input a.npy --expect b.npy   # gankit translate --input a.npy --out b.npy
    python3 bench/cyclegan_peer.py --bench --size 28 --channels 1 --batch 16 --steps 10

--bench prints PyTorch's training images/s for the same step as `gankit bench train --model cyclegan`
(both generators on the LSGAN + 10 cycle + 5 identity loss, then both discriminators on real
images against pooled fakes, Adam 2e-4 / 0.5; one image is one A and one B image).
"""
import argparse
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from translation_peer import patch_discriminator


class ResnetBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim))

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, ngf=64, n_blocks=6):
        super().__init__()
        model = [nn.ReflectionPad2d(3), nn.Conv2d(input_nc, ngf, 7), nn.InstanceNorm2d(ngf), nn.ReLU(True)]
        for i in range(2):
            mult = 2 ** i
            model += [nn.Conv2d(ngf * mult, ngf * mult * 2, 3, stride=2, padding=1), nn.InstanceNorm2d(ngf * mult * 2), nn.ReLU(True)]
        for _ in range(n_blocks):
            model += [ResnetBlock(ngf * 4)]
        for i in range(2):
            mult = 2 ** (2 - i)
            model += [nn.ConvTranspose2d(ngf * mult, ngf * mult // 2, 3, stride=2, padding=1, output_padding=1),
                      nn.InstanceNorm2d(ngf * mult // 2), nn.ReLU(True)]
        model += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, output_nc, 7), nn.Tanh()]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


def d_layers(size):
    # GANKit's PatchDiscriminator.layers(forSize:): the receptive field closest to 70/256 of the size.
    def field(layers):
        f = 7
        for _ in range(layers):
            f = (f - 1) * 2 + 4
        return f
    return min(range(1, 6), key=lambda n: abs(field(n) - 70 * size / 256))


def bench(size, channels, batch, steps, ngf, ndf, blocks):
    torch.manual_seed(0)
    GA, GB = ResnetGenerator(channels, channels, ngf, blocks), ResnetGenerator(channels, channels, ngf, blocks)
    DA, DB = patch_discriminator(channels, d_layers(size), ndf, "instance"), patch_discriminator(channels, d_layers(size), ndf, "instance")
    optG = torch.optim.Adam(list(GA.parameters()) + list(GB.parameters()), 2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(list(DA.parameters()) + list(DB.parameters()), 2e-4, betas=(0.5, 0.999))
    a = torch.randn(batch, channels, size, size).clamp(-1, 1)
    b = torch.randn(batch, channels, size, size).clamp(-1, 1)
    mse = nn.MSELoss()

    def step():
        fake_b, fake_a = GA(a), GB(b)
        rec_a, rec_b = GB(fake_b), GA(fake_a)
        idt_a, idt_b = GA(b), GB(a)
        out_a, out_b = DA(fake_b), DB(fake_a)
        lossG = (mse(out_a, torch.ones_like(out_a)) + mse(out_b, torch.ones_like(out_b))
                 + 10 * (F.l1_loss(rec_a, a) + F.l1_loss(rec_b, b)) + 5 * (F.l1_loss(idt_a, b) + F.l1_loss(idt_b, a)))
        optG.zero_grad(); lossG.backward(); optG.step()
        lossD = 0
        for D, real, fake in ((DA, b, fake_b.detach()), (DB, a, fake_a.detach())):
            pr, pf = D(real), D(fake)
            lossD = lossD + 0.5 * (mse(pr, torch.ones_like(pr)) + mse(pf, torch.zeros_like(pf)))
        optD.zero_grad(); lossD.backward(); optD.step()

    step()
    start = time.time()
    for _ in range(steps):
        step()
    seconds = time.time() - start
    print(f"pytorch cyclegan {size}x{size}x{channels} batch {batch} ngf {ngf} ndf {ndf} blocks {blocks}: "
          f"{steps * batch / seconds:.2f} images/s ({seconds / steps:.3f} s/step, {torch.get_num_threads()} threads)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--run", help="a GANKit cyclegan run: loads checkpoints/G_A, G_B, D_A, D_B.safetensors with strict=True")
    parser.add_argument("--size", type=int, default=28)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--ngf", type=int, default=64)
    parser.add_argument("--ndf", type=int, default=64)
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--d-layers", type=int, default=None)
    parser.add_argument("--input", help="a float32 .npy [N, C, H, W] to translate with G_A (or G_B with --direction b-to-a)")
    parser.add_argument("--expect", help="gankit translate's output .npy for --input: prints the largest difference")
    parser.add_argument("--direction", default="a-to-b")
    parser.add_argument("--bench", action="store_true")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    if args.run:
        from safetensors.torch import load_file
        nets = {}
        for name in ("G_A", "G_B"):
            nets[name] = ResnetGenerator(args.channels, args.channels, args.ngf, args.blocks)
        for name in ("D_A", "D_B"):
            nets[name] = patch_discriminator(args.channels, args.d_layers or d_layers(args.size), args.ndf, "instance")
        for name, net in nets.items():
            path = os.path.join(args.run, "checkpoints", name + ".safetensors")
            net.load_state_dict(load_file(path), strict=True)
            print(f"loaded {path} with strict=True")
        if args.input:
            import numpy as np
            x = torch.from_numpy(np.load(args.input))
            with torch.no_grad():
                y = nets["G_A" if args.direction == "a-to-b" else "G_B"].eval()(x)
            if args.expect:
                print(f"largest |pytorch - gankit| over {tuple(y.shape)}: {(y - torch.from_numpy(np.load(args.expect))).abs().max().item():.3g}")
    if args.bench:
        bench(args.size, args.channels, args.batch, args.steps, args.ngf, args.ndf, args.blocks)


if __name__ == "__main__":
    main()
