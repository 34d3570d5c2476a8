package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.ci.secret.RunValues;
import dev.slipway.server.Slipway;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Configuration variables (Gitea's Actions variables API) and deployment environments (GitHub's
 * shape) through HTTP as Gitea and GitHub clients send it, and through the CLI, on the database
 * under test; then what a job sees of them ({@link RunValues}), and what a workflow's jobs print of
 * them in the Debian runner image.
 */
class VariablesIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static Http alice;
    static Http admin;

    @BeforeAll
    static void start() throws Exception {
        // The runner image is built (docker) only by the test that runs a workflow.
        server = TestServer.start(Map.of("ci.actions.labels", "ubuntu-latest:" + TestImages.RUNNER));
        server.createUser("alice", "alice-password");
        server.createUser("bob", "bob-password");
        server.slipway().identity().createOrg("acme", "alice");
        alice = Http.basic(server.baseUrl(), "alice", "alice-password");
        admin = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void variablesAreCreatedReadChangedAndDeletedInGiteasShape() {
        String repo = "/api/v1/repos/acme/web/actions/variables";
        assertThat(post(alice, repo + "/node_version", "{\"value\":\"20\",\"description\":\"for setup-node\"}").statusCode()).isEqualTo(201);
        assertThat(json(post(alice, repo + "/NODE_VERSION", "{\"value\":\"22\"}"), 409).get("message").asText())
                .contains("already exists");
        JsonNode v = json(alice.get(repo + "/Node_Version"), 200);
        assertThat(v).isEqualTo(JSON.valueToTree(Map.of("owner_id", 0, "repo_id", 0, "name", "NODE_VERSION", "data", "20",
                "description", "for setup-node", "scope", "repo:acme/web", "created_at", v.get("created_at").asText(),
                "updated_at", v.get("updated_at").asText())));
        // Gitea's PUT: value, optionally a new name; 204.
        assertThat(put(alice, repo + "/NODE_VERSION", "{\"value\":\"22\\r\\nlts\"}").statusCode()).isEqualTo(204);
        assertThat(json(alice.get(repo + "/NODE_VERSION"), 200).get("data").asText()).isEqualTo("22\nlts");
        assertThat(put(alice, repo + "/NODE_VERSION", "{\"name\":\"node\",\"value\":\"24\",\"description\":\"\"}").statusCode()).isEqualTo(204);
        assertThat(alice.get(repo + "/NODE_VERSION").statusCode()).isEqualTo(404);
        assertThat(put(alice, repo + "/NODE_VERSION", "{\"value\":\"1\"}").statusCode()).isEqualTo(404);
        for (String name : List.of("B", "A", "C")) {
            // As Gitea's and Forgejo's Go SDKs send it: the name in the body too.
            assertThat(post(alice, repo + "/" + name, "{\"name\":\"" + name.toLowerCase() + "\",\"value\":\"" + name + "\"}")
                    .statusCode()).isEqualTo(201);
        }
        HttpResponse<String> all = alice.get(repo);
        assertThat(json(all, 200).findValuesAsText("name")).containsExactly("A", "B", "C", "NODE");
        assertThat(all.headers().firstValue("X-Total-Count")).hasValue("4");
        // Gitea clients page through with page and limit.
        assertThat(json(alice.get(repo + "?page=2&limit=3"), 200).findValuesAsText("name")).containsExactly("NODE");
        assertThat(json(alice.get(repo + "?page=3&limit=3"), 200)).isEmpty();
        assertThat(alice.delete(repo + "/a").statusCode()).isEqualTo(204);
        assertThat(alice.delete(repo + "/A").statusCode()).isEqualTo(404);

        // Organization, the caller's own and site-wide variables.
        assertThat(post(alice, "/api/v1/orgs/acme/actions/variables/REGION", "{\"value\":\"eu\"}").statusCode()).isEqualTo(201);
        assertThat(json(alice.get("/api/v1/orgs/acme/actions/variables"), 200).get(0).get("scope").asText()).isEqualTo("owner:acme");
        assertThat(post(alice, "/api/v1/user/actions/variables/MINE", "{\"value\":\"alice's\"}").statusCode()).isEqualTo(201);
        assertThat(json(alice.get("/api/v1/user/actions/variables/MINE"), 200).get("scope").asText()).isEqualTo("owner:alice");
        assertThat(post(admin, "/api/v1/admin/actions/variables/REGION", "{\"value\":\"us\"}").statusCode()).isEqualTo(201);
        assertThat(json(admin.get("/api/v1/admin/actions/variables/REGION"), 200).get("scope").asText()).isEqualTo("global");

        RunValues.Visible seen = server.slipway().runValues().resolve("acme", "web", null);
        assertThat(seen.variables()).containsEntry("NODE", "24").containsEntry("REGION", "eu").doesNotContainKey("MINE");
        assertThat(server.slipway().runValues().resolve("alice", "site", null).variables())
                .containsEntry("MINE", "alice's").containsEntry("REGION", "us");
    }

    @Test
    void environmentsHaveReviewersAndTheirOwnSecretsAndVariables() throws Exception {
        String env = "/api/v1/repos/acme/app/environments";
        JsonNode prod = json(put(alice, env + "/Production", "{\"url\":\"https://app.acme.example\",\"reviewers\":[\"alice\","
                + "{\"type\":\"User\",\"login\":\"admin\"}]}"), 200);
        assertThat(prod.get("name").asText()).isEqualTo("Production");
        assertThat(prod.get("url").asText()).isEqualTo("https://app.acme.example");
        assertThat(prod.get("reviewers")).isEqualTo(JSON.readTree("[\"alice\",\"admin\"]"));
        assertThat(prod.get("protection_rules")).isEqualTo(JSON.readTree("[{\"type\":\"required_reviewers\",\"reviewers\":["
                + "{\"type\":\"User\",\"reviewer\":{\"login\":\"alice\"}},{\"type\":\"User\",\"reviewer\":{\"login\":\"admin\"}}]}]"));
        assertThat(json(put(alice, env + "/staging", ""), 200).get("protection_rules")).isEmpty();
        assertThat(json(alice.get(env + "/production"), 200)).isEqualTo(prod);
        JsonNode list = json(alice.get(env), 200);
        assertThat(list.get("total_count").asInt()).isEqualTo(2);
        assertThat(list.get("environments").findValuesAsText("name")).containsExactly("Production", "staging");

        // The environment's secrets and variables: the same bodies as the repository's.
        assertThat(put(alice, env + "/production/secrets/DEPLOY_TOKEN", "{\"data\":\"prod-token-value\"}").statusCode()).isEqualTo(201);
        assertThat(put(alice, "/api/v1/repos/acme/app/actions/secrets/DEPLOY_TOKEN", "{\"data\":\"repo-token-value\"}").statusCode())
                .isEqualTo(201);
        assertThat(json(alice.get(env + "/production/secrets"), 200).get(0).get("scope").asText()).isEqualTo("env:acme/app/production");
        assertThat(post(alice, env + "/production/variables/TARGET", "{\"value\":\"prod\"}").statusCode()).isEqualTo(201);
        assertThat(post(alice, "/api/v1/repos/acme/app/actions/variables/TARGET", "{\"value\":\"dev\"}").statusCode()).isEqualTo(201);
        assertThat(json(alice.get(env + "/PRODUCTION/variables/target"), 200).get("data").asText()).isEqualTo("prod");
        assertThat(put(alice, env + "/qa/secrets/X", "{\"data\":\"qa-value\"}").statusCode()).isEqualTo(404);
        assertThat(json(post(alice, env + "/qa/variables/X", "{\"value\":\"1\"}"), 404).get("message").asText())
                .contains("environment 'qa' does not exist in acme/app");

        // What the engine gets: the environment over the repository; the approval rule.
        RunValues runValues = server.slipway().runValues();
        RunValues.Visible inProd = runValues.resolve("acme", "app", "production");
        assertThat(inProd.variables()).containsEntry("TARGET", "prod");
        assertThat(new String(inProd.secrets().get("DEPLOY_TOKEN"), StandardCharsets.UTF_8)).isEqualTo("prod-token-value");
        assertThat(inProd.requiresApproval()).isTrue();
        assertThat(inProd.reviewers()).containsExactly("alice", "admin");
        RunValues.Visible inStaging = runValues.resolve("acme", "app", "staging");
        assertThat(inStaging.variables()).containsEntry("TARGET", "dev");
        assertThat(new String(inStaging.secrets().get("DEPLOY_TOKEN"), StandardCharsets.UTF_8)).isEqualTo("repo-token-value");
        assertThat(inStaging.requiresApproval()).isFalse();

        // Deleting the environment deletes its secrets and variables; the repository's stay.
        assertThat(alice.delete(env + "/production").statusCode()).isEqualTo(204);
        assertThat(alice.delete(env + "/production").statusCode()).isEqualTo(404);
        assertThat(alice.get(env + "/production/variables").statusCode()).isEqualTo(404);
        json(put(alice, env + "/production", "{}"), 200);
        assertThat(json(alice.get(env + "/production/variables"), 200)).isEmpty();
        assertThat(json(alice.get(env + "/production/secrets"), 200)).isEmpty();
        assertThat(runValues.resolve("acme", "app", "production").variables()).containsEntry("TARGET", "dev");
    }

    @Test
    void badInputIsA400WithAJsonMessageAndChangesNothing() throws Exception {
        String vars = "/api/v1/repos/acme/bad/actions/variables";
        String env = "/api/v1/repos/acme/bad/environments";
        assertThat(post(alice, vars + "/KEPT", "{\"value\":\"kept\"}").statusCode()).isEqualTo(201);
        assertThat(put(alice, env + "/prod", "{\"reviewers\":[\"alice\"]}").statusCode()).isEqualTo(200);
        String varsBefore = alice.get(vars).body();
        String envsBefore = alice.get(env).body();
        for (String[] c : new String[][] {
                {"POST", vars + "/NEW", "{\"vaule\":\"x\"}", "unknown field 'vaule' (did you mean 'value'?)"},
                {"POST", vars + "/NEW", "{\"data\":\"x\"}", "unknown field 'data' (did you mean 'value'?)"},
                {"POST", vars + "/NEW", "{\"value\":\"x\",\"name\":\"OTHER\"}", "the body names variable 'OTHER' but the path 'NEW'"},
                {"POST", vars + "/NEW", "{\"value\":\"x\",\"owner_id\":0}", "unknown field 'owner_id'"},
                {"POST", vars + "/NEW", "{}", "send {\"value\""},
                {"POST", vars + "/NEW", "{\"value\":5}", "'value' must be a string"},
                {"POST", vars + "/NEW", "{\"value\":\"\"}", "is empty"},
                {"POST", vars + "/NEW", "not json", "not valid JSON"},
                {"POST", vars + "/1BAD", "{\"value\":\"x\"}", "invalid variable name '1BAD'"},
                {"POST", vars + "/GITHUB_SHA", "{\"value\":\"x\"}", "reserved"},
                {"POST", vars + "/NEW", "{\"value\":\"x\",\"description\":\"" + "d".repeat(4097) + "\"}", "at most 4096"},
                {"PUT", vars + "/KEPT", "{\"value\":\"x\",\"name\":\"2X\"}", "invalid variable name '2X'"},
                {"PUT", vars + "/KEPT", "{\"value\":\"\"}", "is empty"},
                {"PUT", vars + "/KEPT", "{\"valeu\":\"x\"}", "did you mean 'value'?"},
                {"GET", vars + "?page=x", "", "page must be a positive integer"},
                {"POST", "/api/v1/repos/acme/a%20b/actions/variables/NEW", "{\"value\":\"x\"}", "invalid repository name"},
                {"PUT", env + "/prod", "{\"reviewers\":\"alice\"}", "'reviewers' must be a list of user names"},
                {"PUT", env + "/prod", "{\"reviewers\":[{\"type\":\"User\",\"id\":1}]}", "is not a user name"},
                {"PUT", env + "/prod", "{\"reviewers\":[\"ghost\"]}", "reviewer 'ghost' is not a user"},
                {"PUT", env + "/prod", "{\"reviewers\":[\"bob\"]}", "reviewer 'bob' has no access to acme's repositories"},
                {"PUT", env + "/prod", "{\"url\":\"app.acme.example\"}", "invalid url"},
                {"PUT", env + "/prod", "{\"wait_timer\":30}", "unknown field 'wait_timer'"},
                {"PUT", env + "/prod", "{\"required_reviewers\":[\"alice\"]}", "did you mean 'reviewers'?"},
                {"PUT", env + "/a%20b", "{}", "invalid environment name 'a b'"},
                {"PUT", env + "/" + "x".repeat(51), "{}", "at most 50 characters"}}) {
            HttpResponse<String> r = switch (c[0]) {
                case "POST" -> post(alice, c[1], c[2]);
                case "PUT" -> put(alice, c[1], c[2]);
                default -> alice.get(c[1]);
            };
            assertThat(r.statusCode()).as(String.join(" ", c)).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(JSON.readTree(r.body()).get("message").asText()).as(String.join(" ", c)).contains(c[3]);
        }
        assertThat(alice.get(vars).body()).isEqualTo(varsBefore);
        assertThat(alice.get(env).body()).isEqualTo(envsBefore);
    }

    @Test
    void onlyOwnersMembersAndAdminsWithPasswordOrAdminTokenManageThem() {
        Http bob = Http.basic(server.baseUrl(), "bob", "bob-password");
        Http anonymous = Http.anonymous(server.baseUrl());
        Http packageToken = Http.token(server.baseUrl(), server.token("alice", "write:package"));
        String vars = "/api/v1/repos/acme/auth/actions/variables";
        String env = "/api/v1/repos/acme/auth/environments";
        assertThat(post(alice, vars + "/SET", "{\"value\":\"v\"}").statusCode()).isEqualTo(201);
        assertThat(put(alice, env + "/prod", "{}").statusCode()).isEqualTo(200);
        for (Http h : List.of(anonymous, bob, packageToken)) {
            int expected = h == anonymous ? 401 : 403;
            assertThat(h.get(vars).statusCode()).isEqualTo(expected);
            assertThat(h.get(vars + "/SET").statusCode()).isEqualTo(expected);
            assertThat(post(h, vars + "/X", "{\"value\":\"v\"}").statusCode()).isEqualTo(expected);
            assertThat(put(h, vars + "/SET", "{\"value\":\"v\"}").statusCode()).isEqualTo(expected);
            assertThat(h.delete(vars + "/SET").statusCode()).isEqualTo(expected);
            assertThat(h.get(env).statusCode()).isEqualTo(expected);
            assertThat(h.get(env + "/prod").statusCode()).isEqualTo(expected);
            assertThat(put(h, env + "/prod", "{}").statusCode()).isEqualTo(expected);
            assertThat(h.delete(env + "/prod").statusCode()).isEqualTo(expected);
            assertThat(put(h, env + "/prod/secrets/X", "{\"data\":\"secret-value\"}").statusCode()).isEqualTo(expected);
            assertThat(post(h, env + "/prod/variables/X", "{\"value\":\"v\"}").statusCode()).isEqualTo(expected);
        }
        assertThat(json(bob.get(vars), 403).get("message").asText()).contains("only 'acme'");
        // An admin-scoped token of a member, and the site admin, may.
        Http adminToken = Http.token(server.baseUrl(), server.token("alice", "admin"));
        assertThat(put(adminToken, vars + "/SET", "{\"value\":\"by token\"}").statusCode()).isEqualTo(204);
        assertThat(json(admin.get(vars + "/SET"), 200).get("data").asText()).isEqualTo("by token");
        // Site-wide variables: site admins only; an organization path needs an organization.
        assertThat(post(alice, "/api/v1/admin/actions/variables/X", "{\"value\":\"v\"}").statusCode()).isEqualTo(403);
        assertThat(alice.get("/api/v1/admin/actions/variables").statusCode()).isEqualTo(403);
        assertThat(post(alice, "/api/v1/orgs/alice/actions/variables/X", "{\"value\":\"v\"}").statusCode()).isEqualTo(404);
        assertThat(bob.get("/api/v1/orgs/acme/actions/variables").statusCode()).isEqualTo(403);
        assertThat(post(admin, "/api/v1/repos/ghost/x/actions/variables/X", "{\"value\":\"v\"}").statusCode()).isEqualTo(404);
        // Nothing the refused requests sent arrived.
        assertThat(json(alice.get(vars), 200).findValuesAsText("name")).containsExactly("SET");
        assertThat(server.slipway().environments().list("acme", "auth")).hasSize(1);
        assertThat(server.slipway().secrets().list(server.slipway().environments().require("acme", "auth", "prod").scope())).isEmpty();
    }

    @Test
    void theCliManagesVariablesAndEnvironmentsOfARunningServer() throws Exception {
        try (ServerProcess p = new ServerProcess(Files.createTempDirectory("slipway-vars-cli-")).start()) {
            p.cli("org", "create", "crew").ok();
            assertThat(p.cli("var", "set", "node_version", "20", "--repo", "crew/site", "--description", "for setup-node").ok().out())
                    .contains("Created variable NODE_VERSION in repo:crew/site");
            assertThat(p.cli("var", "set", "NODE_VERSION", "22", "--repo", "crew/site").ok().out())
                    .contains("Updated variable NODE_VERSION in repo:crew/site");
            Path file = p.data().resolve("value.txt");
            Files.writeString(file, "line one\r\nline\ttwo\n");
            p.cli("var", "set", "NOTES", "--from-file", file.toString(), "--org", "crew").ok();
            p.cli("var", "set", "REGION", "eu", "--site").ok();
            assertThat(p.cli("var", "set", "X", "1", "--user", "crew").err()).contains("error: user 'crew' does not exist");
            p.cli("var", "set", "MINE", "admin's", "--user", "admin").ok();
            assertThat(p.cli("var", "get", "node_version", "--repo", "crew/site").ok().out()).isEqualTo("22\n");
            assertThat(p.cli("var", "list").ok().out()).contains("NODE_VERSION\trepo:crew/site\t22\n")
                    .contains("NOTES\towner:crew\tline one\\nline\\ttwo\\n\n").contains("REGION\tglobal\teu\n")
                    .contains("MINE\towner:admin\tadmin's\n");
            assertThat(p.cli("var", "list", "--org", "crew").ok().out()).isEqualTo("NOTES\towner:crew\tline one\\nline\\ttwo\\n\n");

            assertThat(p.cli("envs", "set", "--repo", "crew/site", "production", "--url", "https://site.crew.example",
                    "--reviewer", "admin").ok().out()).contains("Created environment production of crew/site")
                    .contains("wait for approval by admin");
            assertThat(p.cli("envs", "list", "--repo", "crew/site").ok().out())
                    .isEqualTo("production\thttps://site.crew.example\tadmin\n");
            p.cli("var", "set", "NODE_VERSION", "24", "--repo", "crew/site", "--env", "PRODUCTION").ok();
            assertThat(p.cliWithInput("env-token-value\n", "secret", "set", "DEPLOY_TOKEN", "--scope", "env:crew/site/production",
                    "--value-stdin").ok().out()).contains("Created secret DEPLOY_TOKEN in env:crew/site/production");

            // The running server serves what the CLI stored; another process on the same state resolves it.
            Http admin = Http.basic(p.baseUrl(), "admin", ServerProcess.ADMIN_PASSWORD);
            JsonNode env = json(admin.get("/api/v1/repos/crew/site/environments/production"), 200);
            assertThat(env.get("reviewers")).isEqualTo(JSON.readTree("[\"admin\"]"));
            assertThat(json(admin.get("/api/v1/repos/crew/site/environments/production/variables/NODE_VERSION"), 200).get("data").asText())
                    .isEqualTo("24");
            try (Slipway other = new Slipway(p.config())) {
                RunValues.Visible seen = other.runValues().resolve("crew", "site", "production");
                assertThat(seen.variables()).containsEntry("NODE_VERSION", "24").containsEntry("NOTES", "line one\nline\ttwo\n")
                        .containsEntry("REGION", "eu");
                assertThat(new String(seen.secrets().get("DEPLOY_TOKEN"), StandardCharsets.UTF_8)).isEqualTo("env-token-value");
                assertThat(seen.reviewers()).containsExactly("admin");
                assertThat(other.runValues().resolve("crew", "site", null).variables()).containsEntry("NODE_VERSION", "22");

                // A job of run 99 waits for production's approval (as the engine waits); the CLI decides.
                var job = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return other.runValues().awaitApproval(99, 1, "crew", "site", "production", () -> false);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
                String pending = "";
                while (pending.isEmpty() && System.nanoTime() < deadline) {
                    pending = p.cli("envs", "pending", "--repo", "crew/site", "99").ok().out();
                }
                assertThat(pending).isEqualTo("production\tadmin\n");
                assertThat(p.cli("envs", "approve", "--repo", "crew/site", "99", "production", "--as", "crew").err())
                        .contains("error: only the reviewers of environment 'production' may decide: admin");
                assertThat(p.cli("envs", "approve", "--repo", "crew/site", "99", "production", "--as", "admin", "--comment", "ok").ok().out())
                        .contains("Environment production approved for run 99 of crew/site by admin");
                assertThat(job.get(30, java.util.concurrent.TimeUnit.SECONDS)).hasValueSatisfying(d -> {
                    assertThat(d.approved()).isTrue();
                    assertThat(d.decidedBy()).isEqualTo("admin");
                    assertThat(d.comment()).isEqualTo("ok");
                });
                assertThat(p.cli("envs", "pending", "--repo", "crew/site", "99").ok().out()).isEmpty();
            }

            // Usage errors exit 2; refusals exit 1 with the reason; neither changes anything.
            Tools.Result noScope = p.cli("var", "set", "X", "1");
            assertThat(noScope.exit()).isEqualTo(2);
            assertThat(noScope.err()).contains("say where: --repo OWNER/NAME");
            assertThat(p.cli("var", "set", "X", "1", "--site", "--org", "crew").exit()).isEqualTo(2);
            assertThat(p.cli("var", "set", "X", "--site").err()).contains("give the value either as VALUE or with --from-file");
            assertThat(p.cli("var", "get", "X", "--org", "crew", "--env", "production").err()).contains("--env needs --repo");
            assertThat(p.cli("var", "get", "X", "--repo", "crew/site", "--env", "qa").err())
                    .contains("error: environment 'qa' does not exist in crew/site");
            assertThat(p.cli("var", "get", "NOPE", "--repo", "crew/site").err()).contains("error: variable 'NOPE' is not set in scope repo:crew/site");
            assertThat(p.cli("var", "set", "GITHUB_X", "1", "--site").err()).contains("names starting with GITHUB_ are reserved");
            assertThat(p.cli("envs", "set", "--repo", "crew/site", "production", "--reviewer", "nobody").err())
                    .contains("error: reviewer 'nobody' is not a user");
            assertThat(p.cli("envs", "set", "--repo", "crewsite", "production").err()).contains("expected OWNER/NAME");
            assertThat(p.cli("envs", "list", "--repo", "crew/site").ok().out()).isEqualTo("production\thttps://site.crew.example\tadmin\n");

            assertThat(p.cli("envs", "delete", "--repo", "crew/site", "Production").ok().out())
                    .contains("Deleted environment Production of crew/site with its secrets and variables");
            assertThat(p.cli("envs", "list", "--repo", "crew/site").ok().out()).isEmpty();
            assertThat(p.cli("secret", "list").ok().out()).doesNotContain("env:crew/site/production");
            p.cli("var", "delete", "node_version", "--repo", "crew/site").ok();
            assertThat(p.cli("var", "list", "--repo", "crew/site").ok().out()).isEmpty();
        }
    }

    static final String WORKFLOW = """
            on: workflow_dispatch
            jobs:
              plain:
                if: vars.run_plain == 'yes'
                runs-on: ubuntu-latest
                steps:
                  - run: echo "plain target=${{ vars.TARGET }} region=${{ vars.WF_REGION }} site=${{ vars.WF_SITE }} none=[${{ vars.NOPE }}] token=${{ secrets.DEPLOY_TOKEN }}"
                  - run: echo "spaced=${T//-/ }"
                    env:
                      T: ${{ secrets.DEPLOY_TOKEN }}
              deploy:
                runs-on: ubuntu-latest
                environment:
                  name: ${{ vars.DEPLOY_ENV }}
                  url: https://wf.example
                steps:
                  - run: echo "deploy target=${{ vars.TARGET }} region=${{ vars.WF_REGION }} token=${{ secrets.DEPLOY_TOKEN }}"
                  - run: echo "spaced=${T//-/ }"
                    env:
                      T: ${{ secrets.DEPLOY_TOKEN }}
              guarded:
                runs-on: ubuntu-latest
                environment: guarded
                steps:
                  - run: echo "guarded ran with ${{ secrets.DEPLOY_TOKEN }} target=${{ vars.TARGET }}"
            """;

    @Test
    void aWorkflowSeesVariablesAndItsEnvironmentsSecretsAndVariables() throws Exception {
        Tools.require("docker");
        TestImages.runner();
        CiClient ci = new CiClient(admin, "admin");
        ci.register("wf", GitRepos.create(Map.of(".gitea/workflows/vars.yaml", WORKFLOW)));
        String repo = "/api/v1/repos/admin/wf";
        assertThat(post(admin, repo + "/actions/variables/TARGET", "{\"value\":\"dev\"}").statusCode()).isEqualTo(201);
        assertThat(post(admin, repo + "/actions/variables/RUN_PLAIN", "{\"value\":\"yes\"}").statusCode()).isEqualTo(201);
        assertThat(post(admin, repo + "/actions/variables/DEPLOY_ENV", "{\"value\":\"Production\"}").statusCode()).isEqualTo(201);
        assertThat(put(admin, repo + "/actions/secrets/DEPLOY_TOKEN", "{\"data\":\"repo-token-value\"}").statusCode()).isEqualTo(201);
        // The owner's beats the site's.
        assertThat(post(admin, "/api/v1/user/actions/variables/WF_REGION", "{\"value\":\"eu\"}").statusCode()).isEqualTo(201);
        assertThat(post(admin, "/api/v1/admin/actions/variables/WF_REGION", "{\"value\":\"us\"}").statusCode()).isEqualTo(201);
        assertThat(post(admin, "/api/v1/admin/actions/variables/WF_SITE", "{\"value\":\"site-wide\"}").statusCode()).isEqualTo(201);
        // The environment's beat the repository's.
        assertThat(put(admin, repo + "/environments/production", "{\"url\":\"https://wf.example\"}").statusCode()).isEqualTo(200);
        assertThat(post(admin, repo + "/environments/production/variables/TARGET", "{\"value\":\"prod\"}").statusCode()).isEqualTo(201);
        assertThat(put(admin, repo + "/environments/production/secrets/DEPLOY_TOKEN", "{\"data\":\"prod-token-value\"}").statusCode())
                .isEqualTo(201);
        // A job in an environment with reviewers waits until one approves.
        assertThat(put(admin, repo + "/environments/guarded", "{\"reviewers\":[\"admin\"]}").statusCode()).isEqualTo(200);

        long id = ci.trigger("wf", "{\"workflow\":\"vars.yaml\"}").get("id").asLong();
        String pending = repo + "/actions/runs/" + id + "/pending_deployments";
        JsonNode waiting = awaitPending(pending);
        assertThat(waiting).isEqualTo(JSON.readTree("[{\"environment\":{\"name\":\"guarded\"},\"wait_timer\":0,"
                + "\"current_user_can_approve\":true,\"reviewers\":[{\"type\":\"User\",\"reviewer\":{\"login\":\"admin\"}}]}]"));
        // Only a reviewer decides; bad decisions are 400s and change nothing.
        assertThat(json(post(alice, pending, "{\"environments\":[\"guarded\"],\"state\":\"approved\"}"), 403).get("message").asText())
                .contains("only the reviewers of environment 'guarded' may decide: admin");
        for (String[] c : new String[][] {
                {"{\"environments\":[\"guarded\"],\"state\":\"maybe\"}", "\"approved\" or \"rejected\""},
                {"{\"state\":\"approved\"}", "the environments to decide on"},
                {"{\"environment_ids\":[1],\"state\":\"approved\"}", "did you mean 'environments'?"},
                {"{\"environments\":[1],\"state\":\"approved\"}", "is not a name"}}) {
            assertThat(json(post(admin, pending, c[0]), 400).get("message").asText()).as(c[0]).contains(c[1]);
        }
        assertThat(json(post(admin, repo + "/actions/runs/x/pending_deployments", "{}"), 400).get("message").asText())
                .contains("invalid run id 'x'");
        assertThat(json(post(admin, pending, "{\"environments\":[\"production\"],\"state\":\"approved\"}"), 404)
                .get("message").asText()).contains("no deployment to environment 'production' waits for approval in run " + id);
        assertThat(json(post(admin, pending, "{\"environments\":[\"Guarded\"],\"state\":\"approved\",\"comment\":\"ship it\"}"), 200))
                .isEqualTo(JSON.readTree("[{\"environment\":\"guarded\",\"state\":\"approved\",\"decided_by\":\"admin\"}]"));
        assertThat(json(alice.get(pending), 403)).isNotNull();

        JsonNode run = ci.await(id);
        Map<String, JsonNode> tasks = CiClient.tasks(run);
        String plain = ci.log(run, "plain");
        String deploy = ci.log(run, "deploy");
        String guarded = ci.log(run, "guarded");
        assertThat(tasks.get("plain").get("status").asText()).as(plain).isEqualTo("success");
        assertThat(tasks.get("deploy").get("status").asText()).as(deploy).isEqualTo("success");
        assertThat(plain).contains("plain target=dev region=eu site=site-wide none=[] token=***").contains("spaced=repo token value")
                .doesNotContain("repo-token-value");
        assertThat(deploy).contains("environment Production").contains("deploy target=prod region=eu token=***")
                .contains("spaced=prod token value").doesNotContain("prod-token-value").doesNotContain("repo-token");
        assertThat(tasks.get("guarded").get("status").asText()).as(guarded).isEqualTo("success");
        assertThat(guarded).contains("waiting for approval of environment guarded by admin").contains("environment guarded: approved by admin: ship it").contains("guarded ran with *** target=dev");
        assertThat(run.get("status").asText()).isEqualTo("success");
        assertThat(json(admin.get(pending), 200)).isEmpty();

        // Rejected: the job does not run.
        long again = ci.trigger("wf", "{\"workflow\":\"vars.yaml\"}").get("id").asLong();
        String pendingAgain = repo + "/actions/runs/" + again + "/pending_deployments";
        awaitPending(pendingAgain);
        assertThat(post(admin, pendingAgain, "{\"environments\":[\"guarded\"],\"state\":\"rejected\",\"comment\":\"not today\"}")
                .statusCode()).isEqualTo(200);
        JsonNode rejected = ci.await(again);
        String log = ci.log(rejected, "guarded");
        assertThat(CiClient.tasks(rejected).get("guarded").get("status").asText()).as(log).isEqualTo("error");
        assertThat(log).contains("environment guarded: rejected by admin: not today").doesNotContain("guarded ran");
        assertThat(CiClient.tasks(rejected).get("deploy").get("status").asText()).isEqualTo("success");
    }

    /** The run's pending deployments once there are some. */
    private static JsonNode awaitPending(String path) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode waiting = json(admin.get(path), 200);
            if (!waiting.isEmpty()) {
                return waiting;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("nothing waits for approval at " + path);
    }

    private static HttpResponse<String> post(Http h, String path, String body) {
        return h.post(path, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> put(Http h, String path, String body) {
        return h.put(path, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
