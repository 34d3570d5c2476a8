package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Gitea-shaped API: tokens, organizations, package visibility; plus health and metrics. */
class ApiIT {
    static TestServer server;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.createUser("dora", "dora-password");
        server.createUser("eve", "eve-password");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void tokensAreCreatedShownOnceListedWithoutSecretsAndRevoked() throws Exception {
        Http dora = Http.basic(server.baseUrl(), "dora", "dora-password");
        HttpResponse<String> created = dora.postJson("/api/v1/users/dora/tokens", "{\"name\":\"ci\",\"scopes\":[\"write:package\",\"read:package\"]}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = JSON.readTree(created.body());
        String secret = body.get("sha1").asText();
        assertThat(secret).hasSize(40).isEqualTo(body.get("token").asText());
        assertThat(body.get("scopes").toString()).contains("write:package").contains("read:package");

        // The token works in every form Gitea users send it.
        assertThat(Http.token(server.baseUrl(), secret).get("/api/v1/user").statusCode()).isEqualTo(200);
        assertThat(Http.bearer(server.baseUrl(), secret).get("/api/v1/user").statusCode()).isEqualTo(200);
        assertThat(Http.basic(server.baseUrl(), "dora", secret).get("/api/v1/user").statusCode()).isEqualTo(200);
        assertThat(Http.anonymous(server.baseUrl()).get("/api/v1/user?token=" + secret).statusCode()).isEqualTo(200);

        HttpResponse<String> list = dora.get("/api/v1/users/dora/tokens");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"name\":\"ci\"").doesNotContain(secret);
        JsonNode ci = null;
        for (JsonNode t : JSON.readTree(list.body())) {
            if (t.get("name").asText().equals("ci")) {
                ci = t;
            }
        }
        assertThat(ci).isNotNull();
        assertThat(ci.get("token_last_eight").asText()).isEqualTo(secret.substring(32));

        // Stored hashed: the secret itself is nowhere in the database.
        String stored = server.slipway().database().jdbi().withHandle(h ->
                h.createQuery("SELECT token_hash FROM access_tokens WHERE name = 'ci'").mapTo(String.class).one());
        assertThat(stored).isNotEqualTo(secret).hasSize(64);

        assertThat(dora.delete("/api/v1/users/dora/tokens/ci").statusCode()).isEqualTo(204);
        assertThat(Http.token(server.baseUrl(), secret).get("/api/v1/user").statusCode()).isEqualTo(401);
    }

    @Test
    void onlyTheUserOrAnAdminManagesTheirTokens() {
        Http eve = Http.basic(server.baseUrl(), "eve", "eve-password");
        assertThat(eve.postJson("/api/v1/users/dora/tokens", "{\"name\":\"x\",\"scopes\":[\"read:package\"]}").statusCode()).isEqualTo(403);
        assertThat(eve.get("/api/v1/users/dora/tokens").statusCode()).isEqualTo(403);
        Http admin = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        assertThat(admin.postJson("/api/v1/users/dora/tokens", "{\"name\":\"by-admin\",\"scopes\":[\"read:package\"]}").statusCode()).isEqualTo(201);
        // A package-scoped token cannot mint more tokens.
        String readToken = server.token("eve", "read:package");
        assertThat(Http.token(server.baseUrl(), readToken).postJson("/api/v1/users/eve/tokens", "{\"name\":\"y\",\"scopes\":[\"admin\"]}")
                .statusCode()).isEqualTo(403);
        assertThat(Http.anonymous(server.baseUrl()).postJson("/api/v1/users/eve/tokens", "{\"name\":\"z\",\"scopes\":[\"admin\"]}")
                .statusCode()).isEqualTo(401);
    }

    @Test
    void adminCreatesOrganizationsAndAddsMembers() throws Exception {
        Http admin = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        assertThat(admin.postJson("/api/v1/orgs", "{\"username\":\"platform\"}").statusCode()).isEqualTo(201);
        assertThat(admin.postJson("/api/v1/orgs", "{\"username\":\"platform\"}").statusCode()).isEqualTo(409);
        assertThat(admin.send(admin.request("/api/v1/orgs/platform/members/dora").PUT(java.net.http.HttpRequest.BodyPublishers.noBody()))
                .statusCode()).isEqualTo(204);
        assertThat(server.slipway().identity().isMember("platform", "dora")).isTrue();
        // A non-member cannot add members.
        Http eve = Http.basic(server.baseUrl(), "eve", "eve-password");
        assertThat(eve.send(eve.request("/api/v1/orgs/platform/members/eve").PUT(java.net.http.HttpRequest.BodyPublishers.noBody()))
                .statusCode()).isEqualTo(403);
        // dora, now a member, pushes to the organization.
        Http dora = Http.basic(server.baseUrl(), "dora", server.token("dora", "write:package"));
        new RegistryPush(dora).blob("platform/tools", "x".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void packageVisibilityIsChangedByTheOwner() throws Exception {
        String token = server.token("dora", "write:package");
        Http dora = Http.basic(server.baseUrl(), "dora", token);
        AuthorizationIT.pushImage(dora, "dora/site/frontend", "v1");
        Http anon = Http.anonymous(server.baseUrl());
        assertThat(anon.get("/v2/dora/site/frontend/manifests/v1").statusCode()).isEqualTo(401);

        Http eve = Http.token(server.baseUrl(), server.token("eve", "write:package"));
        assertThat(eve.send(eve.request("/api/v1/packages/dora/container/site/frontend").header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"visibility\":\"public\"}"))).statusCode()).isEqualTo(403);

        Http owner = Http.token(server.baseUrl(), token);
        HttpResponse<String> patch = owner.send(owner.request("/api/v1/packages/dora/container/site/frontend").header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"visibility\":\"public\"}")));
        assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
        assertThat(anon.get("/v2/dora/site/frontend/manifests/v1").statusCode()).isEqualTo(200);
    }

    /** Issue 8: a field a request does not take is refused and named, with the one meant; Gitea's own fields are taken. */
    @Test
    void unknownFieldsAreRefusedWithTheFieldMeantWhileGiteasFieldsAreTaken() throws Exception {
        Http dora = Http.basic(server.baseUrl(), "dora", "dora-password");
        Http admin = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        HttpResponse<String> typo = dora.postJson("/api/v1/users/dora/tokens", "{\"name\":\"t\",\"scope\":[\"read:package\"]}");
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(typo.body()).contains("unknown field 'scope' (did you mean 'scopes'?)");
        HttpResponse<String> unknown = dora.postJson("/api/v1/users/dora/tokens", "{\"name\":\"t\",\"scopes\":[\"read:package\"],\"expires\":1}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown field 'expires'").contains("this request takes name, scopes");
        assertThat(admin.postJson("/api/v1/admin/users", "{\"username\":\"gus\",\"password\":\"gus-password-1\",\"email\":\"g@x\","
                + "\"must_change_password\":false,\"send_notify\":false,\"full_name\":\"Gus\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> rule = admin.postJson("/api/v1/registry/dora/immutable-tags", "{\"patern\":\"v*\"}");
        assertThat(rule.statusCode()).isEqualTo(400);
        assertThat(rule.body()).contains("unknown field 'patern' (did you mean 'pattern'?)");
    }

    @Test
    void healthAndMetrics() {
        Http anon = Http.anonymous(server.baseUrl());
        assertThat(anon.get("/healthz").statusCode()).isEqualTo(200);
        anon.get("/v2/");
        HttpResponse<String> metrics = anon.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("slipway_http_requests_seconds_count").contains("jvm_memory_used_bytes");
    }
}
