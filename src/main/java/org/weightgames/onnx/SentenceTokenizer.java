package org.weightgames.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.weightgames.core.WgException;
import org.weightgames.onnx.proto.OnnxProtos.NodeProto;

/**
 * A model's own tokenizer.json, run by DJL's binding of Hugging Face tokenizers (its native library
 * comes from the jar; {@code ai.djl.offline} is set so that nothing is downloaded). Checked against
 * the model before use: its vocabulary must have as many entries as the model's word-embedding
 * table (the initializer a {@code Gather} reads with {@code input_ids}) has rows.
 */
public final class SentenceTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    /** One sentence's ids, attention mask and token types. */
    public record Tokens(long[] ids, long[] mask, long[] types) {
        public int length() {
            return ids.length;
        }
    }

    private SentenceTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The tokenizer of {@code model}: {@code file}, or the built-in model's own when {@code file} is null. */
    public static SentenceTokenizer open(OnnxModel model, Path file) {
        if (file == null && !model.source().equals(OnnxModel.MINILM)) {
            throw new WgException(model.source() + ": give the model's tokenizer.json with --tokenizer FILE (only the built-in "
                    + OnnxModel.MINILM + " carries its own)");
        }
        String where = file == null ? "the built-in " + OnnxModel.MINILM_TOKENIZER : file.toString();
        byte[] json;
        try {
            json = file == null ? OnnxModel.resource(OnnxModel.MINILM_TOKENIZER) : Files.readAllBytes(file);
        } catch (IOException e) {
            throw new WgException(where + ": cannot read the tokenizer (" + e + "); check the path given to --tokenizer");
        }
        long vocab = vocabulary(json, where);
        long rows = embeddingRows(model);
        if (rows > 0 && vocab != rows) {
            throw new WgException(where + ": the tokenizer does not match " + model.source() + ": its vocabulary has " + vocab
                    + " entries, the model's word-embedding table " + rows + " rows; give the tokenizer.json exported with the model");
        }
        System.setProperty("ai.djl.offline", "true");
        Path tmp = null;
        try {
            tmp = Files.createTempFile("wg-tokenizer", ".json");
            Files.write(tmp, json);
            return new SentenceTokenizer(HuggingFaceTokenizer.builder().optTokenizerPath(tmp).optAddSpecialTokens(true)
                    .optTruncation(true).optMaxLength(256).optPadding(false).build());
        } catch (IOException | RuntimeException e) {
            throw new WgException(where + ": the tokenizer library cannot read it (" + e.getMessage() + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temporary copy; the system's temporary folder keeps it at worst
                }
            }
        }
    }

    /** The number of entries of a tokenizer.json's vocabulary ({@code model.vocab}, object or array). */
    static long vocabulary(byte[] json, String where) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new WgException(where + ": not a tokenizer.json (" + e.getMessage() + ")");
        }
        JsonNode vocab = root == null ? null : root.path("model").path("vocab");
        if (vocab == null || !(vocab.isObject() || vocab.isArray()) || vocab.size() == 0) {
            throw new WgException(where + ": not a Hugging Face tokenizer.json (no model.vocab); give the tokenizer exported with"
                    + " the model");
        }
        return vocab.size();
    }

    /** Rows of the word-embedding table the graph gathers {@code input_ids} from, or 0 when none is found. */
    static long embeddingRows(OnnxModel model) {
        for (NodeProto n : model.graph().getNodeList()) {
            if (n.getOpType().equals("Gather") && n.getInputCount() == 2 && n.getInput(1).equals("input_ids")
                    && model.isInitializer(n.getInput(0))) {
                return model.shape(n.getInput(0))[0];
            }
        }
        return 0;
    }

    /** One sentence as the model reads it (special tokens added, at most 256 tokens). */
    public Tokens encode(String sentence) {
        Encoding e = tokenizer.encode(sentence);
        return new Tokens(e.getIds(), e.getAttentionMask(), e.getTypeIds());
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
