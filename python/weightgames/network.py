"""A WeightGames network checkpoint (metadata `layers`, `<i>.kind`, `<i>.activation`, tensors
`<i>.<name>`) as a numpy model, and as a PyTorch module where torch is installed."""
import math

import numpy as np

from . import safetensors

FORMAT = "weightgames-network-v1"
_SQRT2 = math.sqrt(2.0)
_TANH_C = math.sqrt(2.0 / math.pi)


def _erf(x):
    try:
        from scipy.special import erf  # noqa: F401  (optional)
        return erf(x)
    except ImportError:
        return np.vectorize(math.erf, otypes=[float])(x)


def activate(name, x):
    """The activation `name` (relu, silu, gelu, gelu-tanh, identity) of a numpy array."""
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "silu":
        return x / (1.0 + np.exp(-x))
    if name == "gelu":
        return 0.5 * x * (1.0 + _erf(x / _SQRT2))
    if name == "gelu-tanh":
        return 0.5 * x * (1.0 + np.tanh(_TANH_C * (x + 0.044715 * x ** 3)))
    if name == "identity":
        return x
    raise ValueError(f"unknown activation '{name}'")


class Network:
    """Layers as dicts: `kind`, `activation` where it has one, and its tensors by name."""

    def __init__(self, layers, architecture=None):
        self.layers = layers
        self.architecture = architecture or {}

    @staticmethod
    def load(path):
        meta, tensors = safetensors.read(path)
        return Network.from_tensors(meta, tensors)

    @staticmethod
    def from_tensors(meta, tensors):
        n = int(meta["layers"])
        layers = []
        for i in range(n):
            layer = {"kind": meta[f"{i}.kind"]}
            for key in ("activation", "size", "spatial", "image", "kernel"):
                if f"{i}.{key}" in meta:
                    layer[key] = meta[f"{i}.{key}"]
            prefix = f"{i}."
            for name, t in tensors.items():
                if name.startswith(prefix):
                    layer[name[len(prefix):]] = np.asarray(t, dtype=np.float64)
            layers.append(layer)
        arch = {k[len("architecture."):]: v for k, v in meta.items() if k.startswith("architecture.")}
        return Network(layers, arch)

    def save(self, path):
        meta = {"layers": str(len(self.layers)), "format": FORMAT}
        tensors = {}
        for i, layer in enumerate(self.layers):
            for k, v in layer.items():
                if isinstance(v, np.ndarray):
                    tensors[f"{i}.{k}"] = v
                else:
                    meta[f"{i}.{k}"] = str(v)
        safetensors.write(path, tensors, meta)

    def forward(self, x):
        x = np.asarray(x, dtype=np.float64)
        for i, layer in enumerate(self.layers):
            x = _forward(i, layer, x)
        return x


def _forward(i, layer, x):
    kind = layer["kind"]
    if kind == "mlp-block":
        h = activate(layer["activation"], x @ layer["V"].T + layer["b"])
        return h @ layer["W"].T + layer["c"]
    if kind == "swiglu-block":
        h = activate(layer.get("activation", "silu"), x @ layer["V_gate"].T) * (x @ layer["V_up"].T)
        return h @ layer["W_down"].T
    if kind == "dense":
        return x @ layer["W"].T + layer["b"]
    if kind == "activation":
        return activate(layer["activation"], x)
    if kind == "batchnorm" and int(layer.get("spatial", 1)) == 1:
        return (x - layer["running_mean"]) / np.sqrt(layer["running_var"] + 1e-5) * layer["gamma"] + layer["beta"]
    raise ValueError(f"layer {i}: kind '{kind}' is not supported by the numpy model (mlp-block, swiglu-block, dense,"
                     " activation and batchnorm are)")


def to_torch(network):
    """The network as a torch.nn.Module (float64), for plugins that run PyTorch."""
    import torch

    class _Act(torch.nn.Module):
        def __init__(self, name):
            super().__init__()
            self.name = name

        def forward(self, x):
            return torch_activate(self.name, x)

    class _Mlp(torch.nn.Module):
        def __init__(self, layer):
            super().__init__()
            self.V = torch.nn.Parameter(torch.tensor(layer["V"]))
            self.b = torch.nn.Parameter(torch.tensor(layer["b"]))
            self.W = torch.nn.Parameter(torch.tensor(layer["W"]))
            self.c = torch.nn.Parameter(torch.tensor(layer["c"]))
            self.act = layer["activation"]

        def forward(self, x):
            return torch_activate(self.act, x @ self.V.T + self.b) @ self.W.T + self.c

    class _SwiGlu(torch.nn.Module):
        def __init__(self, layer):
            super().__init__()
            self.V_gate = torch.nn.Parameter(torch.tensor(layer["V_gate"]))
            self.V_up = torch.nn.Parameter(torch.tensor(layer["V_up"]))
            self.W_down = torch.nn.Parameter(torch.tensor(layer["W_down"]))
            self.act = layer.get("activation", "silu")

        def forward(self, x):
            return (torch_activate(self.act, x @ self.V_gate.T) * (x @ self.V_up.T)) @ self.W_down.T

    modules = []
    for i, layer in enumerate(network.layers):
        kind = layer["kind"]
        if kind == "mlp-block":
            modules.append(_Mlp(layer))
        elif kind == "swiglu-block":
            modules.append(_SwiGlu(layer))
        elif kind == "dense":
            lin = torch.nn.Linear(layer["W"].shape[1], layer["W"].shape[0]).double()
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(layer["W"]))
                lin.bias.copy_(torch.tensor(layer["b"]))
            modules.append(lin)
        elif kind == "activation":
            modules.append(_Act(layer["activation"]))
        elif kind == "batchnorm" and int(layer.get("spatial", 1)) == 1:
            bn = torch.nn.BatchNorm1d(layer["gamma"].shape[0], eps=1e-5).double()
            with torch.no_grad():
                bn.weight.copy_(torch.tensor(layer["gamma"]))
                bn.bias.copy_(torch.tensor(layer["beta"]))
                bn.running_mean.copy_(torch.tensor(layer["running_mean"]))
                bn.running_var.copy_(torch.tensor(layer["running_var"]))
            bn.eval()
            modules.append(bn)
        else:
            raise ValueError(f"layer {i}: kind '{kind}' has no PyTorch counterpart here")
    return torch.nn.Sequential(*modules)


def torch_activate(name, x):
    """The activation `name` of a torch tensor, from torch primitives (differentiable to any order)."""
    import torch
    if name == "relu":
        return torch.relu(x)
    if name == "silu":
        return x * torch.sigmoid(x)
    if name == "gelu":
        return 0.5 * x * (1.0 + torch.erf(x / _SQRT2))
    if name == "gelu-tanh":
        return 0.5 * x * (1.0 + torch.tanh(_TANH_C * (x + 0.044715 * x ** 3)))
    if name == "identity":
        return x
    raise ValueError(f"unknown activation '{name}'")
