"""A release scheme in numpy: the network's own tensors plus seeded Gaussian noise."""
import numpy as np

import weightgames as wg


def release(model, calibration, rng, params):
    noise = float(params["noise"])
    artifact, secret = {}, {}
    for i, layer in enumerate(model.layers):
        for name, t in layer.items():
            if isinstance(t, np.ndarray):
                scale = noise * np.sqrt(np.mean(t * t))
                artifact[f"{i}.{name}"] = t + rng.normal(0.0, 1.0, t.shape) * scale
                secret[f"{i}.{name}"] = t
    meta = {"layers": str(len(model.layers))}
    for i, layer in enumerate(model.layers):
        for k, v in layer.items():
            if not isinstance(v, np.ndarray):
                meta[f"{i}.{k}"] = v
    return wg.Artifact(artifact, meta), secret


def infer(artifact, inputs):
    return wg.Network.from_tensors(artifact.metadata, artifact.tensors).forward(inputs)


def cost(artifact):
    net = wg.Network.from_tensors(artifact.metadata, artifact.tensors)
    macs = sum(v.size for layer in net.layers for k, v in layer.items() if k in ("V", "W", "V_gate", "V_up", "W_down"))
    return macs, 0


if __name__ == "__main__":
    wg.serve_scheme(release, infer, cost=cost)
