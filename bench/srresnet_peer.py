"""PyTorch peer of GANKit's `srresnet`/`srgan` networks: the same modules (state_dict keys and
layouts) and the same SRResNet training step, to compare training speed and to check checkpoints.

  python3 bench/srresnet_peer.py [--steps 20] [--warmup 3] [--batch 16] [--patch-size 48]
                                 [--scale 4] [--blocks 8] [--channels 32] [--pixel-loss mse] [--threads 2]
      prints images/s through whole SRResNet steps (G forward, pixel loss, backward, Adam) on
      random HR/LR patch pairs of the given size, as `gankit bench train --model srresnet
      --batch 16 --option patch-size=48` does on photo patches (the step's cost does not depend
      on the pixel values).
  python3 bench/srresnet_peer.py --check RUN [--input lr.npy --output upscaled.npy]
      loads checkpoints/generator.safetensors (and discriminator.safetensors of an srgan run) of a
      GANKit run with strict=True, building the networks from RUN/config.json; with an LR batch
      ([N, 3, h, w] float32 in [-1, 1]) and GANKit's upscaling of it (`gankit upscale --run RUN
      --input lr.npy --out upscaled.npy`), upscales in PyTorch and prints the largest difference.
"""
import argparse, json, os, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.norm1 = nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c)
        self.activation = nn.PReLU()
        self.conv2, self.norm2 = nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c)

    def forward(self, x):
        return x + self.norm2(self.conv2(self.activation(self.norm1(self.conv1(x)))))


class SRResNet(nn.Module):
    def __init__(self, scale=4, blocks=8, channels=32):
        super().__init__()
        c = channels
        self.head = nn.Sequential(nn.Conv2d(3, c, 9, padding=4), nn.PReLU())
        self.blocks = nn.Sequential(*[ResidualBlock(c) for _ in range(blocks)])
        self.trunk = nn.Sequential(nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c))
        steps = []
        for r in {2: [2], 3: [3], 4: [2, 2]}[scale]:
            steps += [nn.Conv2d(c, c * r * r, 3, padding=1), nn.PixelShuffle(r), nn.PReLU()]
        self.upsample = nn.Sequential(*steps)
        self.tail = nn.Conv2d(c, 3, 9, padding=4)

    def forward(self, x):
        features = self.head(x)
        return self.tail(self.upsample(self.trunk(self.blocks(features)) + features))


class SRGANDiscriminator(nn.Module):
    def __init__(self, patch=96, c=64):
        super().__init__()
        layers = [nn.Conv2d(3, c, 3, padding=1), nn.LeakyReLU(0.2)]
        for i, o, s in [(1, 1, 2), (1, 2, 1), (2, 2, 2), (2, 4, 1), (4, 4, 2), (4, 8, 1), (8, 8, 2)]:
            layers += [nn.Conv2d(c * i, c * o, 3, stride=s, padding=1), nn.BatchNorm2d(c * o), nn.LeakyReLU(0.2)]
        self.features = nn.Sequential(*layers)
        side = patch // 16
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(c * 8 * side * side, 1024), nn.LeakyReLU(0.2), nn.Linear(1024, 1))

    def forward(self, x):
        return self.classifier(self.features(x))


def check(args):
    from safetensors.torch import load_file
    config = json.load(open(os.path.join(args.check, "config.json")))
    options = config.get("options", {})
    scale, blocks, channels = int(options.get("scale", 4)), int(options.get("blocks", 8)), int(options.get("channels", 32))
    G = SRResNet(scale, blocks, channels)
    G.load_state_dict(load_file(os.path.join(args.check, "checkpoints", "generator.safetensors")), strict=True)
    print(f"generator: loaded with strict=True (scale {scale}, {blocks} blocks, {channels} channels)")
    d_path = os.path.join(args.check, "checkpoints", "discriminator.safetensors")
    if os.path.exists(d_path):
        D = SRGANDiscriminator(int(options.get("patch-size", 96)), int(options.get("d-channels", 32)))
        D.load_state_dict(load_file(d_path), strict=True)
        print("discriminator: loaded with strict=True")
    if args.input:
        G.eval()
        with torch.no_grad():
            ours = G(torch.from_numpy(np.load(args.input))).clamp(-1, 1).numpy()
        theirs = np.load(args.output)
        print(f"largest difference to GANKit's upscaling: {np.abs(ours - theirs).max():.3g}")


def speed(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    G = SRResNet(args.scale, args.blocks, args.channels)
    optimizer = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.9, 0.999))
    loss_function = F.mse_loss if args.pixel_loss == "mse" else F.l1_loss
    high = torch.rand(args.batch, 3, args.patch_size, args.patch_size) * 2 - 1
    low = F.avg_pool2d(high, args.scale)
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = loss_function(G(low), high)
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    print(json.dumps({"arch": "srresnet-pytorch", "batch": args.batch, "patch_size": args.patch_size, "threads": args.threads,
                      "steps": args.steps, "images_per_s": round(args.batch * args.steps / seconds, 1), "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--patch-size", type=int, default=48)
    parser.add_argument("--scale", type=int, default=4)
    parser.add_argument("--blocks", type=int, default=8)
    parser.add_argument("--channels", type=int, default=32)
    parser.add_argument("--pixel-loss", choices=["mse", "l1"], default="mse")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--check")
    parser.add_argument("--input")
    parser.add_argument("--output")
    args = parser.parse_args()
    check(args) if args.check else speed(args)
