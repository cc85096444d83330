package org.weightgames.plugin;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.WgException;
import org.weightgames.model.Layer;

/**
 * A plugin scheme's released network as its users run it: each forward pass is the plugin's
 * {@code infer} on the artifact, in a session (one process holding the artifact in its work
 * folder) that opens on first use with {@code load}, which reports the input and output sizes and
 * the cost per row (multiply-accumulates and elementwise operations, as the games count them).
 * At most {@value #OPEN} sessions stay open; the eldest is closed when another opens and reopens
 * when used again. Forward only: a plugin's release cannot be trained through.
 */
final class RemoteLayer implements Layer {
    static final int OPEN = 2;
    private static final Map<RemoteLayer, Session> SESSIONS = new LinkedHashMap<>(16, 0.75f, true);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(RemoteLayer::closeAll, "wg-plugin-sessions"));
    }

    private final Manifest manifest;
    private final Map<String, String> params;
    private final Artifact artifact;
    private long in = -1;
    private long out;
    private long macs;
    private long elementwise;

    RemoteLayer(Manifest manifest, Map<String, String> params, Artifact artifact) {
        this.manifest = manifest;
        this.params = params;
        this.artifact = artifact;
    }

    /** An open process with the artifact loaded. */
    private static final class Session implements AutoCloseable {
        final Plugins.Work work;
        final PluginProcess process;

        Session(Plugins.Work work, PluginProcess process) {
            this.work = work;
            this.process = process;
        }

        @Override
        public void close() {
            try {
                process.close();
            } finally {
                work.close();
            }
        }
    }

    private Session session() {
        synchronized (SESSIONS) {
            Session s = SESSIONS.get(this);
            if (s != null) {
                return s;
            }
        }
        Plugins.Work work = Plugins.work(manifest);
        PluginProcess p;
        try {
            p = work.start();
        } catch (RuntimeException e) {
            work.close();
            throw e;
        }
        Session s = new Session(work, p);
        try {
            work.input("artifact.safetensors", f -> TensorFiles.writeArtifact(f, artifact, Map.of()));
            ObjectNode r = p.request("load");
            r.set("params", PluginProcess.JSON.valueToTree(params));
            r.put("artifact", "artifact.safetensors");
            JsonNode reply = p.call(r, null);
            long i = reply.path("inputs").asLong(-1);
            long o = reply.path("outputs").asLong(-1);
            if (i < 1 || o < 1) {
                throw p.fail("answered 'load' without its \"inputs\" and \"outputs\" sizes");
            }
            in = i;
            out = o;
            macs = reply.path("macs").asLong(0);
            elementwise = reply.path("elementwise").asLong(0);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        Session evicted = null;
        synchronized (SESSIONS) {
            SESSIONS.put(this, s);
            if (SESSIONS.size() > OPEN) {
                RemoteLayer eldest = SESSIONS.keySet().iterator().next();
                evicted = SESSIONS.remove(eldest);
            }
        }
        if (evicted != null) {
            synchronized (evicted) {
                evicted.close();
            }
        }
        return s;
    }

    static void closeAll() {
        Map<RemoteLayer, Session> all;
        synchronized (SESSIONS) {
            all = new LinkedHashMap<>(SESSIONS);
            SESSIONS.clear();
        }
        all.values().forEach(Session::close);
    }

    private void loaded() {
        if (in < 0) {
            session();
        }
    }

    @Override
    public String kind() {
        return "plugin:" + manifest.id();
    }

    @Override
    public long inputSize() {
        loaded();
        return in;
    }

    @Override
    public long outputSize() {
        loaded();
        return out;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        for (int attempt = 0;; attempt++) {
            Session s = session();
            synchronized (s) {
                if (!s.process.alive()) {
                    if (attempt > 0) {
                        throw new WgException("plugin '" + manifest.id() + "' could not keep an inference session open");
                    }
                    drop(s);
                    continue;
                }
                String name = s.process.names().name("inputs");
                s.work.input(name, f -> TensorFiles.write(f, Map.of(), Map.of("inputs", x)));
                ObjectNode r = s.process.request("infer");
                r.put("inputs", name);
                JsonNode reply;
                try {
                    reply = s.process.call(r, null);
                } catch (WgException e) {
                    drop(s);
                    throw e;
                }
                TensorFiles.Read y = TensorFiles.read(s.process.file(reply, "outputs"), "plugin '" + manifest.id() + "' outputs");
                INDArray o = TensorFiles.tensor(y, "outputs", "plugin '" + manifest.id() + "' outputs");
                if (o.rank() != 2 || o.rows() != x.rows() || o.columns() != out) {
                    throw s.process.fail("answered 'infer' with outputs of shape " + java.util.Arrays.toString(o.shape())
                            + " for " + x.rows() + " rows; expected [" + x.rows() + ", " + out + "]");
                }
                s.work.quota().delete(s.work.dir().resolve(name));
                s.work.quota().delete(s.process.file(reply, "outputs"));
                return o;
            }
        }
    }

    private void drop(Session s) {
        synchronized (SESSIONS) {
            if (SESSIONS.get(this) == s) {
                SESSIONS.remove(this);
            }
        }
        s.close();
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        throw new UnsupportedOperationException("the released model of plugin '" + manifest.id() + "' runs forward only");
    }

    @Override
    public long macs() {
        loaded();
        return macs;
    }

    @Override
    public long elementwiseOps() {
        loaded();
        return elementwise;
    }

    @Override
    public Layer copy() {
        return new RemoteLayer(manifest, params, artifact);
    }
}
