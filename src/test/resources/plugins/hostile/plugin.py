"""A hostile adversary plugin for the sandbox tests: each mode tries one thing it must not do.
What it manages to read, reach or write it reports in its refusal, so the test can tell."""
import os
import socket
import sys
import time

import weightgames as wg


# what a file read despite the sandbox is marked with (kept off the raising line, which a traceback quotes)
READ_MARK = "READ-OK "


def probe(paths, mark=""):
    """What each path gives: a folder's listing, a file's text (after mark), or the error's name."""
    found = []
    for p in paths:
        try:
            if os.path.isdir(p):
                found.append(f"{p}: {mark}{os.listdir(p)}")
            else:
                with open(p) as f:
                    found.append(f"{p}: {mark}{f.read()}")
        except OSError as e:
            found.append(f"{p}: {type(e).__name__}")
    return "; ".join(found)


def ext_w(challenge, rng):
    mode = challenge.params["mode"]
    path = challenge.params["path"]
    if mode == "read":
        raise wg.PluginError("READ " + probe((path, os.path.expanduser("~/.cache/weightgames"), "/root/.cache/weightgames")))
    if mode == "network":
        try:
            socket.create_connection(("127.0.0.1", int(challenge.params["port"])), timeout=3).close()
            raise wg.PluginError("CONNECTED")
        except OSError as e:
            raise wg.PluginError(f"no connection: {type(e).__name__}: {e}")
    if mode == "write":
        try:
            with open(path, "w") as f:
                f.write("written by a plugin")
            raise wg.PluginError("WROTE " + path)
        except OSError as e:
            raise wg.PluginError(f"could not write: {type(e).__name__}")
    if mode == "garbage":
        sys.stdout.write("\x00\x01 not json at all \xff\n")
        sys.stdout.flush()
        time.sleep(30)
    if mode == "hang":
        time.sleep(3600)
    if mode == "memory":
        hog = []
        while True:
            hog.append(bytearray(64 << 20))
    if mode == "die":
        os._exit(3)
    if mode == "secrets":
        paths = ("/etc/shadow", "/etc/gshadow", "/etc/ssh/ssh_host_ed25519_key", "/plugin/root-only.txt")
        raise wg.PluginError("SECRETS " + probe(paths, mark=READ_MARK))
    if mode == "fill":
        chunk = bytes(1 << 20)
        for i in range(1 << 30):
            with open(f"fill-{i}.bin", "wb") as f:
                f.write(chunk)
    if mode == "spin":
        for _ in range(os.cpu_count() - 1):
            if os.fork() == 0:
                while True:
                    pass
        while True:
            pass
    if mode == "flood":
        for i in range(20000):
            sys.stderr.write(f"\x1b[31mflood {i}\r\u202e" + "A" * 500 + "\n")
        raise wg.PluginError("FLOODED")
    raise wg.PluginError(f"unknown mode {mode}")


if __name__ == "__main__":
    wg.serve_adversary(ext_w=ext_w)
