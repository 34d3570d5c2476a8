package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code uses:} steps that are not built in (issue 11), on a real server and engine: local
 * composite, JavaScript and Docker actions, actions fetched from Git repositories served through
 * a {@code file://} {@code ci.actions.url} (and cached by commit), and {@code docker://image}.
 */
class ActionsUsesIT {
    static TestServer server;
    static CiClient admin;
    /** {@code ci.actions.url}: bare repositories at {@code <owner>/<repo>} or {@code <owner>/<repo>.git}. */
    static Path remotes;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.sharedWorkflows();
        remotes = TestServer.sharedWorkflowActions();
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        admin = new CiClient(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD), "admin");
    }

    static String workflow(String steps) {
        return """
                on: workflow_dispatch
                jobs:
                  j:
                    runs-on: ubuntu-latest
                    steps:
                """ + steps.indent(6);
    }

    static final String GREET = """
            name: greet
            inputs:
              who:
                required: true
              punct:
                default: "!"
            outputs:
              greeting:
                value: ${{ steps.say.outputs.text }}
            runs:
              using: composite
              steps:
                - id: say
                  shell: bash
                  run: |
                    echo "text=hello ${{ inputs.who }}${{ inputs.punct }}" >> "$GITHUB_OUTPUT"
                    echo "composite at ${{ github.action_path }}"
                - shell: bash
                  run: echo "second step sees ${{ steps.say.outputs.text }}"
            """;

    @Test
    void aLocalCompositeActionTakesInputsAndGivesOutputs() throws Exception {
        Path repo = GitRepos.create(Map.of(
                ".gitea/workflows/w.yaml", workflow("""
                        - uses: ./.github/actions/greet
                          id: greet
                          with:
                            who: world
                        - run: echo "output=${{ steps.greet.outputs.greeting }}"
                        """),
                ".github/actions/greet/action.yml", GREET));
        admin.register("composite", repo);
        JsonNode run = admin.run("composite", "{\"workflow\":\"w.yaml\"}");
        String log = admin.log(run, "j");
        assertThat(run.get("status").asText()).as(log).isEqualTo("success");
        assertThat(log).contains("second step sees hello world!").contains("output=hello world!")
                .containsPattern("composite at /\\S+/\\.github/actions/greet");
    }

    @Test
    void aLocalJavaScriptActionRunsItsPreMainAndPostStepsWithInputsAndState() throws Exception {
        Path repo = GitRepos.create(Map.of(
                ".gitea/workflows/w.yaml", workflow("""
                        - uses: ./tools/hello
                          id: hello
                          with:
                            name: slipway
                        - run: echo "between, out=${{ steps.hello.outputs.out }}"
                        """),
                "tools/hello/action.yml", """
                        name: hello
                        inputs:
                          name:
                            default: nobody
                          greeting:
                            default: hi
                        runs:
                          using: node20
                          pre: pre.js
                          main: main.js
                          post: post.js
                        """,
                "tools/hello/pre.js", """
                        const fs = require('fs');
                        console.log('pre ' + process.env.INPUT_NAME);
                        fs.appendFileSync(process.env.GITHUB_STATE, 'started=yes\\n');
                        """,
                "tools/hello/main.js", """
                        const fs = require('fs');
                        console.log('main ' + process.env.INPUT_GREETING + ' ' + process.env.INPUT_NAME + ' state=' + process.env.STATE_started);
                        fs.appendFileSync(process.env.GITHUB_OUTPUT, 'out=done\\n');
                        """,
                "tools/hello/post.js", "console.log('post state=' + process.env.STATE_started);\n"));
        admin.register("node", repo);
        JsonNode run = admin.run("node", "{\"workflow\":\"w.yaml\"}");
        String log = admin.log(run, "j");
        assertThat(run.get("status").asText()).as(log).isEqualTo("success");
        assertThat(log).containsSubsequence("pre slipway", "main hi slipway state=yes", "between, out=done", "post state=yes");
        JsonNode steps = CiClient.tasks(run).get("j").get("steps");
        assertThat(steps.findValuesAsText("phase")).containsExactly("pre", "main", "main", "post");
    }

    @Test
    void aRemoteActionIsFetchedOnceAndThenComesFromTheCache() throws Exception {
        bare("octo/greet.git", Map.of("action.yml", GREET), "v1");
        bare("octo/tools", Map.of("echo/action.yml", """
                inputs:
                  word: {}
                runs:
                  using: node20
                  main: index.js
                """, "echo/index.js", "console.log('remote node action says ' + process.env.INPUT_WORD);\n"), "v2");
        Path repo = GitRepos.create(Map.of(".gitea/workflows/w.yaml", workflow("""
                - uses: octo/greet@v1
                  id: greet
                  with:
                    who: remote
                - uses: octo/tools/echo@v2
                  with:
                    word: ${{ steps.greet.outputs.greeting }}
                """)));
        admin.register("remote", repo);
        JsonNode first = admin.run("remote", "{\"workflow\":\"w.yaml\"}");
        String log = admin.log(first, "j");
        assertThat(first.get("status").asText()).as(log).isEqualTo("success");
        assertThat(log).contains("second step sees hello remote!").contains("remote node action says hello remote!")
                .contains("octo/greet@v1: fetching " + url("octo/greet")) // JGit finds octo/greet.git itself on file://
                .contains("octo/tools/echo@v2: fetching " + url("octo/tools"));
        Path cache = server.dataDir().resolve("ci/actions");
        Map<Path, Object> before = commits(cache);
        assertThat(before).hasSize(2);

        JsonNode second = admin.run("remote", "{\"workflow\":\"w.yaml\"}");
        String again = admin.log(second, "j");
        assertThat(second.get("status").asText()).as(again).isEqualTo("success");
        assertThat(again).doesNotContain("fetching").contains("octo/greet@v1: v1 is commit").contains("in Slipway's action cache")
                .contains("remote node action says hello remote!").doesNotContain("Unexpected input");
        assertThat(commits(cache)).as("the cached commits are the same directories, not cloned again").isEqualTo(before);
    }

    @Test
    void aFetchThatFailsFailsTheStepAndNamesTheUrl() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/w.yaml", workflow("""
                - run: echo before
                - uses: octo/missing@v1
                - run: echo after
                  if: always()
                """)));
        admin.register("missing", repo);
        JsonNode run = admin.run("missing", "{\"workflow\":\"w.yaml\"}");
        String log = admin.log(run, "j");
        assertThat(run.get("status").asText()).as(log).isEqualTo("failure");
        assertThat(log).contains("before").contains("after")
                .contains("cannot fetch octo/missing@v1 from " + url("octo/missing") + " or " + url("octo/missing.git"));
        JsonNode steps = CiClient.tasks(run).get("j").get("steps");
        assertThat(steps.findValuesAsText("conclusion")).containsExactly("success", "failure", "success");
    }

    @Test
    void dockerActionsRunBesideTheJobAndShareItsWorkspace() throws Exception {
        Path repo = GitRepos.create(Map.of(
                ".gitea/workflows/w.yaml", workflow("""
                        - run: echo "made-$((6*7))" > made.txt
                        - uses: docker://local/busybox:1
                          with:
                            args: sh -c "echo image in $(pwd) reads $(cat made.txt); echo seen=yes >> $GITHUB_OUTPUT"
                          id: image
                        - uses: ./box
                          id: box
                          with:
                            who: docker
                        - run: echo "outputs ${{ steps.image.outputs.seen }} ${{ steps.box.outputs.said }}; $(cat from-action.txt)"
                        - uses: docker://local/busybox:1
                          id: slow
                          timeout-minutes: 0.05
                          continue-on-error: true
                          with:
                            args: sleep 120
                        - run: echo "slow was ${{ steps.slow.outcome }}"
                        """),
                "box/action.yml", """
                        inputs:
                          who:
                            required: true
                        runs:
                          using: docker
                          image: Dockerfile
                          args: ["${{ inputs.who }}"]
                          env:
                            EXTRA: extra-${{ inputs.who }}
                        """,
                "box/Dockerfile", """
                        FROM local/busybox:1
                        COPY entry.sh /entry.sh
                        ENTRYPOINT ["/bin/sh", "/entry.sh"]
                        """,
                "box/entry.sh", """
                        echo "action greets $1 INPUT_WHO=$INPUT_WHO EXTRA=$EXTRA workspace=$GITHUB_WORKSPACE"
                        echo "said=yes" >> "$GITHUB_OUTPUT"
                        echo "written by the action" > from-action.txt
                        """));
        admin.register("docker", repo);
        long start = System.nanoTime();
        JsonNode run = admin.run("docker", "{\"workflow\":\"w.yaml\"}");
        String log = admin.log(run, "j");
        assertThat(run.get("status").asText()).as(log).isEqualTo("success");
        assertThat(log).contains("image in /github/workspace reads made-42")
                .contains("action greets docker INPUT_WHO=docker EXTRA=extra-docker workspace=/github/workspace")
                .contains("outputs yes yes; written by the action")
                .contains("The action has timed out.").contains("slow was failure");
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("the sleeping container was stopped at the step's timeout").isLessThan(java.time.Duration.ofSeconds(90));
    }

    /** A bare repository at {@code <remotes>/<path>} with {@code files} committed and tagged {@code tag}. */
    static void bare(String path, Map<String, String> files, String tag) throws Exception {
        Path work = GitRepos.create(files);
        GitRepos.git(work, "tag", "-a", tag, "-m", tag);
        Path target = remotes.resolve(path);
        Files.createDirectories(target.getParent());
        GitRepos.git(work.getParent(), "clone", "-q", "--bare", work.toString(), target.toString());
    }

    static String url(String path) {
        return remotes.toUri().toString().replaceAll("/$", "") + "/" + path;
    }

    /** The cached commit directories and their file keys (a directory made again has a new one). */
    static Map<Path, Object> commits(Path cache) throws Exception {
        Map<Path, Object> out = new HashMap<>();
        try (Stream<Path> walk = Files.walk(cache)) {
            for (Path p : walk.filter(p -> p.getFileName().toString().matches("[0-9a-f]{40}")).toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.put(cache.relativize(p), List.of(a.fileKey(), a.creationTime()));
            }
        }
        return out;
    }
}
