package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Publish tasks end to end: a real dockerd builds and pushes, Slipway's own registry (and Debian's
 * docker-registry with htpasswd as "another registry") stores, the docker CLI pulls.
 */
class PublishIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DOCKERFILE = "FROM local/busybox:1\nRUN echo published > /marker\n";
    static final String MANIFEST_TYPES = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json,"
            + " application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json";

    static TestServer server;
    static CiClient alice;
    static Http aliceRegistry;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        alice = new CiClient(Http.token(server.baseUrl(), server.token("alice", "write:repository")), "alice");
        aliceRegistry = Http.basic(server.baseUrl(), "alice", "alice-password");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        // The images Slipway built for these runs (its own name, so no other test's image goes).
        String built = Tools.run(Map.of(), null, "docker", "images", "-q", "--filter", "reference=slipway-build/publishit").out();
        if (!built.isBlank()) {
            List<String> rmi = new ArrayList<>(List.of("docker", "rmi", "-f"));
            rmi.addAll(built.lines().distinct().toList());
            Tools.run(Map.of(), null, rmi.toArray(String[]::new));
        }
    }

    /** A pipeline that tests with busybox, then publishes the repository's Dockerfile image with {@code publish}. */
    static String pipeline(String publish) {
        return """
                images:
                  box: local/busybox:1
                  publishit:
                    build: { context: . }
                tasks:
                  test:
                    image: box
                    commands: [ "echo testing" ]
                  publish:
                    depends_on: [test]
                    publish:
                %s
                """.formatted(publish.indent(6).stripTrailing());
    }

    static Path repository(String publish) throws Exception {
        return GitRepos.create(Map.of(".slipway/ci.yml", pipeline(publish), "Dockerfile", DOCKERFILE));
    }

    /** The digest the registry answers for {@code repository:tag}. */
    static String digestOf(Http registry, String repository, String tag) {
        HttpResponse<String> r = registry.send(registry.request("/v2/" + repository + "/manifests/" + tag).header("Accept", MANIFEST_TYPES)
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).as(repository + ":" + tag).isEqualTo(200);
        return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    static List<String> tags(Http registry, String repository) throws Exception {
        HttpResponse<String> r = registry.get("/v2/" + repository + "/tags/list");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> tags = new ArrayList<>();
        JSON.readTree(r.body()).get("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    @Test
    void publishesToSlipwaysOwnRegistryUnderEveryTagWithOneDigestAndTheOciLabels() throws Exception {
        Path repo = repository("""
                image: publishit
                to: alice/app
                tags: [ "${SLIPWAY_COMMIT_SHORT}", latest, "v1.3.0" ]
                """);
        alice.register("app", repo);
        JsonNode run = alice.run("app", "{\"ref\":\"main\"}");
        String log = alice.log(run, "publish");
        assertThat(run.get("status").asText()).as(log).isEqualTo("success");
        String commit = run.get("commit").asText();
        String sha8 = commit.substring(0, 8);

        // Recorded with the run: where it went, under which tags, with which digest.
        JsonNode published = run.get("published");
        assertThat(published).hasSize(1);
        String image = server.registryHost() + "/alice/app";
        assertThat(published.get(0).get("task").asText()).isEqualTo("publish");
        assertThat(published.get(0).get("image").asText()).isEqualTo(image);
        assertThat(published.get(0).get("tags")).extracting(JsonNode::asText).containsExactly(sha8, "latest", "v1.3.0");
        String digest = published.get(0).get("digest").asText();
        assertThat(digest).startsWith("sha256:");
        for (String tag : List.of(sha8, "latest", "v1.3.0")) {
            assertThat(digestOf(aliceRegistry, "alice/app", tag)).isEqualTo(digest);
        }
        // Pushed by the engine, as `docker push` shows it, and nothing of it left tagged on the engine.
        assertThat(log).contains("publishing image 'publishit', built from Dockerfile with its labels, to " + image + " as " + sha8
                        + ", latest, v1.3.0").contains(": RUN echo published > /marker")
                .containsPattern(": LABEL .*\"org.opencontainers.image.revision\"=\"" + commit + "\"").contains("The push refers to repository [" + image + "]")
                .contains("published " + image + "@" + digest + " as " + sha8 + ", latest, v1.3.0");
        assertThat(log).containsPattern("[0-9a-f]{12}: (Pushed|Layer already exists|Mounted from)");
        assertThat(Tools.run(Map.of(), null, "docker", "images", "-q", image).ok().out()).isBlank();

        // docker pulls it (no insecure-registry setting: 127.0.0.1), with the labels and the Dockerfile's content.
        Map<String, String> env = Map.of("DOCKER_CONFIG", Files.createTempDirectory("docker-config-").toString());
        Tools.runWithInput(env, null, server.token("alice", "read:package"), "docker", "login", server.registryHost(), "-u", "alice",
                "--password-stdin").ok();
        Tools.run(env, null, "docker", "pull", image + ":v1.3.0").ok();
        try {
            JsonNode labels = JSON.readTree(Tools.run(env, null, "docker", "inspect", "-f", "{{json .Config.Labels}}", image + ":v1.3.0")
                    .ok().out());
            assertThat(labels.get("org.opencontainers.image.revision").asText()).isEqualTo(commit);
            assertThat(labels.get("org.opencontainers.image.source").asText()).isEqualTo(repo.toUri().toString());
            assertThat(Instant.parse(labels.get("org.opencontainers.image.created").asText())).isBefore(Instant.now().plusSeconds(1));
            assertThat(labels.has("org.opencontainers.image.version")).isFalse(); // no SLIPWAY_VERSION in this run
            assertThat(Tools.run(env, null, "docker", "run", "--rm", "--network", "none", image + ":v1.3.0", "cat", "/marker").ok().out())
                    .isEqualTo("published\n");
            // The manifest's config is what docker read: the registry serves it too.
            JsonNode manifest = JSON.readTree(aliceRegistry.send(aliceRegistry.request("/v2/alice/app/manifests/" + digest)
                    .header("Accept", MANIFEST_TYPES).GET()).body());
            String config = aliceRegistry.get("/v2/alice/app/blobs/" + manifest.get("config").get("digest").asText()).body();
            assertThat(JSON.readTree(config).get("config").get("Labels").get("org.opencontainers.image.revision").asText()).isEqualTo(commit);
        } finally {
            Tools.run(env, null, "docker", "rmi", image + ":v1.3.0");
        }
    }

    @Test
    void aReferencedImageGetsTheLabelsOnPushAndStaysAsItWas() throws Exception {
        String before = Tools.run(Map.of(), null, "docker", "inspect", "-f", "{{.Id}}", "local/busybox:1").ok().out().strip();
        Path repo = repository("""
                image: box
                to: alice/base
                tags: [ "1" ]
                """);
        alice.register("base", repo);
        JsonNode run = alice.run("base", "{}");
        String log = alice.log(run, "publish");
        assertThat(run.get("status").asText()).as(log).isEqualTo("success");
        assertThat(log).contains("publishing local/busybox:1 to " + server.registryHost() + "/alice/base as 1");
        String digest = run.get("published").get(0).get("digest").asText();
        JsonNode manifest = JSON.readTree(aliceRegistry.send(aliceRegistry.request("/v2/alice/base/manifests/" + digest)
                .header("Accept", MANIFEST_TYPES).GET()).body());
        JsonNode config = JSON.readTree(aliceRegistry.get("/v2/alice/base/blobs/" + manifest.get("config").get("digest").asText()).body());
        assertThat(config.get("config").get("Labels").get("org.opencontainers.image.revision").asText()).isEqualTo(run.get("commit").asText());
        assertThat(config.get("config").get("Labels").get("org.opencontainers.image.source").asText()).isEqualTo(repo.toUri().toString());
        // The engine's image is untouched: the labels went on a derived image, which is gone again.
        assertThat(Tools.run(Map.of(), null, "docker", "inspect", "-f", "{{.Id}}", "local/busybox:1").ok().out().strip()).isEqualTo(before);
        assertThat(Tools.run(Map.of(), null, "docker", "images", "-q", server.registryHost() + "/alice/base").ok().out()).isBlank();
    }

    @Test
    void keepRemovesTheOlderTagsButNeverLatest() throws Exception {
        Path repo = repository("""
                image: publishit
                to: alice/kept
                tags: [ "r${SLIPWAY_RUN_ID}", latest ]
                keep: 2
                """);
        alice.register("kept", repo);
        List<Long> ids = new ArrayList<>();
        JsonNode last = null;
        for (int i = 0; i < 3; i++) {
            last = alice.run("kept", "{}");
            assertThat(last.get("status").asText()).as(alice.log(last, "publish")).isEqualTo("success");
            ids.add(last.get("id").asLong());
        }
        assertThat(tags(aliceRegistry, "alice/kept")).containsExactlyInAnyOrder("latest", "r" + ids.get(1), "r" + ids.get(2));
        assertThat(digestOf(aliceRegistry, "alice/kept", "latest")).isEqualTo(last.get("published").get(0).get("digest").asText());
        String log = alice.log(last, "publish");
        assertThat(log).contains("keep 2: removed from alice/kept:").contains("  tag r" + ids.get(0) + " (sha256:")
                .contains("its tags were removed");
    }

    @Test
    void aRunPublishesOnlyWhereItsUserMayPush() throws Exception {
        server.createUser("bob", "bob-password");
        CiClient bob = new CiClient(Http.token(server.baseUrl(), server.token("bob", "write:repository")), "bob");
        bob.register("steal", repository("""
                image: publishit
                to: alice/app
                tags: [ stolen ]
                """));
        JsonNode run = bob.run("steal", "{}");
        String log = bob.log(run, "publish");
        assertThat(run.get("status").asText()).as(log).isEqualTo("failure");
        assertThat(CiClient.tasks(run).get("publish").get("status").asText()).isEqualTo("failure");
        assertThat(log).contains("cannot publish to alice/app: 'bob', whose run this is, may not push there");
        assertThat(run.get("published")).isEmpty();
        assertThat(aliceRegistry.get("/v2/alice/app/manifests/stolen").statusCode()).isEqualTo(404);
    }

    @Test
    void aRefusedPushFailsTheTaskWithTheRegistrysMessage() throws Exception {
        server.slipway().lifecycle().immutableTags().add("alice/frozen", "v*");
        alice.register("frozen", repository("""
                image: publishit
                to: alice/frozen
                tags: [ v1 ]
                """));
        JsonNode first = alice.run("frozen", "{}");
        assertThat(first.get("status").asText()).as(alice.log(first, "publish")).isEqualTo("success");
        // A second run makes a new image (its created label): v1 may not move.
        JsonNode second = alice.run("frozen", "{}");
        String log = alice.log(second, "publish");
        assertThat(second.get("status").asText()).as(log).isEqualTo("failure");
        assertThat(log).contains("the registry refused " + server.registryHost() + "/alice/frozen:v1: denied: tag 'v1' in alice/frozen is"
                + " immutable by");
        assertThat(digestOf(aliceRegistry, "alice/frozen", "v1")).isEqualTo(first.get("published").get(0).get("digest").asText());
    }

    @Test
    void publishesToAnotherRegistryWithCredentialsFromASecret() throws Exception {
        try (PeerRegistry peer = PeerRegistry.startWithPassword("ci", "peer-secret-1")) {
            Path repo = repository("""
                    image: publishit
                    to: %s/team/app
                    tags: [ latest, "${SLIPWAY_COMMIT_SHORT}" ]
                    credentials: PEER_LOGIN
                    """.formatted(peer.host()));
            alice.register("mirror", repo);
            Http admin = Http.basic(server.baseUrl(), "alice", "alice-password");
            assertThat(admin.send(admin.request("/api/v1/repos/alice/mirror/actions/secrets/PEER_LOGIN").header("Content-Type", "application/json")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"data\":\"ci:peer-secret-1\"}"))).statusCode()).isEqualTo(201);
            JsonNode run = alice.run("mirror", "{}");
            String log = alice.log(run, "publish");
            assertThat(run.get("status").asText()).as(log).isEqualTo("success");
            JsonNode published = run.get("published").get(0);
            assertThat(published.get("image").asText()).isEqualTo(peer.host() + "/team/app");
            Http peerHttp = Http.basic(peer.url(), "ci", "peer-secret-1");
            assertThat(digestOf(peerHttp, "team/app", "latest")).isEqualTo(published.get("digest").asText());
            assertThat(digestOf(peerHttp, "team/app", run.get("commit").asText().substring(0, 8))).isEqualTo(published.get("digest").asText());
            assertThat(log).doesNotContain("peer-secret-1");

            // Wrong credentials: the registry's refusal fails the task.
            assertThat(admin.send(admin.request("/api/v1/repos/alice/mirror/actions/secrets/PEER_LOGIN").header("Content-Type", "application/json")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"data\":\"ci:wrong\"}"))).statusCode()).isEqualTo(204);
            JsonNode refused = alice.run("mirror", "{}");
            assertThat(refused.get("status").asText()).isEqualTo("failure");
            assertThat(alice.log(refused, "publish")).contains("the registry refused " + peer.host() + "/team/app:latest");
        }
    }
}
