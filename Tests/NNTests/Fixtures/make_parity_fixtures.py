"""PyTorch reference for GANKit's NN layer: the DESIGN.md `dcgan` G and D (Dropout set to p=0 so
train-mode outputs are deterministic), fixed weights and inputs.

  python make_parity_fixtures.py                    # writes dcgan_*.safetensors here
  python make_parity_fixtures.py --check G.safetensors D.safetensors
      # loads checkpoints written by GANKit into the same nn.Sequential with strict=True and
      # prints their outputs on the fixture inputs

Needs torch and safetensors (pip)."""
import sys, torch, torch.nn as nn
from safetensors.torch import save_file, load_file

torch.manual_seed(2026)
Z = 100

def dcgan():
    G = nn.Sequential(nn.Linear(Z, 7 * 7 * 256, bias=False), nn.BatchNorm1d(7 * 7 * 256), nn.LeakyReLU(0.2),
                      nn.Unflatten(1, (256, 7, 7)),
                      nn.ConvTranspose2d(256, 128, 5, 1, 2, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
                      nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1, bias=False), nn.BatchNorm2d(64), nn.LeakyReLU(0.2),
                      nn.ConvTranspose2d(64, 1, 5, 2, 2, output_padding=1, bias=False), nn.Tanh())
    D = nn.Sequential(nn.Conv2d(1, 64, 5, 2, 2), nn.LeakyReLU(0.2), nn.Dropout(0.0),
                      nn.Conv2d(64, 128, 5, 2, 2), nn.LeakyReLU(0.2), nn.Dropout(0.0),
                      nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
    return G, D

def contiguous(d):
    return {k: v.detach().contiguous().clone() for k, v in d.items()}

if len(sys.argv) > 1 and sys.argv[1] == "--check":
    G, D = dcgan()
    G.load_state_dict(load_file(sys.argv[2]), strict=True)
    D.load_state_dict(load_file(sys.argv[3]), strict=True)
    G.eval(); D.eval()
    inputs = load_file("dcgan_inputs.safetensors")
    with torch.no_grad():
        print("G(z) eval first values:", G(inputs["z"]).flatten()[:6].tolist())
        print("D(x) eval:", D(inputs["x"]).flatten().tolist())
    print("loaded with strict=True")
    sys.exit(0)

G, D = dcgan()
for m in list(G.modules()) + list(D.modules()):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(m.weight, 0, 0.02)
    if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):  # non-trivial affine parameters
        nn.init.uniform_(m.weight, 0.5, 1.5); nn.init.uniform_(m.bias, -0.1, 0.1)
G0, D0 = contiguous(G.state_dict()), contiguous(D.state_dict())
save_file(G0, "dcgan_G_initial.safetensors", metadata={"written_by": "PyTorch " + torch.__version__})
save_file(D0, "dcgan_D_initial.safetensors", metadata={"written_by": "PyTorch " + torch.__version__})

z = torch.randn(8, Z); x = torch.rand(8, 1, 28, 28) * 2 - 1
save_file({"z": z, "x": x}, "dcgan_inputs.safetensors")
bce = nn.BCEWithLogitsLoss(); ones = torch.ones(8, 1); zeros = torch.zeros(8, 1)

out = {}
G.train()
with torch.no_grad():
    out["G_train"] = G(z)
out.update({"G_after_train_forward." + k: v for k, v in contiguous(G.state_dict()).items() if "running" in k or "num_batches" in k})
G.eval(); D.eval()
with torch.no_grad():
    out["G_eval"] = G(z); out["D_eval"] = D(x)
D.train()
with torch.no_grad():
    out["D_train"] = D(x)

# Gradients of the two DCGAN losses from the initial weights.
G.load_state_dict(G0); D.load_state_dict(D0); G.train(); D.train()
lossD = bce(D(x), ones) + bce(D(G(z).detach()), zeros)
D.zero_grad(); lossD.backward()
out["lossD"] = lossD.detach().reshape(1)
out.update({"gradD." + k: p.grad.clone() for k, p in D.named_parameters()})
G.load_state_dict(G0)
lossG = bce(D(G(z)), ones)
G.zero_grad(); lossG.backward()
out["lossG"] = lossG.detach().reshape(1)
out.update({"gradG." + k: p.grad.clone() for k, p in G.named_parameters()})

# Three alternating Adam steps from the initial weights.
G.load_state_dict(G0); D.load_state_dict(D0); G.train(); D.train()
optG = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
optD = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
for step in range(3):
    fake = G(z)
    lossD = bce(D(x), ones) + bce(D(fake.detach()), zeros)
    optD.zero_grad(); lossD.backward(); optD.step()
    lossG = bce(D(fake), ones)
    optG.zero_grad(); lossG.backward(); optG.step()
out.update({"adamG." + k: v for k, v in contiguous(G.state_dict()).items()})
out.update({"adamD." + k: v for k, v in contiguous(D.state_dict()).items()})
save_file(contiguous(out), "dcgan_reference.safetensors", metadata={"written_by": "PyTorch " + torch.__version__})
print("wrote dcgan_G_initial, dcgan_D_initial, dcgan_inputs, dcgan_reference")

# Optimizer rules on one parameter with a fixed sequence of gradients.
p0 = torch.linspace(-1, 1, 6).reshape(2, 3)
grads = [torch.sin(torch.arange(6.0) * (k + 1)).reshape(2, 3) for k in range(4)]
optimizers = {
    "sgd_momentum_nesterov": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "sgd_dampening": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.8, dampening=0.3),
    "adam_l2": lambda p: torch.optim.Adam([p], lr=0.01, betas=(0.5, 0.999), weight_decay=0.1),
    "adamw": lambda p: torch.optim.AdamW([p], lr=0.01, weight_decay=0.1),
    "rmsprop_centered_momentum": lambda p: torch.optim.RMSprop([p], lr=0.01, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.01),
    "rmsprop": lambda p: torch.optim.RMSprop([p], lr=0.01),
}
results = {"initial": p0}
for name, make in optimizers.items():
    p = p0.clone().requires_grad_(True); opt = make(p)
    for g in grads:
        p.grad = g.clone(); opt.step()
    results[name] = p.detach().clone()
for k, g in enumerate(grads):
    results[f"gradient{k}"] = g
save_file(contiguous(results), "optimizers_reference.safetensors")
print("wrote optimizers_reference")
