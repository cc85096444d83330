package org.weightgames.plugin;

import java.util.Map;

import org.weightgames.core.Params;

/** What a plugin scheme and a plugin adversary share: the manifest, its id and description, and the parameters as initialised. */
abstract class PluginComponent implements Plugin {
    final Manifest manifest;
    Map<String, String> params = Map.of();

    PluginComponent(Manifest manifest) {
        this.manifest = manifest;
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    public String id() {
        return manifest.id();
    }

    public String description() {
        return manifest.description() + " (plugin)";
    }

    /** The manifest's defaults with the given values on top; an unknown key is refused. */
    public void init(Params p) {
        params = Plugins.params(manifest, p);
    }
}
