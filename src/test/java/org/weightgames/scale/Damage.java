package org.weightgames.scale;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.weightgames.safetensors.Safetensors;
import org.weightgames.safetensors.Spec;
import org.weightgames.safetensors.Writer;

/** Test checkpoints with one value damaged. */
public final class Damage {
    private Damage() {
    }

    /** A copy of {@code source} at {@code target} with element {@code element} of tensor {@code name} set to {@code value}. */
    public static Path copyWith(Path source, Path target, String name, long element, float value) {
        try (Safetensors s = Safetensors.open(source)) {
            Map<String, Spec> specs = new LinkedHashMap<>();
            for (String n : s.names()) {
                specs.put(n, new Spec(s.tensor(n).dtype(), s.tensor(n).shape()));
            }
            try (Writer w = Writer.create(target, s.metadata(), specs)) {
                for (String n : s.names()) {
                    if (n.equals(name)) {
                        double[] v = s.tensor(n).toDoubles();
                        v[(int) element] = value;
                        w.write(n, 0, v, 0, v.length);
                    } else {
                        w.copy(s.tensor(n), n);
                    }
                }
                w.commit();
            }
        }
        return target;
    }
}
