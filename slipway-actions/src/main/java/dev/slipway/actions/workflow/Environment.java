package dev.slipway.actions.workflow;

import java.util.Objects;

/** {@code environment:} of a job: its name, and the URL shown for it ({@code url:}, or null). */
public record Environment(Value name, Value url, Position at) {
    public Environment {
        Objects.requireNonNull(name, "name");
    }
}
