package dev.slipway.actions.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.actions.expr.ExpressionException;
import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Scope;
import dev.slipway.actions.workflow.On.InputType;
import dev.slipway.ci.definition.Problem;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code inputs} context of a run: given values checked against the declared inputs of
 * {@code workflow_dispatch} or {@code workflow_call}, defaults filled in. Every problem is
 * collected, each naming its input.
 */
final class InputValues {
    private InputValues() {}

    /** An input as both kinds declare it, with its default already a value (or null). */
    private record Declared(String name, InputType type, boolean required, JsonNode defaultValue, List<String> options) {}

    static ObjectNode dispatch(On.Dispatch dispatch, Map<String, ? extends JsonNode> given) {
        List<Declared> declared = dispatch.inputs().values().stream()
                .map(i -> new Declared(i.name(), i.type(), i.required(), i.defaultValue(), i.options())).toList();
        List<String> problems = new ArrayList<>();
        ObjectNode inputs = fill(declared, given, problems);
        if (!problems.isEmpty()) {
            throw new SlipwayException.BadRequest(String.join("\n", problems));
        }
        return inputs;
    }

    static ObjectNode call(On.Call call, Map<String, ? extends JsonNode> given, Scope scope) {
        List<String> problems = new ArrayList<>();
        List<Declared> declared = new ArrayList<>();
        for (On.CallInput input : call.inputs().values()) {
            JsonNode defaultValue = null;
            if (input.defaultValue() != null) {
                try {
                    defaultValue = input.defaultValue().evaluate(scope);
                } catch (ExpressionException e) {
                    problems.add(input.defaultValue().at() + ": the default of input '" + input.name() + "': " + e.getMessage());
                }
            }
            declared.add(new Declared(input.name(), input.type(), input.required(), defaultValue, List.of()));
        }
        ObjectNode inputs = fill(declared, given, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return inputs;
    }

    /** {@code github.event.inputs}: every value as text. */
    static ObjectNode asText(ObjectNode inputs) {
        ObjectNode text = JsonNodeFactory.instance.objectNode();
        inputs.properties().forEach(e -> text.put(e.getKey(), Expressions.asString(e.getValue())));
        return text;
    }

    static List<Problem> check(On.Call callee, Job.Call caller) {
        List<Problem> problems = new ArrayList<>();
        String where = "jobs." + caller.id();
        caller.with().forEach((name, value) -> {
            if (!callee.inputs().containsKey(name)) {
                problems.add(value.at().problem(where + ".with: " + caller.uses().source() + " has no input '" + name + "'"
                        + Suggestions.didYouMean(name, callee.inputs().keySet()) + available("inputs", callee.inputs().keySet())));
            }
        });
        callee.inputs().values().stream()
                .filter(i -> i.required() && i.defaultValue() == null && !caller.with().containsKey(i.name()))
                .forEach(i -> problems.add(caller.at().problem(where + ": " + caller.uses().source() + " requires input '" + i.name()
                        + "'; pass it in 'with'")));
        if (!caller.secrets().inherit()) {
            caller.secrets().passed().forEach((name, value) -> {
                if (!callee.secrets().containsKey(name)) {
                    problems.add(value.at().problem(where + ".secrets: " + caller.uses().source() + " takes no secret '" + name + "'"
                            + Suggestions.didYouMean(name, callee.secrets().keySet()) + available("secrets", callee.secrets().keySet())));
                }
            });
            callee.secrets().values().stream()
                    .filter(s -> s.required() && !caller.secrets().passed().containsKey(s.name()))
                    .forEach(s -> problems.add(caller.at().problem(where + ": " + caller.uses().source() + " requires secret '" + s.name()
                            + "'; pass it in 'secrets', or write 'secrets: inherit'")));
        }
        return problems.stream().sorted(Doc.ORDER).toList();
    }

    private static String available(String what, java.util.Collection<String> names) {
        return names.isEmpty() ? "; it takes no " + what : "; its " + what + ": " + String.join(", ", names);
    }

    private static ObjectNode fill(List<Declared> declared, Map<String, ? extends JsonNode> given, List<String> problems) {
        List<String> names = declared.stream().map(Declared::name).toList();
        given.keySet().stream().filter(name -> !names.contains(name)).sorted().forEach(name -> problems.add(
                "unknown input '" + name + "'" + Suggestions.didYouMean(name, names)
                        + (names.isEmpty() ? "; the workflow takes no inputs" : "; the inputs are " + String.join(", ", names))));
        ObjectNode inputs = JsonNodeFactory.instance.objectNode();
        for (Declared input : declared) {
            JsonNode value = given.get(input.name());
            if (value == null || value.isNull()) {
                if (input.required() && input.defaultValue() == null) {
                    problems.add("input '" + input.name() + "' is required");
                    continue;
                }
                value = input.defaultValue() != null ? input.defaultValue() : zero(input.type());
            }
            JsonNode typed = typed(input, value, problems);
            if (typed != null) {
                inputs.set(input.name(), typed);
            }
        }
        return inputs;
    }

    /** What an input without a value and without a default is, as GitHub documents for workflow_call. */
    private static JsonNode zero(InputType type) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (type) {
            case BOOLEAN -> f.booleanNode(false);
            case NUMBER -> f.numberNode(0.0);
            default -> f.textNode("");
        };
    }

    private static JsonNode typed(Declared input, JsonNode value, List<String> problems) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        String name = "input '" + input.name() + "'";
        if (value.isContainerNode()) {
            problems.add(name + " must be a single value, not " + (value.isArray() ? "a list" : "an object"));
            return null;
        }
        String text = Expressions.asString(value);
        return switch (input.type()) {
            case BOOLEAN -> {
                if (value.isBoolean()) {
                    yield value;
                }
                String word = text.strip().toLowerCase(Locale.ROOT);
                if (word.equals("true") || word.equals("false")) {
                    yield f.booleanNode(word.equals("true"));
                }
                problems.add(name + " must be true or false, not '" + text + "'");
                yield null;
            }
            case NUMBER -> {
                if (value.isNumber()) {
                    yield f.numberNode(value.doubleValue());
                }
                try {
                    double d = Double.parseDouble(text.strip());
                    if (Double.isFinite(d) && !text.isBlank()) {
                        yield f.numberNode(d);
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
                problems.add(name + " must be a number, not '" + text + "'");
                yield null;
            }
            case CHOICE -> {
                if (!input.options().contains(text)) {
                    problems.add(name + " must be one of " + String.join(", ", input.options()) + ", not '" + text + "'"
                            + Suggestions.didYouMean(text, input.options()));
                    yield null;
                }
                yield f.textNode(text);
            }
            case STRING, ENVIRONMENT -> f.textNode(text);
        };
    }
}
