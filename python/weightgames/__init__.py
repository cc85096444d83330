"""WeightGames plugins in Python (stdlib + numpy): protocol v1, safetensors, and the network
checkpoint as a numpy model or a PyTorch module. See docs/plugins.md."""
from .network import Network, activate, to_torch, torch_activate
from .protocol import PROTOCOL, Artifact, Challenge, Dataset, PluginError, serve_adversary, serve_scheme
from . import safetensors

__all__ = ["Network", "activate", "to_torch", "torch_activate", "PROTOCOL", "Artifact", "Challenge", "Dataset",
           "PluginError", "serve_adversary", "serve_scheme", "safetensors"]
