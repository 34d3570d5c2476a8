package dev.slipway.ci.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.ci.definition.Variables;
import dev.slipway.ci.model.Notification;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One notification to send, as the outbox keeps it: its texts filled in when the run ended, its
 * secrets by name only (read when it is sent, so none is stored in clear and a rotated one
 * applies to notifications still waiting).
 *
 * @param on which of the entry's {@code when} values made it go (success, failure, fixed, always)
 * @param target where it goes, without secrets: what users see in the run
 * @param url the ntfy topic or webhook URL; null for Slack (its URL is the secret)
 * @param message ntfy's message or Slack's text
 * @param secret the secret holding ntfy's token, Slack's webhook URL or the webhook's signing key; or null
 * @param body the webhook's body (the run's JSON)
 */
record Notice(long run, String owner, String repo, String kind, String on, String target, String url, String title, String priority,
              List<String> tags, String message, String secret, String body) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What ntfy and Slack say when the file gives no text. */
    static final String DEFAULT_TEXT = "${SLIPWAY_REPO}: ${SLIPWAY_PIPELINE} ${SLIPWAY_STATUS} (run ${SLIPWAY_RUN_ID}, "
            + "${SLIPWAY_COMMIT_SHORT})\n${SLIPWAY_RUN_URL}";

    Notice {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /**
     * The notice of {@code entry} for a run that ended.
     *
     * @param values what {@code ${NAME}} means in its texts (every name the parser lets a text use)
     * @param runJson the run's JSON, the body of a webhook
     */
    static Notice of(Notification entry, long run, String owner, String repo, Notification.On on, Map<String, String> values,
                     String runJson) {
        return switch (entry) {
            case Notification.Ntfy n -> new Notice(run, owner, repo, n.kind(), on.wire(), shown(n.url()), n.url(),
                    n.title() == null ? null : Variables.substitute(n.title(), values), n.priority(), n.tags(),
                    Variables.substitute(n.message() == null ? DEFAULT_TEXT : n.message(), values), n.token(), null);
            case Notification.Slack s -> new Notice(run, owner, repo, s.kind(), on.wire(), "the Slack webhook in secret " + s.webhook(), null,
                    null, null, List.of(), Variables.substitute(s.text() == null ? DEFAULT_TEXT : s.text(), values), s.webhook(), null);
            case Notification.Webhook w -> new Notice(run, owner, repo, w.kind(), on.wire(), shown(w.url()), w.url(), null, null, List.of(),
                    null, w.secret(), runJson);
        };
    }

    /** A URL as users may see it: no user information, no query (either may hold a credential). */
    static String shown(String url) {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + (u.getRawPath() == null ? "" : u.getRawPath());
        } catch (IllegalArgumentException e) {
            return "(an invalid URL)";
        }
    }

    String write() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Notice read(String payload) {
        try {
            return JSON.readValue(payload, Notice.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unreadable notification in the outbox: " + payload, e);
        }
    }

    /**
     * Notifications to one place (per repository) go one at a time, in the order runs ended: a
     * "fixed" never arrives before the failure it follows.
     */
    String orderingKey() {
        String key = "notification:" + owner + "/" + repo + ":" + kind + ":" + (url != null ? url : secret);
        return key.length() <= 600 ? key : key.substring(0, 600);
    }
}
