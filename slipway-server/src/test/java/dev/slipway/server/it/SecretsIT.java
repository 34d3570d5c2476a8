package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.ci.secret.MissingSecretException;
import dev.slipway.ci.secret.Secrets;
import dev.slipway.server.Slipway;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Secrets and deploy keys through the API (Gitea's Actions secrets shape) and the CLI, on the database under test. */
class SecretsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static Http alice;
    static Http admin;
    /** Every response body seen, to check that no secret value ever comes back. */
    static final List<String> bodies = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        server.createUser("bob", "bob-password");
        server.slipway().identity().createOrg("acme", "alice");
        alice = Http.basic(server.baseUrl(), "alice", "alice-password");
        admin = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        assertThat(bodies).noneSatisfy(b -> assertThat(b).containsAnyOf("repo-value", "org-value", "global-value", "user-value"));
        server.close();
    }

    @Test
    void secretsAreSetListedResolvedAndDeletedInGiteasShape() {
        String repo = "/api/v1/repos/acme/web/actions/secrets";
        assertThat(put(alice, repo + "/npm_token", "{\"data\":\"repo-value-1\"}").statusCode()).isEqualTo(201);
        assertThat(put(alice, repo + "/NPM_TOKEN", "{\"data\":\"repo-value-2\"}").statusCode()).isEqualTo(204);
        assertThat(put(alice, "/api/v1/orgs/acme/actions/secrets/NPM_TOKEN", "{\"data\":\"org-value\"}").statusCode()).isEqualTo(201);
        assertThat(put(admin, "/api/v1/admin/actions/secrets/NPM_TOKEN", "{\"data\":\"global-value\"}").statusCode()).isEqualTo(201);
        assertThat(put(alice, "/api/v1/user/actions/secrets/MINE", "{\"data\":\"user-value\"}").statusCode()).isEqualTo(201);
        byte[] binary = {0, (byte) 0xff, (byte) 0x80, '\n'};
        assertThat(put(alice, "/api/v1/repos/acme/web/secrets/BLOB", // the short alias path
                "{\"data_base64\":\"" + Base64.getEncoder().encodeToString(binary) + "\"}").statusCode()).isEqualTo(201);

        JsonNode list = json(get(alice, repo), 200);
        assertThat(list.findValuesAsText("name")).containsExactly("BLOB", "NPM_TOKEN");
        assertThat(list.get(1).get("scope").asText()).isEqualTo("repo:acme/web");
        assertThat(list.get(1).has("created_at") && list.get(1).has("updated_at")).isTrue();
        assertThat(list.get(1).has("data")).isFalse();
        assertThat(json(get(alice, "/api/v1/repos/acme/web/secrets"), 200)).isEqualTo(list);
        assertThat(json(get(alice, "/api/v1/orgs/acme/actions/secrets"), 200).findValuesAsText("name")).containsExactly("NPM_TOKEN");
        assertThat(json(get(alice, "/api/v1/user/actions/secrets"), 200).findValuesAsText("name")).containsExactly("MINE");
        assertThat(json(get(admin, "/api/v1/admin/actions/secrets"), 200).findValuesAsText("name")).contains("NPM_TOKEN");

        // What the CI engine sees: repository over organization over global.
        Secrets store = server.slipway().secrets();
        assertThat(text(store.resolve("acme", "web", List.of("NPM_TOKEN")))).isEqualTo("repo-value-2");
        assertThat(store.resolve("acme", "web", List.of("BLOB")).get("BLOB")).isEqualTo(binary);
        assertThat(text(store.resolve("acme", "api", List.of("NPM_TOKEN")))).isEqualTo("org-value");
        assertThat(text(store.resolve("bob", "x", List.of("NPM_TOKEN")))).isEqualTo("global-value");
        assertThat(text(store.resolve("alice", "x", List.of("MINE")))).isEqualTo("user-value");

        assertThat(delete(alice, repo + "/NPM_TOKEN").statusCode()).isEqualTo(204);
        assertThat(delete(alice, repo + "/NPM_TOKEN").statusCode()).isEqualTo(404);
        assertThat(text(store.resolve("acme", "web", List.of("NPM_TOKEN")))).isEqualTo("org-value");
        Assertions.assertThatThrownBy(() -> store.resolve("acme", "web", List.of("NOPE")))
                .isInstanceOf(MissingSecretException.class).hasMessageContaining("repo:acme/web, owner:acme, global");
    }

    @Test
    void onlyOwnersMembersAndAdminsWithPasswordOrAdminTokenManageSecrets() {
        String path = "/api/v1/repos/acme/site/actions/secrets/TOKEN";
        String body = "{\"data\":\"repo-value-x\"}";
        assertThat(put(Http.anonymous(server.baseUrl()), path, body).statusCode()).isEqualTo(401);
        assertThat(put(Http.basic(server.baseUrl(), "bob", "bob-password"), path, body).statusCode()).isEqualTo(403);
        assertThat(get(Http.basic(server.baseUrl(), "bob", "bob-password"), "/api/v1/repos/acme/site/actions/secrets").statusCode()).isEqualTo(403);
        // A package token is what CI jobs and docker logins hold: it must not plant or list secrets.
        Http packageToken = Http.token(server.baseUrl(), server.token("alice", "write:package"));
        assertThat(put(packageToken, path, body).statusCode()).isEqualTo(403);
        assertThat(get(packageToken, "/api/v1/repos/acme/site/actions/secrets").statusCode()).isEqualTo(403);
        Http adminToken = Http.token(server.baseUrl(), server.token("alice", "admin"));
        assertThat(put(adminToken, path, body).statusCode()).isEqualTo(201);
        assertThat(put(admin, path, body).statusCode()).isEqualTo(204); // the site admin may manage any owner's
        // Global secrets: site admins only.
        assertThat(put(alice, "/api/v1/admin/actions/secrets/X", body).statusCode()).isEqualTo(403);
        assertThat(put(Http.token(server.baseUrl(), server.token("admin", "write:package")), "/api/v1/admin/actions/secrets/X", body)
                .statusCode()).isEqualTo(403);
        // An organization path needs an organization.
        assertThat(put(alice, "/api/v1/orgs/alice/actions/secrets/X", body).statusCode()).isEqualTo(404);
        assertThat(put(admin, "/api/v1/repos/ghost/x/actions/secrets/X", body).statusCode()).isEqualTo(404);
    }

    @Test
    void badInputIsA400WithAMessage() throws Exception {
        String base = "/api/v1/repos/acme/web/actions/secrets/";
        for (String[] c : new String[][] {
                {base + "1BAD", "{\"data\":\"repo-value\"}", "invalid secret name"},
                {base + "GITEA_X", "{\"data\":\"repo-value\"}", "reserved"},
                {base + "OK", "{\"value\":\"repo-value\"}", "data"},
                {base + "OK", "{\"data\":\"\"}", "empty"},
                {base + "OK", "not json", "JSON"},
                {base + "OK", "{\"data_base64\":\"***\"}", "base64"},
                {"/api/v1/repos/acme/a%20b/actions/secrets/OK", "{\"data\":\"repo-value\"}", "repository name"}}) {
            HttpResponse<String> r = put(alice, c[0], c[1]);
            assertThat(r.statusCode()).as(c[0] + " " + c[1]).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("message").asText()).as(c[0] + " " + c[1]).containsIgnoringCase(c[2]);
        }
    }

    @Test
    void deployKeysAreCreatedShownListedAndDeleted() throws Exception {
        JsonNode created = json(alice.postJson("/api/v1/keys", "{\"name\":\"web-deploy\"}"), 201);
        assertThat(created.get("owner").asText()).isEqualTo("alice"); // the caller by default
        assertThat(created.get("public_key").asText()).matches("ssh-ed25519 AAAA\\S+ slipway/alice/web-deploy");
        assertThat(created.get("fingerprint").asText()).startsWith("SHA256:");
        Path priv = server.config().secretsDir().resolve("git-ssh/alice/private/web-deploy");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
        assertThat(Files.readString(priv)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(server.slipway().deployKeys().privateKeyPath("alice", "web-deploy")).isEqualTo(priv);

        JsonNode shown = json(get(alice, "/api/v1/keys/alice/web-deploy"), 200);
        assertThat(shown.get("public_key")).isEqualTo(created.get("public_key"));
        assertThat(shown.get("used_by")).isEmpty();
        assertThat(shown.toString()).doesNotContain("PRIVATE");
        assertThat(json(get(alice, "/api/v1/keys/alice"), 200).findValuesAsText("name")).containsExactly("web-deploy");
        assertThat(alice.postJson("/api/v1/keys", "{\"name\":\"web-deploy\"}").statusCode()).isEqualTo(409);
        assertThat(json(alice.postJson("/api/v1/keys", "{\"name\":\"org-key\",\"owner\":\"acme\"}"), 201).get("owner").asText()).isEqualTo("acme");

        Http bob = Http.basic(server.baseUrl(), "bob", "bob-password");
        assertThat(get(bob, "/api/v1/keys/alice/web-deploy").statusCode()).isEqualTo(403);
        assertThat(bob.postJson("/api/v1/keys", "{\"name\":\"x\",\"owner\":\"acme\"}").statusCode()).isEqualTo(403);
        assertThat(Http.token(server.baseUrl(), server.token("alice", "write:package")).postJson("/api/v1/keys", "{\"name\":\"y\"}")
                .statusCode()).isEqualTo(403);
        assertThat(alice.postJson("/api/v1/keys", "{\"name\":\"../etc\"}").statusCode()).isEqualTo(400);

        assertThat(delete(alice, "/api/v1/keys/alice/web-deploy").statusCode()).isEqualTo(204);
        assertThat(get(alice, "/api/v1/keys/alice/web-deploy").statusCode()).isEqualTo(404);
        assertThat(priv).doesNotExist();
    }

    @Test
    void theCliManagesSecretsAndKeysOfARunningServer() throws Exception {
        try (ServerProcess p = new ServerProcess(Files.createTempDirectory("slipway-secrets-cli-")).start()) {
            p.cli("org", "create", "crew").ok();
            assertThat(p.cliWithInput("cli-repo-value\n", "secret", "set", "deploy_token", "--scope", "repo:crew/site", "--value-stdin")
                    .ok().out()).contains("Created secret DEPLOY_TOKEN in repo:crew/site");
            Path file = p.data().resolve("value.bin");
            byte[] binary = {'k', 'e', 'y', 0, (byte) 0xfe, '\n'};
            Files.write(file, "first".getBytes(StandardCharsets.UTF_8));
            p.cli("secret", "set", "DEPLOY_TOKEN", "--scope", "global", "--from-file", file.toString()).ok();
            Files.write(file, binary);
            assertThat(p.cli("secret", "set", "DEPLOY_TOKEN", "--scope", "global", "--from-file", file.toString()).ok().out())
                    .contains("Updated secret DEPLOY_TOKEN in global");

            String listed = p.cli("secret", "list").ok().out();
            assertThat(listed).contains("DEPLOY_TOKEN\tglobal\t").contains("DEPLOY_TOKEN\trepo:crew/site\t").doesNotContain("cli-repo-value");
            // The running server serves what the CLI stored.
            Http admin = Http.basic(p.baseUrl(), "admin", ServerProcess.ADMIN_PASSWORD);
            assertThat(admin.get("/api/v1/repos/crew/site/actions/secrets").body()).contains("DEPLOY_TOKEN");
            // Another process on the same state resolves the exact bytes (stdin loses its newline, a file keeps every byte).
            try (Slipway other = new Slipway(p.config())) {
                assertThat(text(other.secrets().resolve("crew", "site", List.of("DEPLOY_TOKEN")))).isEqualTo("cli-repo-value");
                assertThat(other.secrets().resolve("crew", "other", List.of("DEPLOY_TOKEN")).get("DEPLOY_TOKEN")).isEqualTo(binary);
            }

            Tools.Result badScope = p.cliWithInput("v", "secret", "set", "X", "--scope", "org:crew", "--value-stdin");
            assertThat(badScope.exit()).isEqualTo(1);
            assertThat(badScope.err()).contains("error: invalid scope 'org:crew'");
            assertThat(p.cli("secret", "set", "X", "--scope", "global").exit()).isEqualTo(2); // no value source: usage error
            p.cli("secret", "delete", "deploy_token", "--scope", "repo:crew/site").ok();
            assertThat(p.cli("secret", "delete", "DEPLOY_TOKEN", "--scope", "repo:crew/site").err()).contains("is not set in scope repo:crew/site");

            Tools.Result created = p.cli("keys", "create", "site-deploy").ok();
            String publicKey = created.out().trim();
            assertThat(publicKey).matches("ssh-ed25519 AAAA\\S+ slipway/admin/site-deploy");
            assertThat(created.err()).contains("SHA256:").contains("read-only deploy key");
            assertThat(p.cli("keys", "show", "site-deploy").ok().out().trim()).isEqualTo(publicKey);
            assertThat(admin.get("/api/v1/keys/admin/site-deploy").body()).contains(publicKey);
            assertThat(p.cli("keys", "create", "site-deploy").err()).contains("already exists");
            p.cli("keys", "create", "crew-key", "--owner", "crew").ok();
            assertThat(p.cli("keys", "create", "k", "--owner", "nobody").err()).contains("'nobody' does not exist");
            assertThat(p.cli("keys", "list").ok().out()).contains("admin/site-deploy\tSHA256:").contains("crew/crew-key\tSHA256:");
            Path priv = p.data().resolve("secrets/git-ssh/admin/private/site-deploy");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
            p.cli("keys", "delete", "site-deploy").ok();
            assertThat(priv).doesNotExist();
            assertThat(p.cli("keys", "show", "site-deploy").err()).contains("does not exist");
        }
    }

    private static HttpResponse<String> put(Http h, String path, String body) {
        return record(h.put(path, "application/json", body.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> get(Http h, String path) {
        return record(h.get(path));
    }

    private static HttpResponse<String> delete(Http h, String path) {
        return record(h.delete(path));
    }

    private static HttpResponse<String> record(HttpResponse<String> r) {
        synchronized (bodies) {
            bodies.add(r.body());
        }
        return r;
    }

    private static JsonNode json(HttpResponse<String> r, int status) {
        record(r);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String text(Map<String, byte[]> resolved) {
        assertThat(resolved).hasSize(1);
        return new String(resolved.values().iterator().next(), StandardCharsets.UTF_8);
    }
}
