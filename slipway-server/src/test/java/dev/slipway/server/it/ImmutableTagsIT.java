package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Immutable tags: created once, never moved or deleted (by tag or by digest), never removed by retention. */
class ImmutableTagsIT {
    static TestServer server;
    /** Alice with her password: may change rules. */
    static Http alicePassword;
    /** Alice with a CI token: may push, may not change rules. */
    static Http aliceCi;
    static RegistryPush push;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        server.createUser("bob", "bob-password");
        alicePassword = Http.basic(server.baseUrl(), "alice", "alice-password");
        aliceCi = Http.basic(server.baseUrl(), "alice", server.token("alice", "write:package"));
        push = new RegistryPush(aliceCi);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static String tagDigest(String repository, String tag) {
        return aliceCi.head("/v2/" + repository + "/manifests/" + tag).headers().firstValue("Docker-Content-Digest").orElse(null);
    }

    @Test
    void movingOrDeletingAnImmutableTagIsRefusedAndRePushingTheSameManifestIsFine() throws Exception {
        String repo = "alice/app";
        JsonNode rule = LifecycleApi.addRule(alicePassword, "alice", null, "v*");
        String ruleId = rule.path("id").asText();
        assertThat(rule.path("pattern").asText()).isEqualTo("v*");
        assertThat(rule.path("repository").isNull()).isTrue();

        RegistryPush.Image a = push.image(repo, "v1", "immutable-a");
        RegistryPush.Image b = push.image(repo, "dev", "immutable-b");
        // Moving v1 to another manifest: DENIED, naming the rule.
        HttpResponse<String> moved = push.putManifest(repo, "v1", RegistryPush.OCI_MANIFEST, b.manifest());
        assertThat(moved.statusCode()).isEqualTo(403);
        assertThat(AuthorizationIT.code(moved)).isEqualTo("DENIED");
        assertThat(moved.body()).contains(ruleId).contains("v*").contains("'v1'");
        assertThat(tagDigest(repo, "v1")).isEqualTo(a.digest());
        // The same manifest again under the same tag is not a move.
        assertThat(push.putManifest(repo, "v1", RegistryPush.OCI_MANIFEST, a.manifest()).statusCode()).isEqualTo(201);
        // Tags the rule does not match stay mutable.
        assertThat(push.putManifest(repo, "dev", RegistryPush.OCI_MANIFEST, a.manifest()).statusCode()).isEqualTo(201);
        assertThat(tagDigest(repo, "dev")).isEqualTo(a.digest());

        HttpResponse<String> deleteTag = aliceCi.delete("/v2/" + repo + "/manifests/v1");
        assertThat(deleteTag.statusCode()).isEqualTo(403);
        assertThat(AuthorizationIT.code(deleteTag)).isEqualTo("DENIED");
        assertThat(deleteTag.body()).contains(ruleId);
        HttpResponse<String> deleteDigest = aliceCi.delete("/v2/" + repo + "/manifests/" + a.digest());
        assertThat(deleteDigest.statusCode()).isEqualTo(403);
        assertThat(deleteDigest.body()).contains("'v1'").contains(ruleId);
        assertThat(RegistryPull.problems(aliceCi, repo, "v1")).isEmpty();
        assertThat(tagDigest(repo, "dev")).isEqualTo(a.digest());
        // A tag that does not exist is unknown, not denied.
        assertThat(AuthorizationIT.code(aliceCi.delete("/v2/" + repo + "/manifests/v9"))).isEqualTo("MANIFEST_UNKNOWN");

        // A CI token cannot lift the rule; the owner's password can.
        assertThat(aliceCi.delete("/api/v1/registry/alice/immutable-tags/" + ruleId).statusCode()).isEqualTo(403);
        assertThat(alicePassword.delete("/api/v1/registry/alice/immutable-tags/" + ruleId).statusCode()).isEqualTo(204);
        assertThat(push.putManifest(repo, "v1", RegistryPush.OCI_MANIFEST, b.manifest()).statusCode()).isEqualTo(201);
        assertThat(aliceCi.delete("/v2/" + repo + "/manifests/v1").statusCode()).isEqualTo(202);
    }

