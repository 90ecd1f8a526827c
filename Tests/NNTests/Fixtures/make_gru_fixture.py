"""Makes gru_reference.safetensors: a torch.nn.GRU(5, 4, batch_first=True) on padded
sequences of lengths 6, 3 and 1 (packed, so each sequence's h_n is its state after its own
length), the gradients of sum(h_n * c) with respect to the weights and the input.
Run from this folder: python3 make_gru_fixture.py"""
import torch
from safetensors.torch import save_file

torch.manual_seed(0)
gru = torch.nn.GRU(5, 4, batch_first=True)
x = torch.randn(3, 6, 5, requires_grad=True)
lengths = torch.tensor([6, 3, 1])
c = torch.randn(3, 4)
packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=True)
outputs, h_n = gru(packed)
outputs, _ = torch.nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True)
loss = (h_n[0] * c).sum()
loss.backward()
tensors = {f"gru.{k}": v.detach().clone() for k, v in gru.state_dict().items()}
tensors.update({
    "x": x.detach().clone(), "c": c, "h_n": h_n[0].detach().clone(), "outputs": outputs.detach().clone(),
    "grad_x": x.grad.clone(),
})
for name, parameter in gru.named_parameters():
    tensors[f"grad.{name}"] = parameter.grad.clone()
save_file({k: v.contiguous() for k, v in tensors.items()}, "gru_reference.safetensors")
print("wrote gru_reference.safetensors", {k: list(v.shape) for k, v in tensors.items()})
