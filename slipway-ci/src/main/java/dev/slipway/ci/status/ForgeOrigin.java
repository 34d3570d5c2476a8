package dev.slipway.ci.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;

/**
 * What a webhook delivery says about where a registration lives on its forge.
 *
 * @param forge gitea, forgejo or github, from the delivery's headers
 * @param apiUrl the forge API's base URL (https://gitea.example/api/v1, https://api.github.com), or null if the payload did not say
 * @param repository the repository's owner/name on the forge
 */
record ForgeOrigin(String forge, String apiUrl, String repository, long learnedAt) {
    private static final String NAME = "[^/\\s]+/[^/\\s]+";

    /**
     * Reads a payload's {@code repository}: its {@code full_name}, and the API base from its
     * {@code url} (Gitea's and Forgejo's is the API URL {@code {api}/repos/{full_name}}, so is
     * GitHub's outside push events), else GitHub's {@code statuses_url}, else its {@code html_url}
     * ({@code {web}/{full_name}}: Gitea's API is under {@code /api/v1}, GitHub's at api.github.com).
     */
    static Optional<ForgeOrigin> fromPayload(String forge, JsonNode payload, long now) {
        JsonNode repo = payload.path("repository");
        String fullName = repo.path("full_name").asText("");
        Optional<Forge> kind = Forge.parse(forge);
        if (!fullName.matches(NAME) || kind.isEmpty()) {
            return Optional.empty();
        }
        String api = before(repo.path("url").asText(""), "/repos/" + fullName, true);
        if (api == null) {
            String statuses = repo.path("statuses_url").asText("");
            api = before(statuses, "/repos/" + fullName + "/statuses/", false);
        }
        if (api == null) {
            String web = before(repo.path("html_url").asText(""), "/" + fullName, true);
            api = web == null ? null : kind.get().apiUrlFromWeb(web);
        }
        return Optional.of(new ForgeOrigin(kind.get().wire(), api, fullName, now));
    }

    /** The http(s) URL's part before {@code suffix} (which must end it when {@code atEnd}), or null. */
    private static String before(String url, String suffix, boolean atEnd) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String lower = u.toLowerCase(Locale.ROOT);
        int i = atEnd ? (lower.endsWith(suffix.toLowerCase(Locale.ROOT)) ? u.length() - suffix.length() : -1)
                : lower.indexOf(suffix.toLowerCase(Locale.ROOT));
        if (i <= 0 || !(lower.startsWith("https://") || lower.startsWith("http://"))) {
            return null;
        }
        return u.substring(0, i);
    }

    /** The same place, whenever it was learned. */
    boolean samePlace(ForgeOrigin o) {
        return o != null && forge.equals(o.forge) && java.util.Objects.equals(apiUrl, o.apiUrl) && repository.equals(o.repository);
    }
}
