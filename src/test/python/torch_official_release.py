"""Releases one gated MLP block in TaylorMLP's official layout, written independently with PyTorch.

Our own code, following the facts in WeightGames' notes on the authors' module (not its source):
per block, the `select` neurons of smallest calibrated gate range (ascending), p = (min + max) / 2 in
the block's dtype, a random sign per expanded neuron, local_approx_output = W_down[:, j] act(p_j),
fuse_weight[:, j, k-1] = W_down[:, j] act^(k)(p_j) s_j^k WITHOUT 1/k!, discount_factor = log k!,
grad_order_buf = 1..N, the other neurons in the clear as ffn_*; optionally sampled_dim/ffn_dim.

The derivatives come from torch.autograd (repeated differentiation), not from any series recursion,
so the Java attack is checked against an independent computation.

usage: torch_official_release.py ORIGINAL CALIBRATION OUT PREFIX ORDER SELECT ACT DTYPE INDICES SEED
"""
import json
import math
import struct
import sys

import numpy as np
import torch

DT = {"F32": (np.float32, torch.float32), "F64": (np.float64, torch.float64), "I64": (np.int64, torch.int64)}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        a, b = spec["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=DT[spec["dtype"]][0]).reshape(spec["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        if t.dtype == torch.bfloat16:
            raw, dtype = t.contiguous().view(torch.int16).numpy().tobytes(), "BF16"
        elif t.dtype == torch.float16:
            raw, dtype = t.contiguous().numpy().tobytes(), "F16"
        elif t.dtype == torch.int64:
            raw, dtype = t.contiguous().numpy().astype("<i8").tobytes(), "I64"
        else:
            raw, dtype = t.contiguous().to(torch.float32).numpy().astype("<f4").tobytes(), "F32"
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def activation(name):
    if name == "silu":
        return torch.nn.functional.silu
    if name == "gelu":
        return torch.nn.functional.gelu
    return lambda x: torch.nn.functional.gelu(x, approximate="tanh")


def derivatives(act, p, order):
    """act^(k)(p) for k = 1..order, elementwise, by repeated autograd in float64."""
    x = p.detach().to(torch.float64).clone().requires_grad_(True)
    y = act(x)
    out = []
    g = y
    for _ in range(order):
        (g,) = torch.autograd.grad(g.sum(), x, create_graph=True)
        out.append(g.detach())
    return torch.stack(out, dim=-1)  # [S, N]


def main():
    original, calibration, target, prefix, order, select, act_name, dtype, indices, seed = sys.argv[1:11]
    order, select, seed = int(order), int(select), int(seed)
    store = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}[dtype]
    w = read_safetensors(original)
    x = read_safetensors(calibration)["tokens"].to(torch.float64)
    gate = w[prefix + "gate_proj.weight"].to(torch.float64)
    up = w[prefix + "up_proj.weight"].to(torch.float64)
    down = w[prefix + "down_proj.weight"].to(torch.float64)
    pre = x @ gate.T
    lo, hi = pre.min(0).values, pre.max(0).values
    _, order_idx = torch.sort(hi - lo, stable=True)
    sampled, ffn = order_idx[:select], order_idx[select:]
    act = activation(act_name)
    p = ((lo[sampled] + hi[sampled]) / 2).to(store).to(torch.float64)  # the module works in the model's dtype
    gen = torch.Generator().manual_seed(seed)
    sign = (torch.randint(0, 2, (select,), generator=gen) * 2 - 1).to(torch.float64)
    d = derivatives(act, p, order)  # [S, N]
    powers = torch.stack([sign ** k for k in range(1, order + 1)], dim=-1)
    w_s = down[:, sampled]  # [H, S]
    tensors = {
        prefix + "gate_proj_weight": (gate[sampled] * sign[:, None]).to(store),
        prefix + "up_proj_weight": up[sampled].to(store),
        prefix + "local_point": (p * sign).to(store),
        prefix + "local_approx_output": (w_s * act(p)[None, :]).to(store),
        prefix + "fuse_weight": (w_s[:, :, None] * (d * powers)[None, :, :]).to(store),
        prefix + "discount_factor": torch.tensor([math.lgamma(k + 1) for k in range(1, order + 1)]).to(store),
        prefix + "grad_order_buf": torch.arange(1, order + 1, dtype=torch.int64),
        prefix + "ffn_gate_proj_weight": gate[ffn].to(store),
        prefix + "ffn_up_proj_weight": up[ffn].to(store),
        prefix + "ffn_down_proj_weight": down[:, ffn].to(store),
    }
    if indices == "yes":
        tensors[prefix + "sampled_dim"] = sampled.to(torch.int64)
        tensors[prefix + "ffn_dim"] = ffn.to(torch.int64)
    write_safetensors(target, tensors, {"format": "pt", "source": "torch_official_release.py"})
    print("released %d of %d neurons, N = %d, %s, %s" % (select, gate.shape[0], order, act_name, dtype))


if __name__ == "__main__":
    main()
