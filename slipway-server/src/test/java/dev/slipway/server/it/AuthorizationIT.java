package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may pull, push and delete what: users, organizations, token scopes, public repositories. */
class AuthorizationIT {
    static TestServer server;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        server.createUser("bob", "bob-password");
        server.createUser("carol", "carol-password");
        server.slipway().identity().createOrg("team", null);
        server.slipway().identity().addMember("team", "alice");
        Http alice = Http.basic(server.baseUrl(), "alice", server.token("alice", "write:package"));
        pushImage(alice, "alice/private-app", "v1");
        pushImage(alice, "alice/public-app", "v1");
        server.slipway().registry().setPublic("alice/public-app", true);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static byte[] pushImage(Http http, String repo, String tag) {
        return new RegistryPush(http).image(repo, tag, repo).manifest();
    }

    static String code(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("errors").path(0).path("code").asText();
    }

    /** The WWW-Authenticate header of GET /v2/ sent with {@code headers} over a raw socket (Host cannot be set otherwise). */
    static String challengeFor(int port, String headers) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET /v2/ HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return answer.lines().filter(l -> l.regionMatches(true, 0, "WWW-Authenticate:", 0, 17)).findFirst().orElse(answer);
        }
    }

    @Test
    void onAllAddressesWithoutAnExternalUrlTheTokenRealmFollowsTheHostTheClientUsed() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (TestServer wide = TestServer.start(java.util.Map.of("listen", "0.0.0.0:" + port))) {
            assertThat(challengeFor(port, "Host: 198.51.100.7:5000\r\n")).contains("realm=\"http://198.51.100.7:5000/v2/token\"");
            assertThat(challengeFor(port, "Host: registry.example.com\r\nX-Forwarded-Proto: https\r\n"))
                    .contains("realm=\"https://registry.example.com/v2/token\"");
            // A Host that is not a host name falls back to the default.
            assertThat(challengeFor(port, "Host: bad_host:80\r\n")).contains("realm=\"http://127.0.0.1:" + port + "/v2/token\"");
        }
        // A server on loopback (or with external-url set) always names its configured URL.
        int local = java.net.URI.create(server.baseUrl()).getPort();
        assertThat(challengeFor(local, "Host: 198.51.100.7:5000\r\n")).contains("realm=\"" + server.baseUrl() + "/v2/token\"");
    }

    @Test
    void readTokenPullsButCannotPushOrDelete() throws Exception {
        Http reader = Http.basic(server.baseUrl(), "alice", server.token("alice", "read:package"));
        assertThat(reader.get("/v2/alice/private-app/manifests/v1").statusCode()).isEqualTo(200);
        HttpResponse<String> push = reader.post("/v2/alice/private-app/blobs/uploads/", "application/octet-stream", new byte[0]);
        assertThat(push.statusCode()).isEqualTo(403);
        assertThat(code(push)).isEqualTo("DENIED");
        assertThat(push.body()).contains("read:package");
        HttpResponse<String> delete = reader.delete("/v2/alice/private-app/manifests/v1");
        assertThat(delete.statusCode()).isEqualTo(403);
        assertThat(reader.get("/v2/alice/private-app/manifests/v1").statusCode()).isEqualTo(200);
    }

    @Test
    void deleteTokenDeletesButCannotPush() throws Exception {
        Http alice = Http.basic(server.baseUrl(), "alice", server.token("alice", "write:package"));
        pushImage(alice, "alice/deletable", "old");
        Http cleaner = Http.basic(server.baseUrl(), "alice", server.token("alice", "delete:package"));
        assertThat(cleaner.post("/v2/alice/deletable/blobs/uploads/", "application/octet-stream", new byte[0]).statusCode()).isEqualTo(403);
        assertThat(cleaner.delete("/v2/alice/deletable/manifests/old").statusCode()).isEqualTo(202);
        assertThat(cleaner.get("/v2/alice/deletable/manifests/old").statusCode()).isEqualTo(404);
    }

    @Test
    void anonymousCannotSeeOrPullPrivateRepositories() throws Exception {
        Http anon = Http.anonymous(server.baseUrl());
        HttpResponse<String> get = anon.get("/v2/alice/private-app/manifests/v1");
        assertThat(get.statusCode()).isEqualTo(401);
        assertThat(code(get)).isEqualTo("UNAUTHORIZED");
        assertThat(get.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("realm=\"" + server.baseUrl() + "/v2/token\"")
                .contains("scope=\"repository:alice/private-app:pull\"");
        assertThat(anon.get("/v2/alice/private-app/tags/list").statusCode()).isEqualTo(401);

        // An anonymous token grants nothing on a private repository, and the catalog hides it.
        JsonNode token = JSON.readTree(anon.get("/v2/token?service=x&scope=repository:alice/private-app:pull&scope=registry:catalog:*").body());
        assertThat(accessOf(token.get("token").asText()).toString()).doesNotContain("private-app\",\"actions\":[\"pull");
        Http bearer = bearer(token.get("token").asText());
        assertThat(bearer.get("/v2/alice/private-app/manifests/v1").statusCode()).isEqualTo(401);
        JsonNode catalog = JSON.readTree(bearer.get("/v2/_catalog").body());
        assertThat(catalog.get("repositories").toString()).contains("alice/public-app").doesNotContain("private-app");
    }

    @Test
    void publicRepositoriesPullAnonymouslyButNotPush() throws Exception {
        Http anon = Http.anonymous(server.baseUrl());
        assertThat(anon.get("/v2/alice/public-app/manifests/v1").statusCode()).isEqualTo(200);
        JsonNode token = JSON.readTree(anon.get("/v2/token?scope=repository:alice/public-app:pull,push").body());
        Http bearer = bearer(token.get("token").asText());
        assertThat(bearer.get("/v2/alice/public-app/manifests/v1").statusCode()).isEqualTo(200);
        assertThat(bearer.post("/v2/alice/public-app/blobs/uploads/", "application/octet-stream", new byte[0]).statusCode()).isEqualTo(401);
    }

    @Test
    void userCannotPushIntoAnotherUsersNamespace() throws Exception {
        Http bob = Http.basic(server.baseUrl(), "bob", server.token("bob", "write:package"));
        HttpResponse<String> r = bob.post("/v2/alice/private-app/blobs/uploads/", "application/octet-stream", new byte[0]);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(code(r)).isEqualTo("DENIED");
        assertThat(bob.get("/v2/alice/private-app/manifests/v1").statusCode()).isEqualTo(403);
        // Through the token endpoint bob gets a token without push, and the push is refused.
        JsonNode token = JSON.readTree(Http.basic(server.baseUrl(), "bob", "bob-password")
                .get("/v2/token?service=x&scope=repository:alice/private-app:pull,push").body());
        assertThat(accessOf(token.get("token").asText()).toString()).doesNotContain("push");
        assertThat(bearer(token.get("token").asText()).post("/v2/alice/private-app/blobs/uploads/", "application/octet-stream", new byte[0])
                .statusCode()).isEqualTo(403);
    }

    @Test
    void organizationMembersPushAndOthersDoNot() throws Exception {
        Http alice = Http.basic(server.baseUrl(), "alice", server.token("alice", "write:package"));
        pushImage(alice, "team/service", "1.0");
        Http carol = Http.basic(server.baseUrl(), "carol", server.token("carol", "write:package"));
        assertThat(carol.post("/v2/team/service/blobs/uploads/", "application/octet-stream", new byte[0]).statusCode()).isEqualTo(403);
        assertThat(carol.get("/v2/team/service/manifests/1.0").statusCode()).isEqualTo(403);
        server.slipway().identity().addMember("team", "carol");
        assertThat(carol.get("/v2/team/service/manifests/1.0").statusCode()).isEqualTo(200);
        pushImage(carol, "team/service", "1.1");
    }

    @Test
    void tokenEndpointGrantsOnlyWhatTheCallerHas() throws Exception {
        Http alicePassword = Http.basic(server.baseUrl(), "alice", "alice-password");
        JsonNode token = JSON.readTree(alicePassword.get(
                "/v2/token?service=x&scope=repository:alice/private-app:pull,push,delete&scope=repository:bob/other:pull,push").body());
        JsonNode access = accessOf(token.get("token").asText());
        assertThat(access).hasSize(2);
        for (JsonNode a : access) {
            if (a.get("name").asText().equals("alice/private-app")) {
                assertThat(a.get("actions").toString()).contains("pull").contains("push").contains("delete");
            } else if (a.get("name").asText().equals("bob/other")) {
                assertThat(a.get("actions")).isEmpty();
            }
        }
        assertThat(token.get("expires_in").asInt()).isPositive();
        // Wrong credentials get a 401 from the token endpoint (docker login shows it).
        assertThat(Http.basic(server.baseUrl(), "alice", "wrong").get("/v2/token?service=x").statusCode()).isEqualTo(401);
        // The bearer token works for what it grants.
        assertThat(bearer(token.get("token").asText()).get("/v2/alice/private-app/manifests/v1").statusCode()).isEqualTo(200);
    }

    @Test
    void revokedTokenStopsWorking() throws Exception {
        var created = server.slipway().identity().createToken("alice", "short-lived", java.util.List.of(dev.slipway.core.identity.Scope.READ_PACKAGE));
        Http http = Http.basic(server.baseUrl(), "alice", created.secret());
        assertThat(http.get("/v2/alice/private-app/manifests/v1").statusCode()).isEqualTo(200);
        server.slipway().identity().deleteToken("alice", "short-lived");
        assertThat(http.get("/v2/alice/private-app/manifests/v1").statusCode()).isEqualTo(401);
    }

    @Test
    void catalogListsOnlyWhatTheCallerMaySee() throws Exception {
        Http bob = Http.basic(server.baseUrl(), "bob", "bob-password");
        JsonNode list = JSON.readTree(bob.get("/v2/_catalog").body());
        assertThat(list.get("repositories").toString()).contains("alice/public-app").doesNotContain("alice/private-app");
        Http alice = Http.basic(server.baseUrl(), "alice", "alice-password");
        assertThat(JSON.readTree(alice.get("/v2/_catalog").body()).get("repositories").toString()).contains("alice/private-app");
        HttpResponse<String> paged = alice.get("/v2/_catalog?n=1");
        assertThat(JSON.readTree(paged.body()).get("repositories")).hasSize(1);
        assertThat(paged.headers().firstValue("Link").orElseThrow()).contains("rel=\"next\"");
    }

    static Http bearer(String jwt) {
        return Http.bearer(server.baseUrl(), jwt);
    }

    /** The token's {@code access} claim, decoded (the signature is the server's business). */
    static JsonNode accessOf(String jwt) throws Exception {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        return JSON.readTree(payload).get("access");
    }
}
