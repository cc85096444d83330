package org.weightgames.isolation;

import java.util.Map;
import org.weightgames.core.Params;

/**
 * Settings of isolated adversaries ({@code --isolate}, or the {@code isolation} component of the
 * settings): each adversary's turn in each trial runs in a fresh JVM that is handed the public
 * artifact as a file and reaches the oracles only through a pipe. {@code enabled} (false),
 * {@code timeout} seconds per turn (600), {@code memory} MB of Java heap (2048) and {@code native}
 * MB of off-heap tensor memory (2048) of that JVM. A turn that times out, runs out of memory,
 * crashes or answers garbage is a lost trial recorded with the reason.
 */
public record Isolation(boolean enabled, int timeoutSeconds, int memoryMb, int nativeMb) {
    public static final String COMPONENT = "isolation";
    public static final Isolation OFF = new Isolation(false, 600, 2048, 2048);

    public static Isolation from(Map<String, Map<String, String>> settings) {
        Map<String, String> m = settings.get(COMPONENT);
        if (m == null) {
            return OFF;
        }
        Params p = new Params(COMPONENT, m);
        Isolation i = new Isolation(p.getBoolean("enabled", false), p.getInt("timeout", 600, 1, 86_400),
                p.getInt("memory", 2048, 64, 1 << 20), p.getInt("native", 2048, 64, 1 << 20));
        p.checkAllUsed();
        return i;
    }
}
