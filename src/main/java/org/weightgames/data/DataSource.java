package org.weightgames.data;

/**
 * A data set as the games use it: a training split (the challenger trains and calibrates on it,
 * and the adversary's sample oracle draws from it), a test split (fresh inputs for judging), and
 * a hash of the exact bytes it came from, for provenance.
 */
public record DataSource(String name, Dataset train, Dataset test, String sha256, String origin) {

    /** Loads a data set by its command-line name. */
    public static DataSource load(String name) {
        switch (name) {
            case "synthetic":
                return SyntheticData.load();
            case "fashion-mnist":
                return FashionMnist.load(FashionMnist.defaultDirectory());
            default:
                throw new org.weightgames.game.WgException("unknown data set '" + name
                        + "'; use --dataset synthetic or --dataset fashion-mnist");
        }
    }
}
