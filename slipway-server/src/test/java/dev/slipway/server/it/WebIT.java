package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web UI over plain HTTP: signing in and out, form tokens, who sees which page (a private
 * repository is a 404 to everyone else, as in the API), error pages, and the headers pages and
 * files carry. The browser tests are in {@link WebBrowserIT}.
 */
class WebIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PIPELINE = """
            images: { box: local/busybox:1 }
            tasks:
              build:
                image: box
                commands:
                  - set +x  # the shell's trace on stderr would interleave with stdout at random
                  - printf '\\033[31mred\\033[0m plain\\n'
                  - printf 'progress 10%%\\rprogress 100%%\\n'
                  - printf 'bad \\377 byte\\n'
              fails:
                image: box
                depends_on: [build]
                commands: [ "echo about to fail", "exit 3" ]
            """;

    static TestServer server;
    static CiClient alice;
    static String aliceToken;
    static String bobToken;
    static long run;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("ci.executor", "local"));
        server.createUser("alice", "alice-password");
        server.createUser("bob", "bob-password");
        aliceToken = server.token("alice", "write:repository");
        bobToken = server.token("bob", "write:repository");
        alice = new CiClient(Http.token(server.baseUrl(), aliceToken), "alice");
        alice.register("app", GitRepos.create(Map.of(".slipway/ci.yml", PIPELINE)));
        run = alice.run("app", "{}").get("id").asLong();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    String runPath() {
        return "/alice/app/runs/" + run;
    }

    @Test
    void signingInSetsAnHttpOnlyLaxSessionCookieAndSigningOutEndsTheSession() {
        WebClient c = new WebClient(server.baseUrl());
        HttpResponse<String> form = c.get("/-/login");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(c.cookieAttributes("slipway_csrf")).contains("httponly", "samesite=lax", "path=/");

        HttpResponse<String> wrong = c.signIn("alice", "not-her-password");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Wrong username or password");
        assertThat(c.cookie("slipway_session")).isNull();
        // A token is for scripts: it does not sign a browser in.
        assertThat(c.signIn("alice", aliceToken).statusCode()).isEqualTo(401);

        HttpResponse<String> ok = c.signIn("alice", "alice-password");
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.headers().firstValue("Location")).hasValue("/");
        assertThat(c.cookieAttributes("slipway_session")).contains("httponly", "samesite=lax", "path=/", "max-age=604800")
                .noneMatch(a -> a.equals("secure")); // plain http on loopback
        String session = c.cookie("slipway_session");
        assertThat(session).matches("[0-9a-f]{64}");
        HttpResponse<String> dashboard = c.get("/");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("alice").contains("Sign out").contains(runPath());

        HttpResponse<String> out = c.post("/-/logout", Map.of("_csrf", c.token("/")));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Location")).hasValue("/-/login");
        assertThat(c.cookie("slipway_session")).isNull();
        // The old cookie is worth nothing now, also to someone who kept a copy.
        WebClient replay = new WebClient(server.baseUrl());
        replay.setCookie("slipway_session", session);
        assertThat(replay.get("/alice/app").statusCode()).isEqualTo(404);
        assertThat(replay.get("/").statusCode()).isEqualTo(303);
    }

    @Test
    void theSessionCookieIsSecureBehindTls() {
        // As a TLS-terminating proxy forwards a browser's request.
        WebClient c = new WebClient(server.baseUrl()).withHeader("X-Forwarded-Proto", "https");
        assertThat(c.signIn("alice", "alice-password").statusCode()).isEqualTo(303);
        assertThat(c.cookieAttributes("slipway_session")).contains("secure", "httponly", "samesite=lax");
    }

    @Test
    void sessionsEndAfterTheConfiguredIdleTime() throws Exception {
        try (TestServer short_ = TestServer.start(Map.of("web.session-idle", "2s", "web.session-max-age", "1h"))) {
            short_.createUser("carol", "carol-password");
            WebClient c = WebClient.signedIn(short_.baseUrl(), "carol", "carol-password");
            assertThat(c.cookieAttributes("slipway_session")).contains("max-age=3600");
            assertThat(c.get("/").statusCode()).isEqualTo(200);
            Thread.sleep(3000); // longer than the idle time, without a request
            HttpResponse<String> after = c.get("/");
            assertThat(after.statusCode()).isEqualTo(303);
            assertThat(after.headers().firstValue("Location")).hasValue("/-/login");
        }
    }

    @Test
    void formsWithoutTheirTokenAreRefusedAndChangeNothing() throws Exception {
        WebClient c = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        int before = runs().size();
        Map<String, String> fields = Map.of("pipeline", "ci", "ref", "main", "variables", "");
        assertThat(c.post("/alice/app/runs", fields).statusCode()).isEqualTo(403);
        assertThat(c.post("/alice/app/runs", with(fields, "_csrf", "0".repeat(64))).statusCode()).isEqualTo(403);
        // Bob's token is his, not Alice's.
        WebClient bob = WebClient.signedIn(server.baseUrl(), "bob", "bob-password");
        assertThat(c.post("/alice/app/runs", with(fields, "_csrf", bob.token("/"))).statusCode()).isEqualTo(403);
        for (String action : List.of("/cancel", "/approve", "/delete", "/tasks/fails/retry")) {
            HttpResponse<String> r = c.post(runPath() + action, Map.of());
            assertThat(r.statusCode()).as(action).isEqualTo(403);
            assertThat(r.body()).contains("reload the page");
        }
        assertThat(c.post("/-/logout", Map.of()).statusCode()).isEqualTo(403);
        assertThat(c.get("/alice/app").statusCode()).isEqualTo(200); // still signed in
        assertThat(runs()).hasSize(before);
        assertThat(server.slipway().runService().run(run)).isPresent();
        // A sign-in form needs its token too (against logging a victim into the attacker's account).
        WebClient fresh = new WebClient(server.baseUrl());
        assertThat(fresh.post("/-/login", Map.of("username", "alice", "password", "alice-password")).statusCode()).isEqualTo(403);

        // With the token the same form works.
        HttpResponse<String> ok = c.post("/alice/app/runs", with(fields, "_csrf", c.token("/alice/app")));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(303);
        assertThat(ok.headers().firstValue("Location").orElseThrow()).matches("/alice/app/runs/\\d+");
        assertThat(runs()).hasSize(before + 1);
        alice.await(Long.parseLong(ok.headers().firstValue("Location").orElseThrow().replaceAll(".*/", "")));

        // A script with a token sends no cookie and needs no form token; the run has finished, so cancelling is a conflict.
        HttpResponse<String> scripted = Http.token(server.baseUrl(), aliceToken).post(runPath() + "/cancel",
                "application/x-www-form-urlencoded", new byte[0]);
        assertThat(scripted.statusCode()).isEqualTo(409);
    }

    @Test
    void theRunPipelineFormShowsWhyATriggerWasRefused() {
        WebClient c = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        HttpResponse<String> r = c.post("/alice/app/runs", Map.of("_csrf", c.token("/alice/app"), "pipeline", "ci", "ref", "",
                "variables", "UNDECLARED=1"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("role=\"alert\"").contains("UNDECLARED").contains("value=\"ci\"");
        HttpResponse<String> badLine = c.post("/alice/app/runs", Map.of("_csrf", c.token("/alice/app"), "variables", "no equals sign"));
        assertThat(badLine.statusCode()).isEqualTo(400);
        assertThat(badLine.body()).contains("NAME=value");
    }

    /** Every page and endpoint of a private repository: what strangers get, what its owner gets. */
    @Test
    void everyPageOfAPrivateRepositoryIsA404ToStrangers() throws Exception {
        List<String> pages = List.of("/alice/app", "/alice/app/live", runPath(), runPath() + "/live",
                runPath() + "/tasks/build/lines", runPath() + "/tasks/build/outline", runPath() + "/tasks/build/search?q=red",
                runPath() + "/tasks/build/follow", runPath() + "/tasks/build/raw",
                "/alice/app/runs/999999", "/alice/nothing", "/alice/nothing/runs/" + run, "/bob/app/runs/" + run);
        WebClient anonymous = new WebClient(server.baseUrl());
        WebClient bob = WebClient.signedIn(server.baseUrl(), "bob", "bob-password");
        for (String p : pages) {
            assertThat(anonymous.get(p).statusCode()).as("anonymous " + p).isEqualTo(404);
            assertThat(bob.get(p).statusCode()).as("bob " + p).isEqualTo(404);
            assertThat(Http.token(server.baseUrl(), bobToken).get(p).statusCode()).as("bob's token " + p).isEqualTo(404);
        }
        // The stranger's page says only "not found", and offers to sign in.
        String body = anonymous.get(runPath()).body();
        assertThat(body).contains("Not found").contains("/-/login?next=").doesNotContain("red");

        WebClient owner = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        for (String p : pages.subList(0, 9)) {
            assertThat(status(owner, p)).as("alice " + p).isEqualTo(200);
        }
        for (String p : pages.subList(9, pages.size())) {
            assertThat(owner.get(p).statusCode()).as("alice " + p).isEqualTo(404);
        }
        // Her token works on the UI's data too, as on the API.
        assertThat(Http.token(server.baseUrl(), server.token("alice", "read:repository")).get(runPath() + "/tasks/build/lines").statusCode())
                .isEqualTo(200);

        // Forms of a stranger (with his own valid token) are 404 too, and change nothing.
        String bobsToken = bob.token("/");
        for (String action : List.of("/cancel", "/approve", "/delete", "/tasks/fails/retry")) {
            assertThat(bob.post(runPath() + action, Map.of("_csrf", bobsToken)).statusCode()).as(action).isEqualTo(404);
        }
        assertThat(bob.post("/alice/app/runs", Map.of("_csrf", bobsToken, "pipeline", "ci")).statusCode()).isEqualTo(404);
        assertThat(server.slipway().runService().run(run)).isPresent();

        // The dashboard: signed out, to the sign-in page; signed in, only one's own runs.
        HttpResponse<String> dash = anonymous.get("/");
        assertThat(dash.statusCode()).isEqualTo(303);
        assertThat(dash.headers().firstValue("Location")).hasValue("/-/login");
        assertThat(bob.get("/").body()).doesNotContain(runPath()).contains("No repositories are registered");
        assertThat(WebClient.signedIn(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD).get("/").body()).contains(runPath());
    }

    /** The status of a page; event streams are not read to their end. */
    private static int status(WebClient c, String path) throws Exception {
        if (!path.endsWith("/live") && !path.endsWith("/follow")) {
            return c.get(path).statusCode();
        }
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + path))
                .header("Cookie", "slipway_session=" + c.cookie("slipway_session")).build();
        HttpResponse<InputStream> r = java.net.http.HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        r.body().close();
        return r.statusCode();
    }

    @Test
    void errorsArePagesForBrowsersAndJsonForScripts() throws Exception {
        WebClient c = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        HttpResponse<String> page = c.get("/alice/app/runs/999999");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<h1>Not found</h1>").contains("run 999999 of alice/app does not exist");
        HttpResponse<String> data = c.fetch("/alice/app/runs/999999/tasks/build/lines");
        assertThat(data.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(data.body()).get("message").asText()).contains("does not exist");
        HttpResponse<String> bad = c.fetch(runPath() + "/tasks/build/lines?count=99999");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("message").asText()).contains("count must be a whole number from 0 to 2000");
        HttpResponse<String> noTask = c.fetch(runPath() + "/tasks/nope/lines");
        assertThat(noTask.statusCode()).isEqualTo(404);
        // The API and the registry keep their own formats, whatever the client accepts.
        HttpResponse<String> api = c.get("/api/v1/runs/999999");
        assertThat(api.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(c.get("/v2/alice/x/manifests/latest").body()).contains("\"errors\"");
        assertThat(c.get("/api/v1").headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        // The UI's patterns also match API paths (/api/v1/runs/{id}/cancel is /{owner}/{repo}/runs/{id}/cancel): the API's routes win,
        // and an API path no route has is a JSON 404 for a script, never a form's 403.
        HttpResponse<String> apiCancel = Http.token(server.baseUrl(), aliceToken).post("/api/v1/runs/999999/cancel", "application/json", new byte[0]);
        assertThat(apiCancel.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(apiCancel.body()).get("message").asText()).isEqualTo("no run 999999");
        HttpResponse<String> noEndpoint = Http.anonymous(server.baseUrl()).post("/api/v1/runs", "application/json", "{}".getBytes());
        assertThat(noEndpoint.statusCode()).isEqualTo(404);
        assertThat(noEndpoint.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        HttpResponse<String> unknown = c.get("/no-such-page");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("Not found");
    }

    @Test
    void pagesCarryAStrictContentSecurityPolicyAndFilesAreCachedByContentHash() {
        WebClient c = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        HttpResponse<String> repo = c.get("/alice/app");
        String csp = repo.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(repo.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(repo.body()).doesNotContain("<script>").doesNotContain(" style=\"").doesNotContain("//cdn");
        // Only the run page allows inline style attributes: truecolor log text.
        String runCsp = c.get(runPath()).headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(runCsp).contains("style-src-attr 'unsafe-inline'").contains("script-src 'self';");

        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/-/assets/app\\.[0-9a-f]{10}\\.css").matcher(repo.body());
        assertThat(m.find()).isTrue();
        HttpResponse<String> css = c.get(m.group());
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
        assertThat(c.get("/-/assets/app.0000000000.css").statusCode()).isEqualTo(404);
    }

    @Test
    void theLogViewersDataIsRenderedLines() throws Exception {
        WebClient c = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        JsonNode page = JSON.readTree(c.fetch(runPath() + "/tasks/build/lines?from=0&count=50&text=1&ts=1").body());
        assertThat(page.get("finished").asBoolean()).isTrue();
        assertThat(page.get("exit_code").asInt()).isZero();
        List<String> texts = new java.util.ArrayList<>();
        page.get("lines").forEach(l -> texts.add(l.get("text").asText()));
        assertThat(texts).contains("red plain", "progress 100%", "bad \\xff byte").noneMatch(t -> t.contains("progress 10%"));
        JsonNode red = page.get("lines").get(texts.indexOf("red plain"));
        assertThat(red.get("html").asText()).isEqualTo("<span class=\"a-fg1\">red</span> plain");
        assertThat(red.get("ts").asLong()).isGreaterThan(0);
        // Search looks at what lines show: the invalid byte as its escape.
        JsonNode found = JSON.readTree(c.fetch(runPath() + "/tasks/build/search?q=" + java.net.URLEncoder.encode("BAD \\XFF", "UTF-8")).body());
        assertThat(found.get("lines")).hasSize(1);
        assertThat(found.get("lines").get(0).asInt()).isEqualTo(texts.indexOf("bad \\xff byte"));
        assertThat(JSON.readTree(c.fetch(runPath() + "/tasks/build/search?case=1&q=" + java.net.URLEncoder.encode("BAD \\XFF", "UTF-8")).body())
                .get("lines")).isEmpty();
        HttpResponse<String> raw = c.get(runPath() + "/tasks/build/raw");
        assertThat(raw.headers().firstValue("Content-Disposition").orElse("")).contains("attachment").contains("app-run-" + run + "-build.log");
        assertThat(raw.body()).contains("progress 10%\rprogress 100%");
    }

    /** A public repository: runs, logs and its badge readable signed out, in the UI and the API; its forms still only its namespace's. */
    @Test
    void aPublicRepositorysRunsAndLogsAreReadableByEveryone() throws Exception {
        List<String> reads = List.of("/alice/app", runPath(), runPath() + "/tasks/build/lines", runPath() + "/tasks/build/raw",
                "/alice/app/badge.svg", "/api/v1/repos/alice/app", "/api/v1/repos/alice/app/runs", "/api/v1/runs/" + run,
                "/api/v1/runs/" + run + "/tasks/build/log");
        Http anonymous = Http.anonymous(server.baseUrl());
        Http bob = Http.token(server.baseUrl(), bobToken);
        for (String p : reads) { // private, the default: as if it did not exist, in the UI and the API alike
            assertThat(anonymous.get(p).statusCode()).as("anonymous " + p).isEqualTo(404);
            assertThat(bob.get(p).statusCode()).as("bob " + p).isEqualTo(404);
        }
        assertThat(JSON.readTree(alice.http().get("/api/v1/repos/alice/app").body()).get("visibility").asText()).isEqualTo("private");
        assertThat(bob.patchJson("/api/v1/repos/alice/app", "{\"visibility\":\"public\"}").statusCode()).isEqualTo(404);
        assertThat(alice.http().patchJson("/api/v1/repos/alice/app", "{\"visibility\":\"open\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> made = alice.http().patchJson("/api/v1/repos/alice/app", "{\"visibility\":\"public\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
        assertThat(JSON.readTree(made.body()).get("visibility").asText()).isEqualTo("public");
        try {
            for (String p : reads) {
                assertThat(anonymous.get(p).statusCode()).as("anonymous " + p).isEqualTo(200);
                assertThat(bob.get(p).statusCode()).as("bob " + p).isEqualTo(200);
            }
            WebClient signedOut = new WebClient(server.baseUrl());
            HttpResponse<String> page = signedOut.get(runPath());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Sign in").doesNotContain(">Retry<").doesNotContain("/delete\"");
            assertThat(signedOut.get("/alice/app").body()).doesNotContain("id=\"run-form\"");
            // What only its namespace sees stays hidden: settings, deliveries, notifications.
            JsonNode repo = JSON.readTree(anonymous.get("/api/v1/repos/alice/app").body());
            assertThat(repo.has("webhook_url")).isFalse();
            assertThat(repo.has("key")).isFalse();
            assertThat(anonymous.get("/api/v1/repos/alice/app/hooks/deliveries").statusCode()).isEqualTo(401);
            assertThat(bob.get("/api/v1/repos/alice/app/hooks/deliveries").statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(anonymous.get("/api/v1/repos/alice").body()).findValuesAsText("name")).containsExactly("app");
            // Reading is not changing: forms and the API's writes are still refused to strangers.
            WebClient bobInUi = WebClient.signedIn(server.baseUrl(), "bob", "bob-password");
            assertThat(bobInUi.post(runPath() + "/delete", Map.of("_csrf", bobInUi.token("/"))).statusCode()).isEqualTo(404);
            assertThat(bob.delete("/api/v1/runs/" + run).statusCode()).isEqualTo(403);
            assertThat(anonymous.delete("/api/v1/runs/" + run).statusCode()).isEqualTo(401);
            assertThat(server.slipway().runService().run(run)).isPresent();
        } finally {
            assertThat(alice.http().patchJson("/api/v1/repos/alice/app", "{\"visibility\":\"private\"}").statusCode()).isEqualTo(200);
        }
        assertThat(anonymous.get(runPath()).statusCode()).isEqualTo(404);
    }

    @Test
    void theBadgeShowsTheLatestRunsStatusAndIsNeverCached() {
        WebClient c = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        HttpResponse<String> badge = c.get("/alice/app/badge.svg");
        assertThat(badge.statusCode()).isEqualTo(200);
        assertThat(badge.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
        assertThat(badge.headers().firstValue("Cache-Control").orElse("")).contains("no-cache").contains("no-store");
        String latest = server.slipway().runService().runsOf("alice", "app", 1).getFirst().status();
        String word = latest.equals("success") ? "success" : latest.equals("failure") ? "failure" : "running";
        assertThat(badge.body()).startsWith("<svg").contains("aria-label=\"ci: " + word + "\"");
        assertThat(c.get("/alice/app/badge.svg?pipeline=ci&branch=main").body()).contains("ci: " + word);
        assertThat(c.get("/alice/app/badge.svg?pipeline=other").body()).contains("other: none");
        assertThat(c.get("/alice/app/badge.svg?branch=no-such-branch").body()).contains("ci: none");
        assertThat(c.get("/alice/app/badge.svg?workflow=ci.yml").body()).contains("ci.yml: " + word);
        assertThat(new WebClient(server.baseUrl()).get("/alice/app/badge.svg").statusCode()).isEqualTo(404);
        assertThat(c.get("/alice/nothing/badge.svg").statusCode()).isEqualTo(404);
    }

    /** Package pages at the packages API's html_url: who sees them, the pull commands, visibility, delete with its form token. */
    @Test
    void packagePagesFollowTheRegistrysRules() throws Exception {
        String packageToken = server.token("alice", "write:package", "delete:package");
        RegistryPush push = new RegistryPush(Http.basic(server.baseUrl(), "alice", packageToken));
        RegistryPush.Image amd = push.image("alice/tools/web", "v1", "web-amd64");
        RegistryPush.Image arm = push.image("alice/tools/web", "v1-arm", "web-arm64");
        String index = push.manifest("alice/tools/web", "multi", RegistryPush.OCI_INDEX, RegistryPush.index(
                platform(amd.manifestDescriptor(), "linux", "amd64"), platform(arm.manifestDescriptor(), "linux", "arm64"),
                amd.manifestDescriptor().replace("}", ",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},"
                        + "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\",\"vnd.docker.reference.digest\":\""
                        + arm.digest() + "\"}}")));
        push.artifact("alice/tools/web", amd.manifestDescriptor(), "application/vnd.dev.cosign.artifact.sig.v1+json", "sig".getBytes(), null);
        JsonNode versions = JSON.readTree(Http.token(server.baseUrl(), packageToken).get("/api/v1/packages/alice?type=container").body());
        String html = null;
        for (JsonNode v : versions) {
            if (v.get("version").asText().equals("v1")) {
                html = v.get("html_url").asText();
            }
        }
        assertThat(html).isEqualTo(server.baseUrl() + "/alice/-/packages/container/tools%2Fweb/v1");
        String tagPage = html.substring(server.baseUrl().length());
        String packagePage = "/alice/-/packages/container/tools%2Fweb";

        WebClient owner = WebClient.signedIn(server.baseUrl(), "alice", "alice-password");
        String list = owner.get("/alice/-/packages").body();
        assertThat(list).contains(packagePage).contains("tools/web").contains("private");
        String tags = owner.get(packagePage).body();
        assertThat(tags).contains(">v1<").contains(">multi<").contains("linux/amd64").contains("linux/arm64")
                .contains("1 attestation").doesNotContain("unknown/unknown").contains("signature");
        String host = server.baseUrl().replace("http://", "");
        HttpResponse<String> version = owner.get(tagPage);
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(version.body()).contains("docker pull " + host + "/alice/tools/web:v1")
                .contains("docker pull " + host + "/alice/tools/web@" + amd.digest()).contains("data-copy=\"pull-tag\"")
                .contains("signature").contains(amd.layerDigest().substring(0, 19));
        assertThat(version.headers().firstValue("Content-Security-Policy").orElse("")).doesNotContain("unsafe-inline");
        assertThat(owner.get(packagePage + "/multi").body()).contains("Attestations").contains("linux/arm64");
        assertThat(owner.get("/alice/-/packages/container/tools/web/v1").statusCode()).isEqualTo(200); // the slash as it is

        // Private: a 404 to strangers, signed out or in; the owner's list shows them nothing.
        WebClient anonymous = new WebClient(server.baseUrl());
        WebClient bob = WebClient.signedIn(server.baseUrl(), "bob", "bob-password");
        for (WebClient stranger : List.of(anonymous, bob)) {
            assertThat(stranger.get(packagePage).statusCode()).isEqualTo(404);
            assertThat(stranger.get(tagPage).statusCode()).isEqualTo(404);
            assertThat(stranger.get("/alice/-/packages").body()).doesNotContain("tools/web");
        }
        assertThat(anonymous.get("/nobody-here/-/packages").statusCode()).isEqualTo(404);
        assertThat(bob.post(tagPage, Map.of("_csrf", bob.token("/"), "action", "delete")).statusCode()).isEqualTo(404);

        // Public (by the API, then by the page's own form): readable signed out; deleting still the owner's.
        assertThat(Http.token(server.baseUrl(), packageToken).patchJson("/api/v1/packages/alice/container/tools%2Fweb",
                "{\"visibility\":\"public\"}").statusCode()).isEqualTo(200);
        assertThat(anonymous.get(tagPage).statusCode()).isEqualTo(200);
        assertThat(anonymous.get(tagPage).body()).contains("docker pull " + host + "/alice/tools/web:v1").doesNotContain("action\" value=\"delete");
        assertThat(anonymous.get("/alice/-/packages").body()).contains("tools/web");
        assertThat(bob.post(tagPage, Map.of("_csrf", bob.token("/"), "action", "delete")).statusCode()).isEqualTo(403);
        assertThat(owner.post(packagePage, Map.of("_csrf", owner.token(packagePage), "action", "visibility", "visibility", "private"))
                .statusCode()).isEqualTo(303);
        assertThat(anonymous.get(tagPage).statusCode()).isEqualTo(404);

        // Delete: refused without the form token, done with it.
        assertThat(owner.post(tagPage, Map.of("action", "delete")).statusCode()).isEqualTo(403);
        assertThat(owner.post(tagPage, Map.of("_csrf", "0".repeat(64), "action", "delete")).statusCode()).isEqualTo(403);
        assertThat(owner.get(tagPage).statusCode()).isEqualTo(200);
        HttpResponse<String> deleted = owner.post(tagPage, Map.of("_csrf", owner.token(tagPage), "action", "delete"));
        assertThat(deleted.statusCode()).isEqualTo(303);
        assertThat(deleted.headers().firstValue("Location")).hasValue(packagePage);
        assertThat(owner.get(tagPage).statusCode()).isEqualTo(404);
        // An image an index still lists cannot go: the page says why.
        HttpResponse<String> refused = owner.post(packagePage + "/" + arm.digest(), Map.of("_csrf", owner.token(packagePage), "action", "delete"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("part of index " + index);
    }

    private static String platform(String descriptor, String os, String arch) {
        return descriptor.replace("}", ",\"platform\":{\"os\":\"" + os + "\",\"architecture\":\"" + arch + "\"}}");
    }

    private List<JsonNode> runs() throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        JSON.readTree(Http.token(server.baseUrl(), aliceToken).get("/api/v1/repos/alice/app/runs").body()).forEach(out::add);
        return out;
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> copy = new java.util.HashMap<>(m);
        copy.put(k, v);
        return copy;
    }
}
