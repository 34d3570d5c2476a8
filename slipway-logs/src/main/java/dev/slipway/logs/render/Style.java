package dev.slipway.logs.render;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** How a run of text looks: colours and attributes, as set by SGR sequences. */
public record Style(Color foreground, Color background, Set<Attribute> attributes) {
    public static final Style DEFAULT = new Style(Color.DEFAULT, Color.DEFAULT, Set.of());

    /** The SGR attributes the renderer keeps (blink and conceal are ignored: nothing in a log blinks or hides). */
    public enum Attribute { BOLD, DIM, ITALIC, UNDERLINE, INVERSE, STRIKETHROUGH }

    public Style {
        Objects.requireNonNull(foreground, "foreground");
        Objects.requireNonNull(background, "background");
        attributes = attributes.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(attributes));
    }

    public boolean has(Attribute attribute) {
        return attributes.contains(attribute);
    }

    public boolean isDefault() {
        return equals(DEFAULT);
    }
}