    @Test
    void aNegatedPatternOnOneRepositoryProtectsEverythingButLatest() throws Exception {
        String repo = "alice/builds";
        LifecycleApi.addRule(alicePassword, "alice", repo, "!latest");
        RegistryPush.Image one = push.image(repo, "latest", "neg-1");
        RegistryPush.Image two = push.image(repo, "build-1", "neg-2");
        assertThat(push.putManifest(repo, "latest", RegistryPush.OCI_MANIFEST, two.manifest()).statusCode()).isEqualTo(201);
        assertThat(push.putManifest(repo, "build-1", RegistryPush.OCI_MANIFEST, one.manifest()).statusCode()).isEqualTo(403);
        // The rule is about alice/builds only.
        push.image("alice/other", "build-1", "neg-3");
        RegistryPush.Image three = push.image("alice/other", "build-2", "neg-4");
        assertThat(push.putManifest("alice/other", "build-1", RegistryPush.OCI_MANIFEST, three.manifest()).statusCode()).isEqualTo(201);
        JsonNode rules = LifecycleApi.json(alicePassword.get("/api/v1/registry/alice/immutable-tags"), 200);
        assertThat(rules.toString()).contains("\"repository\":\"alice/builds\"").contains("\"pattern\":\"!latest\"");
    }

    @Test
    void concurrentPushesOfANewImmutableTagLeaveExactlyOneWinner() throws Exception {
        String repo = "alice/race";
        LifecycleApi.addRule(alicePassword, "alice", repo, "release");
        int n = 6;
        List<RegistryPush.Image> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            images.add(push.image(repo, "candidate-" + i, "race-" + i));
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (RegistryPush.Image image : images) {
                results.add(pool.submit(() -> {
                    go.await();
                    return push.putManifest(repo, "release", RegistryPush.OCI_MANIFEST, image.manifest()).statusCode();
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) {
                statuses.add(f.get());
            }
            assertThat(statuses).containsOnly(201, 403);
            assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(1);
            String winner = images.get(statuses.indexOf(201)).digest();
            assertThat(tagDigest(repo, "release")).isEqualTo(winner);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void retentionNeverRemovesAnImmutableTag() throws Exception {
        String repo = "alice/kept";
        LifecycleApi.addRule(alicePassword, "alice", repo, "v*");
        RegistryPush.Image release = push.image(repo, "v1.0", "kept-release");
        push.image(repo, "nightly-1", "kept-n1");
        push.image(repo, "nightly-2", "kept-n2");
        LifecycleApi.setPolicy(alicePassword, "alice", "\"repository\":\"" + repo + "\",\"keep_last\":0");
        JsonNode dry = LifecycleApi.retention(aliceCi, "alice", true);
        assertThat(LifecycleApi.tags(dry)).containsExactlyInAnyOrder(repo + ":nightly-1", repo + ":nightly-2");
        JsonNode real = LifecycleApi.retention(aliceCi, "alice", false);
        assertThat(LifecycleApi.tags(real)).containsExactlyInAnyOrderElementsOf(LifecycleApi.tags(dry));
        assertThat(LifecycleApi.manifests(real)).doesNotContain(repo + "@" + release.digest());
        assertThat(aliceCi.get("/v2/" + repo + "/tags/list").body()).contains("v1.0").doesNotContain("nightly");
        assertThat(RegistryPull.problems(aliceCi, repo, "v1.0")).isEmpty();
        LifecycleApi.gc(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD), false);
        assertThat(RegistryPull.problems(aliceCi, repo, "v1.0")).isEmpty();
    }

    @Test
    void badRulesAreRefusedWithAMessage() throws Exception {
        String rules = "/api/v1/registry/alice/immutable-tags";
        assertProblem(alicePassword.postJson(rules, "{\"pattern\":\"v[0-9]\"}"), 400, "invalid tag pattern");
        assertProblem(alicePassword.postJson(rules, "{}"), 400, "'pattern' is required");
        assertProblem(alicePassword.postJson(rules, "{\"pattern\":7}"), 400, "must be a string");
        assertProblem(alicePassword.postJson(rules, "{\"pattern\":\"v*\",\"repository\":\"bob/app\"}"), 400, "alice/");
        assertProblem(alicePassword.postJson(rules, "{\"pattern\":\"v*\",\"repository\":\"alice/Bad Name\"}"), 400, "invalid repository name");
        assertProblem(alicePassword.postJson(rules, "not json"), 400, "not valid JSON");
        LifecycleApi.addRule(alicePassword, "alice", "alice/dup", "x*");
        assertProblem(alicePassword.postJson(rules, "{\"pattern\":\"x*\",\"repository\":\"alice/dup\"}"), 409, "already immutable");
        assertProblem(alicePassword.delete(rules + "/nosuchrule"), 404, "no immutable-tag rule");
        assertProblem(Http.basic(server.baseUrl(), "bob", "bob-password").postJson(rules, "{\"pattern\":\"v*\"}"), 403, "alice");
        assertProblem(Http.anonymous(server.baseUrl()).get(rules), 401, "authentication");
        Http admin = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        assertProblem(admin.postJson("/api/v1/registry/ghost/immutable-tags", "{\"pattern\":\"v*\"}"), 404, "ghost");
    }

    static void assertProblem(HttpResponse<String> r, int status, String messagePart) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(LifecycleApi.json(r, status).path("message").asText()).contains(messagePart);
    }
}
