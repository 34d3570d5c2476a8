package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The settings pages ({@code /-/settings}: tokens, deploy keys, secrets) and the administration
 * ({@code /-/admin}: users, organizations) over plain HTTP: who may open them, form tokens, and
 * that each form does what the API does (the API sees the result). One server, no runs.
 */
class WebSettingsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SETTINGS = List.of("/-/settings", "/-/settings/tokens", "/-/settings/keys", "/-/settings/secrets",
            "/-/settings/caches", "/-/settings/targets");
    static final List<String> ADMIN = List.of("/-/admin", "/-/admin/users", "/-/admin/orgs", "/-/admin/orgs/crew", "/-/admin/webhooks");
    static final Pattern SECRET = Pattern.compile("id=\"new-token-value\">([0-9a-f]{40})<");

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("ci.executor", "local"));
        server.createUser("alice", "alice-password");
        server.createUser("bob", "bob-password");
        server.slipway().identity().createOrg("crew", "alice");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void signedOutBrowsersGoToSignInAndOnlySiteAdminsSeeTheAdministration() {
        WebClient anonymous = new WebClient(server.baseUrl());
        for (String p : concat(SETTINGS, ADMIN)) {
            HttpResponse<String> r = anonymous.get(p);
            assertThat(r.statusCode()).as(p).isEqualTo(303);
            assertThat(r.headers().firstValue("Location").orElseThrow()).as(p).startsWith("/-/login?next=");
        }
        // A signed-out browser's form (with the sign-in page's token) changes nothing and goes to sign in, then back to the settings.
        String preSession = anonymous.token("/-/login");
        HttpResponse<String> form = anonymous.postFields("/-/settings/tokens", "_csrf", preSession, "name", "x", "scopes", "admin");
        assertThat(form.statusCode()).isEqualTo(303);
        assertThat(form.headers().firstValue("Location")).hasValue("/-/login?next=%2F-%2Fsettings");
        HttpResponse<String> adminForm = anonymous.post("/-/admin/users", Map.of("_csrf", preSession, "username", "x", "password", "x-password"));
        assertThat(adminForm.headers().firstValue("Location")).hasValue("/-/login?next=%2F-%2Fadmin");
        assertThat(server.slipway().identity().user("x")).isEmpty();
        WebClient bob = WebClient.signedIn(server.baseUrl(), "bob", "bob-password");
        for (String p : SETTINGS.subList(1, SETTINGS.size())) {
            assertThat(bob.get(p).statusCode()).as(p).isEqualTo(200);
        }
        assertThat(bob.get("/-/settings").headers().firstValue("Location")).hasValue("/-/settings/tokens");
        String token = bob.token("/-/settings/tokens");
        for (String p : ADMIN) {
            assertThat(bob.get(p).statusCode()).as("bob " + p).isEqualTo(404);
        }
        // A non-admin's forms to the administration are 404 too (before the form token is looked at), and create nothing.
        assertThat(bob.post("/-/admin/users", Map.of("_csrf", token, "username", "mallory", "password", "mallory-password")).statusCode())
                .isEqualTo(404);
        assertThat(bob.post("/-/admin/orgs", Map.of("_csrf", token, "name", "bobs")).statusCode()).isEqualTo(404);
        assertThat(bob.post("/-/admin/orgs/crew/members", Map.of("_csrf", token, "username", "bob")).statusCode()).isEqualTo(404);
        assertThat(server.slipway().identity().user("mallory")).isEmpty();
        assertThat(server.slipway().identity().isMember("crew", "bob")).isFalse();
        assertThat(bob.get("/").body()).contains("href=\"/-/settings\"").doesNotContain("href=\"/-/admin\"");

        WebClient admin = WebClient.signedIn(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        for (String p : ADMIN.subList(1, ADMIN.size())) {
            assertThat(admin.get(p).statusCode()).as("admin " + p).isEqualTo(200);
        }
        assertThat(admin.get("/").body()).contains("href=\"/-/admin\"");
        assertThat(admin.get("/-/admin/orgs/nothing").statusCode()).isEqualTo(404);
        // A token that is not admin-scoped manages no tokens, and gets no administration, as in the API.
        Http readToken = Http.token(server.baseUrl(), server.token("admin", "read:repository"));
        for (String p : SETTINGS.subList(1, SETTINGS.size())) {
            assertThat(readToken.get(p).statusCode()).as("a read:repository token on " + p).isEqualTo(403);
        }
        assertThat(readToken.get("/-/admin/users").statusCode()).isEqualTo(404);
    }

    @Test
    void formsWithoutTheirTokenAreRefusedAndChangeNothing() {
        WebClient alice = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        WebClient admin = WebClient.signedIn(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        int tokens = server.slipway().identity().tokens("alice").size();
        Map<String, Map<String, String>> forms = Map.of(
                "/-/settings/tokens", Map.of("name", "sneaky", "scopes", "admin"),
                "/-/settings/keys", Map.of("name", "sneaky"),
                "/-/settings/secrets", Map.of("scope", "owner:alice", "name", "SNEAKY", "value", "x"),
                "/-/settings/secrets/delete", Map.of("scope", "owner:alice", "name", "SNEAKY"),
                "/-/settings/keys/alice/forge/delete", Map.of(),
                "/-/settings/tokens/0123456789abcdef/delete", Map.of(),
                "/-/settings/caches/release", Map.of("cache", "repo:alice/app:deps", "repository", "alice/app"),
                "/-/settings/targets/site/delete", Map.of());
        for (var f : forms.entrySet()) {
            HttpResponse<String> r = alice.post(f.getKey(), f.getValue());
            assertThat(r.statusCode()).as(f.getKey()).isEqualTo(403);
            assertThat(r.body()).as(f.getKey()).contains("reload the page");
            assertThat(alice.post(f.getKey(), with(f.getValue(), "_csrf", "0".repeat(64))).statusCode()).as(f.getKey()).isEqualTo(403);
        }
        for (String p : List.of("/-/admin/users", "/-/admin/orgs", "/-/admin/orgs/crew/members", "/-/admin/orgs/crew/members/alice/delete",
                "/-/admin/webhooks")) {
            assertThat(admin.post(p, Map.of("username", "eve", "password", "eve-password", "name", "eves", "url", "http://127.0.0.1:9/x",
                    "secret", "s")).statusCode()).as(p).isEqualTo(403);
        }
        assertThat(server.slipway().webhooks().list()).isEmpty();
        assertThat(server.slipway().identity().tokens("alice")).hasSize(tokens);
        assertThat(server.slipway().deployKeys().list("alice")).noneMatch(k -> k.name().equals("sneaky"));
        assertThat(server.slipway().identity().user("eve")).isEmpty();
        assertThat(server.slipway().identity().ownerKind("eves")).isEmpty();
        assertThat(server.slipway().identity().isMember("crew", "alice")).isTrue();
    }

    @Test
    void aTokenIsCreatedShownOnceWorksAndIsRevokedThroughTheForms() throws Exception {
        WebClient alice = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        String csrf = alice.token("/-/settings/tokens");
        HttpResponse<String> created = alice.postFields("/-/settings/tokens", "_csrf", csrf, "name", "ci-pushes",
                "scopes", "read:package", "scopes", "write:package");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Matcher m = SECRET.matcher(created.body());
        assertThat(m.find()).as(created.body()).isTrue();
        String secret = m.group(1);
        assertThat(created.body()).contains("shown only this once");

        // The API sees it, with its scopes; it authenticates, and its use is recorded.
        Http withToken = Http.basic(server.baseUrl(), "alice", secret); // as docker login sends it
        assertThat(withToken.get("/v2/").statusCode()).isEqualTo(200);
        JsonNode listed = null;
        for (JsonNode t : JSON.readTree(Http.basic(server.baseUrl(), "alice", "alice-password").get("/api/v1/users/alice/tokens").body())) {
            if (t.get("name").asText().equals("ci-pushes")) {
                listed = t;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("scopes").toString()).isEqualTo("[\"read:package\",\"write:package\"]");

        // The list shows name, scopes and the last eight characters; never the whole secret again.
        String page = alice.get("/-/settings/tokens").body();
        assertThat(page).contains("ci-pushes").contains("<code>write:package</code>").contains("…" + secret.substring(32))
                .doesNotContain(secret);

        // Refusals show the form again with the reason: a name taken, no scope.
        HttpResponse<String> again = alice.postFields("/-/settings/tokens", "_csrf", csrf, "name", "ci-pushes", "scopes", "admin");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("role=\"alert\"").contains("already has a token named 'ci-pushes'");
        HttpResponse<String> noScope = alice.postFields("/-/settings/tokens", "_csrf", csrf, "name", "nothing");
        assertThat(noScope.statusCode()).isEqualTo(400);
        assertThat(noScope.body()).contains("choose at least one scope").contains("value=\"nothing\"");
        HttpResponse<String> unknown = alice.postFields("/-/settings/tokens", "_csrf", csrf, "name", "x", "scopes", "root");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("role=\"alert\"").contains("unknown scope 'root'");

        // Revoke: by the id the row's form names; Bob cannot revoke Alice's.
        String id = listed.get("id").asText();
        assertThat(page).contains("action=\"/-/settings/tokens/" + id + "/delete\"");
        WebClient bob = WebClient.signedIn(server.baseUrl(), "bob", "bob-password");
        assertThat(bob.post("/-/settings/tokens/" + id + "/delete", Map.of("_csrf", bob.token("/-/settings/tokens"))).statusCode())
                .isEqualTo(404);
        assertThat(withToken.get("/v2/").statusCode()).isEqualTo(200);
        HttpResponse<String> revoked = alice.post("/-/settings/tokens/" + id + "/delete", Map.of("_csrf", csrf));
        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(revoked.headers().firstValue("Location")).hasValue("/-/settings/tokens");
        assertThat(withToken.get("/v2/").statusCode()).isEqualTo(401);
        assertThat(alice.get("/-/settings/tokens").body()).doesNotContain("ci-pushes");
    }

    @Test
    void deployKeysShowTheirPublicKeyAndAKeyInUseIsDeletedOnlyWhenConfirmed() throws Exception {
        WebClient alice = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        String csrf = alice.token("/-/settings/keys");
        HttpResponse<String> created = alice.post("/-/settings/keys", Map.of("_csrf", csrf, "owner", "alice", "name", "forge"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String publicKey = server.slipway().deployKeys().get("alice", "forge").publicKey();
        assertThat(created.body()).contains(publicKey).contains("read-only");
        assertThat(alice.post("/-/settings/keys", Map.of("_csrf", csrf, "owner", "crew", "name", "crew-key")).statusCode()).isEqualTo(201);
        assertThat(alice.get("/-/settings/keys").body()).contains("alice/forge").contains("crew/crew-key").contains(publicKey);
        // Someone else's owner: refused as in the API.
        assertThat(alice.post("/-/settings/keys", Map.of("_csrf", csrf, "owner", "bob", "name", "x")).statusCode()).isEqualTo(403);
        HttpResponse<String> bad = alice.post("/-/settings/keys", Map.of("_csrf", csrf, "owner", "alice", "name", "../etc"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("role=\"alert\"");

        // In use by a repository: refused with the users named, as `slipway keys delete` refuses; then deleted when confirmed.
        HttpResponse<String> reg = new CiClient(Http.basic(server.baseUrl(), "alice", "alice-password"), "alice")
                .registration("deployed", "ssh://git@127.0.0.1:1/srv/deployed.git", Map.of("key", "forge"));
        assertThat(reg.statusCode()).as(reg.body()).isEqualTo(201);
        HttpResponse<String> refused = alice.post("/-/settings/keys/alice/forge/delete", Map.of("_csrf", csrf));
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("is still used by repository alice/deployed").contains("Delete anyway");
        assertThat(server.slipway().deployKeys().list("alice")).extracting("name").contains("forge");
        HttpResponse<String> forced = alice.post("/-/settings/keys/alice/forge/delete", Map.of("_csrf", csrf, "force", "1"));
        assertThat(forced.statusCode()).isEqualTo(200);
        assertThat(forced.body()).contains("Deleted deploy key alice/forge").contains("still used by repository alice/deployed");
        assertThat(server.slipway().deployKeys().list("alice")).extracting("name").doesNotContain("forge");
        assertThat(alice.post("/-/settings/keys/crew/crew-key/delete", Map.of("_csrf", csrf)).statusCode()).isEqualTo(200);
        assertThat(alice.post("/-/settings/keys/crew/crew-key/delete", Map.of("_csrf", csrf)).statusCode()).isEqualTo(404);
    }

    @Test
    void secretsAreSetAndDeletedByNameAndTheirValuesAreNeverShown() throws Exception {
        WebClient alice = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        String csrf = alice.token("/-/settings/secrets");
        assertThat(alice.get("/-/settings/secrets").body()).contains("value=\"owner:alice\"").contains("value=\"owner:crew\"")
                .doesNotContain("value=\"global\"");
        HttpResponse<String> set = alice.post("/-/settings/secrets", Map.of("_csrf", csrf, "scope", "owner:crew", "name", "deploy_token",
                "value", "s3cr3t-value"));
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).contains("Created secret DEPLOY_TOKEN in owner:crew").contains("<code>DEPLOY_TOKEN</code>")
                .doesNotContain("s3cr3t-value");
        assertThat(server.slipway().secrets().resolve("crew", "app", List.of("DEPLOY_TOKEN")).get("DEPLOY_TOKEN")).asString()
                .isEqualTo("s3cr3t-value");
        // A textarea sends CRLF line breaks; the secret keeps LF, as pasted.
        assertThat(alice.post("/-/settings/secrets", Map.of("_csrf", csrf, "scope", "owner:crew", "name", "deploy_token",
                "value", "-----BEGIN KEY-----\r\nabc\r\n-----END KEY-----")).body()).contains("Replaced secret DEPLOY_TOKEN");
        assertThat(server.slipway().secrets().resolve("crew", "app", List.of("DEPLOY_TOKEN")).get("DEPLOY_TOKEN")).asString()
                .isEqualTo("-----BEGIN KEY-----\nabc\n-----END KEY-----");
        // Bob manages neither crew's secrets nor the site's.
        WebClient bob = WebClient.signedIn(server.baseUrl(), "bob", "bob-password");
        String bobs = bob.token("/-/settings/secrets");
        assertThat(bob.get("/-/settings/secrets").body()).doesNotContain("DEPLOY_TOKEN");
        assertThat(bob.post("/-/settings/secrets", Map.of("_csrf", bobs, "scope", "owner:crew", "name", "X", "value", "y")).statusCode())
                .isEqualTo(403);
        assertThat(bob.post("/-/settings/secrets", Map.of("_csrf", bobs, "scope", "global", "name", "X", "value", "y")).statusCode())
                .isEqualTo(403);
        assertThat(bob.post("/-/settings/secrets/delete", Map.of("_csrf", bobs, "scope", "owner:crew", "name", "DEPLOY_TOKEN"))
                .statusCode()).isEqualTo(403);
        HttpResponse<String> badName = alice.post("/-/settings/secrets", Map.of("_csrf", csrf, "scope", "owner:alice", "name", "1BAD",
                "value", "v"));
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(badName.body()).contains("invalid secret name");
        assertThat(alice.post("/-/settings/secrets", Map.of("_csrf", csrf, "scope", "nowhere", "name", "A", "value", "v")).statusCode())
                .isEqualTo(400);

        HttpResponse<String> deleted = alice.post("/-/settings/secrets/delete", Map.of("_csrf", csrf, "scope", "owner:crew",
                "name", "DEPLOY_TOKEN"));
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.body()).contains("Deleted secret DEPLOY_TOKEN from owner:crew");
        assertThat(server.slipway().secrets().list()).noneMatch(s -> s.name().equals("DEPLOY_TOKEN"));
        // A site admin also manages the site's secrets.
        WebClient admin = WebClient.signedIn(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        assertThat(admin.get("/-/settings/secrets").body()).contains("value=\"global\"");
    }

    @Test
    void siteAdminsCreateUsersAndOrganizationsAndManageMembers() {
        WebClient admin = WebClient.signedIn(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        String csrf = admin.token("/-/admin/users");
        HttpResponse<String> created = admin.post("/-/admin/users", Map.of("_csrf", csrf, "username", "dave", "password", "dave-password",
                "email", "dave@example.com"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).contains("Created user dave").contains("dave@example.com");
        assertThat(WebClient.signedIn(server.baseUrl(), "dave", "dave-password").get("/").statusCode()).isEqualTo(200);
        HttpResponse<String> taken = admin.post("/-/admin/users", Map.of("_csrf", csrf, "username", "dave", "password", "dave-password"));
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.body()).contains("already exists").contains("value=\"dave\"");
        assertThat(admin.post("/-/admin/users", Map.of("_csrf", csrf, "username", "erin", "password", "short")).body())
                .contains("at least 8 characters");

        HttpResponse<String> org = admin.post("/-/admin/orgs", Map.of("_csrf", csrf, "name", "ops"));
        assertThat(org.statusCode()).isEqualTo(303);
        assertThat(org.headers().firstValue("Location")).hasValue("/-/admin/orgs/ops");
        assertThat(admin.get("/-/admin/orgs").body()).contains("href=\"/-/admin/orgs/ops\"").contains("href=\"/-/admin/orgs/crew\"");
        assertThat(admin.post("/-/admin/orgs/ops/members", Map.of("_csrf", csrf, "username", "dave")).statusCode()).isEqualTo(303);
        assertThat(server.slipway().identity().members("ops")).containsExactly("dave");
        HttpResponse<String> nobody = admin.post("/-/admin/orgs/ops/members", Map.of("_csrf", csrf, "username", "nobody"));
        assertThat(nobody.statusCode()).isEqualTo(400);
        assertThat(nobody.body()).contains("user 'nobody' does not exist");
        assertThat(admin.get("/-/admin/orgs/ops").body()).contains("data-member=\"dave\"");
        assertThat(admin.post("/-/admin/orgs/ops/members/dave/delete", Map.of("_csrf", csrf)).statusCode()).isEqualTo(303);
        assertThat(server.slipway().identity().members("ops")).isEmpty();
    }

    @Test
    void cachesShowUsageAgainstQuotaAndAreReleasedByTheirRepositories() throws Exception {
        var caches = server.slipway().caches();
        caches.use("alice/cached", "deps", false);
        caches.use("alice/cached", "toolchain", true);
        caches.use("bob/other", "toolchain", true);
        caches.use("bob/other", "bobs", false);
        WebClient alice = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        String page = alice.get("/-/settings/caches").body();
        assertThat(page).contains("data-cache=\"repo:alice/cached:deps\"").contains("data-cache=\"shared:toolchain\"")
                .contains("<meter min=\"0\" max=\"" + caches.defaultQuota() + "\"").contains("(default quota)")
                .contains("and 1 other repository")
                // Bob's repositories are counted, never named to her; his private cache is not shown at all.
                .doesNotContain("bob/other").doesNotContain("bobs");
        String csrf = alice.token("/-/settings/caches");
        assertThat(alice.post("/-/settings/caches/release", Map.of("_csrf", csrf, "cache", "shared:toolchain", "repository", "bob/other"))
                .statusCode()).isEqualTo(403);
        HttpResponse<String> shared = alice.post("/-/settings/caches/release", Map.of("_csrf", csrf, "cache", "shared:toolchain",
                "repository", "alice/cached"));
        assertThat(shared.statusCode()).isEqualTo(200);
        assertThat(shared.body()).contains("Released cache toolchain for alice/cached; other repositories still use it");
        HttpResponse<String> last = alice.post("/-/settings/caches/release", Map.of("_csrf", csrf, "cache", "repo:alice/cached:deps",
                "repository", "alice/cached"));
        assertThat(last.body()).contains("no owner was left, so it was deleted");
        assertThat(caches.list()).extracting(c -> c.id()).doesNotContain("repo:alice/cached:deps").contains("shared:toolchain");
        assertThat(caches.list().stream().filter(c -> c.id().equals("shared:toolchain")).findFirst().orElseThrow().owners())
                .containsExactly("bob/other");
        assertThat(alice.post("/-/settings/caches/release", Map.of("_csrf", csrf, "cache", "repo:alice/cached:deps",
                "repository", "alice/cached")).statusCode()).isEqualTo(404);
        // A site admin sees every cache with all its owners.
        assertThat(WebClient.signedIn(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD).get("/-/settings/caches").body())
                .contains("<code>bob/other</code>").contains("data-cache=\"repo:bob/other:bobs\"");
    }

    @Test
    void deployTargetsAreShownForOnesRepositoriesAndRemovedOnlyBySiteAdmins() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("slipway-target-");
        server.slipway().deployTargets().add("site", dir, List.of("alice/web@main", "bob/blog"));
        WebClient alice = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        String page = alice.get("/-/settings/targets").body();
        assertThat(page).contains("data-target=\"site\"").contains("<code>" + dir + "</code>").contains("<code>alice/web@main</code>")
                .doesNotContain("bob/blog").doesNotContain("Remove site");
        assertThat(WebClient.signedIn(server.baseUrl(), "bob", "bob-password").get("/-/settings/targets")
                .body()).contains("<code>bob/blog</code>").doesNotContain("alice/web");
        assertThat(alice.post("/-/settings/targets/site/delete", Map.of("_csrf", alice.token("/-/settings/targets"))).statusCode())
                .isEqualTo(403);
        assertThat(server.slipway().deployTargets().find("site")).isPresent();
        WebClient admin = WebClient.signedIn(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        HttpResponse<String> removed = admin.post("/-/settings/targets/site/delete", Map.of("_csrf", admin.token("/-/settings/targets")));
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(removed.body()).contains("Removed deploy target site");
        assertThat(server.slipway().deployTargets().find("site")).isEmpty();
        assertThat(java.nio.file.Files.isDirectory(dir)).isTrue();
    }

    @Test
    void siteAdminsAddAndRemoveRegistryWebhooks() throws Exception {
        WebClient admin = WebClient.signedIn(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        String csrf = admin.token("/-/admin/webhooks");
        HttpResponse<String> added = admin.post("/-/admin/webhooks", Map.of("_csrf", csrf, "url", "http://127.0.0.1:9/hooks/registry",
                "secret", "hook-secret-value", "owner", "alice"));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(added.body()).contains("for alice").contains("<code>http://127.0.0.1:9/hooks/registry</code>").doesNotContain("hook-secret-value");
        JsonNode listed = JSON.readTree(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD).get("/api/v1/admin/webhooks").body());
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("owner").asText()).isEqualTo("alice");
        HttpResponse<String> bad = admin.post("/-/admin/webhooks", Map.of("_csrf", csrf, "url", "ftp://example.com/x", "secret", "s"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("role=\"alert\"").contains("http:// or https://").contains("value=\"ftp://example.com/x\"");
        assertThat(admin.post("/-/admin/webhooks", Map.of("_csrf", csrf, "url", "http://127.0.0.1:9/x", "secret", "s", "owner", "nobody"))
                .body()).contains("no user or organization named 'nobody'");
        String id = listed.get(0).get("id").asText();
        HttpResponse<String> removed = admin.post("/-/admin/webhooks/" + id + "/delete", Map.of("_csrf", csrf));
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(removed.body()).contains("Removed webhook " + id);
        assertThat(server.slipway().webhooks().list()).isEmpty();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> copy = new java.util.HashMap<>(m);
        copy.put(k, v);
        return copy;
    }
}
