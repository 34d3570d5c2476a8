package dev.slipway.actions.run;

import static dev.slipway.actions.run.JobFixture.job;
import static dev.slipway.actions.run.Steps.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Status.Conclusion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs run with real bash, sh and python3 processes on a LocalSession: steps, shells, env, files, outputs, conditions. */
class JobRuntimeTest {
    @TempDir
    Path dir;
    JobFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new JobFixture(dir);
    }

    @Test
    void stepsRunInOrderBetweenStepMarkersWithTheirOutputByteForByte() {
        JobResult r = f.run(job(
                run("printf 'a\\033[31mred\\033[0m\\r\\n\\377'; echo to-stderr >&2").name("First"),
                run("echo second; exit 3").name("Second"),
                run("echo never")));
        assertThat(r.result()).isEqualTo(Conclusion.FAILURE);
        assertThat(JobFixture.names(r)).containsExactly("First", "Second", "Run echo never");
        assertThat(r.steps()).extracting(StepResult::outcome).containsExactly(Conclusion.SUCCESS, Conclusion.FAILURE, Conclusion.SKIPPED);
        assertThat(r.steps()).extracting(StepResult::exitCode).containsExactly(0, 3, null);
        byte[] expected = "a\u001b[31mred\u001b[0m\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(f.log.stdout()).startsWith(new String(expected, StandardCharsets.UTF_8));
        assertThat(f.log.stderr()).isEqualTo("to-stderr\n");
        String log = f.log.text();
        assertThat(log).containsSubsequence("[s] ##[step]First\n", "[s] ##[group]Run printf", "[s] shell: bash -e {0}\n",
                "[s] ##[endgroup]\n", "a\u001b[31mred", "[s] ##[endstep]success ", "[s] ##[step]Second\n", "second\n",
                "[s] ##[error]Process completed with exit code 3.\n", "[s] ##[endstep]failure ",
                "[s] ##[step]Run echo never\n", "[s] Skipped: if: success()\n", "[s] ##[endstep]skipped\n");
        assertThat(r.steps().get(1).annotations()).extracting(Annotation::message).containsExactly("Process completed with exit code 3.");
        assertThat(f.log.started()).containsExactly("1 MAIN First", "2 MAIN Second", "3 MAIN Run echo never");
        assertThat(f.log.finished()).hasSize(3);
    }

    @Test
    void theDefaultShellIsBashWithoutPipefailAndTheBuiltInShellsRunAsGitHubRunsThem() {
        JobResult r = f.run(job(
                run("false | true\necho \"default: ${BASH_VERSION:+bash}\"").id("default"),
                run("false | true\necho not reached").shell("bash").id("pipefail").continueOnError("true"),
                run("false\necho not reached").shell("sh").id("sh").continueOnError("true"),
                run("false\necho no -e with a template").shell("bash {0}").id("custom"),
                run("import sys\nprint('python', sys.version_info[0])").shell("python").id("python"),
                run("print qq(perl says hi\\n);").shell("perl {0}").id("perl"),
                run("Write-Output hi").shell("pwsh").id("pwsh").continueOnError("true"),
                run("echo x").shell("zsh").id("zsh").continueOnError("true")));
        assertThat(r.steps()).extracting(StepResult::outcome).containsExactly(Conclusion.SUCCESS, Conclusion.FAILURE, Conclusion.FAILURE,
                Conclusion.SUCCESS, Conclusion.SUCCESS, Conclusion.SUCCESS, Conclusion.FAILURE, Conclusion.FAILURE);
        assertThat(f.log.stdout()).contains("default: bash\n", "no -e with a template\n", "python 3\n", "perl says hi\n")
                .doesNotContain("not reached");
        assertThat(f.log.system()).contains("shell: bash -e {0}", "shell: bash --noprofile --norc -eo pipefail {0}", "shell: sh -e {0}",
                "shell: bash {0}", "shell: perl {0}");
        assertThat(r.steps().get(6).annotations().getFirst().message()).contains("pwsh needs PowerShell");
        assertThat(r.steps().get(7).annotations().getFirst().message()).isEqualTo(Shell.INVALID);
        assertThat(r.result()).isEqualTo(Conclusion.SUCCESS);
    }

    @Test
    void workingDirectoriesAreRelativeToTheWorkspaceAndDefaultsApply() throws Exception {
        Files.createDirectories(f.workspace().resolve("app/inner"));
        Job base = job(
                run("pwd"),
                run("pwd").workingDirectory("app/inner"),
                run("pwd").workingDirectory(dir.toString()),
                run("pwd").workingDirectory("missing").id("missing"));
        Job job = new Job(base.id(), null, base.steps(), null, null,
                new Job.Defaults(null, Expressions.template("${{ 'app' }}")), null, null);
        JobResult r = f.run(job);
        assertThat(f.log.stdout()).isEqualTo(f.workspace().resolve("app") + "\n" + f.workspace().resolve("app/inner") + "\n" + dir + "\n");
        assertThat(r.steps().get(3).outcome()).isEqualTo(Conclusion.FAILURE);
        assertThat(r.steps().get(3).annotations().getFirst().message()).contains(f.workspace() + "/missing");
    }

    @Test
    void envComesFromTheWorkflowTheJobGithubEnvAndTheStepInThatOrderAndDefaultVariablesCannotBeChanged() {
        Job base = job(
                run("echo \"C=from-github-env\" >> $GITHUB_ENV\necho 'D=from-github-env' >> \"$GITHUB_ENV\""),
                run("echo \"$A $B $C $D ${{ env.D }} $E\"\necho \"sha=$GITHUB_SHA ci=$CI\"").env("D", "step").env("E", "${{ env.B }}")
                        .when("env.D == 'step'"));
        Job job = new Job(base.id(), null, base.steps(),
                Steps.templates("A", "wf", "B", "wf", "C", "wf", "D", "wf"),
                Steps.templates("B", "job", "C", "job", "D", "job", "GITHUB_SHA", "changed", "CI", "custom"), null, null, null);
        JobResult r = f.run(job);
        assertThat(r.result()).isEqualTo(Conclusion.SUCCESS);
        assertThat(f.log.stdout()).isEqualTo("wf job from-github-env step step job\nsha=" + JobFixture.SHA + " ci=custom\n");
    }

    @Test
    void environmentFilesAsActsEnvironmentFilesWorkflowUsesThem() throws Exception {
        JobResult r = f.run(job(
                run("echo \"$HOME/someFolder\" >> $GITHUB_PATH"),
                run("echo \"$HOME/someOtherFolder\" >> $GITHUB_PATH"),
                run("case \"$PATH\" in *\"$HOME/someOtherFolder:$HOME/someFolder:\"*) echo path-ok;; *) echo \"bad $PATH\"; exit 1;; esac"),
                run("path_add=$(mktemp -d)\nprintf '#!/bin/sh\\necho called ls\\n' > $path_add/ls\nchmod +x $path_add/ls\necho $path_add >> $GITHUB_PATH"),
                run("ls | grep -q 'called ls' && echo ls-overridden"),
                run("echo \"KEY=value=anothervalue\" >> $GITHUB_ENV\n"
                        + "echo 'KEY2<<EOF' >> $GITHUB_ENV\necho line1 >> $GITHUB_ENV\necho line2 >> $GITHUB_ENV\necho 'EOF' >> $GITHUB_ENV\n"
                        + "echo 'KEY3<<ghadelimiter_b8273c6d-d535-419a-a010-b0aaac240e36' >> $GITHUB_ENV\necho value3 >> $GITHUB_ENV\n"
                        + "echo 'ghadelimiter_b8273c6d-d535-419a-a010-b0aaac240e36' >> $GITHUB_ENV"),
                run("[ \"$KEY\" = value=anothervalue ] && [ \"$KEY2\" = \"$(printf 'line1\\nline2')\" ] && [ \"$KEY3\" = value3 ] && echo env-ok"),
                run("echo \"KEY=value\" >> $GITHUB_OUTPUT\n{ echo 'MULTI<<EOF'; echo a; echo b; echo EOF; } >> $GITHUB_OUTPUT").id("out"),
                run("[ \"${{ steps.out.outputs.KEY }}\" = value ] && [ \"${{ steps.out.outputs.MULTI }}\" = \"$(printf 'a\\nb')\" ] && echo output-ok"),
                run("[ \"${{ github.env }}\" = \"$GITHUB_ENV\" ] && [ \"${{ github.path }}\" = \"$GITHUB_PATH\" ] && echo github-files-ok")));
        assertThat(r.result()).as(f.log.text()).isEqualTo(Conclusion.SUCCESS);
        assertThat(f.log.stdout()).isEqualTo("path-ok\nls-overridden\nenv-ok\noutput-ok\ngithub-files-ok\n");
        assertThat(r.steps().get(7).outputs()).containsExactly(Map.entry("KEY", "value"), Map.entry("MULTI", "a\nb"));
        assertThat(Files.list(dir.resolve("temp/_runner_file_commands"))).as("a step's files are removed when it ends").isEmpty();
    }

    @Test
    void aMalformedFileCommandFailsTheStepWithTheRunnersMessage() throws Exception {
        JobResult r = f.run(job(run("echo 'BAD<<EOF' >> $GITHUB_OUTPUT; echo value >> $GITHUB_OUTPUT").id("bad"),
                run("echo 'NODE_OPTIONS=--require evil.js' >> $GITHUB_ENV").id("node"),
                run("echo \"node options: ${NODE_OPTIONS:-unset}\"").when("always()")));
        assertThat(r.steps().get(0).outcome()).isEqualTo(Conclusion.FAILURE);
        assertThat(r.steps().get(0).annotations()).extracting(Annotation::message)
                .containsExactly("Unable to process file command 'output' successfully.", "Invalid value. Matching delimiter not found 'EOF'");
        assertThat(r.steps().get(1).outcome()).as("skipped after the failure").isEqualTo(Conclusion.SKIPPED);
        JobResult r2 = new JobFixture(dir.resolve("2")).run(job(run("echo 'NODE_OPTIONS=--require evil.js' >> $GITHUB_ENV"),
                run("echo \"node options: ${NODE_OPTIONS:-unset}\"")));
        assertThat(r2.result()).isEqualTo(Conclusion.SUCCESS);
        assertThat(r2.steps().get(0).annotations()).extracting(Annotation::message)
                .containsExactly("Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.");
    }

    @Test
    void statusFunctionsSeeFailedStepsAndContinueOnErrorStepsCountAsSuccess() {
        JobResult r = f.run(job(
                run("echo one").id("a"),
                run("exit 1").id("b").continueOnError("${{ true }}"),
                run("echo \"b: ${{ steps.b.outcome }} ${{ steps.b.conclusion }}\"").id("after-b"),
                run("exit 2").id("c"),
                run("echo should-skip").id("skipped"),
                run("echo on-failure").id("on-failure").when("failure()"),
                run("echo c-failed").id("c-failed").when("${{ failure() && steps.c.outcome == 'failure' }}"),
                run("echo always").id("always").when("always()"),
                run("echo on-cancel").id("on-cancel").when("cancelled()"),
                run("echo job-status=${{ job.status }}").when("always()")));
        assertThat(r.steps()).extracting(StepResult::id, StepResult::outcome, StepResult::conclusion).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", Conclusion.SUCCESS, Conclusion.SUCCESS),
                org.assertj.core.groups.Tuple.tuple("b", Conclusion.FAILURE, Conclusion.SUCCESS),
                org.assertj.core.groups.Tuple.tuple("after-b", Conclusion.SUCCESS, Conclusion.SUCCESS),
                org.assertj.core.groups.Tuple.tuple("c", Conclusion.FAILURE, Conclusion.FAILURE),
                org.assertj.core.groups.Tuple.tuple("skipped", Conclusion.SKIPPED, Conclusion.SKIPPED),
                org.assertj.core.groups.Tuple.tuple("on-failure", Conclusion.SUCCESS, Conclusion.SUCCESS),
                org.assertj.core.groups.Tuple.tuple("c-failed", Conclusion.SUCCESS, Conclusion.SUCCESS),
                org.assertj.core.groups.Tuple.tuple("always", Conclusion.SUCCESS, Conclusion.SUCCESS),
                org.assertj.core.groups.Tuple.tuple("on-cancel", Conclusion.SKIPPED, Conclusion.SKIPPED),
                org.assertj.core.groups.Tuple.tuple(null, Conclusion.SUCCESS, Conclusion.SUCCESS));
        assertThat(f.log.stdout()).isEqualTo("one\nb: failure success\non-failure\nc-failed\nalways\njob-status=failure\n");
        assertThat(f.log.system()).contains("Skipped: if: cancelled()", "continue-on-error: the step failed, and the job goes on as if it had succeeded")
                .anyMatch(l -> l.startsWith("##[endstep]success (outcome failure) "));
        assertThat(r.result()).isEqualTo(Conclusion.FAILURE);
    }

    @Test
    void badExpressionsFailTheStepThatHasThem() {
        JobResult r = f.run(job(
                run("echo ${{ fromJSON('{') }}").id("script").continueOnError("true"),
                run("echo x").id("cond").when("fromJSON('nope') == 1").continueOnError("true"),
                run("echo x").id("env").env("X", "${{ fromJSON('[1') }}").continueOnError("true"),
                run("echo x").id("timeout").timeoutMinutes("soon").continueOnError("true"),
                run("echo fine").name("Build ${{ github.repository }} ${{ fromJSON('{') }}")));
        assertThat(r.steps()).extracting(StepResult::outcome).containsExactly(Conclusion.FAILURE, Conclusion.FAILURE, Conclusion.FAILURE,
                Conclusion.FAILURE, Conclusion.SUCCESS);
        assertThat(r.steps().get(1).annotations().getFirst().message()).startsWith("the step's if: ");
        assertThat(r.steps().get(2).annotations().getFirst().message()).startsWith("the step's env: ");
        assertThat(r.steps().get(3).annotations().getFirst().message()).isEqualTo("timeout-minutes must be a number, not 'soon'");
        assertThat(r.steps().get(4).name()).as("a name that cannot be evaluated shows as written")
                .isEqualTo("Build ${{ github.repository }} ${{ fromJSON('{') }}");
    }

    @Test
    void stepsAndJobOutputsAndOutputsThatHoldSecretsAreLeftOut() {
        Job base = job(run("echo v=1.2.3 >> $GITHUB_OUTPUT; echo tok=${{ secrets.GITHUB_TOKEN }} >> $GITHUB_OUTPUT").id("version"));
        Job job = new Job(base.id(), null, base.steps(), null, null, null,
                Steps.templates("version", "v${{ steps.version.outputs.v }}", "token", "${{ steps.version.outputs.tok }}",
                        "missing", "${{ steps.nope.outputs.x }}"), null);
        JobResult r = f.run(job);
        assertThat(r.outputs()).containsExactly(Map.entry("version", "v1.2.3"), Map.entry("missing", ""));
        assertThat(r.annotations()).extracting(Annotation::message).containsExactly("Skip output 'token' since it may contain secret.");
        assertThat(r.result()).isEqualTo(Conclusion.SUCCESS);
    }

    @Test
    void theStandardEnvironmentAndTheContexts() throws Exception {
        Files.writeString(f.workspace().resolve("a.txt"), "hash me");
        JobContexts contexts = new JobContexts(Map.of("V", "var-value"), Map.of("PW", "hunter2-secret"),
                JobFixture.json("{\"name\": \"in\"}"), JobFixture.json("{\"os\": \"linux\"}"),
                JobFixture.json("{\"job-index\": 1, \"job-total\": 2}"),
                JobFixture.json("{\"setup\": {\"result\": \"success\", \"outputs\": {\"v\": \"from-setup\"}}}"), null, null);
        JobResult r = f.run(job(
                run("for v in CI GITHUB_ACTIONS GITEA_ACTIONS GITHUB_WORKSPACE GITHUB_SHA GITHUB_REF GITHUB_REF_NAME GITHUB_REF_TYPE "
                        + "GITHUB_EVENT_NAME GITHUB_REPOSITORY GITHUB_REPOSITORY_OWNER GITHUB_RUN_ID GITHUB_RUN_NUMBER GITHUB_RUN_ATTEMPT "
                        + "GITHUB_JOB GITHUB_ACTION GITHUB_ACTOR GITHUB_SERVER_URL GITHUB_API_URL RUNNER_OS RUNNER_NAME RUNNER_TEMP "
                        + "RUNNER_TOOL_CACHE; do eval \"echo $v=\\$$v\"; done\n"
                        + "echo GITHUB_TOKEN=${GITHUB_TOKEN-unset} RUNNER_DEBUG=${RUNNER_DEBUG-unset}\n"
                        + "cat \"$GITHUB_EVENT_PATH\" | tr -d ' \\n'; echo"),
                run("echo \"$GITHUB_ACTION\"").id("named"),
                run("echo \"$GITHUB_ACTION\""),
                run("echo '${{ gitea.repository }} ${{ forgejo.sha }} ${{ github.event.head_commit.message }} ${{ runner.os }} "
                        + "${{ matrix.os }} ${{ needs.setup.outputs.v }} ${{ inputs.name }} ${{ vars.V }} ${{ strategy.job-index }} "
                        + "${{ secrets.GITHUB_TOKEN == github.token }} ${{ secrets.GITEA_TOKEN == github.token }} ${{ job.status }} "
                        + "${{ hashFiles('*.txt') != '' }} ${{ runner.temp == env.RUNNER_TEMP }}'")),
                contexts);
        assertThat(r.result()).as(f.log.text()).isEqualTo(Conclusion.SUCCESS);
        String ws = f.workspace().toString();
        assertThat(f.log.stdout()).isEqualTo("""
                CI=true
                GITHUB_ACTIONS=true
                GITEA_ACTIONS=true
                GITHUB_WORKSPACE=%s
                GITHUB_SHA=%s
                GITHUB_REF=refs/heads/main
                GITHUB_REF_NAME=main
                GITHUB_REF_TYPE=branch
                GITHUB_EVENT_NAME=push
                GITHUB_REPOSITORY=alice/app
                GITHUB_REPOSITORY_OWNER=alice
                GITHUB_RUN_ID=42
                GITHUB_RUN_NUMBER=7
                GITHUB_RUN_ATTEMPT=1
                GITHUB_JOB=build
                GITHUB_ACTION=__run
                GITHUB_ACTOR=alice
                GITHUB_SERVER_URL=http://forge.test:3000
                GITHUB_API_URL=http://forge.test:3000/api/v1
                RUNNER_OS=Linux
                RUNNER_NAME=slipway-test
                RUNNER_TEMP=%s
                RUNNER_TOOL_CACHE=%s
                GITHUB_TOKEN=unset RUNNER_DEBUG=unset
                {"head_commit":{"message":"Fixthebuild"},"ref":"refs/heads/main"}
                named
                __run_2
                alice/app %s Fix the build Linux linux from-setup in var-value 1 true true success true false
                """.formatted(ws, JobFixture.SHA, dir.resolve("temp"), dir.resolve("tool-cache"), JobFixture.SHA));
    }
}
