"""Tests of the WeightGames Python package: safetensors round trips, the numpy network against
hand-computed values, the PyTorch module against the numpy network, and a scheme's protocol loop."""
import io
import json
import os
import struct
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import weightgames as wg  # noqa: E402
from weightgames import safetensors  # noqa: E402


class SafetensorsTest(unittest.TestCase):
    def test_round_trip_keeps_dtypes_shapes_and_metadata(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "t.safetensors")
            t = {"a": np.arange(6.0).reshape(2, 3), "i": np.array([3, -1], dtype=np.int64), "f": np.float32([1.5])}
            safetensors.write(p, t, {"k": "v"})
            meta, back = safetensors.read(p)
            self.assertEqual(meta, {"k": "v"})
            self.assertEqual(back["a"].dtype, np.float64)
            np.testing.assert_array_equal(back["a"], t["a"])
            self.assertEqual(back["i"].dtype, np.int64)
            np.testing.assert_array_equal(back["i"], [3, -1])
            self.assertEqual(back["f"][0], 1.5)

    def test_bf16_is_widened_and_a_truncated_file_refused(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "b.safetensors")
            header = json.dumps({"x": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}).encode()
            with open(p, "wb") as f:
                f.write(struct.pack("<Q", len(header)) + header + np.float32([1.0, -2.0]).view(np.uint32).__rshift__(16)
                        .astype("<u2").tobytes())
            np.testing.assert_array_equal(safetensors.read(p)[1]["x"], [1.0, -2.0])
            with open(p, "r+b") as f:
                f.truncate(20)
            with self.assertRaises(ValueError):
                safetensors.read(p)


def _block():
    rng = np.random.default_rng(0)
    return wg.Network([{"kind": "mlp-block", "activation": "silu", "V": rng.normal(size=(5, 3)), "b": rng.normal(size=5),
                        "W": rng.normal(size=(2, 5)), "c": rng.normal(size=2)}])


class NetworkTest(unittest.TestCase):
    def test_mlp_block_forward_matches_the_formula(self):
        net = _block()
        x = np.array([[0.5, -1.0, 2.0]])
        layer = net.layers[0]
        pre = layer["V"] @ x[0] + layer["b"]
        expected = layer["W"] @ (pre / (1 + np.exp(-pre))) + layer["c"]
        np.testing.assert_allclose(net.forward(x)[0], expected, rtol=1e-12)

    def test_gelu_matches_erf_and_save_load_round_trips(self):
        self.assertAlmostEqual(float(wg.activate("gelu", np.array(1.0))), 0.8413447460685429, places=12)
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "n.safetensors")
            _block().save(p)
            back = wg.Network.load(p)
            x = np.ones((4, 3))
            np.testing.assert_array_equal(back.forward(x), _block().forward(x))

    def test_torch_module_computes_the_same_function(self):
        try:
            import torch
        except ImportError:
            self.skipTest("torch is not installed for this interpreter")
        net = _block()
        x = np.random.default_rng(1).normal(size=(7, 3))
        y = wg.to_torch(net)(torch.tensor(x)).detach().numpy()
        np.testing.assert_allclose(y, net.forward(x), rtol=1e-10)


class ProtocolTest(unittest.TestCase):
    def test_a_scheme_answers_release_load_and_infer_and_refuses_the_unknown(self):
        def release(model, calibration, rng):
            return {"0.W": model.layers[0]["W"] * 2}, {"0.W": model.layers[0]["W"]}

        def infer(artifact, inputs):
            return inputs[:, :2] * 0 + artifact["0.W"].sum()

        cwd = os.getcwd()
        with tempfile.TemporaryDirectory() as d:
            os.chdir(d)
            try:
                _block().save("model.safetensors")
                safetensors.write("calibration.safetensors", {"features": np.zeros((4, 3)), "labels": np.zeros(4)},
                                  {"classes": "2"})
                safetensors.write("in.safetensors", {"inputs": np.ones((3, 3))})
                requests = [{"op": "release", "id": 1, "model": "model.safetensors", "calibration": "calibration.safetensors",
                             "coins": "00" * 32, "params": {}},
                            {"op": "load", "id": 2, "artifact": "artifact.safetensors"},
                            {"op": "infer", "id": 3, "inputs": "in.safetensors"},
                            {"op": "teleport", "id": 4}, {"op": "bye"}]
                out = io.StringIO()
                wg.serve_scheme(release, infer, stdin=io.StringIO("".join(json.dumps(r) + "\n" for r in requests)),
                                stdout=out)
                replies = [json.loads(line) for line in out.getvalue().splitlines()]
                self.assertEqual([r["ok"] for r in replies], [True, True, True, False])
                self.assertEqual(replies[0]["protected"], ["0.W"])
                self.assertEqual((replies[1]["inputs"], replies[1]["outputs"]), (3, 2))
                y = safetensors.read(replies[2]["outputs"])[1]["outputs"]
                self.assertEqual(y.shape, (3, 2))
                self.assertAlmostEqual(y[0, 0], 2 * _block().layers[0]["W"].sum())
                self.assertIn("teleport", replies[3]["error"])
            finally:
                os.chdir(cwd)


if __name__ == "__main__":
    unittest.main()
