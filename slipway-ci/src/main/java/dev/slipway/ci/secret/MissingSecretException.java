package dev.slipway.ci.secret;

import java.util.List;
import java.util.stream.Collectors;

/** A run asks for secrets that are set in none of the scopes it may read; the run must not start. */
public final class MissingSecretException extends RuntimeException {
    private final List<String> names;
    private final List<SecretScope> searched;

    public MissingSecretException(List<String> names, List<SecretScope> searched) {
        this(names, searched, null);
    }

    /** @param purpose what the secrets were for, such as "credentials for https://git.example/lib.git", or null */
    public MissingSecretException(List<String> names, List<SecretScope> searched, String purpose) {
        super((purpose == null ? "" : purpose + ": ") + message(names, searched));
        this.names = List.copyOf(names);
        this.searched = List.copyOf(searched);
    }

    public List<String> names() {
        return names;
    }

    public List<SecretScope> searched() {
        return searched;
    }

    private static String message(List<String> names, List<SecretScope> searched) {
        String quoted = names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
        String scopes = searched.stream().map(SecretScope::wireName).collect(Collectors.joining(", "));
        return (names.size() == 1 ? "secret " + quoted + " is" : "secrets " + quoted + " are")
                + " not set; searched " + scopes;
    }
}
