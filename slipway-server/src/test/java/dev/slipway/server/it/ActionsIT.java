package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GitHub Actions workflows (issue 11) on a real server and engine: discovery in .gitea/workflows,
 * jobs in the Debian runner image, needs and outputs, a matrix expanded into tasks, dispatch
 * inputs, the run JSON's steps.
 */
class ActionsIT {
    static TestServer server;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    static CiClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.sharedWorkflows();
        admin = new CiClient(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD), "admin");
    }

    static final String WORKFLOW = """
            name: build
            on:
              push:
                branches: [main]
              workflow_dispatch:
                inputs:
                  greeting:
                    type: string
                    default: hello
                  loud:
                    type: boolean
                    default: false
            env:
              APP: demo
            jobs:
              version:
                runs-on: ubuntu-latest
                outputs:
                  version: ${{ steps.v.outputs.version }}
                steps:
                  - uses: actions/checkout@v4
                  - id: v
                    run: echo "version=v1.2.${{ github.run_number }}" >> "$GITHUB_OUTPUT"
                  - run: echo "${{ inputs.greeting }} loud=${{ inputs.loud }} from ${{ gitea.repository }} on ${{ github.event_name }}"
              build:
                needs: version
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    worker: [a, b]
                steps:
                  - uses: actions/checkout@v4
                  - name: Build ${{ matrix.worker }}
                    run: |
                      echo "building $APP-${{ matrix.worker }} at ${{ needs.version.outputs.version }}"
                      cat README
                      node -e 'console.log("node " + process.version)'
            """;

    @Test
    void aWorkflowRunsItsJobsWithNeedsOutputsAndAMatrix() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/build.yaml", WORKFLOW, "README", "the readme\n"));
        admin.register("wf", repo);
        JsonNode run = admin.run("wf", "{\"workflow\":\"build.yaml\",\"inputs\":{\"greeting\":\"hi\",\"loud\":true}}");
        assertThat(run.get("format").asText()).isEqualTo("actions");
        assertThat(run.get("file").asText()).isEqualTo(".gitea/workflows/build.yaml");
        Map<String, JsonNode> tasks = CiClient.tasks(run);
        assertThat(run.get("status").asText()).as(run.toPrettyString() + log(run, "version") + log(run, "build-a")).isEqualTo("success");
        assertThat(tasks).containsOnlyKeys("version", "build-a", "build-b");
        assertThat(tasks.get("build-a").get("display_name").asText()).isEqualTo("build (a)"); // GitHub's name for it
        String version = log(run, "version");
        assertThat(version).contains("hi loud=true from admin/wf on workflow_dispatch");
        assertThat(tasks.get("version").get("outputs").get("version").asText()).isEqualTo("v1.2." + run.get("id").asLong());
        String a = log(run, "build-a");
        assertThat(a).contains("building demo-a at v1.2." + run.get("id").asLong()).contains("the readme").contains("node v");
        assertThat(log(run, "build-b")).contains("building demo-b");
        JsonNode steps = tasks.get("build-a").get("steps");
        assertThat(steps.findValuesAsText("name")).contains("Build a");
        assertThat(steps.findValuesAsText("conclusion")).containsOnly("success");
        // The run page shows each job's steps, folded as the job succeeded (docs/ui.md).
        String page = WebClient.signedIn(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD).get("/admin/wf/runs/" + run.get("id").asLong())
                .body();
        assertThat(page).contains("<details class=\"job-steps\" id=\"steps-build-a\" data-steps=\"build-a\">")
                .contains("<b>build (a)</b>").contains("<li class=\"step st-success\">").contains("Build a");
    }

    @Test
    void aWorkflowWithoutDispatchCannotBeStartedByHandAndUnknownInputsAreRefused() throws Exception {
        Path repo = GitRepos.create(Map.of(".github/workflows/ci.yml", """
                on: push
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo hi
                """, ".gitea/workflows/other.yml", WORKFLOW));
        admin.register("nodispatch", repo);
        // .gitea wins over .github, as in Gitea: ci.yml is not read.
        var refused = admin.tryTrigger("nodispatch", "{\"workflow\":\"ci.yml\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("no workflow 'ci.yml'").contains(".github/workflows is not read");
        var bad = admin.tryTrigger("nodispatch", "{\"workflow\":\"other\",\"inputs\":{\"greting\":\"x\"}}");
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("unknown input 'greting'").contains("greeting");
    }

    @Test
    void artifactsKeepGithubsLayoutBetweenJobs() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/art.yml", """
                on: workflow_dispatch
                jobs:
                  make:
                    runs-on: ubuntu-latest
                    steps:
                      - run: mkdir -p out/sub a/x a/y && echo p > out/prepared.txt && echo s > out/sub/s.txt && echo 1 > a/x/1 && echo 2 > a/y/2
                      - uses: actions/upload-artifact@v4
                        with: { name: dir, path: out }
                      - uses: actions/upload-artifact@v4
                        with:
                          name: two
                          retention-days: 5
                          path: |
                            a/x/1
                            a/y/2
                      - uses: actions/upload-artifact@v4
                        with: { name: none, path: nothing-here, if-no-files-found: error }
                        continue-on-error: true
                  use:
                    needs: make
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/download-artifact@v4
                        with: { name: dir, path: out }
                      - uses: actions/download-artifact@v4
                        with: { name: two, path: t }
                      - run: cat out/prepared.txt out/sub/s.txt t/x/1 t/y/2
                """));
        admin.register("artifacts", repo);
        JsonNode run = admin.run("artifacts", "{}");
        assertThat(run.get("status").asText()).as(run.toPrettyString() + log(run, "make") + log(run, "use")).isEqualTo("success");
        assertThat(log(run, "use")).contains("p\ns\n1\n2\n");
        assertThat(log(run, "make")).contains("No files were found with the provided path: nothing-here");
        JsonNode steps = CiClient.tasks(run).get("make").get("steps");
        assertThat(steps.get(3).get("outcome").asText()).isEqualTo("failure"); // if-no-files-found: error

        // Downloadable through the API, as GitHub's archive downloads are: a zip of the artifact's root.
        long id = run.get("id").asLong();
        JsonNode list = JSON.readTree(admin.http().get("/api/v1/runs/" + id + "/artifacts").body());
        assertThat(list.get("total_count").asInt()).as(list.toPrettyString()).isEqualTo(2);
        assertThat(list.get("artifacts").findValuesAsText("name")).containsExactly("dir", "two");
        assertThat(list.get("artifacts").get(0).get("size_in_bytes").asLong()).isEqualTo(4); // "p\n" and "s\n"
        assertThat(list.get("artifacts").get(0).get("expires_at").isNull()).isTrue();
        assertThat(java.time.Instant.parse(list.get("artifacts").get(1).get("expires_at").asText()))
                .isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(4)));
        assertThat(list.get("artifacts").get(1).get("expired").asBoolean()).isFalse();
        var zip = admin.http().sendBytes(admin.http().request("/api/v1/runs/" + id + "/artifacts/two").GET());
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type")).hasValue("application/zip");
        Map<String, String> entries = new java.util.TreeMap<>();
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip.body()))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertThat(entries).isEqualTo(Map.of("x/1", "1\n", "y/2", "2\n"));
        var missing = admin.http().get("/api/v1/runs/" + id + "/artifacts/..");
        assertThat(missing.statusCode()).as("never the run's directory").isIn(400, 404);
        var none = admin.http().get("/api/v1/runs/" + id + "/artifacts/nothing");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.body()).contains("no artifact 'nothing'").contains("dir, two");
    }

    @Test
    void aJobContainersOptionsApplyAndWhatCannotApplyFailsTheJobByName() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/box.yml", """
                on: workflow_dispatch
                jobs:
                  limited:
                    runs-on: ubuntu-latest
                    container:
                      image: %s
                      env: { FROM_ENV: env }
                      options: --memory 96m -e FROM_OPTIONS=options --cpus 1
                    steps:
                      - run: |
                          echo "vars $FROM_ENV $FROM_OPTIONS"
                          echo "memory $(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
                  published:
                    runs-on: ubuntu-latest
                    container:
                      image: %s
                      ports: [8080]
                    steps:
                      - run: echo never
                """.formatted(TestImages.runner(), TestImages.runner())));
        admin.register("job-container", repo);
        JsonNode run = admin.run("job-container", "{}");
        Map<String, JsonNode> tasks = CiClient.tasks(run);
        assertThat(tasks.get("limited").get("status").asText()).as(log(run, "limited")).isEqualTo("success");
        assertThat(log(run, "limited")).contains("vars env options").contains("memory " + 96 * 1024 * 1024);
        assertThat(tasks.get("published").get("status").asText()).isEqualTo("error");
        assertThat(log(run, "published")).contains("jobs.published.container.ports").doesNotContain("never\n");
    }

    @Test
    void checkoutOfAnotherRegisteredRepositoryComesFromTheServerAndAnUnregisteredOneFailsTheStepWithTheReason() throws Exception {
        Path lib = GitRepos.create(Map.of("lib.txt", "from the library\n"));
        admin.register("shared-lib", lib);
        Path repo = GitRepos.create(Map.of(".gitea/workflows/two.yml", """
                on: workflow_dispatch
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                        with: { submodules: recursive }
                      - id: lib
                        uses: actions/checkout@v4
                        with: { repository: admin/shared-lib, path: vendor/lib }
                      - run: |
                          cat vendor/lib/lib.txt
                          git -C vendor/lib rev-parse HEAD
                          echo "commit ${{ steps.lib.outputs.commit }}"
                          test -f .gitea/workflows/two.yml
                      - uses: actions/checkout@v4
                        continue-on-error: true
                        with: { repository: admin/not-registered }
                """));
        admin.register("uses-lib", repo);
        JsonNode run = admin.run("uses-lib", "{}");
        String log = log(run, "build");
        assertThat(run.get("status").asText()).as(log).isEqualTo("success");
        String head = GitRepos.git(lib, "rev-parse", "HEAD").trim();
        assertThat(log).contains("from the library\n").contains(head + "\n").contains("commit " + head);
        assertThat(log).contains("repository admin/not-registered is not registered with Slipway");
        assertThat(CiClient.tasks(run).get("build").get("annotations").findValuesAsText("message"))
                .anyMatch(m -> m.contains("submodules are not checked out") && m.contains("git submodule update --init --recursive"));
        assertThat(CiClient.tasks(run).get("build").get("steps").get(3).get("outcome").asText()).isEqualTo("failure");
    }

    @Test
    void reRunningFailedJobsRepeatsThemAndTheirDependentsOnly() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/flaky.yml", """
                on: workflow_dispatch
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    strategy:
                      fail-fast: false
                      matrix:
                        part: [a, b]
                    outputs:
                      seen: ${{ steps.s.outputs.seen }}
                    steps:
                      - id: s
                        run: |
                          echo "part ${{ matrix.part }} attempt ${{ github.run_attempt }}"
                          echo "seen=attempt-${{ github.run_attempt }}" >> "$GITHUB_OUTPUT"
                          if [ "${{ matrix.part }}" = b ] && [ "${{ github.run_attempt }}" = 1 ]; then exit 3; fi
                  after:
                    needs: build
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "after saw ${{ needs.build.outputs.seen }}"
                  unrelated:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo unrelated
                """));
        admin.register("flakywf", repo);
        JsonNode first = admin.run("flakywf", "{}");
        assertThat(first.get("status").asText()).isEqualTo("failure");
        Map<String, JsonNode> tasks = CiClient.tasks(first);
        assertThat(tasks.get("build-b").get("status").asText()).isEqualTo("failure");
        assertThat(tasks.get("build-b").get("job").asText()).isEqualTo("build");
        assertThat(tasks.get("after").get("status").asText()).isEqualTo("skipped");

        var noSuch = admin.http().send(admin.http().request("/api/v1/runs/" + first.get("id").asLong() + "/retry?all=maybe")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(noSuch.statusCode()).isEqualTo(400);
        var accepted = admin.http().send(admin.http().request("/api/v1/runs/" + first.get("id").asLong() + "/retry")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode second = admin.await(first.get("id").asLong());
        assertThat(second.get("status").asText()).as(second.toPrettyString()).isEqualTo("success");
        tasks = CiClient.tasks(second);
        assertThat(tasks.get("build-a").get("attempt").asInt()).isEqualTo(1); // kept
        assertThat(tasks.get("unrelated").get("attempt").asInt()).isEqualTo(1); // kept
        assertThat(tasks.get("build-b").get("attempt").asInt()).isEqualTo(2);
        assertThat(tasks.get("after").get("status").asText()).isEqualTo("success"); // skipped before: its first attempt
        assertThat(log(second, "build-b")).contains("part b attempt 2");
        assertThat(log(second, "after")).contains("after saw attempt-");

        // A run with nothing failed: only all=true repeats it.
        var nothing = admin.http().send(admin.http().request("/api/v1/runs/" + first.get("id").asLong() + "/retry")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(nothing.statusCode()).as(nothing.body()).isEqualTo(409);
        assertThat(nothing.body()).contains("no failed, errored or cancelled task");
        var all = admin.http().send(admin.http().request("/api/v1/runs/" + first.get("id").asLong() + "/retry?all=true")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(all.statusCode()).as(all.body()).isEqualTo(202);
        JsonNode third = admin.await(first.get("id").asLong());
        assertThat(CiClient.tasks(third).get("unrelated").get("attempt").asInt()).isEqualTo(2);
        assertThat(third.get("status").asText()).isEqualTo("success");
    }

    @Test
    void execRunsAWorkflowLocallyWithActsFlags() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("slipway-exec-wf-").resolve("proj");
        java.nio.file.Files.createDirectories(dir.resolve(".gitea/workflows"));
        java.nio.file.Files.writeString(dir.resolve(".gitea/workflows/build.yaml"), WORKFLOW);
        java.nio.file.Files.writeString(dir.resolve("README"), "the readme\n");
        java.nio.file.Files.writeString(dir.resolve("secrets.env"), "TOKEN=\"s3cr3t-value\"\n");
        java.nio.file.Files.writeString(dir.resolve(".gitea/workflows/secret.yml"), """
                on: push
                jobs:
                  show:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "token=${{ secrets.TOKEN }} where=$WHERE kind=${{ vars.kind }}"
                """);
        String runner = TestImages.runner();
        Tools.Result one = exec(dir, "-W", ".gitea/workflows/build.yaml", "--event", "workflow_dispatch", "-P", "ubuntu-latest=" + runner,
                "-j", "version", "--input", "greeting=hey");
        assertThat(one.exit()).as(one.out() + one.err()).isZero();
        assertThat(one.out()).contains("hey loud=false").contains("on workflow_dispatch").doesNotContain("building");
        assertThat(one.err()).contains("version: success");

        Tools.Result withSecrets = exec(dir, "-W", ".gitea/workflows/secret.yml", "-P", "ubuntu-latest=" + runner,
                "--secret-file", dir.resolve("secrets.env").toString(), "--env", "WHERE=here", "--var", "KIND=local");
        assertThat(withSecrets.exit()).as(withSecrets.out() + withSecrets.err()).isZero();
        assertThat(withSecrets.out()).contains("token=*** where=here kind=local").doesNotContain("s3cr3t-value");

        Tools.Result noImage = exec(dir, "-W", ".gitea/workflows/secret.yml", "-P", "ubuntu-latest=local/no-such-runner:1");
        assertThat(noImage.exit()).isEqualTo(1);
        assertThat(noImage.out()).contains("maps to local/no-such-runner:1 through ci.actions.labels").contains("-P LABEL=IMAGE")
                .doesNotContain("too short to mask");

        Tools.Result unknownJob = exec(dir, "-W", ".gitea/workflows/build.yaml", "--event", "workflow_dispatch", "-j", "nope");
        assertThat(unknownJob.exit()).isEqualTo(2);
        assertThat(unknownJob.err()).contains("no job nope").contains("version, build");
        Tools.Result noEvent = exec(dir, "--event", "pull_request");
        assertThat(noEvent.exit()).isEqualTo(2);
        assertThat(noEvent.err()).contains("no workflow runs on pull_request").contains("build.yaml runs on push, workflow_dispatch");
        Tools.Result badInput = exec(dir, "-W", ".gitea/workflows/build.yaml", "--event", "workflow_dispatch", "--input", "loud=maybe");
        assertThat(badInput.exit()).isEqualTo(2);
        assertThat(badInput.err()).contains("loud");
        try (var files = java.nio.file.Files.list(dir)) { // the checkout is never written
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactlyInAnyOrder(".gitea", "README", "secrets.env");
        }
    }

    private static Tools.Result exec(Path dir, String... args) throws Exception {
        return ServerProcess.exec(dir, args);
    }

    String log(JsonNode run, String task) {
        return admin.log(run, task);
    }
}
