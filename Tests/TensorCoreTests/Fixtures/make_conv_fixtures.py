"""Writes conv_fixtures.json: conv2d / conv_transpose2d forward results computed by direct loops in
NumPy (float64), independent of GANKit's im2col path. Run: python3 make_conv_fixtures.py"""
import json, numpy as np

rng = np.random.default_rng(2026)

def conv2d(x, w, b, stride, padding, dilation, groups):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    og = o // groups
    oh = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    ow = (wd + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    y = np.zeros((n, o, oh, ow))
    for oc in range(o):
        g = oc // og
        for i in range(oh):
            for j in range(ow):
                patch = xp[:, g * cg:(g + 1) * cg, i * stride:i * stride + dilation * (kh - 1) + 1:dilation,
                           j * stride:j * stride + dilation * (kw - 1) + 1:dilation]
                y[:, oc, i, j] = (patch * w[oc]).sum(axis=(1, 2, 3))
    return y + (b[None, :, None, None] if b is not None else 0)

def conv_transpose2d(x, w, b, stride, padding, output_padding, dilation, groups):
    """Scatter form: each input pixel adds weight * value into the output (PyTorch semantics)."""
    n, cin, h, wd = x.shape
    _, og, kh, kw = w.shape
    cg = cin // groups
    oh = (h - 1) * stride - 2 * padding + dilation * (kh - 1) + output_padding + 1
    ow = (wd - 1) * stride - 2 * padding + dilation * (kw - 1) + output_padding + 1
    full = np.zeros((n, og * groups, oh + 2 * padding + stride + dilation * kh, ow + 2 * padding + stride + dilation * kw))
    for ic in range(cin):
        g = ic // cg
        for i in range(h):
            for j in range(wd):
                for ki in range(kh):
                    for kj in range(kw):
                        full[:, g * og:(g + 1) * og, i * stride + ki * dilation, j * stride + kj * dilation] += \
                            x[:, ic, i, j][:, None] * w[ic, :, ki, kj][None, :]
    y = full[:, :, padding:padding + oh, padding:padding + ow]
    return y + (b[None, :, None, None] if b is not None else 0)

def r(*shape):
    return rng.standard_normal(shape).round(4)

cases = []
for (xs, ws, s, p, d, g, bias) in [((2, 3, 7, 6), (4, 3, 3, 3), 1, 1, 1, 1, True), ((1, 4, 8, 8), (6, 2, 3, 3), 2, 1, 1, 2, False),
                                   ((1, 2, 9, 9), (3, 2, 3, 3), 1, 2, 2, 1, True), ((2, 1, 28, 28), (4, 1, 5, 5), 2, 2, 1, 1, True)]:
    x, w = r(*xs), r(*ws)
    b = r(ws[0]) if bias else None
    cases.append(dict(op="conv2d", input=x.ravel().tolist(), inputShape=list(xs), weight=w.ravel().tolist(), weightShape=list(ws),
                      bias=None if b is None else b.tolist(), stride=s, padding=p, dilation=d, groups=g, outputPadding=0,
                      output=conv2d(x, w, b, s, p, d, g).ravel().tolist(), outputShape=list(conv2d(x, w, b, s, p, d, g).shape)))
for (xs, ws, s, p, op, d, g, bias) in [((2, 3, 4, 3), (3, 2, 3, 3), 1, 0, 0, 1, 1, True), ((1, 4, 7, 7), (4, 3, 5, 5), 2, 2, 1, 1, 1, False),
                                       ((1, 4, 3, 3), (4, 2, 3, 3), 2, 1, 1, 1, 2, True), ((1, 2, 4, 4), (2, 3, 3, 3), 1, 1, 0, 2, 1, False)]:
    x, w = r(*xs), r(*ws)
    b = r(ws[1] * g) if bias else None
    y = conv_transpose2d(x, w, b, s, p, op, d, g)
    cases.append(dict(op="convTranspose2d", input=x.ravel().tolist(), inputShape=list(xs), weight=w.ravel().tolist(), weightShape=list(ws),
                      bias=None if b is None else b.tolist(), stride=s, padding=p, dilation=d, groups=g, outputPadding=op,
                      output=y.ravel().tolist(), outputShape=list(y.shape)))
with open("conv_fixtures.json", "w") as f:
    json.dump(cases, f)
print(f"wrote {len(cases)} cases")
