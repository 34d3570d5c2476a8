package dev.slipway.ci.secret;

import java.util.ArrayList;
import java.util.List;

/**
 * What uses a deploy key. {@link DeployKeys} asks before deleting one and refuses (unless forced)
 * while anything does. The CI engine implements it from its repository registrations
 * ({@code ci_repositories.key_name}) and pipeline definitions.
 */
@FunctionalInterface
public interface KeyReferences {
    /** Descriptions of what uses key {@code keyName} of {@code owner}, e.g. {@code "repository acme/web"}; empty if nothing. */
    List<String> referencesTo(String owner, String keyName);

    static KeyReferences none() {
        return (owner, keyName) -> List.of();
    }

    /** All references any of {@code sources} reports, in order. */
    static KeyReferences combine(KeyReferences... sources) {
        List<KeyReferences> all = List.of(sources);
        return (owner, keyName) -> {
            List<String> out = new ArrayList<>();
            all.forEach(s -> out.addAll(s.referencesTo(owner, keyName)));
            return List.copyOf(out);
        };
    }
}
