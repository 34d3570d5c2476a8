package dev.slipway.core.identity;

import java.util.Locale;

/** What a caller may do to a repository; the names are the Docker token spec's action names. */
public enum Action {
    PULL, PUSH, DELETE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Action parseOrNull(String s) {
        return switch (s) {
            case "pull" -> PULL;
            case "push" -> PUSH;
            case "delete" -> DELETE;
            default -> null;
        };
    }
}
