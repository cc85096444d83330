package org.weightgames.onnx;

import java.util.ArrayList;
import java.util.List;

import org.weightgames.core.Resources;

/**
 * Real sentences for a real model: the Apache License 2.0 and Mozilla Public License 2.0 texts
 * that Debian's {@code base-files} ships in {@code /usr/share/common-licenses/}, committed as
 * resources ({@code corpus/README.md}), split at {@code .}, {@code ;} and {@code :} into pieces of 4 to 64
 * words; pieces 0, 1, 3, 4, ... calibrate, every third (2, 5, ...) is fresh evaluation text.
 */
public final class Corpus {
    static final List<String> RESOURCES = List.of("corpus/Apache-2.0.txt", "corpus/MPL-2.0.txt");

    private Corpus() {
    }

    /** Every piece of the text, in order. */
    public static List<String> sentences() {
        StringBuilder all = new StringBuilder();
        for (String r : RESOURCES) {
            all.append(Resources.text(r)).append('\n');
        }
        String text = all.toString().replaceAll("\\s+", " ");
        List<String> out = new ArrayList<>();
        for (String s : text.split("(?<=[.;:])\\s+")) {
            String t = s.strip();
            int words = t.isEmpty() ? 0 : t.split(" ").length;
            if (words >= 4 && words <= 64) {
                out.add(t);
            }
        }
        return out;
    }

    /** The calibration sentences (two of every three). */
    public static List<String> calibration() {
        return every(false);
    }

    /** The fresh evaluation sentences (every third), never used to calibrate. */
    public static List<String> evaluation() {
        return every(true);
    }

    private static List<String> every(boolean third) {
        List<String> all = sentences();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if ((i % 3 == 2) == third) {
                out.add(all.get(i));
            }
        }
        return out;
    }
}
