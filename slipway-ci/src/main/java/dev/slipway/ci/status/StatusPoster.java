package dev.slipway.ci.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.outbox.Result;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One commit status request to a forge, and what its answer means: 2xx delivered; no answer, 408,
 * 429 or 5xx worth retrying; any other answer (a refused token, no such repository, a refused
 * status) failed at once, with a message that says what to fix.
 */
final class StatusPoster {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10); // well within the outbox's 30 s lease

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER) // a redirected POST may turn into a GET: say where to point forge_url instead
            .build();

    /**
     * Where a registration's statuses go.
     *
     * @param apiUrl the forge API's base URL, without a trailing slash
     * @param repository owner/name on the forge
     */
    record Target(Forge forge, String apiUrl, String repository) {
        URI statusUri(String sha) {
            String[] parts = repository.split("/", 2);
            return URI.create(apiUrl + "/repos/" + segment(parts[0]) + "/" + segment(parts[1]) + "/statuses/" + sha);
        }

        private static String segment(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }

    Result post(Target target, String token, String tokenSecret, Posting p) throws InterruptedException {
        URI uri = target.statusUri(p.sha());
        String body = JSON.createObjectNode().put("state", p.state()).put("target_url", p.targetUrl()).put("description", p.description())
                .put("context", p.context()).toString();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", target.forge().accept())
                .header("Authorization", target.forge().authorization(token))
                .header("User-Agent", "slipway")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        String what = "POST " + uri;
        HttpResponse<String> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            return Result.retry(null, what + ": no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (java.net.ConnectException e) {
            return Result.retry(null, what + ": cannot reach the forge (connection refused)");
        } catch (IOException e) {
            return Result.retry(null, what + ": cannot reach the forge (" + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()) + ")");
        }
        int status = answer.statusCode();
        String said = said(answer.body());
        if (status >= 200 && status <= 299) {
            return Result.delivered(status, what + ": " + status);
        }
        String reply = what + ": " + status + (said.isEmpty() ? "" : " " + said);
        return switch (status) {
            case 408, 429 -> Result.retry(status, reply);
            case 401 -> Result.failed(status, reply + "; the forge refused the token in secret " + tokenSecret + ": check that it is valid");
            case 403 -> Result.failed(status, reply + "; the token in secret " + tokenSecret + " may not post statuses to " + target.repository()
                    + " (Gitea and Forgejo tokens need the write:repository scope, GitHub tokens repo:status)");
            case 404 -> Result.failed(status, reply + "; the forge has no repository " + target.repository() + " or no commit " + p.sha()
                    + " there (set forge_repository and forge_url if they differ; GitHub also answers 404 to a token that cannot see the repository)");
            default -> status >= 500 ? Result.retry(status, reply)
                    : status >= 300 && status <= 399 ? Result.failed(status, reply + " (a redirect to " + answer.headers().firstValue("Location")
                    .orElse("?") + "); set forge_url to the forge API's own address")
                    : Result.failed(status, reply);
        };
    }

    /** The forge's message (its JSON {@code message}, else the body's start), on one line. */
    private static String said(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String text = body;
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.path("message").isTextual()) {
                text = node.path("message").asText();
            }
        } catch (IOException notJson) {
            // keep the body
        }
        text = text.replaceAll("\\s+", " ").trim();
        return "(" + (text.length() > 200 ? text.substring(0, 197) + "..." : text) + ")";
    }
}
