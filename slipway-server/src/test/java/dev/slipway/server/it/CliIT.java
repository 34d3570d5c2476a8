package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CLI works on the server's state while the server runs, and explains itself. The server is a
 * process; most commands run in this JVM ({@link ServerProcess#cli}), and those whose process is the
 * point (the jar's entry point, credentials from the environment, a second server) as processes.
 */
class CliIT {
    @Test
    void commandsChangeTheStateOfARunningServer() throws Exception {
        try (ServerProcess server = new ServerProcess(Files.createTempDirectory("slipway-cli-")).start()) {
            server.cliProcess("user", "create", "frank", "--password", "frank-password").ok();
            String token = server.cli("token", "create", "--user", "frank", "--name", "laptop", "--scopes", "read:package,write:package")
                    .ok().out().trim();
            assertThat(token).matches("[0-9a-f]{40}");
            server.cli("org", "create", "crew", "--member", "frank").ok();

            // The running server sees what the CLI wrote.
            Http frank = Http.basic(server.baseUrl(), "frank", token);
            assertThat(frank.get("/v2/").statusCode()).isEqualTo(200);
            AuthorizationIT.pushImage(frank, "crew/tool", "v1");
            assertThat(Http.anonymous(server.baseUrl()).get("/v2/crew/tool/manifests/v1").statusCode()).isEqualTo(401);
            server.cli("registry", "visibility", "crew/tool", "public").ok();
            assertThat(Http.anonymous(server.baseUrl()).get("/v2/crew/tool/manifests/v1").statusCode()).isEqualTo(200);

            assertThat(server.cli("token", "list", "--user", "frank").ok().out()).contains("laptop").doesNotContain(token);
            assertThat(server.cli("registry", "quota", "crew").ok().out()).contains("crew:").contains("unlimited");
            server.cli("token", "delete", "--user", "frank", "--name", "laptop").ok();
            assertThat(frank.get("/v2/").statusCode()).isEqualTo(401);

            // A second server on the same data directory refuses to start, and says why.
            int otherPort;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                otherPort = free.getLocalPort();
            }
            Tools.Result second = server.cliProcess("server", "--listen", "127.0.0.1:" + otherPort);
            assertThat(second.exit()).isEqualTo(1);
            assertThat(second.err()).contains("another Slipway server uses the data directory").contains("pid ")
                    .doesNotContain("Exception");
            // A port in use is a one-line error too.
            Tools.Result busy = Tools.run(server.environment(), null, new ServerProcess(Files.createTempDirectory("slipway-cli-busy-"))
                    .command("server", "--listen", java.net.URI.create(server.baseUrl()).getAuthority()).toArray(String[]::new));
            assertThat(busy.exit()).isEqualTo(1);
            assertThat(busy.err()).contains("error: cannot listen").doesNotContain("Exception");

            // Mistakes get a clear message and a non-zero exit, not a stack trace.
            Tools.Result dup = server.cli("user", "create", "frank", "--password", "another-password");
            assertThat(dup.exit()).isEqualTo(1);
            assertThat(dup.err()).contains("error: user or organization 'frank' already exists").doesNotContain("Exception");
            Tools.Result badScope = server.cli("token", "create", "--user", "frank", "--name", "x", "--scopes", "root");
            assertThat(badScope.exit()).isEqualTo(1);
            assertThat(badScope.err()).contains("unknown scope 'root'");

            // A repository for CI: credentials (a secret) fit an https URL, a deploy key does not.
            server.cli("repo", "add", "crew/site", "--clone-url", "https://git.example/crew/site.git", "--credentials", "SITE_TOKEN").ok();
            Http admin = Http.basic(server.baseUrl(), "admin", ServerProcess.ADMIN_PASSWORD);
            assertThat(admin.get("/api/v1/repos/crew/site").body()).contains("\"credentials\":\"SITE_TOKEN\"");
            Tools.Result keyOnHttps = server.cli("repo", "add", "crew/other", "--clone-url", "https://git.example/crew/other.git", "--key", "k");
            assertThat(keyOnHttps.exit()).isEqualTo(1);
            assertThat(keyOnHttps.err()).contains("'key' is for ssh URLs").doesNotContain("Exception");
            // A typo is not permanent: update and remove, and a missing local path is refused up front.
            server.cli("repo", "update", "crew/site", "--branch", "trunk", "--credentials", "").ok();
            assertThat(server.cli("repo", "list", "crew").ok().out()).contains("crew/site  https://git.example/crew/site.git  branch trunk")
                    .doesNotContain("credentials");
            // Public: its runs readable by everyone, in the API too; private again hides them.
            server.cli("repo", "update", "crew/site", "--visibility", "public").ok();
            assertThat(server.cli("repo", "list", "crew").ok().out()).contains("branch trunk  public");
            assertThat(server.cli("repo", "show", "crew/site").ok().out()).contains("visibility:     public");
            assertThat(Http.anonymous(server.baseUrl()).get("/api/v1/repos/crew/site/runs").statusCode()).isEqualTo(200);
            Tools.Result badVisibility = server.cli("repo", "update", "crew/site", "--visibility", "open");
            assertThat(badVisibility.exit()).isEqualTo(1);
            assertThat(badVisibility.err()).contains("--visibility must be 'public' or 'private'").doesNotContain("Exception");
            server.cli("repo", "update", "crew/site", "--visibility", "private").ok();
            assertThat(Http.anonymous(server.baseUrl()).get("/api/v1/repos/crew/site/runs").statusCode()).isEqualTo(404);
            Tools.Result nowhere = server.cli("repo", "add", "crew/gone", "--clone-url", "file:///nonexistent/repo");
            assertThat(nowhere.exit()).isEqualTo(1);
            assertThat(nowhere.err()).contains("no such directory").doesNotContain("Exception");
            server.cli("repo", "remove", "crew/site").ok();
            assertThat(admin.get("/api/v1/repos/crew/site").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void commandsRefuseADataDirectoryNoServerHasUsedUnlessInit() throws Exception {
        try (ServerProcess server = new ServerProcess(Files.createTempDirectory("slipway-cli-init-")).start()) {
            // Seen by a new user: 'user create' without the server's --data made a second, empty ./data.
            // (On PostgreSQL this is the server's database, but another data directory.)
            Path elsewhere = Files.createTempDirectory("slipway-cli-elsewhere-").resolve("data");
            ServerProcess wrong = new ServerProcess(elsewhere, server);
            Tools.Result refused = wrong.cliProcess("user", "create", "carol", "--password", "carol-password");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.out()).isEmpty();
            assertThat(refused.err()).startsWith("error: ").contains(elsewhere.toString()).contains("--data DIR or SLIPWAY_DATA")
                    .contains("SLIPWAY_DATABASE_URL").contains("--init")
                    .contains("A Slipway server is running on " + server.data() + " (pid ").contains(server.baseUrl() + "): --data " + server.data())
                    .doesNotContain("Exception");
            assertThat(elsewhere).doesNotExist();
            assertThat(Http.basic(server.baseUrl(), "carol", "carol-password").get("/v2/").statusCode()).isEqualTo(401);
            // Reading commands do not create it either.
            Tools.Result list = wrong.cli("user", "list");
            assertThat(list.exit()).isEqualTo(1);
            assertThat(list.err()).contains(elsewhere + " is not").contains("A Slipway server is running on " + server.data());
            assertThat(elsewhere).doesNotExist();

            // The server's data directory with a database no server has used: refused as well.
            Tools.Result otherDatabase = TestServer.database().equals("postgres") ? new ServerProcess(server.data()).cli("user", "list")
                    : Tools.run(server.environment(), null, concat(server.command("user", "list").toArray(String[]::new),
                            new String[] {"--database-url", "jdbc:sqlite:" + elsewhere.resolveSibling("other.db")}));
            assertThat(otherDatabase.exit()).isEqualTo(1);
            assertThat(otherDatabase.err()).contains(server.data() + " is a Slipway data directory, but the database").contains("has no Slipway tables");
            assertThat(elsewhere.resolveSibling("other.db")).doesNotExist();

            // --init makes a new one on purpose.
            Path fresh = Files.createTempDirectory("slipway-cli-fresh-").resolve("data");
            ServerProcess another = new ServerProcess(fresh);
            Tools.Result created = another.cliProcess("user", "create", "dora", "--password", "dora-password", "--init");
            assertThat(created.exit()).as(created.err()).isZero();
            assertThat(created.err()).contains("Initialized a new Slipway data directory at " + fresh);
            assertThat(another.cli("user", "list").ok().out()).contains("dora");
            assertThat(another.cli("user", "create", "erin", "--password", "erin-password", "--init").ok().err()).isEmpty();
        }
    }

    @Test
    void runCommandsTriggerWaitAndReadLogsThroughTheApi() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new java.util.HashMap<>(), "local/busybox:1");
        Path repo = GitRepos.create(Map.of(".slipway/ci.yml", CiEngineIT.ACCEPTANCE));
        Path other = GitRepos.create(Map.of(".slipway/fails.yml", """
                images: { box: { ref: local/busybox:1 } }
                tasks:
                  flaky: { image: box, commands: [ "echo trying", "exit 3" ] }
                """, ".slipway/slow.yml", """
                images: { box: { ref: local/busybox:1 } }
                tasks:
                  wait: { image: box, commands: [ "echo waiting", "sleep 300" ] }
                """));
        try (ServerProcess server = new ServerProcess(Files.createTempDirectory("slipway-cli-run-")).start()) {
            server.cli("user", "create", "rita", "--password", "rita-password").ok();
            String token = server.cli("token", "create", "--user", "rita", "--name", "ci", "--scopes", "write:repository").ok().out().trim();
            server.cli("repo", "add", "rita/site", "--clone-url", repo.toUri().toString()).ok();
            server.cli("repo", "add", "rita/other", "--clone-url", other.toUri().toString()).ok();
            String[] remote = {"--server", server.baseUrl(), "--token", token};

            Tools.Result run = remoteProcess(server, concat(new String[] {"run", "trigger", "rita/site", "--wait"}, remote));
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            // The trigger answers with the run as it is then: queued, or already taken by the dispatcher.
            assertThat(run.out()).containsPattern("run \\d+ (queued|running): ").contains(": success").contains("  build  success  exit 0")
                    .contains("  check  success  exit 0");
            String id = run.out().split(" ")[1];
            assertThat(remote(server, concat(new String[] {"run", "logs", id, "check"}, remote)).ok().out()).contains("built\n");
            Tools.Result followed = remote(server, concat(new String[] {"run", "logs", id, "build", "--follow"}, remote));
            assertThat(followed.exit()).isZero();
            assertThat(followed.out()).contains("red");
            assertThat(remote(server, concat(new String[] {"run", "show", id}, remote)).ok().out()).contains("run " + id + " of rita/site");

            // Without a task: every task's log, each line prefixed as 'slipway exec' prints it.
            String all = remote(server, concat(new String[] {"run", "logs", id}, remote)).ok().out();
            assertThat(all).contains("[check] built\n").contains("[build] \033[31mred").contains("[build] [slipway] success (exit 0)\n")
                    .contains("[check] [slipway] success (exit 0)\n");
            Tools.Result allFollowed = remote(server, concat(new String[] {"run", "logs", id, "-f"}, remote));
            assertThat(allFollowed.exit()).as(allFollowed.err()).isZero();
            assertThat(allFollowed.out()).contains("[check] built\n").contains("[check] [slipway] success (exit 0)\n");
            assertThat(allFollowed.err()).contains("[slipway] run " + id + ": success");

            // The repository's runs, newest first.
            assertThat(remote(server, concat(new String[] {"run", "list", "rita/site"}, remote)).ok().out())
                    .startsWith(id + "\tsuccess\tci\tmain\t");

            // A failed task is retried (a second attempt), and the exit code says how it ended.
            Tools.Result failed = remote(server, concat(new String[] {"run", "trigger", "rita/other", "--pipeline", "fails", "--wait"}, remote));
            assertThat(failed.exit()).isEqualTo(1);
            String failedId = failed.out().split(" ")[1];
            Tools.Result retried = remote(server, concat(new String[] {"run", "retry", failedId, "flaky", "--wait"}, remote));
            assertThat(retried.exit()).isEqualTo(1);
            assertThat(retried.out()).contains("retrying flaky").contains("  flaky  failure  exit 3");
            Http rita = Http.token(server.baseUrl(), token);
            assertThat(rita.get("/api/v1/runs/" + failedId).body()).contains("\"attempt\":2");
            Tools.Result succeeded = remote(server, concat(new String[] {"run", "retry", id, "build"}, remote));
            assertThat(succeeded.exit()).isEqualTo(1);
            assertThat(succeeded.err()).contains("(HTTP 409)").doesNotContain("{");

            // A running run is cancelled.
            String slow = remote(server, concat(new String[] {"run", "trigger", "rita/other", "--pipeline", "slow"}, remote)).ok().out().split(" ")[1];
            long deadline = System.nanoTime() + java.time.Duration.ofMinutes(2).toNanos();
            while (!rita.get("/api/v1/runs/" + slow).body().contains("\"name\":\"wait\",\"status\":\"running\"")) {
                assertThat(System.nanoTime()).as("task 'wait' of run " + slow + " never started").isLessThan(deadline);
                Thread.sleep(100);
            }
            Tools.Result cancelled = remote(server, concat(new String[] {"run", "cancel", slow, "--wait"}, remote));
            assertThat(cancelled.exit()).as(cancelled.err()).isZero();
            assertThat(cancelled.out()).contains(": cancelled").contains("  wait  cancelled");

            // Errors: the server's message (not its JSON), and why a server cannot be reached.
            Tools.Result noTask = remote(server, concat(new String[] {"run", "logs", id, "nosuch"}, remote));
            assertThat(noTask.exit()).isEqualTo(1);
            assertThat(noTask.err()).isEqualTo("error: run " + id + " has no task 'nosuch' (HTTP 404)\n");
            Tools.Result undeclared = remote(server, concat(new String[] {"run", "trigger", "rita/site", "--var", "NOPE=1"}, remote));
            assertThat(undeclared.exit()).isEqualTo(1);
            assertThat(undeclared.err()).contains("400").contains("declares no variable 'NOPE'").doesNotContain("Exception");
            Tools.Result noToken = remote(server, "run", "show", id, "--server", server.baseUrl());
            assertThat(noToken.exit()).isEqualTo(1);
            assertThat(noToken.err()).contains("no token");
            String closed = "http://127.0.0.1:" + Tools.freePort();
            Tools.Result refused = remote(server, "run", "show", id, "--server", closed, "--token", token);
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).startsWith("error: cannot reach the server at " + closed + ": connection refused").doesNotContain("null");
            Tools.Result unknown = remote(server, "run", "list", "rita/site", "--server", "http://nosuch.invalid:8080", "--token", token);
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).startsWith("error: cannot reach the server at http://nosuch.invalid:8080: unknown host 'nosuch.invalid'");
        }
    }

    /** A command that talks to the server over HTTP: no state options (--data, --database-url); in this JVM. */
    static Tools.Result remote(ServerProcess server, String... args) {
        return InProcessCli.run(null, args);
    }

    /** The same as a process of its own. */
    static Tools.Result remoteProcess(ServerProcess server, String... args) {
        List<String> cmd = server.command(args);
        return Tools.run(Map.of(), null, cmd.subList(0, cmd.indexOf("--data")).toArray(String[]::new));
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void helpExplainsTheCommands() throws Exception {
        String jar = System.getProperty("slipway.jar");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String help = Tools.run(Map.of(), null, javaBin, "-jar", jar, "--help").ok().out();
        assertThat(help).contains("server").contains("token").contains("registry");
        String serverHelp = Tools.run(Map.of(), null, javaBin, "-jar", jar, "server", "--help").ok().out();
        assertThat(serverHelp).contains("--listen").contains("--data").contains("--database-url").contains("--external-url")
                .contains("SLIPWAY_ADMIN_PASSWORD");
    }
}
