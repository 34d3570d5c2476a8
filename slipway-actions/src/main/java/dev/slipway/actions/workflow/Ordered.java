package dev.slipway.actions.workflow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.SequencedMap;

/** Immutable copies of maps that keep file order, which {@code Map.copyOf} would lose. */
final class Ordered {
    private Ordered() {}

    static <K, V> SequencedMap<K, V> copy(SequencedMap<K, V> map) {
        LinkedHashMap<K, V> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k), Objects.requireNonNull(v)));
        return Collections.unmodifiableSequencedMap(copy);
    }
}
