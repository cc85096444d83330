package org.weightgames.game;

/**
 * What schemes, definitions and adversaries share, given once in the constructor: the id that
 * names the component on the command line and in settings ({@code --set <id>.key=value}), and the
 * one line {@code wg list} shows.
 */
public abstract class Component {
    private final String id;
    private final String description;

    protected Component(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public final String id() {
        return id;
    }

    public final String description() {
        return description;
    }
}
