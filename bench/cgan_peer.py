"""The PyTorch peer of `gankit train cgan`: the same networks (module names and layouts as
GANKit's checkpoints), trained the same way, for speed comparisons and checkpoint checks.

  python3 bench/cgan_peer.py --conditioning projection --steps 220 --threads 2   # images/s as JSON
  python3 bench/cgan_peer.py --conditioning projection --check runs/cgan         # load GANKit's checkpoints

Fashion-MNIST is read from /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist).
"""
import argparse, gzip, json, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

Z, CLASSES = 100, 10


def dcgan_generator(latent, channels=1):
    return nn.Sequential(nn.Linear(latent, 7 * 7 * 256, bias=False), nn.BatchNorm1d(7 * 7 * 256), nn.LeakyReLU(0.2),
                         nn.Unflatten(1, (256, 7, 7)),
                         nn.ConvTranspose2d(256, 128, 5, 1, 2, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
                         nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1, bias=False), nn.BatchNorm2d(64), nn.LeakyReLU(0.2),
                         nn.ConvTranspose2d(64, channels, 5, 2, 2, output_padding=1, bias=False), nn.Tanh())


class EmbeddingConcatGenerator(nn.Module):
    def __init__(self, latent=Z, classes=CLASSES, embedding=50, channels=1):
        super().__init__()
        self.embedding = nn.Embedding(classes, embedding)
        self.main = dcgan_generator(latent + embedding, channels)

    def forward(self, z, y):
        return self.main(torch.cat([z, self.embedding(y)], 1))


class ConditionalBatchNorm(nn.Module):
    def __init__(self, features, classes, spatial):
        super().__init__()
        self.features = features
        self.bn = (nn.BatchNorm2d if spatial else nn.BatchNorm1d)(features, affine=False)
        self.embed = nn.Embedding(classes, 2 * features)
        with torch.no_grad():
            self.embed.weight[:, :features] = 1
            self.embed.weight[:, features:] = 0

    def forward(self, x, y):
        scale, shift = self.embed(y).chunk(2, 1)
        shape = (x.shape[0], self.features) + (1,) * (x.dim() - 2)
        return self.bn(x) * scale.view(shape) + shift.view(shape)


class ConditionalBatchNormGenerator(nn.Module):
    def __init__(self, latent=Z, classes=CLASSES, channels=1):
        super().__init__()
        self.linear = nn.Linear(latent, 7 * 7 * 256, bias=False)
        self.bn0 = ConditionalBatchNorm(7 * 7 * 256, classes, False)
        self.deconv1 = nn.ConvTranspose2d(256, 128, 5, 1, 2, bias=False)
        self.bn1 = ConditionalBatchNorm(128, classes, True)
        self.deconv2 = nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1, bias=False)
        self.bn2 = ConditionalBatchNorm(64, classes, True)
        self.deconv3 = nn.ConvTranspose2d(64, channels, 5, 2, 2, output_padding=1, bias=False)

    def forward(self, z, y):
        x = F.leaky_relu(self.bn0(self.linear(z), y), 0.2).view(-1, 256, 7, 7)
        x = F.leaky_relu(self.bn1(self.deconv1(x), y), 0.2)
        x = F.leaky_relu(self.bn2(self.deconv2(x), y), 0.2)
        return torch.tanh(self.deconv3(x))


class ConditionalDiscriminator(nn.Module):
    def __init__(self, conditioning, classes=CLASSES, channels=1):
        super().__init__()
        self.conditioning = conditioning
        extra = 1 if conditioning == "concat" else 0
        self.features = nn.Sequential(nn.Conv2d(channels + extra, 64, 5, 2, 2), nn.LeakyReLU(0.2), nn.Dropout(0.3),
                                      nn.Conv2d(64, 128, 5, 2, 2), nn.LeakyReLU(0.2), nn.Dropout(0.3), nn.Flatten())
        self.head = nn.Linear(128 * 7 * 7, 1)
        if conditioning == "concat":
            self.embedding = nn.Embedding(classes, 28 * 28)
        elif conditioning == "projection":
            self.embedding = nn.Embedding(classes, 128 * 7 * 7)
        else:
            self.classifier = nn.Linear(128 * 7 * 7, classes)

    def forward(self, x, y):
        if self.conditioning == "concat":
            return self.head(self.features(torch.cat([x, self.embedding(y).view(-1, 1, 28, 28)], 1))), None
        phi = self.features(x)
        if self.conditioning == "projection":
            return self.head(phi) + (self.embedding(y) * phi).sum(1, keepdim=True), None
        return self.head(phi), self.classifier(phi)


def networks(conditioning):
    G = ConditionalBatchNormGenerator() if conditioning == "projection" else EmbeddingConcatGenerator()
    D = ConditionalDiscriminator(conditioning)
    for m in list(G.modules()) + list(D.modules()):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0, 0.02)
    return G, D


def load_fashion_mnist(folder="/usr/share/datasets/fashion-mnist"):
    with gzip.open(f"{folder}/train-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 127.5 - 1
    with gzip.open(f"{folder}/train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return torch.tensor(x), torch.tensor(y)


def check(run, conditioning):
    from safetensors.torch import load_file
    G, D = networks(conditioning)
    G.load_state_dict(load_file(f"{run}/checkpoints/generator.safetensors"), strict=True)
    D.load_state_dict(load_file(f"{run}/checkpoints/discriminator.safetensors"), strict=True)
    G.eval()
    with torch.no_grad():
        samples = G(torch.randn(10, Z), torch.arange(10))
    print(json.dumps(dict(loaded=run, strict=True, samples=list(samples.shape))))


def benchmark(a):
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    G, D = networks(a.conditioning)
    optG = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    x, y = load_fashion_mnist()
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(a.batch, 1), torch.zeros(a.batch, 1)
    t0, seen, perm, pos = time.perf_counter(), 0, torch.randperm(len(x)), 0
    for step in range(a.steps):
        if pos + a.batch > len(x):
            perm, pos = torch.randperm(len(x)), 0
        index = perm[pos:pos + a.batch]
        pos += a.batch
        real, labels = x[index], y[index]
        fake = G(torch.randn(a.batch, Z), labels)
        # One batch through D, as GANKit does for a BatchNorm-free D.
        scores, classes = D(torch.cat([real, fake.detach()]), torch.cat([labels, labels]))
        lossD = bce(scores[:a.batch], ones) + bce(scores[a.batch:], zeros)
        if classes is not None:
            lossD = lossD + F.cross_entropy(classes[:a.batch], labels) + F.cross_entropy(classes[a.batch:], labels)
        optD.zero_grad(); lossD.backward(); optD.step()
        scores, classes = D(fake, labels)
        lossG = bce(scores, ones) + (F.cross_entropy(classes, labels) if classes is not None else 0)
        optG.zero_grad(); lossG.backward(); optG.step()
        seen += a.batch
        if step == 19:
            t0, seen = time.perf_counter(), 0  # warm-up excluded
    dt = time.perf_counter() - t0
    print(json.dumps(dict(arch="cgan-" + a.conditioning, batch=a.batch, steps=a.steps, images_per_s=seen / dt, seconds=dt)))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--conditioning", default="projection", choices=["concat", "projection", "acgan"])
    p.add_argument("--steps", type=int, default=220)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--check", help="a GANKit cgan run folder whose checkpoints to load with strict=True")
    a = p.parse_args()
    check(a.check, a.conditioning) if a.check else benchmark(a)
