package dev.slipway.actions.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;

/**
 * The keys GitHub knows in one mapping of a workflow: those Slipway reads; those it knows but
 * does not act on, each with the warning that says so; and those that belong elsewhere (a
 * {@code steps:} in a job that calls a workflow), each with the error that says where. Any other
 * key is an error with a did-you-mean hint.
 */
record Keys(SequencedSet<String> known, Map<String, String> unsupported, Map<String, String> misplaced) {
    static Keys of(String... known) {
        return new Keys(new LinkedHashSet<>(List.of(known)), Map.of(), Map.of());
    }

    /** Adds a key that GitHub knows and Slipway does not act on, with the reason. */
    Keys unsupported(String key, String why) {
        Map<String, String> more = new LinkedHashMap<>(unsupported);
        more.put(key, why);
        return new Keys(known, more, misplaced);
    }

    /** Adds keys that are wrong here, with the error that says why. */
    Keys misplaced(Iterable<String> keys, String why) {
        Map<String, String> more = new LinkedHashMap<>(misplaced);
        keys.forEach(k -> more.put(k, why));
        return new Keys(known, unsupported, more);
    }

    boolean isKnown(String key) {
        return known.contains(key);
    }

    /** Every key GitHub knows there, for did-you-mean. */
    List<String> all() {
        List<String> all = new ArrayList<>(known);
        all.addAll(unsupported.keySet());
        return all;
    }
}
