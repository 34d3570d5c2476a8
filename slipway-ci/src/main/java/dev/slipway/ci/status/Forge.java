package dev.slipway.ci.status;

import java.util.Locale;
import java.util.Optional;

/**
 * The forges statuses go to, and how each wants to be asked. Gitea and Forgejo share one API:
 * {@code POST {api}/repos/{owner}/{repo}/statuses/{sha}} with {@code Authorization: token T};
 * GitHub's is the same path with {@code Authorization: Bearer T} and its own media type.
 */
enum Forge {
    GITEA, FORGEJO, GITHUB;

    static final String GITHUB_API = "https://api.github.com";

    static Optional<Forge> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (Forge f : values()) {
            if (f.wire().equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    String authorization(String token) {
        return (this == GITHUB ? "Bearer " : "token ") + token;
    }

    String accept() {
        return this == GITHUB ? "application/vnd.github+json" : "application/json";
    }

    /** Where the API is, given the repository's web address on the forge without its owner/name. */
    String apiUrlFromWeb(String webBase) {
        if (this != GITHUB) {
            return webBase + "/api/v1";
        }
        return webBase.equalsIgnoreCase("https://github.com") ? GITHUB_API : webBase + "/api/v3"; // GitHub Enterprise Server
    }
}
