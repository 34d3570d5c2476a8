package dev.slipway.ci.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.registration.Registration;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.secret.MissingSecretException;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/hooks}: one URL for Gitea, Forgejo and GitHub. The forge is told by its
 * headers (Forgejo and Gitea also send GitHub's, so theirs are looked at first), the registration
 * by the payload's repository (its clone URL, ssh URL or web URL equal to the registration's clone
 * URL, or its full name equal to the registration's forge repository or its owner/name), and the
 * signature (HMAC-SHA256 of the body under the registration's webhook secret) must match before
 * anything is recorded.
 *
 * <p>Every answer says what happened, because forges show it in their delivery log: the runs
 * started, or why none was (a branch or path filter, a skip marker, no pipeline). A redelivery
 * (same forge and delivery id) gets the first answer again and starts nothing.
 */
public final class WebhookReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TriggerService triggers;
    private final Function<Long, String> runUrl;

    /** @param runUrl the URL of a run, for the answer (so a forge's delivery log links to it) */
    public WebhookReceiver(TriggerService triggers, Function<Long, String> runUrl) {
        this.triggers = triggers;
        this.runUrl = runUrl;
    }

    /** The answer to a delivery: an HTTP status and a JSON body. */
    public record Answer(int status, String body) {}

    /** A forge's delivery headers as received (names in any case). */
    @FunctionalInterface
    public interface Headers {
        String get(String name);
    }

    private record Forge(String name, String event, String delivery, String signature, boolean prefixed) {}

    public Answer receive(Headers headers, byte[] body) {
        Forge forge = forge(headers);
        if (forge == null) {
            return answer(400, "not a forge webhook: expected X-Gitea-Event, X-Forgejo-Event or X-GitHub-Event with the event's name");
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(body);
        } catch (IOException e) {
            return answer(400, "the body is not JSON: " + e.getMessage());
        }
        if (payload == null || !payload.isObject()) {
            return answer(400, "the body must be a JSON object (set the webhook's content type to application/json)");
        }
        JsonNode repository = payload.path("repository");
        List<Registration> candidates = candidates(repository);
        if (candidates.isEmpty()) {
            String tried = tried(repository);
            return answer(404, tried.isEmpty() ? "the payload names no repository" : "no registered repository matches " + tried
                    + "; register it with POST /api/v1/repos (clone_url) or set its forge_repository");
        }
        Optional<Registration> signed = candidates.stream().filter(r -> verified(r, forge, body)).findFirst();
        if (signed.isEmpty()) {
            String why = forge.signature() == null ? "the delivery has no signature header; set the webhook's secret to the one Slipway gave"
                    : "the signature does not match the webhook secret of " + candidates.stream().map(Registration::fullName).toList();
            return answer(401, why + " (rotate it with PATCH /api/v1/repos/OWNER/NAME {\"rotate_webhook_secret\": true})");
        }
        Registration r = signed.get();
        triggers.delivered(r, forge.name(), payload); // what the delivery says about the forge (commit statuses)
        if (forge.delivery() != null) {
            Optional<HookDeliveries.Delivery> earlier = triggers.deliveries().find(forge.name(), forge.delivery());
            if (earlier.isPresent()) {
                return new Answer(earlier.get().status(), earlier.get().response());
            }
        }
        Answer answer;
        String summary;
        try {
            Handled h = handle(r, forge, payload, new String(body, StandardCharsets.UTF_8));
            answer = new Answer(200, h.body().toString());
            summary = h.summary();
        } catch (SlipwayException | MissingSecretException e) {
            // The repository could not be fetched or read: the forge shows the failure, and polling retries.
            answer = answer(422, forge.event() + " for " + r.fullName() + " could not be handled: " + e.getMessage());
            summary = "error: " + e.getMessage();
        }
        if (forge.delivery() != null) {
            triggers.deliveries().record(new HookDeliveries.Delivery(forge.name(), forge.delivery(), forge.event(), r.owner(), r.name(),
                    triggers.clock().millis(), answer.status(), answer.body(), summary));
        }
        LOG.info("{} {} delivery {} for {}: {}", forge.name(), forge.event(), forge.delivery(), r.fullName(), summary);
        return answer;
    }

    private record Handled(ObjectNode body, String summary) {}

    private Handled handle(Registration r, Forge forge, JsonNode payload, String raw) {
        String event = forge.event();
        return switch (event) {
            case "ping" -> message("pong: " + r.fullName() + " is registered and the signature matches");
            case "push" -> push(r, payload, raw);
            case "create" -> create(r, payload, raw);
            case "pull_request" -> pullRequest(r, forge, payload, raw);
            default -> message("event '" + event + "' starts nothing; Slipway acts on push, create (tags) and pull_request");
        };
    }

    private Handled push(Registration r, JsonNode p, String raw) {
        String ref = p.path("ref").asText("");
        String after = p.path("after").asText("");
        if (!ref.startsWith("refs/heads/") && !ref.startsWith("refs/tags/")) {
            return message("push of '" + ref + "' starts nothing: only branches and tags run pipelines");
        }
        if (p.path("deleted").asBoolean(false) || Event.isZero(after)) {
            triggers.rememberHead(r, ref, null);
            return message("'" + ref + "' was deleted; nothing to run");
        }
        JsonNode head = p.path("head_commit");
        String message = head.path("message").isTextual() ? head.path("message").asText() : null;
        String author = author(head.path("author"));
        Event e = Event.push(ref, after, p.path("before").asText(null), message, author, raw, "webhook");
        return fired(r, e);
    }

    /** Gitea and Forgejo send {@code create} beside {@code push} for a new tag (both make one run); GitHub's has no commit. */
    private Handled create(Registration r, JsonNode p, String raw) {
        if (!"tag".equals(p.path("ref_type").asText())) {
            return message("create of a " + p.path("ref_type").asText("ref") + " starts nothing (its push does)");
        }
        String sha = p.path("sha").asText("");
        if (sha.isEmpty()) {
            return message("create of tag '" + p.path("ref").asText() + "' carries no commit; the tag's push event starts its runs");
        }
        String ref = p.path("ref").asText();
        Event e = Event.push(ref.startsWith("refs/") ? ref : "refs/tags/" + ref, sha, null, null, null, raw, "webhook");
        return fired(r, e);
    }

    private Handled pullRequest(Registration r, Forge forge, JsonNode p, String raw) {
        String action = p.path("action").asText("");
        if (action.equals("synchronized")) {
            action = "synchronize"; // Gitea's and Forgejo's spelling of GitHub's
        }
        JsonNode pr = p.path("pull_request");
        int number = pr.path("number").asInt(p.path("number").asInt(0));
        if (number <= 0) {
            throw new SlipwayException.BadRequest("the pull_request payload has no number");
        }
        if (!Set.of("opened", "synchronize", "reopened", "closed").contains(action)) {
            return message("pull request action '" + action + "' starts nothing (opened, synchronize, reopened and closed do)");
        }
        JsonNode head = pr.path("head");
        JsonNode base = pr.path("base");
        String headRepo = head.path("repo").path("full_name").asText(null);
        String baseRepo = base.path("repo").path("full_name").asText(p.path("repository").path("full_name").asText(null));
        boolean fork = headRepo == null || !headRepo.equalsIgnoreCase(baseRepo); // a deleted fork has no head repository
        CiStore.PullRequest info = new CiStore.PullRequest(number, head.path("ref").asText(""), base.path("ref").asText(""), fork);
        Event e = new Event(Event.Kind.PULL_REQUEST, "refs/pull/" + number + "/head", head.path("sha").asText(null), null, null, null, info,
                action, raw, "webhook", null, null);
        return fired(r, e);
    }

    private Handled fired(Registration r, Event e) {
        TriggerService.Outcome o = triggers.fire(r, e, null);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode runs = body.putArray("runs");
        for (TriggerService.StartedRun s : o.runs()) {
            runs.addObject().put("id", s.id()).put("pipeline", s.pipeline()).put("status", s.status()).put("created", s.created())
                    .put("url", runUrl.apply(s.id()));
        }
        ArrayNode notes = body.putArray("notes");
        o.notes().forEach(notes::add);
        String what = e.kind().wire() + " of " + e.shortRef() + " at " + TriggerService.shortId(e.commit());
        String summary;
        if (o.runs().isEmpty()) {
            summary = what + ": no run" + (o.notes().isEmpty() ? "" : "; " + String.join("; ", o.notes()));
            body.put("reason", o.notes().isEmpty() ? "no pipeline wants this event" : String.join("; ", o.notes()));
        } else {
            summary = what + ": " + o.runs().stream().map(s -> "run " + s.id() + " (" + s.pipeline() + (s.created() ? "" : ", already started")
                    + ")").reduce((a, b) -> a + ", " + b).orElse("");
        }
        body.put("message", summary);
        return new Handled(body, summary);
    }

    private static Handled message(String text) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("runs");
        body.put("reason", text);
        body.put("message", text);
        return new Handled(body, text);
    }

    private static String author(JsonNode a) {
        String name = a.path("name").asText("");
        String email = a.path("email").asText("");
        if (name.isEmpty()) {
            return null;
        }
        return email.isEmpty() ? name : name + " <" + email + ">";
    }

    private static Forge forge(Headers h) {
        for (String name : List.of("Forgejo", "Gitea")) {
            String event = h.get("X-" + name + "-Event");
            if (event != null) {
                String signature = h.get("X-" + name + "-Signature");
                boolean prefixed = false;
                if (signature == null && h.get("X-Hub-Signature-256") != null) {
                    signature = h.get("X-Hub-Signature-256");
                    prefixed = true;
                }
                return new Forge(name.toLowerCase(Locale.ROOT), event.trim().toLowerCase(Locale.ROOT), h.get("X-" + name + "-Delivery"),
                        signature, prefixed);
            }
        }
        String event = h.get("X-GitHub-Event");
        if (event != null) {
            return new Forge("github", event.trim().toLowerCase(Locale.ROOT), h.get("X-GitHub-Delivery"), h.get("X-Hub-Signature-256"), true);
        }
        return null;
    }

    private boolean verified(Registration r, Forge forge, byte[] body) {
        if (forge.signature() == null) {
            return false;
        }
        Optional<String> secret = triggers.registrations().webhookSecret(r);
        if (secret.isEmpty()) {
            return false;
        }
        String given = forge.signature().trim();
        if (forge.prefixed()) {
            if (!given.startsWith("sha256=")) {
                return false;
            }
            given = given.substring("sha256=".length());
        }
        String expected = hmac(secret.get(), body);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    /** Hex HMAC-SHA256 of {@code body} under {@code secret}, as Gitea, Forgejo and GitHub sign deliveries. */
    public static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Registration> candidates(JsonNode repository) {
        Set<String> urls = new LinkedHashSet<>();
        for (String field : List.of("clone_url", "ssh_url", "html_url", "git_url")) {
            String v = repository.path(field).asText("");
            if (!v.isEmpty()) {
                urls.add(normalize(v));
            }
        }
        String fullName = repository.path("full_name").asText("");
        List<Registration> out = new ArrayList<>();
        for (Registration r : triggers.registrations().all()) {
            boolean byUrl = urls.contains(normalize(r.cloneUrl()));
            boolean byName = !fullName.isEmpty() && (fullName.equalsIgnoreCase(r.triggers().forgeRepository() == null ? r.fullName()
                    : r.triggers().forgeRepository()));
            if (byUrl || byName) {
                out.add(r);
            }
        }
        return out;
    }

    private static String tried(JsonNode repository) {
        List<String> tried = new ArrayList<>();
        for (Map.Entry<String, String> f : Map.of("clone_url", "clone URL", "ssh_url", "ssh URL", "html_url", "web URL", "full_name",
                "full name").entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            String v = repository.path(f.getKey()).asText("");
            if (!v.isEmpty()) {
                tried.add(f.getValue() + " " + v);
            }
        }
        return String.join(", ", tried);
    }

    /** URLs compared without scheme-insensitive noise: case of the host, a trailing slash or .git. */
    static String normalize(String url) {
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith(".git")) {
            u = u.substring(0, u.length() - 4);
        }
        return u.toLowerCase(Locale.ROOT);
    }

    private static Answer answer(int status, String message) {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("runs");
        o.put("message", message);
        return new Answer(status, o.toString());
    }
}
