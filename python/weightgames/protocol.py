"""Protocol v1 of WeightGames plugins (docs/plugins.md), the plugin's side: JSON lines on stdin
and stdout, tensors as safetensors files in the work folder (the current directory), stderr free
for logs. `serve_scheme` and `serve_adversary` run the loop around the user's functions."""
import inspect
import json
import sys
import traceback

import numpy as np

from . import safetensors
from .network import Network

PROTOCOL = 1


class Artifact:
    """What a scheme publishes: tensors (name -> numpy array) and string metadata."""

    def __init__(self, tensors, metadata=None):
        self.tensors = dict(tensors)
        self.metadata = {str(k): str(v) for k, v in (metadata or {}).items()}

    def __getitem__(self, name):
        return self.tensors[name]

    @staticmethod
    def load(path):
        meta, tensors = safetensors.read(path)
        return Artifact(tensors, meta)

    def save(self, path):
        safetensors.write(path, self.tensors, self.metadata)


class Dataset:
    def __init__(self, features, labels, classes):
        self.features = features
        self.labels = labels
        self.classes = classes

    @staticmethod
    def load(path):
        meta, t = safetensors.read(path)
        labels = t.get("labels")
        return Dataset(t["features"], None if labels is None else labels.astype(np.int64), int(meta.get("classes", "0")))


class PluginError(Exception):
    """Raised by a plugin's function to refuse a request with a message."""


class _Io:
    def __init__(self, stdin, stdout):
        self.stdin = stdin
        self.stdout = stdout
        self.files = 0

    def send(self, obj):
        self.stdout.write(json.dumps(obj) + "\n")
        self.stdout.flush()

    def receive(self):
        line = self.stdin.readline()
        if not line:
            return None
        return json.loads(line)

    def name(self, stem):
        self.files += 1
        return f"{stem}-py{self.files}.safetensors"


def _rng(hex_coins):
    """A numpy Generator from the 32 bytes of coins the challenger gave (never the run seed)."""
    seed = bytes.fromhex(hex_coins)
    if len(seed) != 32:
        raise PluginError("coins must be 32 bytes")
    return np.random.Generator(np.random.PCG64(int.from_bytes(seed, "little")))


def _call(fn, *args, **named):
    accepted = inspect.signature(fn).parameters
    return fn(*args, **{k: v for k, v in named.items() if k in accepted})


_PACKAGE = __file__.rsplit("/", 1)[0] + "/"


