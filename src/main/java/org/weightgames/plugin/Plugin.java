package org.weightgames.plugin;

/** What every plugin component is, whatever else it is: a scheme or adversary with a manifest. */
public interface Plugin {
    Manifest manifest();
}
