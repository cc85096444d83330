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
     * Loads a data set by its command-line name ({@code synthetic}, {@code fashion-mnist}). The
     * {@code tokens} set is drawn for a checkpoint, by the model package's Datasets.
     */
    public static DataSource load(String name, java.util.Map<String, String> model) {
        switch (name) {
            case "tokens":
                throw new org.weightgames.core.WgException("the tokens data set is drawn for a checkpoint; give it with --model FILE");
            case "synthetic":
                return SyntheticData.load();
            case "fashion-mnist":
                return FashionMnist.load(FashionMnist.defaultDirectory());
            default:
                throw new org.weightgames.core.WgException("unknown data set '" + name
                        + "'; use --dataset synthetic, --dataset fashion-mnist or --model FILE (tokens)");
        }
    }
}
