package org.weightgames.isolation;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The files of this JVM's class path, followed through jars' manifest {@code Class-Path}
 * entries (as Maven's test runner and {@code target/weightgames.jar} use them): what an isolated
 * adversary's JVM must see, read-only, inside its sandbox.
 */
final class ClassPath {
    private ClassPath() {
    }

    static List<Path> entries() {
        Set<Path> out = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!e.isBlank()) {
                add(Path.of(e).toAbsolutePath().normalize(), out);
            }
        }
        return new ArrayList<>(out);
    }

    private static void add(Path p, Set<Path> out) {
        if (!Files.exists(p) || !out.add(p) || !p.toString().endsWith(".jar")) {
            return;
        }
        try (JarFile jar = new JarFile(p.toFile())) {
            Manifest m = jar.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (cp == null) {
                return;
            }
            for (String ref : cp.trim().split("\\s+")) {
                if (ref.isEmpty()) {
                    continue;
                }
                Path q = ref.startsWith("file:") ? Path.of(URI.create(ref)) : p.getParent().resolve(ref);
                add(q.toAbsolutePath().normalize(), out);
            }
        } catch (IOException | IllegalArgumentException e) {
            // an unreadable jar is bound as it is; the JVM reports what it cannot load
        }
    }
}
