package dev.slipway.actions.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an expression can see: the contexts by name ({@code github}, {@code env}, {@code matrix},
 * ...), the status the status functions report, and what {@code hashFiles()} calls ({@code null}
 * where there is no workspace, as in a job's {@code if}). Context names ignore case, as in GitHub.
 */
public record Scope(Map<String, JsonNode> contexts, Status status, FileHasher hasher) {
    public Scope {
        Objects.requireNonNull(status, "status");
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        contexts.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "context name"),
                value == null ? NullNode.getInstance() : value));
        contexts = Collections.unmodifiableMap(copy);
    }

    /** These contexts, with nothing failed or cancelled and no hashFiles(). */
    public static Scope of(Map<String, ? extends JsonNode> contexts) {
        return new Scope(new LinkedHashMap<>(contexts), Status.NONE, null);
    }

    public Scope withStatus(Status status) {
        return new Scope(contexts, status, hasher);
    }

    public Scope withHasher(FileHasher hasher) {
        return new Scope(contexts, status, hasher);
    }

    /** The context of this name, ignoring case; null when there is none. */
    JsonNode context(String name) {
        JsonNode exact = contexts.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, JsonNode> entry : contexts.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }
}
