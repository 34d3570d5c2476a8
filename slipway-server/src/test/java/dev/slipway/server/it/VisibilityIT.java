package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may pull without logging in: an owner's default for repositories created later (seed 002's
 * organization pulled its images in the cluster with no pull secret), a repository's own setting
 * made before its first push, and existing repositories keeping theirs when the default changes.
 */
class VisibilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    static TestServer server;
    static Http anonymous;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        anonymous = Http.anonymous(server.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anOwnersDefaultAppliesToRepositoriesItsPushesCreateLater() throws Exception {
        server.createUser("tegwick", "tegwick-password");
        server.slipway().identity().createOrg("coulomb", "tegwick");
        Http ci = Http.basic(server.baseUrl(), "tegwick", server.token("tegwick", "write:package"));
        AuthorizationIT.pushImage(ci, "coulomb/old", "v1");

        JsonNode set = ok(ci.patch("/api/v1/packages/coulomb", "application/json", "{\"visibility\":\"public\"}".getBytes()));
        assertThat(set.path("owner").asText()).isEqualTo("coulomb");
        assertThat(set.path("default_visibility").asText()).isEqualTo("public");
        assertThat(set.path("existing_repositories").asInt()).isEqualTo(1);
        assertThat(set.path("message").asText()).contains("keep their own visibility");

        AuthorizationIT.pushImage(ci, "coulomb/state-hub", "6186a99");
        assertThat(anonymous.get("/v2/coulomb/state-hub/manifests/6186a99").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/v2/coulomb/old/manifests/v1").statusCode()).as("existing repositories keep theirs").isEqualTo(401);

        // Back to private: new repositories are private again, the public one stays public.
        ok(ci.patch("/api/v1/packages/coulomb", "application/json", "{\"public\":false}".getBytes()));
        AuthorizationIT.pushImage(ci, "coulomb/next", "v1");
        assertThat(anonymous.get("/v2/coulomb/next/manifests/v1").statusCode()).isEqualTo(401);
        assertThat(anonymous.get("/v2/coulomb/state-hub/manifests/6186a99").statusCode()).isEqualTo(200);
    }

    /** The seed's cluster pull: a docker engine with no login pulls an image of a public-by-default organization. */
    @Test
    void dockerPullsWithoutLoginFromAPublicByDefaultOrganization() throws Exception {
        Tools.require("docker");
        server.createUser("builder", "builder-password");
        server.slipway().identity().createOrg("cluster", "builder");
        Http builder = Http.basic(server.baseUrl(), "builder", "builder-password");
        ok(builder.patch("/api/v1/packages/cluster", "application/json", "{\"visibility\":\"public\"}".getBytes()));
        Map<String, String> env = new HashMap<>();
        env.put("DOCKER_CONFIG", Files.createTempDirectory("docker-builder-").toString());
        String image = server.registryHost() + "/cluster/app:1";
        Tools.runWithInput(env, null, server.token("builder", "write:package"), "docker", "login", server.registryHost(),
                "-u", "builder", "--password-stdin").ok();
        try {
            TestImages.buildBusybox(env, image);
            Tools.run(env, null, "docker", "push", image).ok();
            Tools.run(env, null, "docker", "rmi", "-f", image).ok();
            Map<String, String> nobody = Map.of("DOCKER_CONFIG", Files.createTempDirectory("docker-nobody-").toString());
            Tools.run(nobody, null, "docker", "pull", image).ok();
        } finally {
            Tools.run(env, null, "docker", "rmi", "-f", image);
        }
    }

    @Test
    void aRepositoryNotPushedYetGetsItsVisibilityWhenFirstPushed() throws Exception {
        server.createUser("dora", "dora-password");
        Http dora = Http.basic(server.baseUrl(), "dora", server.token("dora", "write:package"));
        JsonNode set = ok(dora.patch("/api/v1/packages/dora/container/web", "application/json", "{\"visibility\":\"public\"}".getBytes()));
        assertThat(set.path("visibility").asText()).isEqualTo("public");
        assertThat(set.path("created").asBoolean()).isTrue();
        AuthorizationIT.pushImage(dora, "dora/web", "v1");
        assertThat(anonymous.get("/v2/dora/web/manifests/v1").statusCode()).isEqualTo(200);

        // A repository's own setting wins over the owner's default, also before the first push.
        ok(dora.patch("/api/v1/packages/dora", "application/json", "{\"visibility\":\"public\"}".getBytes()));
        ok(dora.patch("/api/v1/packages/dora/container/tools/secret", "application/json", "{\"visibility\":\"private\"}".getBytes()));
        AuthorizationIT.pushImage(dora, "dora/tools/secret", "v1");
        assertThat(anonymous.get("/v2/dora/tools/secret/manifests/v1").statusCode()).isEqualTo(401);
        assertThat(ok(dora.patch("/api/v1/packages/dora/container/web", "application/json", "{\"public\":true}".getBytes()))
                .path("created").asBoolean()).isFalse();
    }

    @Test
    void badVisibilityRequestsAreRefusedWithAMessageAndChangeNothing() throws Exception {
        server.createUser("erin", "erin-password");
        server.createUser("mallory", "mallory-password");
        Http erin = Http.basic(server.baseUrl(), "erin", server.token("erin", "write:package"));
        Http mallory = Http.basic(server.baseUrl(), "mallory", server.token("mallory", "write:package"));
        byte[] makePublic = "{\"visibility\":\"public\"}".getBytes();
        assertProblem(mallory.patch("/api/v1/packages/erin", "application/json", makePublic), 403, "erin");
        assertProblem(mallory.patch("/api/v1/packages/erin/container/app", "application/json", makePublic), 403, "erin");
        assertProblem(anonymous.patch("/api/v1/packages/erin", "application/json", makePublic), 401, "authentication");
        assertProblem(erin.patch("/api/v1/packages/ghost", "application/json", makePublic), 404, "ghost");
        assertProblem(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD)
                .patch("/api/v1/packages/ghost/container/app", "application/json", makePublic), 404, "ghost");
        assertProblem(erin.patch("/api/v1/packages/erin", "application/json", "{\"visibility\":\"everyone\"}".getBytes()), 400,
                "'public' or 'private'");
        assertProblem(erin.patch("/api/v1/packages/erin/container/Bad", "application/json", makePublic), 400, "invalid");
        assertThat(server.slipway().registry().ownerPublic("erin")).isFalse();
        assertThat(server.slipway().registry().repository("erin/app")).isEmpty();
        assertThat(server.slipway().registry().repository("ghost/app")).isEmpty();
    }

    /** {@code slipway registry visibility} for an owner and for a repository not pushed yet, on a running server's state. */
    @Test
    void theCommandLineSetsAndShowsOwnerDefaultsAndSaysWhatItDid() throws Exception {
        try (ServerProcess process = new ServerProcess(Files.createTempDirectory("slipway-visibility-cli-")).start()) {
            Http admin = Http.basic(process.baseUrl(), "admin", ServerProcess.ADMIN_PASSWORD);
            assertThat(admin.postJson("/api/v1/orgs", "{\"username\":\"acme\"}").statusCode()).isEqualTo(201);
            AuthorizationIT.pushImage(admin, "acme/old", "v1");

            assertThat(process.cli("registry", "visibility", "acme", "public").ok().out())
                    .contains("New repositories of acme will be public.")
                    .contains("Its 1 existing repository keeps its own visibility; change one with: slipway registry visibility acme/NAME public");
            assertThat(process.cli("registry", "visibility", "acme").ok().out()).contains("New repositories of acme are public");
            assertThat(process.cli("registry", "visibility", "acme/new").ok().out())
                    .contains("acme/new is not pushed yet; it will be public when its first push creates it (the default of acme)");
            assertThat(process.cli("registry", "visibility", "acme/later", "private").ok().out())
                    .contains("acme/later is not pushed yet; it will be private when its first push creates it");

            // The running server applies both at the first push; the existing repository kept its own.
            AuthorizationIT.pushImage(admin, "acme/new", "v1");
            AuthorizationIT.pushImage(admin, "acme/later", "v1");
            Http nobody = Http.anonymous(process.baseUrl());
            assertThat(nobody.get("/v2/acme/new/manifests/v1").statusCode()).isEqualTo(200);
            assertThat(nobody.get("/v2/acme/later/manifests/v1").statusCode()).isEqualTo(401);
            assertThat(nobody.get("/v2/acme/old/manifests/v1").statusCode()).isEqualTo(401);
            assertThat(process.cli("registry", "visibility", "acme/later").ok().out()).contains("acme/later is private").doesNotContain("no tags");

            Tools.Result ghost = process.cli("registry", "visibility", "ghost", "public");
            assertThat(ghost.exit()).isEqualTo(1);
            assertThat(ghost.err()).contains("no user or organization named 'ghost'").doesNotContain("Exception");
        }
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as("%s %s: %s", r.request().method(), r.request().uri(), r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static void assertProblem(HttpResponse<String> r, int status, String messagePart) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(JSON.readTree(r.body()).path("message").asText()).contains(messagePart);
    }
}
