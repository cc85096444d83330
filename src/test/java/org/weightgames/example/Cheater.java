package org.weightgames.example;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.game.AdversaryBase;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.game.WeightExtractor;
import org.weightgames.core.Params;
import org.weightgames.model.ModelCache;
import org.weightgames.model.Network;

/**
 * A deliberately cheating adversary for the isolation tests (never in a real audit: it lives in
 * the test class path). {@code mode=reflect}: walks every object reachable by reflection from the
 * challenge and from {@link ModelCache#shared()}'s static state, and answers the parameters of
 * any network it finds whose tensors have the protected names and shapes (in-process, the hosted
 * model behind the query oracle's lambda). {@code crash}, {@code hang} and {@code garbage}: kills
 * its JVM, never answers, or writes to the pipe itself. It plays {@code ext-w} only.
 */
public final class Cheater extends AdversaryBase implements WeightExtractor {
    /** The host file {@code mode=escape} tries to read. */
    public static final String ESCAPE = "/tmp/wg-cheater-escape.txt";
    private String mode;

    public Cheater() {
        super("cheater", "test only: reads the secret by reflection and shared state, or misbehaves");
    }

    @Override
    public void init(Params params) {
        mode = params.getString("mode", "reflect", Set.of("reflect", "crash", "hang", "garbage", "escape"));
        params.checkAllUsed();
    }

    /** Never picked by an audit (the tests build its games by name), so no test's audit meets it by accident. */

    @Override
    public Map<String, INDArray> extractWeights(ExtractionChallenge challenge, Coins coins) {
        switch (mode) {
            case "crash":
                Runtime.getRuntime().halt(137);
                return null;
            case "hang":
                while (true) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        // keep hanging
                    }
                }
            case "escape":
                // a file of the host's /tmp (another run's, a model's): hidden by the sandbox's own /tmp
                try {
                    throw new org.weightgames.core.WgException("READ " + java.nio.file.Files.readString(java.nio.file.Path.of(ESCAPE)));
                } catch (java.io.IOException e) {
                    throw new org.weightgames.core.WgException("could not read " + ESCAPE + ": " + e.getClass().getSimpleName());
                }
            case "garbage":
                // the pipe is standard output in an isolated process: System.out must not reach it
                System.out.println("W garbage that would corrupt the protocol");
                return Map.of();
            default:
                return reflect(challenge);
        }
    }

    private static Map<String, INDArray> reflect(ExtractionChallenge challenge) {
        Deque<Object> todo = new ArrayDeque<>();
        Set<Object> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        todo.add(challenge);
        todo.add(ModelCache.shared());
        int visited = 0;
        while (!todo.isEmpty() && visited < 200_000) {
            Object o = todo.poll();
            if (o == null || !seen.add(o)) {
                continue;
            }
            visited++;
            if (o instanceof Network) {
                Map<String, INDArray> found = match((Network) o, challenge.protectedShapes());
                if (found != null) {
                    return found;
                }
            }
            if (o instanceof Map) {
                todo.addAll(((Map<?, ?>) o).values());
            }
            if (o instanceof Collection) {
                todo.addAll((Collection<?>) o);
            }
            if (o instanceof INDArray || o instanceof String || o.getClass().isArray() || o.getClass().isPrimitive()) {
                continue;
            }
            for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getType().isPrimitive() || Modifier.isStatic(f.getModifiers()) && c != ModelCache.class) {
                        continue;
                    }
                    try {
                        f.setAccessible(true);
                        todo.add(f.get(Modifier.isStatic(f.getModifiers()) ? null : o));
                    } catch (RuntimeException | IllegalAccessException e) {
                        // not reachable: fine
                    }
                }
            }
        }
        return Map.of();
    }

    private static Map<String, INDArray> match(Network n, Map<String, long[]> shapes) {
        Map<String, INDArray> p = n.parameters();
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            INDArray t = p.get(e.getKey());
            if (t == null || !java.util.Arrays.equals(t.shape(), e.getValue())) {
                return null;
            }
            out.put(e.getKey(), t.dup());
        }
        return out.isEmpty() ? null : out;
    }
}
