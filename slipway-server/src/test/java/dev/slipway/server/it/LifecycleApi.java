package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The registry lifecycle API as tests call it: immutable-tag rules, retention policies and runs, garbage collection. */
public final class LifecycleApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LifecycleApi() {}

    static JsonNode json(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as("%s %s: %s", r.request().method(), r.request().uri(), r.body()).isEqualTo(status);
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds an immutable-tag rule for the owner (repository: a full name or null); returns the rule. */
    public static JsonNode addRule(Http http, String owner, String repository, String pattern) {
        String body = "{\"pattern\":\"" + pattern + "\"" + (repository == null ? "" : ",\"repository\":\"" + repository + "\"") + "}";
        return json(http.postJson("/api/v1/registry/" + owner + "/immutable-tags", body), 201);
    }

    /** Sets a retention policy from its JSON fields (without braces), e.g. {@code "keep_last":2}. */
    public static JsonNode setPolicy(Http http, String owner, String fields) {
        return json(http.put("/api/v1/registry/" + owner + "/retention", "application/json",
                ("{" + fields + "}").getBytes(StandardCharsets.UTF_8)), 200);
    }

    public static JsonNode retention(Http http, String owner, boolean dryRun) {
        return json(http.post("/api/v1/registry/" + owner + "/retention/run?dry_run=" + dryRun, "application/json", new byte[0]), 200);
    }

    public static JsonNode gc(Http admin, boolean dryRun) {
        return json(admin.post("/api/v1/admin/registry/gc?dry_run=" + dryRun, "application/json", new byte[0]), 200);
    }

    /** {@code repository:tag} of each tag in a retention report. */
    public static List<String> tags(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.path("tags").forEach(t -> out.add(t.path("repository").asText() + ":" + t.path("tag").asText()));
        return out;
    }

    /** {@code repository@digest} of each manifest in a retention report. */
    public static List<String> manifests(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.path("manifests").forEach(m -> out.add(m.path("repository").asText() + "@" + m.path("digest").asText()));
        return out;
    }

    /** Pretends a tag was pushed {@code millisAgo} ago (retention orders and ages tags by push time). */
    public static void setPushedAgo(TestServer server, String repository, String tag, long millisAgo) {
        int n = server.slipway().database().jdbi().withHandle(h -> h.createUpdate("UPDATE tags SET updated_at = :t WHERE repository = :r AND name = :n")
                .bind("t", System.currentTimeMillis() - millisAgo).bind("r", repository).bind("n", tag).execute());
        assertThat(n).as("tag %s:%s", repository, tag).isEqualTo(1);
    }

    /** Pretends a manifest was pushed {@code millisAgo} ago. */
    public static void setManifestPushedAgo(TestServer server, String repository, String digest, long millisAgo) {
        int n = server.slipway().database().jdbi().withHandle(h -> h.createUpdate("UPDATE manifests SET created_at = :t WHERE repository = :r AND digest = :d")
                .bind("t", System.currentTimeMillis() - millisAgo).bind("r", repository).bind("d", digest).execute());
        assertThat(n).as("manifest %s@%s", repository, digest).isEqualTo(1);
    }

    /** Pushes an image and removes its tag, leaving an untagged manifest. */
    public static RegistryPush.Image untaggedImage(RegistryPush push, String repository, String seed) {
        String tag = "untag-" + Integer.toHexString(seed.hashCode() & 0xffff);
        RegistryPush.Image image = push.image(repository, tag, seed);
        assertThat(push.http().delete("/v2/" + repository + "/manifests/" + tag).statusCode()).isEqualTo(202);
        return image;
    }
}
