package dev.slipway.ci.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.ci.trigger.WebhookReceiver;
import dev.slipway.core.outbox.Result;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The requests of notifications, and what their answers mean: 2xx delivered; no answer, 408, 429
 * or 5xx worth retrying; any other answer failed at once, saying what to fix. Nothing a request
 * or a message shows contains a secret: a Slack webhook's URL is its credential and is named by
 * its secret only.
 */
final class Sender {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10); // well within the outbox's 30 s lease

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // plain requests as curl makes them: no h2c upgrade offered to a receiver on http
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER) // a redirected POST may turn into a GET: say where to point instead
            .build();

    /**
     * ntfy's publish API as seed 000's curl uses it: POST to the topic's URL with the message as the
     * body and {@code Title}, {@code Priority} and {@code Tags} (comma-separated) headers.
     *
     * @param token an access token, sent as {@code Authorization: Bearer}, or null
     */
    Result ntfy(Notice n, String token, long deliveryId) throws InterruptedException {
        HttpRequest.Builder b = request(n.url(), deliveryId).header("Content-Type", "text/plain; charset=utf-8");
        if (n.title() != null && !n.title().isBlank()) {
            b.header("Title", headerValue(n.title()));
        }
        if (n.priority() != null) {
            b.header("Priority", n.priority());
        }
        if (!n.tags().isEmpty()) {
            b.header("Tags", headerValue(String.join(",", n.tags())));
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.POST(HttpRequest.BodyPublishers.ofString(n.message(), StandardCharsets.UTF_8));
        return send(b.build(), "POST " + n.target(), token == null ? "" : "; check the token in secret " + n.secret());
    }

    /** A Slack incoming webhook: POST {@code {"text": ...}} to the URL in the secret. */
    Result slack(Notice n, String webhookUrl, long deliveryId) throws InterruptedException {
        URI uri;
        try {
            uri = URI.create(webhookUrl.trim());
        } catch (IllegalArgumentException e) {
            return Result.failed(null, "secret " + n.secret() + " does not hold a URL; store the Slack incoming webhook's URL in it");
        }
        if (uri.getHost() == null || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            return Result.failed(null, "secret " + n.secret() + " does not hold an http(s) URL; store the Slack incoming webhook's URL in it");
        }
        String body = JSON.createObjectNode().put("text", n.message()).toString();
        HttpRequest request = request(uri.toString(), deliveryId).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        Result r = send(request, "POST to " + n.target(), "; check the webhook's URL in secret " + n.secret());
        return scrub(r, uri.toString());
    }

    /**
     * The run's JSON to a URL, with the headers of the registry's webhooks: {@code X-Slipway-Event},
     * {@code X-Slipway-Delivery} (the same on every retry) and, with a secret,
     * {@code X-Slipway-Signature: sha256=<hex>}, the HMAC-SHA256 of the body.
     */
    Result webhook(Notice n, String signingKey, long deliveryId) throws InterruptedException {
        byte[] body = n.body().getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = request(n.url(), deliveryId).header("Content-Type", "application/json")
                .header("X-Slipway-Event", "run.finished");
        if (signingKey != null) {
            b.header("X-Slipway-Signature", "sha256=" + WebhookReceiver.hmac(signingKey, body));
        }
        b.POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return send(b.build(), "POST " + n.target(), signingKey == null ? "" : "; check the signing key in secret " + n.secret());
    }

    private static HttpRequest.Builder request(String url, long deliveryId) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("User-Agent", "slipway")
                .header("X-Slipway-Delivery", Long.toString(deliveryId));
    }

    /** @param authHint what to check when the receiver refuses the credentials */
    private Result send(HttpRequest request, String what, String authHint) throws InterruptedException {
        HttpResponse<String> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            return Result.retry(null, what + ": no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (java.net.ConnectException e) {
            return Result.retry(null, what + ": cannot connect (connection refused)");
        } catch (IOException e) {
            return Result.retry(null, what + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        int status = answer.statusCode();
        String reply = what + ": " + status + said(answer.body());
        if (status >= 200 && status <= 299) {
            return Result.delivered(status, reply);
        }
        if (status == 408 || status == 429 || status >= 500) {
            return Result.retry(status, reply);
        }
        if (status >= 300 && status <= 399) {
            return Result.failed(status, reply + " (a redirect); give the URL it redirects to");
        }
        return Result.failed(status, reply + (status == 401 || status == 403 ? authHint : ""));
    }

    /** What the receiver said, on one line and short, or nothing. */
    private static String said(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String text = body.replaceAll("\\s+", " ").trim();
        return " (" + (text.length() > 200 ? text.substring(0, 197) + "..." : text) + ")";
    }

    /** A result without {@code secret} in its answer (a Slack webhook's URL). */
    private static Result scrub(Result r, String secret) {
        String answer = r.answer() == null ? null : r.answer().replace(secret, "(the URL in the secret)");
        return switch (r) {
            case Result.Delivered d -> Result.delivered(d.status(), answer);
            case Result.Retry t -> Result.retry(t.status(), answer);
            case Result.Failed f -> Result.failed(f.status(), answer);
        };
    }

    /**
     * A header value as ntfy reads it. Line breaks become spaces (a header is one line). Java's
     * client sends header values as ASCII, so a value with other characters (an emoji in a title)
     * goes as an RFC 2047 encoded word, which ntfy decodes (since 2.4.0).
     */
    static String headerValue(String text) {
        String line = text.replaceAll("[\\r\\n\\t\\x00-\\x1f\\x7f]+", " ").strip();
        boolean ascii = line.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        return ascii ? line : "=?UTF-8?B?" + Base64.getEncoder().encodeToString(line.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
