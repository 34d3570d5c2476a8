package dev.slipway.actions.expr;

import dev.slipway.actions.expr.Node.Call;
import dev.slipway.actions.expr.Node.Compare;
import dev.slipway.actions.expr.Node.ContextRef;
import dev.slipway.actions.expr.Node.Index;
import dev.slipway.actions.expr.Node.Interpolation;
import dev.slipway.actions.expr.Node.Literal;
import dev.slipway.actions.expr.Node.Logical;
import dev.slipway.actions.expr.Node.Not;
import dev.slipway.actions.expr.Node.Wildcard;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The contexts and functions a parsed text uses, in the order they appear, each with its offset in
 * {@link #source()}: what the workflow reader checks before anything runs.
 */
public record Usage(String source, List<Reference> contexts, List<Reference> functions) {
    /** A name as written ({@code functions} use GitHub's spelling, {@code fromJSON}) and where it is. */
    public record Reference(String name, int offset) {}

    public Usage {
        contexts = List.copyOf(contexts);
        functions = List.copyOf(functions);
    }

    /** The context names, lower case. */
    public Set<String> contextNames() {
        return contexts.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    public Set<String> functionNames() {
        return functions.stream().map(Reference::name).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Whether success(), failure(), cancelled() or always() appears; without one, an if: gets an implicit success() &&. */
    public boolean hasStatusFunction() {
        return functions.stream().anyMatch(r -> Functions.Function.named(r.name()).isStatus());
    }

    /**
     * Throws at the first context that is not among {@code allowed} (ignoring case), naming the
     * allowed ones: "unknown context 'gitea2'; available here: github, gitea, env, ...".
     */
    public void requireContexts(Collection<String> allowed) {
        Set<String> names = allowed.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        for (Reference ref : contexts) {
            if (!names.contains(ref.name().toLowerCase(Locale.ROOT))) {
                throw new ExpressionException("unknown context '" + ref.name() + "'; available here: " + String.join(", ", allowed),
                        source, ref.offset());
            }
        }
    }

    static Usage of(String source, Node node) {
        List<Reference> contexts = new ArrayList<>();
        List<Reference> functions = new ArrayList<>();
        if (node != null) {
            collect(node, contexts, functions);
        }
        return new Usage(source, contexts, functions);
    }

    private static void collect(Node node, List<Reference> contexts, List<Reference> functions) {
        switch (node) {
            case Literal ignored -> {}
            case ContextRef ref -> contexts.add(new Reference(ref.name(), ref.offset()));
            case Index index -> {
                collect(index.target(), contexts, functions);
                collect(index.key(), contexts, functions);
            }
            case Wildcard wildcard -> collect(wildcard.target(), contexts, functions);
            case Not not -> collect(not.operand(), contexts, functions);
            case Compare compare -> {
                collect(compare.left(), contexts, functions);
                collect(compare.right(), contexts, functions);
            }
            case Logical logical -> logical.operands().forEach(n -> collect(n, contexts, functions));
            case Call call -> {
                functions.add(new Reference(call.function().displayName, call.offset()));
                call.args().forEach(n -> collect(n, contexts, functions));
            }
            case Interpolation interpolation -> interpolation.parts().forEach(n -> collect(n, contexts, functions));
        }
    }
}
