"""PyTorch peer of GANKit's `lapgan` family: the same modules (state_dict keys and layouts), the
same pyramid and the same training step, to compare training speed and to check checkpoints.

  python3 bench/lapgan_peer.py [--steps 30] [--warmup 3] [--batch 64] [--levels 3] [--threads 2]
      trains on Fashion-MNIST and prints images/s through whole LAPGAN steps (every level one D
      step and one G step per batch), as `gankit bench train --model lapgan`, and per level.
  python3 bench/lapgan_peer.py --check RUN [--latent z.npy --samples s.npy]
      loads every checkpoints/levelK_{generator,discriminator}.safetensors of a GANKit run with
      strict=True; with a latent ([N, latentSize] float32, GANKit's layout: z_0 | z_1 | ... | z_K,
      finest first) and GANKit's samples for it (`gankit sample --run RUN --latent z.npy --out
      s.npy`), chains the levels in PyTorch and prints the largest difference.
"""
import argparse, gzip, json, os, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

COARSE_WIDTH, COARSE_EMBEDDING = 600, 16


def binomial(channels):
    taps = torch.tensor([1., 4., 6., 4., 1.]) / 16
    return (taps[:, None] * taps[None, :]).expand(channels, 1, 5, 5).contiguous()


def down(x):
    c, h, w = x.shape[1:]
    inside = F.conv2d(torch.ones(1, 1, h, w), binomial(1), stride=2, padding=2)
    return F.conv2d(x, binomial(c), stride=2, padding=2, groups=c) / inside


def up(x, size):
    c, h = x.shape[1], x.shape[2]
    extra = size - (2 * h - 1)
    inside = F.conv_transpose2d(torch.ones(1, 1, h, x.shape[3]), binomial(1), stride=2, padding=2, output_padding=extra)
    return F.conv_transpose2d(x, binomial(c), stride=2, padding=2, output_padding=extra, groups=c) / inside


class CoarseG(nn.Module):
    def __init__(self, latent, c, s, classes=None):
        super().__init__()
        w = COARSE_WIDTH
        inp = latent + (COARSE_EMBEDDING if classes else 0)
        self.net = nn.Sequential(nn.Linear(inp, w), nn.BatchNorm1d(w), nn.ReLU(), nn.Linear(w, w), nn.BatchNorm1d(w), nn.ReLU(),
                                 nn.Linear(w, c * s * s), nn.Tanh(), nn.Unflatten(1, (c, s, s)))
        if classes: self.label_embedding = nn.Embedding(classes, COARSE_EMBEDDING)

    def forward(self, z, y=None, cond=None):
        return self.net(z if y is None else torch.cat([z, self.label_embedding(y)], 1))


class CoarseD(nn.Module):
    def __init__(self, c, s, classes=None):
        super().__init__()
        w = COARSE_WIDTH
        inp = c * s * s + (COARSE_EMBEDDING if classes else 0)
        self.net = nn.Sequential(nn.Linear(inp, w), nn.LeakyReLU(0.2), nn.Dropout(0.3), nn.Linear(w, w), nn.LeakyReLU(0.2),
                                 nn.Dropout(0.3), nn.Linear(w, 1))
        if classes: self.label_embedding = nn.Embedding(classes, COARSE_EMBEDDING)

    def forward(self, x, y=None, cond=None):
        x = x.flatten(1)
        return self.net(x if y is None else torch.cat([x, self.label_embedding(y)], 1))


