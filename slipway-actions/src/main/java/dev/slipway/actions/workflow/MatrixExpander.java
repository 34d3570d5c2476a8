package dev.slipway.actions.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.actions.expr.Expressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/** Expands an evaluated matrix (see {@link Matrix#expand(JsonNode, Position)}), collecting every problem. */
final class MatrixExpander {
    private MatrixExpander() {}

    record Result(List<Combination> combinations, List<String> errors, List<String> warnings) {}

    static Result expand(JsonNode matrix) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (!matrix.isObject()) {
            errors.add("the matrix must be a mapping of keys to lists of values, not " + describe(matrix));
            return new Result(List.of(), errors, warnings);
        }
        SequencedMap<String, List<JsonNode>> vectors = new LinkedHashMap<>();
        List<JsonNode> include = new ArrayList<>();
        List<JsonNode> exclude = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : matrix.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.equals("include") || key.equals("exclude")) {
                List<JsonNode> into = key.equals("include") ? include : exclude;
                if (!value.isArray()) {
                    errors.add("'" + key + "' must be a list of mappings, not " + describe(value));
                    continue;
                }
                for (JsonNode item : value) {
                    if (item.isObject()) {
                        into.add(item);
                    } else {
                        errors.add("an item of '" + key + "' must be a mapping of matrix keys to values, not " + describe(item));
                    }
                }
            } else if (key.isBlank()) {
                errors.add("a matrix key is empty");
            } else if (!value.isArray()) {
                errors.add("'" + key + "' must be a list of values, not " + describe(value));
            } else if (value.isEmpty()) {
                errors.add("'" + key + "' has no values; a matrix key needs at least one");
            } else {
                List<JsonNode> values = new ArrayList<>();
                value.forEach(v -> {
                    if (values.contains(v)) {
                        warnings.add("'" + key + "' lists " + Expressions.toJson(v).strip() + " twice, which makes the same job twice");
                    }
                    values.add(v);
                });
                vectors.put(key, values);
            }
        }
        if (errors.isEmpty() && vectors.isEmpty() && include.isEmpty()) {
            errors.add("the matrix is empty; it needs at least one key with a list of values, or 'include'");
        }
        for (JsonNode entry : exclude) {
            for (Map.Entry<String, JsonNode> e : entry.properties()) {
                if (!vectors.containsKey(e.getKey())) {
                    errors.add("an 'exclude' entry names '" + e.getKey() + "', which is not a key of the matrix"
                            + (vectors.isEmpty() ? "" : " (its keys: " + String.join(", ", vectors.keySet()) + ")"));
                }
            }
        }
        long product = vectors.isEmpty() ? 0 : 1;
        for (List<JsonNode> values : vectors.values()) {
            product = Math.min(product * values.size(), Integer.MAX_VALUE);
        }
        if (product > Matrix.MAX_COMBINATIONS) {
            errors.add("the matrix makes " + product + " combinations; GitHub allows at most " + Matrix.MAX_COMBINATIONS);
        }
        if (!errors.isEmpty()) {
            return new Result(List.of(), errors, warnings);
        }

        List<SequencedMap<String, JsonNode>> combinations = new ArrayList<>();
        if (!vectors.isEmpty()) {
            combinations.add(new LinkedHashMap<>());
            for (Map.Entry<String, List<JsonNode>> vector : vectors.entrySet()) {
                List<SequencedMap<String, JsonNode>> next = new ArrayList<>();
                for (SequencedMap<String, JsonNode> c : combinations) {
                    for (JsonNode v : vector.getValue()) {
                        SequencedMap<String, JsonNode> more = new LinkedHashMap<>(c);
                        more.put(vector.getKey(), v);
                        next.add(more);
                    }
                }
                combinations = next;
            }
        }
        for (JsonNode entry : exclude) {
            int before = combinations.size();
            combinations.removeIf(c -> matches(entry, c, vectors.keySet()));
            if (combinations.size() == before) {
                warnings.add("the 'exclude' entry " + Expressions.toJson(entry).replaceAll("\\s+", " ") + " matches no combination");
            }
        }
        boolean excludedAll = !vectors.isEmpty() && combinations.isEmpty();
        List<SequencedMap<String, JsonNode>> added = new ArrayList<>();
        for (JsonNode entry : include) {
            boolean extended = false;
            for (SequencedMap<String, JsonNode> c : combinations) {
                if (matches(entry, c, vectors.keySet())) {
                    entry.properties().forEach(e -> c.put(e.getKey(), e.getValue()));
                    extended = true;
                }
            }
            if (!extended) {
                SequencedMap<String, JsonNode> own = new LinkedHashMap<>();
                entry.properties().forEach(e -> own.put(e.getKey(), e.getValue()));
                added.add(own);
            }
        }
        combinations.addAll(added);
        if (combinations.isEmpty()) {
            errors.add(excludedAll ? "'exclude' removes every combination, so the job would not run at all"
                    : "the matrix makes no combination");
        } else if (combinations.size() > Matrix.MAX_COMBINATIONS) {
            errors.add("the matrix makes " + combinations.size() + " combinations; GitHub allows at most " + Matrix.MAX_COMBINATIONS);
        }
        if (!errors.isEmpty()) {
            return new Result(List.of(), errors, warnings);
        }
        return new Result(combinations.stream().map(Combination::new).toList(), errors, warnings);
    }

    /**
     * Whether every key of {@code entry} that is one of the matrix's own keys has the
     * combination's value; keys that are not (values {@code include} adds) do not count.
     */
    private static boolean matches(JsonNode entry, Map<String, JsonNode> combination, java.util.Set<String> matrixKeys) {
        for (Map.Entry<String, JsonNode> e : entry.properties()) {
            if (matrixKeys.contains(e.getKey()) && !e.getValue().equals(combination.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonNode value) {
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        return value.isNull() ? "null" : value.isTextual() ? "the text '" + value.textValue() + "'" : Expressions.asString(value);
    }
}
