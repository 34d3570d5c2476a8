package dev.slipway.ci.secret;

import java.util.Collection;
import java.util.Map;

/** What the CI engine needs from the secrets store: a run's secrets, resolved before the run starts. */
public interface SecretResolver {
    /**
     * The values of {@code names} for a run in repository {@code owner/repository}: the
     * repository's own secret, else the owner's, else the global one. Names are case-insensitive
     * (stored upper case); the map is keyed by the names as given, in their order. Each call
     * returns fresh arrays, which the caller may clear after use.
     *
     * @throws MissingSecretException naming every secret that none of the scopes has, and the scopes searched
     */
    Map<String, byte[]> resolve(String owner, String repository, Collection<String> names);

    /**
     * The events each of {@code names} is restricted to (Woodpecker's secrets), found as
     * {@link #resolve} finds the value; a name without a restriction (or not set) is absent.
     */
    default Map<String, java.util.List<String>> events(String owner, String repository, Collection<String> names) {
        return Map.of();
    }

    /**
     * The values of those of {@code names} that are set, as {@link #resolve} finds them; a secret
     * that is not set is absent from the map (GitHub Actions gives it as an empty string).
     */
    default Map<String, byte[]> resolveSet(String owner, String repository, Collection<String> names) {
        Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        for (String name : names) {
            try {
                out.putAll(resolve(owner, repository, java.util.List.of(name)));
            } catch (MissingSecretException missing) {
                // absent
            }
        }
        return out;
    }
}
