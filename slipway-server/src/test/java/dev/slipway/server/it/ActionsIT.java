package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GitHub Actions workflows (issue 11) on a real server and engine: discovery in .gitea/workflows,
 * jobs in the Debian runner image, needs and outputs, a matrix expanded into tasks, dispatch
 * inputs, the run JSON's steps.
 */
class ActionsIT {
    static TestServer server;
    static CiClient admin;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        String runner = TestImages.runner();
        server = TestServer.start(Map.of("ci.actions.labels", "ubuntu-latest:" + runner));
        admin = new CiClient(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD), "admin");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
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
        assertThat(run.get("status").asText()).as(run.toPrettyString() + log(run, "version") + log(run, "build (a)")).isEqualTo("success");
        assertThat(tasks).containsOnlyKeys("version", "build (a)", "build (b)");
        String version = log(run, "version");
        assertThat(version).contains("hi loud=true from admin/wf on workflow_dispatch");
        assertThat(tasks.get("version").get("outputs").get("version").asText()).isEqualTo("v1.2." + run.get("id").asLong());
        String a = log(run, "build (a)");
        assertThat(a).contains("building demo-a at v1.2." + run.get("id").asLong()).contains("the readme").contains("node v");
        assertThat(log(run, "build (b)")).contains("building demo-b");
        JsonNode steps = tasks.get("build (a)").get("steps");
        assertThat(steps.findValuesAsText("name")).contains("Build a");
        assertThat(steps.findValuesAsText("conclusion")).containsOnly("success");
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

    String log(JsonNode run, String task) {
        return admin.log(run, task);
    }
}
