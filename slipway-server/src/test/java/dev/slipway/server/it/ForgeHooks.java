package dev.slipway.server.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The forge, as integration tests play it (Gitea, Forgejo and GitHub cannot run here): a real bare
 * repository that a work clone pushes to with the git CLI, and webhook deliveries built from the
 * payload fixtures in {@code src/test/resources/webhooks}, signed the way each forge signs them.
 */
public final class ForgeHooks {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    public final Path bare;
    public final Path work;
    private final String fullName;
    private final String hooksUrl;
    private final String secret;

    /** A bare repository (the forge's) with {@code files} on main, pushed from a work clone. */
    public ForgeHooks(String fullName, String serverUrl, String secret, Map<String, String> files) throws Exception {
        Path root = Files.createTempDirectory("slipway-forge-");
        this.bare = root.resolve(fullName.substring(fullName.indexOf('/') + 1) + ".git");
        this.fullName = fullName;
        this.hooksUrl = serverUrl + "/api/v1/hooks";
        this.secret = secret;
        Files.createDirectories(bare);
        GitRepos.git(bare, "init", "-q", "--bare", "-b", "main");
        this.work = GitRepos.create(files);
        GitRepos.git(work, "remote", "add", "origin", bare.toString());
        GitRepos.git(work, "push", "-q", "origin", "main");
    }

    public String cloneUrl() {
        return bare.toUri().toString();
    }

    public String head() {
        return GitRepos.git(work, "rev-parse", "HEAD").trim();
    }

    /** Commits {@code files} on the current branch of the work clone and pushes it (real git push); returns the new head. */
    public String commitAndPush(Map<String, String> files, String message) throws Exception {
        String id = files.isEmpty() ? emptyCommit(message) : GitRepos.commit(work, files, message);
        GitRepos.git(work, "push", "-q", "origin", "HEAD");
        return id;
    }

    private String emptyCommit(String message) {
        GitRepos.git(work, "commit", "-q", "--allow-empty", "-m", message);
        return head();
    }

    /** A delivery's answer: status and JSON body. */
    public record Answer(int status, com.fasterxml.jackson.databind.JsonNode body, String delivery) {}

    /** Delivers {@code fixture} (gitea-push, github-pull_request, ...) filled with {@code values}, signed with the secret. */
    public Answer deliver(String forge, String event, String fixture, Map<String, String> values, String delivery) throws Exception {
        return deliverSigned(forge, event, body(fixture, values), delivery, secret);
    }

    public byte[] body(String fixture, Map<String, String> values) throws IOException {
        String text;
        try (InputStream in = ForgeHooks.class.getResourceAsStream("/webhooks/" + fixture + ".json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> all = new HashMap<>(Map.of("FULL_NAME", fullName, "OWNER", fullName.substring(0, fullName.indexOf('/')),
                "NAME", fullName.substring(fullName.indexOf('/') + 1), "CLONE_URL", "http://gitea.test/" + fullName + ".git",
                "MESSAGE", JSON.writeValueAsString("a change"), "CREATED", "false", "API_URL", "http://gitea.test/api/v1"));
        all.putAll(values);
        for (var e : all.entrySet()) {
            text = text.replace("{{" + e.getKey() + "}}", e.getValue());
        }
        if (text.contains("{{")) {
            throw new IllegalArgumentException("unfilled placeholder in " + fixture + ": " + text.substring(text.indexOf("{{"), text.indexOf("{{") + 20));
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Delivers a body as forge {@code forge} would (headers and signature), signed with {@code key} (null: unsigned). */
    public Answer deliverSigned(String forge, String event, byte[] body, String delivery, String key) throws Exception {
        String id = delivery == null ? UUID.randomUUID().toString() : delivery;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hooksUrl)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        String sig = key == null ? null : hmac(key, body);
        switch (forge) {
            case "gitea", "forgejo" -> {
                String name = forge.equals("gitea") ? "Gitea" : "Forgejo";
                b.header("X-" + name + "-Event", event).header("X-" + name + "-Delivery", id).header("X-GitHub-Event", event)
                        .header("X-GitHub-Delivery", id);
                if (forge.equals("forgejo")) {
                    b.header("X-Gitea-Event", event).header("X-Gitea-Delivery", id);
                }
                if (sig != null) {
                    b.header("X-" + name + "-Signature", sig);
                }
            }
            case "github" -> {
                b.header("X-GitHub-Event", event).header("X-GitHub-Delivery", id);
                if (sig != null) {
                    b.header("X-Hub-Signature-256", "sha256=" + sig);
                }
            }
            default -> throw new IllegalArgumentException(forge);
        }
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()), id);
    }

    static String hmac(String key, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    /** Values for a push fixture: the ref, the commits before and after, and the head commit's message. */
    public static Map<String, String> push(String ref, String before, String after, String message) throws Exception {
        return Map.of("REF", ref, "BEFORE", before, "AFTER", after, "MESSAGE", JSON.writeValueAsString(message),
                "SHORT_REF", ref.replaceFirst("^refs/(heads|tags)/", ""));
    }
}
