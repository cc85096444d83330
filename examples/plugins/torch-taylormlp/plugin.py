"""TaylorMLP (arXiv 2410.05331) in PyTorch, written from the paper and the official code's
choices, independently of WeightGames' Java implementation: derivatives of the activation come
from autograd (not from a recursion), the radius of convergence from the activation's complex
poles. Releases in WeightGames' TaylorMLP layout (metadata layout=taylormlp), so the Java attacks
on that layout play against it.

Per expanded neuron j: calibrate the pre-activation's range [lo_j, hi_j], expand at its midpoint
p_j (plus the bias b_j for a plain block), draw a secret sign s_j, and release
theta_n[:, j] = s_j^n W[:, j] act^(n)(a_j) / n! for n = 1..N, V's row j times s_j and p'_j = s_j p_j.
"""
import math

import numpy as np
import torch

import weightgames as wg

torch.set_num_threads(1)


def derivatives(act, a, order):
    """act^(n)(a) / n! for n = 0..order, by repeated autograd, [order + 1, len(a)]."""
    x = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    y = wg.torch_activate(act, x)
    out = [y.detach().numpy().copy()]
    g = y
    for n in range(1, order + 1):
        (g,) = torch.autograd.grad(g.sum(), x, create_graph=n < order)
        out.append(g.detach().numpy().copy() / math.factorial(n))
    return np.stack(out)


def radius(act, a):
    """Distance from a to the nearest complex singularity of act (inf for an entire function)."""
    if act == "silu":  # sigmoid's poles at i*pi*(2k+1)
        return math.sqrt(a * a + math.pi ** 2)
    if act == "gelu-tanh":  # tanh(c(z + 0.044715 z^3)) has poles where c(z + 0.044715 z^3) = i*pi*(k + 1/2)
        c = math.sqrt(2 / math.pi)
        best = math.inf
        for k in range(-8, 8):
            w = 1j * math.pi * (k + 0.5) / c
            for z in np.roots([0.044715, 0.0, 1.0, -w]):
                best = min(best, abs(z - a))
        return best
    if act in ("gelu", "identity"):
        return math.inf
    raise wg.PluginError(f"activation '{act}' has no Taylor series (it is not analytic)")


def choose(pre, bias, act, params, layer, meta):
    lo, hi = pre.min(axis=0), pre.max(axis=0)
    h = pre.shape[1]
    by_range = sorted(range(h), key=lambda j: (hi[j] - lo[j], j))
    want = h if params["select"] == "all" else max(1, int(math.floor(float(params["fraction"]) * h + 0.5)))
    chosen, outside = [], 0
    for j in by_range[:want]:
        a = 0.5 * (lo[j] + hi[j]) + bias[j]
        if 0.5 * (hi[j] - lo[j]) >= float(params["radius"]) * radius(act, a):
            outside += 1
            if params["divergence"] == "fail":
                raise wg.PluginError(f"neuron {j} of layer {layer} has a calibrated range beyond the radius of convergence")
            if params["divergence"] == "plaintext":
                continue
        chosen.append(j)
    if not chosen:
        raise wg.PluginError(f"no neuron of layer {layer} can be expanded within the radius of convergence")
    meta[f"{layer}.outside_radius"] = str(outside)
    return np.array(sorted(chosen)), lo, hi


