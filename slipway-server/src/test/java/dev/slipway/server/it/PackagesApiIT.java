package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Gitea's packages API for containers: what seed 003's cleanup script calls (list with
 * {@code ?type=container}, {@code DELETE .../container/NAME/VERSION} with {@code Authorization: token}).
 */
class PackagesApiIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static String writeToken;
    static RegistryPush.Image web1;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.createUser("dora", "dora-password");
        server.createUser("eve", "eve-password");
        writeToken = server.token("dora", "write:package");
        RegistryPush push = new RegistryPush(Http.basic(server.baseUrl(), "dora", writeToken));
        web1 = push.image("dora/web", "v1", "web-1");
        push.image("dora/web", "v2", "web-2");
        push.image("dora/tools/cli", "1.0", "cli");
        push.image("dora/keep", "latest", "keep");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static List<String> versions(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(p -> out.add(p.path("name").asText() + ":" + p.path("version").asText()));
        return out;
    }

    @Test
    void listsVersionsNewestFirstInGiteasShapeWithPaging() throws Exception {
        Http reader = Http.token(server.baseUrl(), server.token("dora", "read:package"));
        HttpResponse<String> r = reader.get("/api/v1/packages/dora?type=container");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode list = json(r);
        assertThat(versions(list)).contains("web:v1", "web:v2", "tools/cli:1.0", "keep:latest");
        assertThat(r.headers().firstValue("X-Total-Count")).contains(Integer.toString(list.size()));
        JsonNode v1 = null;
        for (JsonNode p : list) {
            if (p.path("name").asText().equals("web") && p.path("version").asText().equals("v1")) {
                v1 = p;
            }
        }
        assertThat(v1).isNotNull();
        assertThat(v1.path("type").asText()).isEqualTo("container");
        assertThat(v1.path("owner").path("login").asText()).isEqualTo("dora");
        assertThat(v1.path("id").isIntegralNumber()).isTrue();
        assertThat(v1.path("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(v1.path("html_url").asText()).isEqualTo(server.baseUrl() + "/dora/-/packages/container/web/v1");
        assertThat(v1.path("digest").asText()).isEqualTo(web1.digest());

        // Newest first; page and limit as Gitea pages, with a Link header.
        HttpResponse<String> page1 = reader.get("/api/v1/packages/dora?type=container&limit=2&page=1");
        assertThat(versions(json(page1))).hasSize(2);
        assertThat(page1.headers().firstValue("Link").orElse("")).contains("rel=\"next\"").contains("page=2");
        HttpResponse<String> page2 = reader.get("/api/v1/packages/dora?type=container&limit=2&page=2");
        assertThat(versions(json(page2))).hasSize(list.size() - 2).doesNotContainAnyElementsOf(versions(json(page1)));
        assertThat(versions(json(page1)).getFirst()).isEqualTo(versions(list).getFirst());
        assertThat(versions(json(reader.get("/api/v1/packages/dora?type=container&q=tool")))).containsExactly("tools/cli:1.0");
        assertThat(json(reader.get("/api/v1/packages/dora?type=npm"))).isEmpty();
        assertThat(reader.get("/api/v1/packages/dora?page=x").statusCode()).isEqualTo(400);
        assertThat(reader.get("/api/v1/packages/nobody").statusCode()).isEqualTo(404);
    }

    @Test
    void othersSeeOnlyPublicPackages() throws Exception {
        Http eve = Http.basic(server.baseUrl(), "eve", "eve-password");
        assertThat(versions(json(eve.get("/api/v1/packages/dora?type=container")))).isEmpty();
        // Publishing uses the existing visibility endpoint, unchanged.
        Http owner = Http.token(server.baseUrl(), writeToken);
        HttpResponse<String> patch = owner.send(owner.request("/api/v1/packages/dora/container/keep").header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"visibility\":\"public\"}")));
        assertThat(patch.statusCode()).isEqualTo(200);
        assertThat(versions(json(eve.get("/api/v1/packages/dora?type=container")))).containsExactly("keep:latest");
        assertThat(versions(json(Http.anonymous(server.baseUrl()).get("/api/v1/packages/dora")))).containsExactly("keep:latest");
        assertThat(eve.get("/api/v1/packages/dora/container/keep/latest").statusCode()).isEqualTo(200);
        assertThat(eve.get("/api/v1/packages/dora/container/web/v1").statusCode()).isEqualTo(403);
        assertThat(Http.anonymous(server.baseUrl()).get("/api/v1/packages/dora/container/web/v1").statusCode()).isEqualTo(401);
        assertThat(eve.delete("/api/v1/packages/dora/container/keep/latest").statusCode()).isEqualTo(403);
    }

    @Test
    void getsOneVersionByTagOrDigestWithTheNameEscapedOrNot() throws Exception {
        Http reader = Http.basic(server.baseUrl(), "dora", server.token("dora", "read:package"));
        for (String path : List.of("/api/v1/packages/dora/container/tools%2Fcli/1.0", "/api/v1/packages/dora/container/tools/cli/1.0")) {
            HttpResponse<String> r = reader.get(path);
            assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
            assertThat(json(r).path("name").asText()).isEqualTo("tools/cli");
            assertThat(json(r).path("html_url").asText()).endsWith("/dora/-/packages/container/tools%2Fcli/1.0");
        }
        HttpResponse<String> byDigest = reader.get("/api/v1/packages/dora/container/web/" + web1.digest());
        assertThat(byDigest.statusCode()).isEqualTo(200);
        assertThat(json(byDigest).path("version").asText()).isEqualTo(web1.digest());
        assertThat(reader.get("/api/v1/packages/dora/container/web/v9").statusCode()).isEqualTo(404);
        assertThat(json(reader.get("/api/v1/packages/dora/container/web/v9")).path("message").asText()).contains("v9");
        assertThat(reader.get("/api/v1/packages/dora/container/web/bad%20tag").statusCode()).isEqualTo(400);
    }

    @Test
    void theSeedCleanupScriptsDeleteWorksWithEveryAuthForm() throws Exception {
        RegistryPush push = new RegistryPush(Http.basic(server.baseUrl(), "dora", writeToken));
        RegistryPush.Image a = push.image("dora/api", "237c6b8", "api-a");
        push.image("dora/api", "1111111", "api-b");
        push.image("dora/api", "2222222", "api-c");
        String deleteToken = server.token("dora", "delete:package");
        Http reader = Http.token(server.baseUrl(), server.token("dora", "read:package"));

        assertThat(reader.delete("/api/v1/packages/dora/container/api/237c6b8").statusCode()).as("read:package").isEqualTo(403);
        // curl -X DELETE -H "Authorization: token $PAT" .../api/v1/packages/admin/container/honeydue-api/237c6b8
        assertThat(Http.token(server.baseUrl(), deleteToken).delete("/api/v1/packages/dora/container/api/237c6b8").statusCode())
                .isEqualTo(204);
        assertThat(Http.bearer(server.baseUrl(), writeToken).delete("/api/v1/packages/dora/container/api/1111111").statusCode())
                .isEqualTo(204);
        assertThat(Http.basic(server.baseUrl(), "dora", deleteToken).delete("/api/v1/packages/dora/container/api/2222222").statusCode())
                .isEqualTo(204);
        assertThat(Http.token(server.baseUrl(), deleteToken).delete("/api/v1/packages/dora/container/api/237c6b8").statusCode())
                .isEqualTo(404);
        assertThat(versions(json(reader.get("/api/v1/packages/dora?type=container&q=api")))).isEmpty();

        // Deleting a tag leaves the manifest (by digest); deleting the digest removes it.
        Http registry = Http.basic(server.baseUrl(), "dora", writeToken);
        assertThat(registry.get("/v2/dora/api/manifests/237c6b8").statusCode()).isEqualTo(404);
        assertThat(registry.get("/v2/dora/api/manifests/" + a.digest()).statusCode()).isEqualTo(200);
        assertThat(Http.token(server.baseUrl(), deleteToken).delete("/api/v1/packages/dora/container/api/" + a.digest()).statusCode())
                .isEqualTo(204);
        assertThat(registry.get("/v2/dora/api/manifests/" + a.digest()).statusCode()).isEqualTo(404);
    }
}
