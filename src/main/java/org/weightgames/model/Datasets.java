package org.weightgames.model;

import java.nio.file.Path;
import java.util.Map;

import org.weightgames.core.WgException;
import org.weightgames.data.DataSource;

/**
 * Every data set by its command-line name: the stored ones ({@link DataSource#load}) and
 * {@code tokens}, which is drawn for the checkpoint that the model settings name ({@code file},
 * {@code prefix}, {@code activation}: what {@code --model} sets) and so lives beside the models.
 */
public final class Datasets {
    private Datasets() {
    }

    public static DataSource load(String name, Map<String, String> model) {
        if (!name.equals("tokens")) {
            return DataSource.load(name, model);
        }
        String file = model.get("file");
        if (file == null) {
            throw new WgException("the tokens data set is drawn for a checkpoint; give it with --model FILE");
        }
        String tokenizer = model.get("tokenizer");
        return TokenData.of(Checkpoint.load(Path.of(file), model.get("prefix"),
                Activation.byId(model.getOrDefault("activation", "gelu"))), tokenizer == null || tokenizer.isEmpty() ? null
                        : Path.of(tokenizer));
    }
}