def release(model, calibration, rng, params):
    order = int(params["order"])
    flip = str(params["sign-flip"]).lower() == "true"
    x = torch.tensor(calibration.features, dtype=torch.float64)
    modules = wg.to_torch(model)
    tensors, secret = {}, {}
    meta = {"layers": str(len(model.layers)), "order": str(order), "layout": "taylormlp"}
    for i, layer in enumerate(model.layers):
        kind = layer["kind"]
        if kind not in ("mlp-block", "swiglu-block"):
            raise wg.PluginError(f"layer {i} is {kind}; TaylorMLP protects MLP blocks")
        gated = kind == "swiglu-block"
        act = layer.get("activation", "silu")
        v = layer["V_gate"] if gated else layer["V"]
        bias = np.zeros(v.shape[0]) if gated else layer["b"]
        pre = (x @ torch.tensor(v).T).numpy()
        s_idx, lo, hi = choose(pre, bias, act, params, i, meta)
        p_idx = np.setdiff1d(np.arange(v.shape[0]), s_idx)
        k = len(s_idx)
        sign = np.where(rng.random(k) < 0.5, -1.0, 1.0) if flip else np.ones(k)
        p = 0.5 * (lo[s_idx] + hi[s_idx])
        kappa = derivatives(act, p + bias[s_idx], order) * sign[None, :] ** np.arange(order + 1)[:, None]
        w = layer["W_down"] if gated else layer["W"]
        w_s = w[:, s_idx]
        v_released = v.copy()
        v_released[s_idx] *= sign[:, None]
        tensors[f"{i}.{'V_gate' if gated else 'V'}"] = v_released
        if gated:
            tensors[f"{i}.V_up"] = layer["V_up"].copy()
        tensors[f"{i}.expanded"] = s_idx.astype(np.float64)
        tensors[f"{i}.p"] = sign * p
        for n in range(order + 1):
            tensors[f"{i}.theta.{n}"] = w_s * kappa[n][None, :]
        if not gated:
            tensors[f"{i}.theta.0"] = layer["c"] + (w_s * kappa[0][None, :]).sum(axis=1)
        if len(p_idx):
            tensors[f"{i}.{'W_down_plain' if gated else 'W_plain'}"] = w[:, p_idx].copy()
            if not gated:
                tensors[f"{i}.b_plain"] = layer["b"][p_idx].copy()
        meta[f"{i}.kind"] = "taylor-swiglu" if gated else "taylor-mlp"
        meta[f"{i}.activation"] = act
        meta[f"{i}.expanded"] = str(k)
        if gated:
            secret[f"{i}.W_down[S]"] = w_s.copy()
        else:
            secret[f"{i}.W[S]"] = w_s.copy()
            secret[f"{i}.b[S]"] = layer["b"][s_idx].copy()
            secret[f"{i}.c"] = layer["c"].copy()
        x = modules[i](x).detach()
    return wg.Artifact(tensors, meta), secret


def _blocks(artifact):
    order = int(artifact.metadata["order"])
    for i in range(int(artifact.metadata["layers"])):
        gated = artifact.metadata[f"{i}.kind"] == "taylor-swiglu"
        t = {k[len(f"{i}."):]: torch.tensor(v) for k, v in artifact.tensors.items() if k.startswith(f"{i}.")}
        s_idx = t["expanded"].long()
        yield i, gated, artifact.metadata[f"{i}.activation"], order, t, s_idx


def infer(artifact, inputs):
    x = torch.tensor(inputs, dtype=torch.float64)
    with torch.no_grad():
        for i, gated, act, order, t, s_idx in _blocks(artifact):
            v = t["V_gate"] if gated else t["V"]
            mask = torch.ones(v.shape[0], dtype=torch.bool)
            mask[s_idx] = False
            u = x @ v[s_idx].T - t["p"]
            if gated:
                up = x @ t["V_up"].T
                y = torch.zeros(x.shape[0], t["theta.0"].shape[0], dtype=torch.float64)
                power = up[:, s_idx]
                for n in range(order + 1):
                    y = y + power @ t[f"theta.{n}"].T
                    power = power * u
                if mask.any():
                    y = y + (wg.torch_activate(act, x @ v[mask].T) * up[:, mask]) @ t["W_down_plain"].T
            else:
                y = t["theta.0"].expand(x.shape[0], -1).clone()
                power = torch.ones_like(u)
                for n in range(1, order + 1):
                    power = power * u
                    y = y + power @ t[f"theta.{n}"].T
                if mask.any():
                    y = y + wg.torch_activate(act, x @ v[mask].T + t["b_plain"]) @ t["W_plain"].T
            x = y
    return x.numpy()


def cost(artifact):
    """Multiply-accumulates and elementwise operations per row, counted as WeightGames counts them."""
    macs, elementwise = 0, 0
    for i, gated, act, order, t, s_idx in _blocks(artifact):
        v = t["V_gate"] if gated else t["V"]
        k, h, out = len(s_idx), v.shape[0], t["theta.1"].shape[0]
        macs += k * v.shape[1] * (2 if gated else 1) + sum(t[f"theta.{n}"].numel() for n in range(0 if gated else 1, order + 1))
        if h > k:
            macs += (h - k) * v.shape[1] * (2 if gated else 1) + (h - k) * out
        elementwise += 2 * k * order + (2 * (h - k) if h > k else 0) + out
    return macs, elementwise


if __name__ == "__main__":
    wg.serve_scheme(release, infer, cost=cost)
