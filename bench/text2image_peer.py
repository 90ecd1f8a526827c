"""The PyTorch peer of `gankit train text2image`: the same networks (module names and layouts
as GANKit's checkpoints) and the same GAN-CLS + GAN-INT step, for speed comparisons and
checkpoint checks.

  python3 bench/text2image_peer.py --steps 30 --threads 2       # GAN-CLS step images/s as JSON (random data)
                                   [--projection-term]         # D with the projection term
  python3 bench/text2image_peer.py --check runs/text2image      # load every checkpoint with strict=True,
                                                                # draw "a dark ankle boot" into t2i_check.npy
"""
import argparse, json, time
import torch, torch.nn as nn, torch.nn.functional as F
from safetensors.torch import load_file


class TextEncoder(nn.Module):
    def __init__(self, vocabulary, words=64, hidden=128, out=128):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, words)
        self.gru = nn.GRU(words, hidden, batch_first=True)
        self.projection = nn.Linear(hidden, out)

    def forward(self, ids, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(ids), lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        return F.normalize(self.projection(h[0]), dim=1, eps=1e-8)


class ImageEncoder(nn.Module):
    def __init__(self, channels=1, out=128):
        super().__init__()
        self.main = nn.Sequential(nn.Conv2d(channels, 32, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(32, 64, 4, 2, 1), nn.LeakyReLU(0.2),
                                  nn.Flatten(), nn.Linear(64 * 7 * 7, out))

    def forward(self, x):
        return F.normalize(self.main(x), dim=1, eps=1e-8)


class Generator(nn.Module):
    def __init__(self, latent=100, text=128, projected=128, width=128, channels=1):
        super().__init__()
        self.projection = nn.Linear(text, projected)
        w = width
        self.main = nn.Sequential(nn.Linear(latent + projected, 7 * 7 * w, bias=False), nn.BatchNorm1d(7 * 7 * w), nn.LeakyReLU(0.2),
                                  nn.Unflatten(1, (w, 7, 7)),
                                  nn.ConvTranspose2d(w, w // 2, 5, 1, 2, bias=False), nn.BatchNorm2d(w // 2), nn.LeakyReLU(0.2),
                                  nn.ConvTranspose2d(w // 2, w // 4, 5, 2, 2, output_padding=1, bias=False), nn.BatchNorm2d(w // 4), nn.LeakyReLU(0.2),
                                  nn.ConvTranspose2d(w // 4, channels, 5, 2, 2, output_padding=1, bias=False), nn.Tanh())

    def forward(self, z, t):
        return self.main(torch.cat([z, F.leaky_relu(self.projection(t), 0.2)], 1))


class Discriminator(nn.Module):
    def __init__(self, channels=1, text=128, projected=128, projection_term=False):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(channels, 64, 5, 2, 2), nn.LeakyReLU(0.2), nn.Dropout(0.3),
                                      nn.Conv2d(64, 128, 5, 2, 2), nn.LeakyReLU(0.2), nn.Dropout(0.3))
        self.projection = nn.Linear(text, projected)
        self.joint = nn.Sequential(nn.Conv2d(128 + projected, 128, 1), nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
        # --projection-term (Miyato & Koyama 2018): plus <embed(t), flattened features>.
        self.embed = nn.Linear(text, 128 * 7 * 7, bias=False) if projection_term else None

    def judge(self, maps, t):
        p = F.leaky_relu(self.projection(t), 0.2)[:, :, None, None].expand(-1, -1, maps.shape[2], maps.shape[3])
        logit = self.joint(torch.cat([maps, p], 1))
        if self.embed is not None:
            logit = logit + (self.embed(t) * maps.flatten(1)).sum(1, keepdim=True)
        return logit


def check(run):
    import re
    words = json.load(open(f"{run}/checkpoints/vocabulary.json"))["words"]
    config = json.load(open(f"{run}/config.json"))
    options = config.get("options", {})
    width = int(options.get("generator-width", 128))
    projection_term = options.get("projection-term", "false") == "true"
    networks = {"text_encoder": TextEncoder(len(words)), "image_encoder": ImageEncoder(), "generator": Generator(width=width),
                "discriminator": Discriminator(projection_term=projection_term)}
    for name, module in networks.items():
        module.load_state_dict(load_file(f"{run}/checkpoints/{name}.safetensors"), strict=True)
        module.eval()
        print(f"{name}: loaded with strict=True ({sum(p.numel() for p in module.parameters())} parameters)")
    index = {w: i for i, w in enumerate(words)}
    ids = [index.get(w, 1) for w in re.findall(r"[a-z0-9'-]+", "a dark ankle boot")]
    with torch.no_grad():
        t = networks["text_encoder"](torch.tensor([ids] * 8), torch.tensor([len(ids)] * 8))
        x = networks["generator"](torch.randn(8, 100), t)
    import numpy as np
    np.save("t2i_check.npy", x.numpy())
    print("wrote t2i_check.npy", tuple(x.shape), "(view with: gankit eval --samples t2i_check.npy)")


def bench(steps, threads, batch=64, projection_term=False):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    G, D = Generator(), Discriminator(projection_term=projection_term)
    optG = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    real = torch.rand(batch, 1, 28, 28) * 2 - 1
    text = F.normalize(torch.randn(batch, 128), dim=1)
    bce = F.binary_cross_entropy_with_logits
    times = []
    for step in range(steps):
        start = time.perf_counter()
        wrong, interpolated = text.roll(-1, 0), (text + text.roll(-2, 0)) / 2
        conditions = torch.cat([text, interpolated])
        fakes = G(torch.randn(2 * batch, 100), conditions)
        maps = D.features(torch.cat([real, fakes[:batch].detach()]))
        scores = D.judge(torch.cat([maps[:batch], maps[:batch], maps[batch:]]), torch.cat([text, wrong, text]))
        lossD = bce(scores[:batch], torch.ones(batch, 1)) + bce(scores[batch:], torch.zeros(2 * batch, 1))
        optD.zero_grad(); lossD.backward(); optD.step()
        lossG = bce(D.judge(D.features(fakes), conditions), torch.ones(2 * batch, 1))
        optG.zero_grad(); lossG.backward(); optG.step()
        times.append(time.perf_counter() - start)
    median = sorted(times[3:])[len(times[3:]) // 2]
    print(json.dumps({"model": "text2image", "batch": batch, "threads": threads, "imagesPerSecond": batch / median}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--check")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--projection-term", action="store_true")
    arguments = parser.parse_args()
    check(arguments.check) if arguments.check else bench(arguments.steps, arguments.threads, projection_term=arguments.projection_term)
