package dev.slipway.actions.workflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * {@code permissions:} of the workflow or a job, as written: {@code read-all}, {@code write-all}
 * or a mapping, where every scope not named is {@code none}. Which scopes the job token gets is
 * {@link TokenScopes#of}'s decision.
 *
 * @param scopes every scope GitHub knows, with its access
 */
public record Permissions(SequencedMap<String, Access> scopes, Position at) {
    /** The access a token has to a scope. */
    public enum Access {
        NONE, READ, WRITE;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Access parse(String word) {
            for (Access a : values()) {
                if (a.word().equals(word)) {
                    return a;
                }
            }
            return null;
        }
    }

    /** GitHub's scopes, with the accesses each may have (id-token is write or none, models read or none). */
    static final Map<String, List<Access>> SCOPES;

    static {
        List<Access> any = List.of(Access.READ, Access.WRITE, Access.NONE);
        List<Access> writeOrNone = List.of(Access.WRITE, Access.NONE);
        List<Access> readOrNone = List.of(Access.READ, Access.NONE);
        Map<String, List<Access>> scopes = new LinkedHashMap<>();
        for (String scope : List.of("actions", "artifact-metadata", "attestations", "checks", "contents", "deployments",
                "discussions", "issues", "packages", "pages", "pull-requests", "repository-projects", "security-events", "statuses")) {
            scopes.put(scope, any);
        }
        scopes.put("copilot-requests", writeOrNone);
        scopes.put("id-token", writeOrNone);
        scopes.put("models", readOrNone);
        scopes.put("vulnerability-alerts", readOrNone);
        SCOPES = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(scopes));
    }

    public Permissions {
        Objects.requireNonNull(at, "at");
        scopes = Ordered.copy(scopes);
    }

    /** {@code read-all}: read where a scope can be read, none elsewhere. */
    static Permissions readAll(Position at) {
        return all(Access.READ, at);
    }

    /** {@code write-all}: write where a scope can be written, read elsewhere. */
    static Permissions writeAll(Position at) {
        return all(Access.WRITE, at);
    }

    private static Permissions all(Access wanted, Position at) {
        SequencedMap<String, Access> scopes = new LinkedHashMap<>();
        SCOPES.forEach((scope, allowed) -> scopes.put(scope, allowed.contains(wanted) ? wanted
                : wanted == Access.WRITE && allowed.contains(Access.READ) ? Access.READ : Access.NONE));
        return new Permissions(scopes, at);
    }

    /** The scopes named, every other one none. */
    static Permissions of(Map<String, Access> named, Position at) {
        SequencedMap<String, Access> scopes = new LinkedHashMap<>();
        SCOPES.keySet().forEach(scope -> scopes.put(scope, named.getOrDefault(scope, Access.NONE)));
        return new Permissions(scopes, at);
    }

    public Access access(String scope) {
        return scopes.getOrDefault(scope, Access.NONE);
    }
}
