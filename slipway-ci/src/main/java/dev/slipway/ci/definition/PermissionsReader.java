package dev.slipway.ci.definition;

import dev.slipway.ci.model.Permissions;
import dev.slipway.ci.model.Permissions.Access;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads {@code permissions:}, GitHub Actions' key with GitHub's words: a mapping of
 * {@code packages} and {@code repository} to {@code read}, {@code write} or {@code none} (as in
 * GitHub, what a mapping does not name is {@code none}; {@code {}} is none at all), or
 * {@code read-all} / {@code write-all}.
 */
final class PermissionsReader {
    private static final Set<String> KEYS = Set.of("packages", "repository");
    /** GitHub's other permissions: named in a message rather than called unknown. */
    private static final List<String> GITHUB_ONLY = List.of("actions", "attestations", "checks", "contents", "deployments", "discussions",
            "id-token", "issues", "models", "pages", "pull-requests", "repository-projects", "security-events", "statuses");

    private PermissionsReader() {}

    static Permissions read(Source source, Fields top) {
        Node node = top.get("permissions");
        if (node == null) {
            return Permissions.DEFAULT;
        }
        if (node instanceof ScalarNode) {
            String text = source.text(node, "'permissions'");
            return switch (text) {
                case null -> Permissions.DEFAULT;
                case "read-all" -> new Permissions(Access.READ, Access.READ);
                case "write-all" -> new Permissions(Access.WRITE, Access.READ);
                default -> {
                    source.report(node, "'permissions' must be read-all, write-all or a mapping such as"
                            + " { packages: read, repository: read }, not '" + text + "'");
                    yield Permissions.DEFAULT;
                }
            };
        }
        Fields f = source.fields(node, top.keyNode("permissions"), "'permissions'", null);
        Access packages = Access.NONE;
        Access repository = Access.NONE;
        for (Fields.Entry e : f.entries()) {
            switch (e.key()) {
                case "packages" -> packages = access(source, e, true);
                case "repository" -> repository = access(source, e, false);
                default -> source.report(e.keyNode(), GITHUB_ONLY.contains(e.key())
                        ? "'" + e.key() + "' in 'permissions' is a GitHub permission that Slipway's job token does not have; it has"
                                + " 'packages' (the registry repositories of the repository's owner) and 'repository' (this"
                                + " repository's runs and logs)"
                        : "unknown key '" + e.key() + "' in 'permissions'" + hint(e.key()));
            }
        }
        return new Permissions(packages, repository);
    }

    private static String hint(String key) {
        String hint = Syntax.didYouMean(key, KEYS);
        return hint.isEmpty() ? " (expected one of: packages, repository)" : hint;
    }

    private static Access access(Source source, Fields.Entry e, boolean writable) {
        String text = source.text(e, "'" + e.key() + "' in 'permissions'");
        if (text == null) {
            return Access.NONE;
        }
        switch (text) {
            case "none":
                return Access.NONE;
            case "read":
                return Access.READ;
            case "write":
                if (writable) {
                    return Access.WRITE;
                }
                source.report(e.value(), "'repository' in 'permissions' can be read or none: the job token reads the run's"
                        + " repository (its runs and logs) and never changes it");
                return Access.READ;
            default:
                source.report(e.value(), "'" + e.key() + "' in 'permissions' must be " + (writable ? "read, write" : "read")
                        + " or none, not '" + text + "'" + Syntax.didYouMean(text, writable ? Set.of("read", "write", "none")
                        : Set.of("read", "none")));
                return Access.NONE;
        }
    }
}
