"""Safetensors files with numpy only: the format (an 8-byte little-endian header length, a JSON
header, then the raw tensors) read and written without the safetensors package."""
import json
import struct

import numpy as np

_DTYPES = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U64": np.dtype("<u8"), "U32": np.dtype("<u4"), "U16": np.dtype("<u2"), "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
_NAMES = {v: k for k, v in _DTYPES.items()}
MAX_HEADER = 100 << 20


def read(path):
    """Returns (metadata, tensors): metadata a dict of strings, tensors name -> numpy array
    (BF16 is widened to float32). Raises ValueError naming the file when it is malformed."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > MAX_HEADER or 8 + n > len(raw):
        raise ValueError(f"{path}: header length {n} does not fit the file")
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = memoryview(raw)[8 + n:]
    meta = header.pop("__metadata__", None) or {}
    tensors = {}
    for name, spec in header.items():
        start, end = spec["data_offsets"]
        shape = tuple(int(d) for d in spec["shape"])
        dtype = spec["dtype"]
        if not 0 <= start <= end <= len(data):
            raise ValueError(f"{path}: tensor {name} lies outside the file")
        buf = data[start:end]
        if dtype == "BF16":
            a = (np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        elif dtype in _DTYPES:
            a = np.frombuffer(buf, dtype=_DTYPES[dtype])
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
        count = int(np.prod(shape)) if shape else 1
        if a.size != count:
            raise ValueError(f"{path}: tensor {name} holds {a.size} values for shape {list(shape)}")
        tensors[name] = a.reshape(shape).copy()
    return dict(meta), tensors


def write(path, tensors, metadata=None, dtype=None):
    """Writes tensors (name -> array-like) with string metadata; every tensor as float64 unless
    `dtype` (a numpy dtype) or its own integer/bool dtype says otherwise."""
    header = {}
    blobs = []
    offset = 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, value in tensors.items():
        a = np.asarray(value)
        if dtype is not None:
            a = a.astype(dtype)
        elif a.dtype.kind == "f" or a.dtype.kind not in "iub":
            a = a.astype(np.float64)
        a = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
        key = next((n for d, n in _NAMES.items() if d == a.dtype), None)
        if key is None:
            raise ValueError(f"tensor {name}: dtype {a.dtype} cannot be written")
        b = a.tobytes()
        header[name] = {"dtype": key, "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
