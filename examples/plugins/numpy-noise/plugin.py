"""A release scheme in numpy: the network's own tensors plus seeded Gaussian noise, optionally with
each block's hidden units listed in a seeded random order (the same function: with noise 0 every
weight is public, which ext-w's matching judge and ind's deciders must see)."""
import numpy as np

import weightgames as wg


def release(model, calibration, rng, params):
    noise = float(params["noise"])
    permute = str(params["permute"]).lower() == "true"
    artifact, secret = {}, {}
    for i, layer in enumerate(model.layers):
        shown = permuted(layer, rng) if permute else layer
        for name, t in layer.items():
            if isinstance(t, np.ndarray):
                scale = noise * np.sqrt(np.mean(t * t))
                artifact[f"{i}.{name}"] = shown[name] + rng.normal(0.0, 1.0, t.shape) * scale
                secret[f"{i}.{name}"] = t
    meta = {"layers": str(len(model.layers))}
    for i, layer in enumerate(model.layers):
        for k, v in layer.items():
            if not isinstance(v, np.ndarray):
                meta[f"{i}.{k}"] = v
    return wg.Artifact(artifact, meta), secret


# an MLP block's hidden unit j: row j of V (V_gate, V_up) and b, column j of W (W_down)
ROWS = ("V", "b", "V_gate", "V_up")
COLUMNS = ("W", "W_down")


def permuted(layer, rng):
    """The layer with its hidden units in a random order (blocks only; other layers as they are)."""
    hidden = [t for k, t in layer.items() if k in ("V", "V_gate") and isinstance(t, np.ndarray)]
    if not hidden:
        return layer
    order = rng.permutation(hidden[0].shape[0])
    out = dict(layer)
    for k, t in layer.items():
        if isinstance(t, np.ndarray) and k in ROWS:
            out[k] = t[order]
        elif isinstance(t, np.ndarray) and k in COLUMNS:
            out[k] = t[:, order]
    return out


def infer(artifact, inputs):
    return wg.Network.from_tensors(artifact.metadata, artifact.tensors).forward(inputs)


def cost(artifact):
    net = wg.Network.from_tensors(artifact.metadata, artifact.tensors)
    macs = sum(v.size for layer in net.layers for k, v in layer.items() if k in ("V", "W", "V_gate", "V_up", "W_down"))
    return macs, 0


if __name__ == "__main__":
    wg.serve_scheme(release, infer, cost=cost)
