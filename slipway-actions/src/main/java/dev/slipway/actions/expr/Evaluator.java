package dev.slipway.actions.expr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.actions.expr.Node.Call;
import dev.slipway.actions.expr.Node.Compare;
import dev.slipway.actions.expr.Node.ContextRef;
import dev.slipway.actions.expr.Node.Index;
import dev.slipway.actions.expr.Node.Interpolation;
import dev.slipway.actions.expr.Node.Literal;
import dev.slipway.actions.expr.Node.Logical;
import dev.slipway.actions.expr.Node.Not;
import dev.slipway.actions.expr.Node.Wildcard;
import dev.slipway.actions.expr.Values.FilteredArray;
import java.util.Iterator;
import java.util.List;

/** Walks a syntax tree against a {@link Scope}, with the runner's semantics for each node. */
final class Evaluator {
    private final String source;
    private final Scope scope;

    private Evaluator(String source, Scope scope) {
        this.source = source;
        this.scope = scope;
    }

    static JsonNode evaluate(Node node, String source, Scope scope) {
        return new Evaluator(source, scope).eval(node);
    }

    private JsonNode eval(Node node) {
        return switch (node) {
            case Literal literal -> literal.value();
            case ContextRef ref -> context(ref);
            case Index index -> index(eval(index.target()), eval(index.key()));
            case Wildcard wildcard -> wildcard(eval(wildcard.target()));
            case Not not -> Values.bool(!Values.truthy(eval(not.operand())));
            case Compare compare -> Values.bool(compare(compare));
            case Logical logical -> logical(logical);
            case Call call -> call(call);
            case Interpolation interpolation -> {
                StringBuilder out = new StringBuilder();
                for (Node part : interpolation.parts()) {
                    out.append(Values.toStr(eval(part)));
                }
                yield Values.text(out.toString());
            }
        };
    }

    private JsonNode context(ContextRef ref) {
        JsonNode value = scope.context(ref.name());
        if (value == null) {
            List<String> known = List.copyOf(scope.contexts().keySet());
            throw new ExpressionException("unknown context '" + ref.name() + "'; "
                    + (known.isEmpty() ? "no contexts are available here" : "the contexts here are " + String.join(", ", known)),
                    source, ref.offset());
        }
        return value;
    }

    /**
     * A property or an item; a missing one is null, never an error. On the array an object filter
     * made, the key applies to each item and the hits form a new filtered array, as in the runner
     * (so {@code (a.*.b)[0]} is not the first b but the first item of each b that is an array).
     */
    private static JsonNode index(JsonNode target, JsonNode key) {
        if (target instanceof FilteredArray filtered) {
            FilteredArray out = new FilteredArray();
            for (JsonNode item : filtered) {
                JsonNode hit = item.isObject() || item.isArray() ? element(item, key) : null;
                if (hit != null) {
                    out.add(hit);
                }
            }
            return out;
        }
        JsonNode hit = element(target, key);
        return hit == null ? Values.NODES.nullNode() : hit;
    }

    private static JsonNode element(JsonNode target, JsonNode key) {
        return switch (Values.kind(target)) {
            case OBJECT -> Values.kind(key).isPrimitive() ? Values.property(target, Values.toStr(key)) : null;
            case ARRAY -> {
                double d = Values.toNumber(key);
                if (Double.isNaN(d) || d < 0 || Math.floor(d) > Integer.MAX_VALUE) {
                    yield null;
                }
                int i = (int) Math.floor(d); // the runner floors: [1.9] is item 1
                yield i < target.size() ? target.get(i) : null;
            }
            default -> null;
        };
    }

    /** {@code .*}: the values of an object or the items of an array; on a filtered array, of each of its items. */
    private static JsonNode wildcard(JsonNode target) {
        FilteredArray out = new FilteredArray();
        if (target instanceof FilteredArray filtered) {
            for (JsonNode item : filtered) {
                addChildren(out, item);
            }
        } else {
            addChildren(out, target);
        }
        return out;
    }

    private static void addChildren(FilteredArray out, JsonNode collection) {
        if (collection != null && (collection.isObject() || collection.isArray())) {
            for (Iterator<JsonNode> it = collection.elements(); it.hasNext(); ) {
                out.add(it.next());
            }
        }
    }

    private boolean compare(Compare compare) {
        JsonNode left = eval(compare.left());
        JsonNode right = eval(compare.right());
        return switch (compare.op()) {
            case EQ -> Values.equal(left, right);
            case NE -> !Values.equal(left, right);
            case LT -> Values.less(left, right);
            case LE -> Values.equal(left, right) || Values.less(left, right);
            case GT -> Values.greater(left, right);
            case GE -> Values.equal(left, right) || Values.greater(left, right);
        };
    }

    /** Stops at the first falsy operand of {@code &&} or truthy one of {@code ||}, and gives that operand itself. */
    private JsonNode logical(Logical logical) {
        JsonNode result = null;
        for (Node operand : logical.operands()) {
            result = eval(operand);
            if (logical.and() != Values.truthy(result)) {
                break;
            }
        }
        return result;
    }

    private JsonNode call(Call call) {
        List<Node> nodes = call.args();
        JsonNode[] values = new JsonNode[nodes.size()];
        Functions.Args args = new Functions.Args() {
            @Override
            public int size() {
                return values.length;
            }

            @Override
            public JsonNode get(int i) {
                if (values[i] == null) {
                    values[i] = eval(nodes.get(i));
                }
                return values[i];
            }
        };
        return Functions.call(call.function(), args, scope, reason -> new ExpressionException(reason, source, call.offset()));
    }
}
