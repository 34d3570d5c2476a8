package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retention: a dry run lists and changes nothing, a real run removes exactly what it listed,
 * {@code latest} stays, an index keeps its children, referrers go with their subject. The server
 * runs with a zero gc grace period, so a garbage collection right after shows what was freed.
 * Each test has its own owner, since a run covers all of an owner's repositories.
 */
class RetentionIT {
    static final long DAY = Duration.ofDays(1).toMillis();
    static TestServer server;
    static Http alicePassword;
    static Http alice;
    static Http admin;
    static RegistryPush push;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("registry.gc-grace", "0s"));
        for (String user : List.of("alice", "bob", "mia", "sam", "bea")) {
            server.createUser(user, user + "-password");
        }
        alicePassword = password("alice");
        alice = ci("alice");
        admin = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        push = new RegistryPush(alice);
    }

    /** The user with a password login: may change policies. */
    static Http password(String user) {
        return Http.basic(server.baseUrl(), user, user + "-password");
    }

    /** The user with a write:package token, as CI pushes. */
    static Http ci(String user) {
        return Http.basic(server.baseUrl(), user, server.token(user, "write:package"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Every tag, manifest, link and stored file: what "changes nothing" compares. */
    static Set<String> state() throws Exception {
        Set<String> out = new TreeSet<>(server.storedBlobs());
        server.slipway().database().jdbi().useHandle(h -> {
            out.addAll(h.createQuery("SELECT 'tag ' || repository || ':' || name || ' ' || digest FROM tags").mapTo(String.class).list());
            out.addAll(h.createQuery("SELECT 'manifest ' || repository || '@' || digest FROM manifests").mapTo(String.class).list());
            out.addAll(h.createQuery("SELECT 'link ' || repository || ' ' || digest FROM repository_blobs").mapTo(String.class).list());
        });
        return out;
    }

    static int status(String repository, String reference) {
        return alice.head("/v2/" + repository + "/manifests/" + reference).statusCode();
    }

    @Test
    void aDryRunListsWithoutChangingAndARealRunRemovesExactlyThat() throws Exception {
        String repo = "alice/app";
        RegistryPush.Image[] builds = new RegistryPush.Image[6];
        for (int i = 1; i <= 5; i++) {
            builds[i] = push.image(repo, "b" + i, "retention-b" + i);
            LifecycleApi.setPushedAgo(server, repo, "b" + i, (10 - i) * DAY); // b5 newest
        }
        // latest points at the oldest build and was pushed long ago: still kept.
        assertThat(push.putManifest(repo, "latest", RegistryPush.OCI_MANIFEST, builds[1].manifest()).statusCode()).isEqualTo(201);
        LifecycleApi.setPushedAgo(server, repo, "latest", 30 * DAY);
        // A release tag kept by pattern, and an old untagged manifest.
        RegistryPush.Image release = push.image(repo, "v1.0", "retention-release");
        LifecycleApi.setPushedAgo(server, repo, "v1.0", 40 * DAY);
        RegistryPush.Image untagged = LifecycleApi.untaggedImage(push, repo, "retention-untagged");
        LifecycleApi.setManifestPushedAgo(server, repo, untagged.digest(), 8 * DAY);
        LifecycleApi.setPolicy(alicePassword, "alice", "\"keep_last\":2,\"keep\":\"v*\",\"untagged_older_than\":\"7d\"");

        Set<String> before = state();
        JsonNode dry = LifecycleApi.retention(alice, "alice", true);
        assertThat(dry.path("dry_run").asBoolean()).isTrue();
        assertThat(state()).as("a dry run changes nothing").isEqualTo(before);
        assertThat(LifecycleApi.tags(dry)).containsExactlyInAnyOrder(repo + ":b3", repo + ":b2", repo + ":b1");
        // b1 stays: latest points at it.
        assertThat(LifecycleApi.manifests(dry)).containsExactlyInAnyOrder(repo + "@" + builds[2].digest(), repo + "@" + builds[3].digest(),
                repo + "@" + untagged.digest());
        for (JsonNode m : dry.path("manifests")) {
            assertThat(m.path("size").asLong()).isPositive();
            assertThat(m.path("blob_bytes").asLong()).isPositive();
            assertThat(m.path("reason").asText()).isNotEmpty();
        }
        assertThat(dry.path("bytes").asLong()).isPositive();

        List<dev.slipway.registry.events.RegistryEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.slipway().events().subscribe(e -> {
            if (e.repository().equals(repo) && e.kind().endsWith(".deleted")) {
                heard.add(e);
            }
        });
        JsonNode real = LifecycleApi.retention(alice, "alice", false);
        assertThat(real.path("dry_run").asBoolean()).isFalse();
        // Each removal is an event (actor null: the server did it), as a client's DELETE would be.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (heard.size() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(heard).extracting(e -> e.kind() + " " + (e instanceof dev.slipway.registry.events.RegistryEvent.TagDeleted t ? t.tag()
                        : ((dev.slipway.registry.events.RegistryEvent.ManifestDeleted) e).digest().toString()))
                .containsExactlyInAnyOrder("tag.deleted b1", "tag.deleted b2", "tag.deleted b3", "manifest.deleted " + builds[2].digest(),
                        "manifest.deleted " + builds[3].digest(), "manifest.deleted " + untagged.digest());
        assertThat(heard).allSatisfy(e -> assertThat(e.actor()).isNull());
        assertThat(LifecycleApi.tags(real)).containsExactlyInAnyOrderElementsOf(LifecycleApi.tags(dry));
        assertThat(LifecycleApi.manifests(real)).containsExactlyInAnyOrderElementsOf(LifecycleApi.manifests(dry));
        assertThat(real.path("skipped")).isEmpty();
        assertThat(alice.get("/v2/" + repo + "/tags/list").body()).isEqualTo("{\"name\":\"" + repo + "\",\"tags\":[\"b4\",\"b5\",\"latest\",\"v1.0\"]}");
        assertThat(status(repo, builds[2].digest())).isEqualTo(404);
        assertThat(status(repo, builds[3].digest())).isEqualTo(404);
        assertThat(status(repo, untagged.digest())).isEqualTo(404);
        for (String kept : List.of("b4", "b5", "latest", "v1.0")) {
            assertThat(RegistryPull.problems(alice, repo, kept)).as(kept).isEmpty();
        }
        // Nothing else changed: what went is exactly the listed tags and manifests (and their references).
        Set<String> expected = new TreeSet<>(before);
        expected.removeIf(s -> s.startsWith("tag " + repo + ":b1 ") || s.startsWith("tag " + repo + ":b2 ") || s.startsWith("tag " + repo + ":b3 ")
                || s.equals("manifest " + repo + "@" + builds[2].digest()) || s.equals("manifest " + repo + "@" + builds[3].digest())
                || s.equals("manifest " + repo + "@" + untagged.digest()));
        assertThat(state()).isEqualTo(expected);
        assertThat(status(repo, builds[1].digest())).as("b1 is what latest points at").isEqualTo(200);
        assertThat(status(repo, release.digest())).isEqualTo(200);

        // A second run finds nothing; garbage collection then frees the removed images' files.
        JsonNode again = LifecycleApi.retention(alice, "alice", false);
        assertThat(again.path("tags")).isEmpty();
        assertThat(again.path("manifests")).isEmpty();
        JsonNode gc = LifecycleApi.gc(admin, false);
        assertThat(gc.path("files").asInt()).isGreaterThanOrEqualTo(9); // 3 images x (config, layer, manifest)
        assertThat(server.storedBlobs()).noneMatch(p -> p.endsWith(builds[2].layerDigest().substring(7)))
                .noneMatch(p -> p.endsWith(builds[3].digest().substring(7)));
        for (String kept : List.of("b4", "b5", "latest", "v1.0")) {
            assertThat(RegistryPull.problems(alice, repo, kept)).as(kept).isEmpty();
        }
    }

    @Test
    void anIndexKeepsItsChildrenThroughRetentionAndGarbageCollection() throws Exception {
        String repo = "mia/multi";
        Http mia = ci("mia");
        RegistryPush push = new RegistryPush(mia);
        RegistryPush.Image amd64 = LifecycleApi.untaggedImage(push, repo, "multi-amd64");
        RegistryPush.Image arm64 = LifecycleApi.untaggedImage(push, repo, "multi-arm64");
        String index = push.pushIndex(repo, "v2", amd64, arm64);
        LifecycleApi.setManifestPushedAgo(server, repo, amd64.digest(), 100 * DAY);
        LifecycleApi.setManifestPushedAgo(server, repo, arm64.digest(), 100 * DAY);
        LifecycleApi.setPolicy(password("mia"), "mia", "\"repository\":\"" + repo + "\",\"untagged_older_than\":\"0s\",\"keep_last\":5");
        JsonNode report = LifecycleApi.retention(mia, "mia", false);
        assertThat(report.path("tags")).isEmpty();
        assertThat(report.path("manifests")).isEmpty();
        JsonNode gc = LifecycleApi.gc(admin, false);
        assertThat(gc.path("dry_run").asBoolean()).isFalse();
        assertThat(RegistryPull.problems(mia, repo, "v2")).isEmpty();
        assertThat(mia.head("/v2/" + repo + "/manifests/" + amd64.digest()).statusCode()).isEqualTo(200);

        // When the index goes, its children go with it (after it), and gc frees their files.
        LifecycleApi.setPolicy(password("mia"), "mia", "\"repository\":\"" + repo + "\",\"keep_last\":0,\"remove\":\"v2\"");
        JsonNode gone = LifecycleApi.retention(mia, "mia", false);
        List<String> removed = LifecycleApi.manifests(gone);
        assertThat(removed).containsExactlyInAnyOrder(repo + "@" + index, repo + "@" + amd64.digest(), repo + "@" + arm64.digest());
        assertThat(removed.getFirst()).as("the index goes before its children").isEqualTo(repo + "@" + index);
        LifecycleApi.gc(admin, false);
        assertThat(mia.head("/v2/" + repo + "/blobs/" + amd64.layerDigest()).statusCode()).isEqualTo(404);
        assertThat(server.storedBlobs()).noneMatch(p -> p.endsWith(amd64.layerDigest().substring(7)));
    }

    @Test
    void referrersGoWithTheirSubject() throws Exception {
        String repo = "sam/signed";
        Http sam = ci("sam");
        RegistryPush push = new RegistryPush(sam);
        RegistryPush.Image old = push.image(repo, "old", "signed-old");
        RegistryPush.Image current = push.image(repo, "current", "signed-current");
        LifecycleApi.setPushedAgo(server, repo, "old", 5 * DAY);
        String oldSig = push.artifact(repo, old.manifestDescriptor(), ReferrersIT.SIGNATURE, "sig-old".getBytes(StandardCharsets.UTF_8), null);
        String currentSig = push.artifact(repo, current.manifestDescriptor(), ReferrersIT.SIGNATURE, "sig-cur".getBytes(StandardCharsets.UTF_8), null);
        LifecycleApi.setPolicy(password("sam"), "sam", "\"repository\":\"" + repo + "\",\"keep_within\":\"1d\"");
        JsonNode report = LifecycleApi.retention(sam, "sam", false);
        assertThat(LifecycleApi.tags(report)).containsExactly(repo + ":old");
        assertThat(LifecycleApi.manifests(report)).containsExactly(repo + "@" + oldSig, repo + "@" + old.digest());
        assertThat(report.path("manifests").path(0).path("reason").asText()).contains("subject");
        assertThat(sam.head("/v2/" + repo + "/manifests/" + currentSig).statusCode()).isEqualTo(200);
        assertThat(sam.get("/v2/" + repo + "/referrers/" + current.digest()).body()).contains(currentSig);
        assertThat(sam.get("/v2/" + repo + "/referrers/" + old.digest()).body()).doesNotContain(oldSig);
        assertThat(RegistryPull.problems(sam, repo, "current")).isEmpty();
    }

    @Test
    void aRepositoryPolicyReplacesItsOwnersAndOnlyTheOwnerRuns() throws Exception {
        Http bea = ci("bea");
        RegistryPush push = new RegistryPush(bea);
        push.image("bea/both-a", "x1", "both-a1");
        push.image("bea/both-a", "x2", "both-a2");
        push.image("bea/both-b", "x1", "both-b1");
        push.image("bea/both-b", "x2", "both-b2");
        LifecycleApi.setPushedAgo(server, "bea/both-a", "x1", DAY);
        LifecycleApi.setPushedAgo(server, "bea/both-b", "x1", DAY);
        LifecycleApi.setPolicy(password("bea"), "bea", "\"keep_last\":1,\"remove\":\"x*\"");
        LifecycleApi.setPolicy(password("bea"), "bea", "\"repository\":\"bea/both-b\",\"keep_last\":5");
        JsonNode dry = LifecycleApi.retention(bea, "bea", true);
        assertThat(LifecycleApi.tags(dry)).contains("bea/both-a:x1").noneMatch(t -> t.startsWith("bea/both-b:"));
        JsonNode list = LifecycleApi.json(password("bea").get("/api/v1/registry/bea/retention"), 200);
        assertThat(list.toString()).contains("\"repository\":null").contains("\"repository\":\"bea/both-b\"").contains("\"remove\":\"x*\"");
        assertThat(password("bea").delete("/api/v1/registry/bea/retention?repository=bea/both-b").statusCode()).isEqualTo(204);
        assertThat(LifecycleApi.tags(LifecycleApi.retention(bea, "bea", true))).contains("bea/both-a:x1", "bea/both-b:x1");
        // Bob cannot run or read bea's retention; the site admin can run everyone's.
        Http bob = password("bob");
        assertThat(bob.post("/api/v1/registry/bea/retention/run?dry_run=true", "application/json", new byte[0]).statusCode()).isEqualTo(403);
        assertThat(bob.get("/api/v1/registry/bea/retention").statusCode()).isEqualTo(403);
        assertThat(bob.post("/api/v1/admin/registry/retention?dry_run=true", "application/json", new byte[0]).statusCode()).isEqualTo(403);
        JsonNode all = LifecycleApi.json(admin.post("/api/v1/admin/registry/retention?dry_run=true", "application/json", new byte[0]), 200);
        assertThat(LifecycleApi.tags(all)).contains("bea/both-a:x1");
    }

    @Test
    void badPoliciesAreRefusedAndChangeNothing() throws Exception {
        String policy = "/api/v1/registry/alice/retention";
        Set<String> before = state();
        JsonNode policiesBefore = LifecycleApi.json(alicePassword.get(policy), 200);
        for (String[] bad : new String[][] {
                {"{}", "removes nothing"},
                {"{\"keep\":\"v*\"}", "removes nothing"},
                {"{\"keep_last\":\"ten\"}", "integer"},
                {"{\"keep_last\":-1}", "negative"},
                {"{\"keep_within\":\"soon\"}", "keep_within"},
                {"{\"untagged_older_than\":5}", "string"},
                {"{\"keep_last\":1,\"remove\":\"[abc]\"}", "invalid tag pattern"},
                {"{\"keep_last\":1,\"repository\":\"bob/app\"}", "alice/"},
                {"[1,2]", "JSON object"},
        }) {
            HttpResponse<String> r = alicePassword.put(policy, "application/json", bad[0].getBytes(StandardCharsets.UTF_8));
            ImmutableTagsIT.assertProblem(r, 400, bad[1]);
        }
        // A CI token may push but not change retention; an unknown dry_run value is refused.
        ImmutableTagsIT.assertProblem(alice.put(policy, "application/json", "{\"keep_last\":1}".getBytes(StandardCharsets.UTF_8)), 403, "admin scope");
        ImmutableTagsIT.assertProblem(alice.post(policy + "/run?dry_run=maybe", "application/json", new byte[0]), 400, "dry_run");
        ImmutableTagsIT.assertProblem(alicePassword.delete(policy + "?repository=alice/none"), 404, "no retention policy");
        ImmutableTagsIT.assertProblem(Http.anonymous(server.baseUrl()).post("/api/v1/admin/registry/gc", "application/json", new byte[0]), 401,
                "authentication");
        ImmutableTagsIT.assertProblem(alicePassword.post("/api/v1/admin/registry/gc", "application/json", new byte[0]), 403, "site admin");
        assertThat(state()).isEqualTo(before);
        assertThat(LifecycleApi.json(alicePassword.get(policy), 200)).isEqualTo(policiesBefore);
    }
}
