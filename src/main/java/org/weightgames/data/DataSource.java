package org.weightgames.data;

/**
 * A data set as the games use it: a training split (the challenger trains and calibrates on it,
 * and the adversary's sample oracle draws from it), a test split (fresh inputs for judging), and
 * a hash of the exact bytes it came from, for provenance.
 */
public record DataSource(String name, Dataset train, Dataset test, String sha256, String origin) {

    /** Loads a data set by its command-line name. */
    public static DataSource load(String name) {
        return load(name, java.util.Map.of());
    }

    /**
     * Loads a data set by its command-line name; {@code tokens} is drawn for the checkpoint that the
     * model settings name ({@code file}, {@code prefix}, {@code activation}: what {@code --model} sets).
     */
    public static DataSource load(String name, java.util.Map<String, String> model) {
        switch (name) {
            case "tokens": {
                String file = model.get("file");
                if (file == null) {
                    throw new org.weightgames.game.WgException("the tokens data set is drawn for a checkpoint; give it with --model FILE");
                }
                return TokenData.of(org.weightgames.model.Checkpoint.load(java.nio.file.Path.of(file), model.get("prefix"),
                        org.weightgames.model.Activation.byId(model.getOrDefault("activation", "gelu"))));
            }
            case "synthetic":
                return SyntheticData.load();
            case "fashion-mnist":
                return FashionMnist.load(FashionMnist.defaultDirectory());
            default:
                throw new org.weightgames.game.WgException("unknown data set '" + name
                        + "'; use --dataset synthetic, --dataset fashion-mnist or --model FILE (tokens)");
        }
    }
}