def _print_author_traceback(e):
    """The traceback of a failed call without this package's own frames: the author sees where
    in their file it failed (WeightGames rewrites the sandbox's /plugin/ path to their folder)."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if not f.filename.startswith(_PACKAGE)]
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.format_list(frames) + traceback.format_exception_only(type(e), e)
    sys.stderr.write("".join(lines))
    sys.stderr.flush()


def _loop(handlers, io):
    while True:
        req = io.receive()
        if req is None or req.get("op") == "bye":
            return
        op = req.get("op")
        reply = {"id": req.get("id")}
        try:
            if op not in handlers:
                raise PluginError(f"this plugin does not answer '{op}'")
            reply.update(handlers[op](req))
            reply["ok"] = True
        except Exception as e:  # a refused request, reported; the challenger decides what it costs
            _print_author_traceback(e)
            reply = {"id": req.get("id"), "ok": False, "error": f"{type(e).__name__}: {e}"}
        io.send(reply)


def serve_scheme(release, infer, restore=None, cost=None, stdin=None, stdout=None):
    """Runs a scheme plugin. `release(model, calibration, rng[, params])` returns (artifact, secret):
    the artifact an Artifact or a dict of tensors, the secret a dict of the protected tensors.
    `infer(artifact, inputs[, params])` returns the outputs [n, out]. Optional: `restore(artifact,
    secret[, params])` returns a Network; `cost(artifact[, params])` returns (macs, elementwise)
    per row."""
    io = _Io(stdin or sys.stdin, stdout or sys.stdout)
    loaded = {}

    def do_release(req):
        model = Network.load(req["model"])
        calibration = Dataset.load(req["calibration"])
        params = req.get("params", {})
        artifact, secret = _call(release, model, calibration, _rng(req["coins"]), params=params)
        if not isinstance(artifact, Artifact):
            artifact = Artifact(artifact)
        first, last = model.layers[0], model.layers[-1]
        artifact.metadata.setdefault("wg.inputs", str(_inputs(first)))
        artifact.metadata.setdefault("wg.outputs", str(_outputs(last)))
        artifact.save("artifact.safetensors")
        safetensors.write("secret.safetensors", secret)
        return {"artifact": "artifact.safetensors", "secret": "secret.safetensors", "protected": list(secret)}

    def do_load(req):
        art = Artifact.load(req["artifact"])
        loaded["artifact"] = art
        loaded["params"] = req.get("params", {})
        macs, elementwise = _call(cost, art, params=loaded["params"]) if cost else (0, 0)
        return {"inputs": int(art.metadata["wg.inputs"]), "outputs": int(art.metadata["wg.outputs"]), "macs": int(macs),
                "elementwise": int(elementwise)}

    def do_infer(req):
        if "artifact" not in loaded:
            raise PluginError("'infer' before 'load'")
        _, t = safetensors.read(req["inputs"])
        y = np.asarray(_call(infer, loaded["artifact"], t["inputs"], params=loaded["params"]), dtype=np.float64)
        name = io.name("outputs")
        safetensors.write(name, {"outputs": y})
        return {"outputs": name}

    def do_restore(req):
        if restore is None:
            raise PluginError("this scheme has no restore")
        _, secret = safetensors.read(req["secret"])
        net = _call(restore, Artifact.load(req["artifact"]), secret, params=req.get("params", {}))
        net.save("restored.safetensors")
        return {"model": "restored.safetensors"}

    def do_describe(req):
        return {"protocol": PROTOCOL, "kind": "scheme"}

    _loop({"release": do_release, "load": do_load, "infer": do_infer, "restore": do_restore, "describe": do_describe}, io)


def _inputs(layer):
    for k in ("V", "V_gate", "W"):
        if k in layer:
            return layer[k].shape[1]
    return int(layer.get("size", 0))


def _outputs(layer):
    for k in ("W", "W_down"):
        if k in layer:
            return layer[k].shape[0]
    return int(layer.get("size", 0))


class Challenge:
    """What an adversary plugin is handed in one game, with the challenger's oracles."""

    def __init__(self, req, io):
        self._io = io
        self.game = req["game"]
        self.params = req.get("params", {})
        self.scheme = req.get("scheme")
        self.artifact = Artifact.load(req["artifact"])
        self.architecture = req.get("architecture", {})
        self.protected = {k: tuple(v) for k, v in req.get("protected", {}).items()}
        self.budgets = req.get("budgets", {})
        self.candidates = [Network.load(c) for c in req.get("candidates", [])]
        self.data_size = req.get("data", {}).get("size", 0)
        self.epochs = req.get("data", {}).get("epochs", 0)

    def _ask(self, call):
        self._io.send(call)
        reply = self._io.receive()
        if reply is None:
            raise PluginError("the challenger closed the pipe")
        if not reply.get("ok"):
            raise PluginError(reply.get("error", "refused"))
        return reply

    def samples(self, n):
        """n inputs drawn from the input distribution (counted against the sample budget)."""
        r = self._ask({"op": "samples", "n": int(n)})
        return safetensors.read(r["samples"])[1]["samples"]

    def _outputs(self, op, x):
        name = self._io.name(op)
        safetensors.write(name, {"inputs": np.asarray(x, dtype=np.float64)})
        r = self._ask({"op": op, "inputs": name})
        return safetensors.read(r["outputs"])[1]["outputs"]

    def query(self, x):
        """The hosted model's outputs on x (counted against the query budget)."""
        return self._outputs("query", x)

    def infer(self, x):
        """The scheme's public inference code run on the artifact (not budgeted: it is public)."""
        return self._outputs("infer", x)

    def data(self, rows):
        """Rows of the auxiliary data (uc), as a Dataset."""
        r = self._ask({"op": "data", "rows": [int(i) for i in rows]})
        return Dataset.load(r["data"])


def serve_adversary(ext_w=None, ext_f=None, ind=None, uc=None, stdin=None, stdout=None):
    """Runs an adversary plugin: one function per game it plays, each `fn(challenge, rng)`.
    ext_w returns a dict name -> array of the protected tensors; ext_f and uc a Network; ind 0 or 1."""
    io = _Io(stdin or sys.stdin, stdout or sys.stdout)
    games = {"ext-w": ext_w, "ext-f": ext_f, "ind": ind, "uc": uc}

    def do_play(req):
        fn = games.get(req.get("game"))
        if fn is None:
            raise PluginError(f"this adversary does not play {req.get('game')}")
        answer = fn(Challenge(req, io), _rng(req["coins"]))
        game = req["game"]
        if game == "ext-w":
            safetensors.write("answer.safetensors", answer)
            return {"weights": "answer.safetensors"}
        if game == "ind":
            return {"bit": int(answer)}
        answer.save("answer.safetensors")
        return {"model": "answer.safetensors"}

    def do_describe(req):
        return {"protocol": PROTOCOL, "kind": "adversary", "games": [g for g, f in games.items() if f]}

    _loop({"play": do_play, "describe": do_describe}, io)