class LevelG(nn.Module):
    def __init__(self, c, s, classes=None):
        super().__init__()
        w = 32 if s > 16 else 64
        self.s = s
        self.net = nn.Sequential(nn.Conv2d(c + 1 + (1 if classes else 0), w, 3, 1, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(),
                                 nn.Conv2d(w, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(), nn.Conv2d(w, c, 3, 1, 1))
        if classes: self.label_embedding = nn.Embedding(classes, s * s)

    def forward(self, z, y, cond):
        n, s = z.shape[0], self.s
        planes = [cond, z.view(n, 1, s, s)] + ([] if y is None else [self.label_embedding(y).view(n, 1, s, s)])
        return self.net(torch.cat(planes, 1))


class LevelD(nn.Module):
    def __init__(self, c, s, classes=None):
        super().__init__()
        q = ((s + 1) // 2 + 1) // 2
        self.s = s
        self.net = nn.Sequential(nn.Conv2d(2 * c + (1 if classes else 0), 64, 5, 2, 2), nn.LeakyReLU(0.2), nn.Dropout(0.3),
                                 nn.Conv2d(64, 128, 5, 2, 2), nn.LeakyReLU(0.2), nn.Dropout(0.3), nn.Flatten(),
                                 nn.Linear(128 * q * q, 1))
        if classes: self.label_embedding = nn.Embedding(classes, s * s)

    def forward(self, h, y, cond):
        n, s = h.shape[0], self.s
        planes = [h, cond] + ([] if y is None else [self.label_embedding(y).view(n, 1, s, s)])
        return self.net(torch.cat(planes, 1))


def build(levels, c, size, latent, classes=None):
    sizes = [size]
    while len(sizes) < levels: sizes.append((sizes[-1] + 1) // 2)
    nets = []
    for k, s in enumerate(sizes):
        coarsest = k == levels - 1
        G = CoarseG(latent, c, s, classes) if coarsest else LevelG(c, s, classes)
        D = CoarseD(c, s, classes) if coarsest else LevelD(c, s, classes)
        nets.append((G, D))
    return sizes, nets


def fashion_mnist():
    with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    return torch.tensor(x.astype(np.float32) / 127.5 - 1)


def bench(a):
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    sizes, nets = build(a.levels, 1, 28, 100)
    for G, D in nets:
        for m in list(G.modules()) + list(D.modules()):
            if isinstance(m, (nn.Conv2d, nn.Linear)): nn.init.normal_(m.weight, 0, 0.02)
    opts = [(torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999)), torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999)))
            for G, D in nets]
    x = fashion_mnist()
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(a.batch, 1), torch.zeros(a.batch, 1)
    level_seconds = [0.0] * a.levels
    t0 = time.perf_counter()
    for step in range(a.warmup + a.steps):
        if step == a.warmup: t0 = time.perf_counter(); level_seconds = [0.0] * a.levels
        real = x[torch.randint(0, len(x), (a.batch,))]
        gauss = [real]
        for _ in range(a.levels - 1): gauss.append(down(gauss[-1]))
        for k in reversed(range(a.levels)):
            start = time.perf_counter()
            G, D = nets[k]; optG, optD = opts[k]
            if k == a.levels - 1: sample, cond, z = gauss[k], None, torch.randn(a.batch, 100)
            else:
                cond = up(gauss[k + 1], sizes[k]); sample = gauss[k] - cond; z = torch.randn(a.batch, sizes[k] ** 2)
            fake = G(z, None, cond)
            both = D(torch.cat([sample, fake.detach()]), None, None if cond is None else torch.cat([cond, cond]))
            lossD = bce(both[:a.batch], ones) + bce(both[a.batch:], zeros)
            optD.zero_grad(); lossD.backward(); optD.step()
            lossG = bce(D(fake, None, cond), ones)
            optG.zero_grad(); lossG.backward(); optG.step()
            level_seconds[k] += time.perf_counter() - start
    dt = time.perf_counter() - t0
    print(json.dumps(dict(arch="lapgan-pytorch", batch=a.batch, steps=a.steps, images_per_s=a.batch * a.steps / dt, seconds=dt,
                          level_images_per_s=[a.batch * a.steps / s for s in level_seconds])))


def check(a):
    from safetensors.torch import load_file
    config = json.load(open(os.path.join(a.check, "config.json")))
    options = config.get("options", {})
    levels = int(options.get("levels", 3))
    classes = config.get("classCount") if options.get("class-conditional") == "true" else None
    c, size = config["sampleShape"][0], config["sampleShape"][1]
    sizes, nets = build(levels, c, size, config["latentSize"], classes)
    for k, (G, D) in enumerate(nets):
        for name, net in (("generator", G), ("discriminator", D)):
            path = os.path.join(a.check, "checkpoints", f"level{k}_{name}.safetensors")
            net.load_state_dict(load_file(path), strict=True)
            net.eval()
    print(f"loaded {2 * levels} networks with strict=True")
    if not a.latent: return
    z = torch.tensor(np.load(a.latent))
    y = torch.tensor(np.load(a.labels)).long() if a.labels else None
    widths = [s * s for s in sizes[:-1]] + [config["latentSize"]]
    parts = torch.split(z, widths, dim=1)
    with torch.no_grad():
        image = nets[-1][0](parts[-1], y, None).clamp(-1, 1)
        for k in reversed(range(levels - 1)):
            low = up(image, sizes[k])
            image = (low + nets[k][0](parts[k], y, low)).clamp(-1, 1)
    theirs = torch.tensor(np.load(a.samples))
    print(f"largest difference from GANKit's samples: {(image - theirs).abs().max().item():.2e}")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=30); p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--batch", type=int, default=64); p.add_argument("--levels", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--check"); p.add_argument("--latent"); p.add_argument("--samples"); p.add_argument("--labels")
    a = p.parse_args()
    check(a) if a.check else bench(a)
