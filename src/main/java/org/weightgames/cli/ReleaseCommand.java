package org.weightgames.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wg release}: a checkpoint released with TaylorMLP, streamed block by block. */
@Command(name = "release", description = "Release a checkpoint with TaylorMLP, streamed: every SwiGLU block (or those named) replaced by its "
        + "Taylor coefficients, in WeightGames' layout or the authors' (--layout official), the other tensors copied; writes a safetensors artifact.")
final class ReleaseCommand extends WgCommand {
    @Option(names = "--model", required = true, description = "The checkpoint to release: a .safetensors file, an .onnx model"
            + " (its MLP blocks found by the graph, calibrated on the real hidden states of the committed sentences), or minilm"
            + " (the built-in all-MiniLM-L6-v2).")
    Path model;

    @Option(names = "--tokenizer", description = "With an .onnx model: its tokenizer.json (minilm carries its own).")
    Path tokenizer;

    @Option(names = "--out", required = true, description = "The artifact to write (.safetensors).")
    Path out;

    @Option(names = "--prefix", description = "A block to release, e.g. model.layers.0.mlp. (repeatable; default: every SwiGLU block).")
    List<String> prefixes = new ArrayList<>();

    @Option(names = "--order", defaultValue = "8", description = "Taylor order N (default: ${DEFAULT-VALUE}).")
    int order;

    @Option(names = "--tokens", defaultValue = "128", description = "Gaussian calibration tokens of a safetensors checkpoint (an ONNX model calibrates on"
            + " the real hidden states of the committed sentences) (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the calibration tokens and the signs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--layout", defaultValue = "own", description = "own (WeightGames' tensors: V_gate, V_up, p, theta.n; every neuron"
            + " expanded) or official (the authors' module's tensors: gate_proj_weight, local_point, local_approx_output, fuse_weight"
            + " without 1/k!, ffn_* plain neurons) (default: ${DEFAULT-VALUE}).")
    String layout;

    @Option(names = "--select", defaultValue = "-1", description = "With --layout official: expanded neurons per block, those of"
            + " smallest calibrated range (default: 10000/14336 of them, the authors' Llama-3-8B setting).")
    int select;

    @Option(names = "--indices", description = "With --layout official: keep sampled_dim and ffn_dim (int64), as re-implementations"
            + " do; the authors' module deletes them.")
    boolean indices;

    @Option(names = "--activation", defaultValue = "silu", description = "The gate activation: silu (SwiGLU), gelu or gelu-tanh"
            + " (GeGLU) (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--dtype", description = "Dtype of the released tensors: F32, BF16, F16 or F64 (default: the block's own).")
    String dtype;

    @Mixin
    ToolThreads threads = new ToolThreads();

    @Override
    public Integer call() {
        if (org.weightgames.onnx.OnnxModel.isOnnx(model.toString())) {
            if (!layout.equals("own") || select != -1 || indices || dtype != null || !activation.equals("silu")) {
                throw new org.weightgames.core.WgException("--layout, --select, --indices, --dtype and --activation belong to"
                        + " safetensors checkpoints; an ONNX model's blocks are released in WeightGames' layout, F32, with the GELU the"
                        + " graph computes");
            }
            org.weightgames.scale.OnnxRelease.release(model.toString(), tokenizer, out, prefixes, order, seed, out());
            return 0;
        }
        boolean official = switch (layout) {
            case "own" -> false;
            case "official" -> true;
            default -> throw new org.weightgames.core.WgException("--layout '" + layout + "' is neither own nor official");
        };
        if (!official && (select != -1 || indices)) {
            throw new org.weightgames.core.WgException("--select and --indices belong to --layout official; WeightGames' own layout"
                    + " expands every neuron");
        }
        if (official && select == 0 || select < -1) {
            throw new org.weightgames.core.WgException("--select must be at least 1 expanded neuron per block, got " + select);
        }
        org.weightgames.model.Activation act;
        try {
            act = org.weightgames.model.Activation.byId(activation);
            org.weightgames.schemes.taylormlp.TaylorCoefficients.of(act, 0, 1);
        } catch (IllegalArgumentException e) {
            throw new org.weightgames.core.WgException("--activation '" + activation + "': use silu, gelu or gelu-tanh");
        }
        org.weightgames.safetensors.DType dt = null;
        if (dtype != null) {
            dt = switch (dtype.toUpperCase(java.util.Locale.ROOT)) {
                case "F32" -> org.weightgames.safetensors.DType.F32;
                case "BF16" -> org.weightgames.safetensors.DType.BF16;
                case "F16" -> org.weightgames.safetensors.DType.F16;
                case "F64" -> org.weightgames.safetensors.DType.F64;
                default -> throw new org.weightgames.core.WgException("--dtype '" + dtype + "': use F32, BF16, F16 or F64");
            };
        }
        org.weightgames.scale.CheckpointTools.release(model, out, prefixes, order, seed, tokens, threads.atLeastOne("release"),
                out(), new org.weightgames.scale.CheckpointTools.ReleaseOptions(official, select, indices, act, dt));
        return 0;
    }
}
