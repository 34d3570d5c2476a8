package dev.slipway.actions.run;

import static dev.slipway.actions.run.JobFixture.job;
import static dev.slipway.actions.run.Steps.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.slipway.actions.expr.Status.Conclusion;
import dev.slipway.actions.run.Annotation.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workflow commands in a step's output, masks and problem matchers, with real processes. */
class JobCommandsTest {
    @TempDir
    Path dir;
    JobFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new JobFixture(dir);
    }

    @Test
    void secretsAreMaskedInOutputInTheScriptShownAndInSummaries() {
        JobResult r = f.run(job(
                run("echo \"pw=${{ secrets.PW }} token=$TOKEN\"\necho \"## Deployed with ${{ secrets.PW }}\" >> $GITHUB_STEP_SUMMARY")
                        .env("TOKEN", "${{ secrets.GITHUB_TOKEN }}"),
                run("echo base64=$(printf 'user:hunter2-secret-pw' | base64)").name("Deploy with ${{ secrets.PW }}")),
                JobContexts.of(Map.of("PW", "hunter2-secret-pw"), Map.of()));
        assertThat(f.log.stdout()).as("the secret's base64 is hidden too").isEqualTo("pw=*** token=***\nbase64=dXNlcjpo***w==\n");
        assertThat(f.log.stdout()).doesNotContain("hunter2-secret-pw").doesNotContain(JobFixture.TOKEN).doesNotContain("dW50ZXIyLXNlY3JldC1wd");
        assertThat(f.log.text()).doesNotContain("hunter2-secret-pw");
        assertThat(f.log.system()).contains("echo \"pw=*** token=$TOKEN\"", "  TOKEN: ***");
        assertThat(r.steps().getFirst().summary()).isEqualTo("## Deployed with ***\n");
        assertThat(r.steps().get(1).summary()).isNull();
        assertThat(r.steps().get(1).name()).isEqualTo("Deploy with ***");
        assertThat(f.log.started()).contains("2 MAIN Deploy with ***");
    }

    @Test
    void addMaskHidesAValueFromThatPointOnInEveryLaterWriteAndStep() {
        JobResult r = f.run(job(
                run("import sys, time\n"
                        + "value = 'tmp-' + 'pass-4711'\n"
                        + "print('before:', value, flush=True)\n"
                        + "print('::add-mask::' + value, flush=True)\n"
                        + "sys.stdout.write('after: tmp-pa'); sys.stdout.flush(); time.sleep(0.05)\n"
                        + "sys.stdout.write('ss-4711 end\\n'); sys.stdout.flush()\n"
                        + "print('on stderr tmp-pass-4711', file=sys.stderr, flush=True)\n"
                        + "print('::error title=tmp-pass-4711::failed with tmp-pass-4711', flush=True)\n")
                        .shell("python"),
                run("echo \"next step: tmp-pass-4711\"; echo '::add-mask::abc'")));
        assertThat(f.log.stdout()).isEqualTo("before: tmp-pass-4711\nafter: *** end\nnext step: ***\n");
        assertThat(f.log.stderr()).isEqualTo("on stderr ***\n");
        assertThat(f.log.system()).contains("##[error]failed with ***");
        Annotation error = r.steps().getFirst().annotations().getFirst();
        assertThat(error.message()).isEqualTo("failed with ***");
        assertThat(error.title()).isEqualTo("***");
        assertThat(r.steps().get(1).annotations()).extracting(Annotation::level).containsExactly(Level.WARNING);
        assertThat(r.steps().get(1).annotations().getFirst().message()).contains("shorter than 4 characters");
    }

    @Test
    void errorWarningAndNoticeCommandsAreAnnotationsWithTheirPositions() throws Exception {
        Files.createDirectories(f.workspace().resolve("src"));
        String ws = f.workspace().toString();
        JobResult r = f.run(job(run(String.join("\n",
                "echo '::error file=app.js,line=1,col=5,endColumn=7::Missing semicolon'",
                "echo \"::warning file=" + ws + "/src/a.py,line=3,endLine=5,title=Old API::Use the new one%0Aplease\"",
                "echo '::notice::Just so you know'",
                "echo '::error line=4,col=2::col without file is fine, endLine before line is dropped'",
                "echo '::warning line=9,endLine=2::bad range'",
                "echo '::NOTICE col=3::no line: no column'",
                "echo regular output"))));
        assertThat(r.result()).as("annotations alone do not fail a step").isEqualTo(Conclusion.SUCCESS);
        assertThat(r.steps().getFirst().annotations()).extracting(Annotation::level, Annotation::message, Annotation::title,
                Annotation::file, Annotation::line, Annotation::endLine, Annotation::column, Annotation::endColumn).containsExactly(
                tuple(Level.ERROR, "Missing semicolon", null, "app.js", 1, null, 5, 7),
                tuple(Level.WARNING, "Use the new one\nplease", "Old API", "src/a.py", 3, 5, null, null),
                tuple(Level.NOTICE, "Just so you know", null, null, null, null, null, null),
                tuple(Level.ERROR, "col without file is fine, endLine before line is dropped", null, null, 4, null, 2, null),
                tuple(Level.WARNING, "bad range", null, null, null, null, null, null),
                tuple(Level.NOTICE, "no line: no column", null, null, null, null, null, null));
        assertThat(f.log.stdout()).as("the commands are consumed").isEqualTo("regular output\n");
        assertThat(f.log.system()).containsSubsequence("##[error]Missing semicolon", "##[warning]Use the new one", "please",
                "##[notice]Just so you know");
    }

    @Test
    void groupsStayInTheLogAndDebugShowsOnlyWithStepDebug() throws Exception {
        Job job = job(run("echo '::group::Install'; echo inside; echo '::endgroup::'; echo '::debug::details %25 here'"));
        f.run(job);
        assertThat(f.log.stdout()).isEqualTo("::group::Install\ninside\n::endgroup::\n");
        assertThat(f.log.system()).noneMatch(l -> l.startsWith("##[debug]"));
        JobFixture debug = new JobFixture(dir.resolve("debug"));
        debug.run(job, JobContexts.of(Map.of("ACTIONS_STEP_DEBUG", "true"), Map.of()));
        assertThat(debug.log.system()).contains("##[debug]details % here");
        JobFixture byVar = new JobFixture(dir.resolve("var"));
        byVar.run(job(run("echo \"runner.debug=${{ runner.debug }} RUNNER_DEBUG=$RUNNER_DEBUG\"; echo '::debug::shown'")),
                JobContexts.of(Map.of(), Map.of("ACTIONS_STEP_DEBUG", "true")));
        assertThat(byVar.log.system()).contains("##[debug]shown");
        assertThat(byVar.log.stdout()).isEqualTo("runner.debug=1 RUNNER_DEBUG=1\n");
    }

    @Test
    void stopCommandsTurnsCommandsIntoOutputUntilItsToken() {
        JobResult r = f.run(job(run(String.join("\n",
                "echo '::stop-commands::pause-token-1'",
                "echo '::error::not an annotation'",
                "echo '::set-output name=x::ignored'",
                "echo '::pause-token-1::'",
                "echo '::notice::processed again'")).id("s")));
        assertThat(f.log.stdout()).isEqualTo("::stop-commands::pause-token-1\n::error::not an annotation\n::set-output name=x::ignored\n"
                + "::pause-token-1::\n");
        assertThat(r.steps().getFirst().annotations()).extracting(Annotation::message).containsExactly("processed again");
        assertThat(r.steps().getFirst().outputs()).isEmpty();
    }

    @Test
    void deprecatedSetOutputAndSaveStateWorkWithAWarning() {
        JobResult r = f.run(job(
                run("echo '::set-output name=color::green%0Ablue'; echo '::save-state name=pid::123'; echo '::echo::on';"
                        + " echo '::set-output name=size::big'").id("pick"),
                run("echo \"${{ steps.pick.outputs.color }} ${{ steps.pick.outputs.size }}\"")));
        assertThat(r.steps().getFirst().outputs()).containsExactly(Map.entry("color", "green\nblue"), Map.entry("size", "big"));
        assertThat(r.steps().getFirst().annotations()).extracting(Annotation::level).containsOnly(Level.WARNING).hasSize(3);
        assertThat(r.steps().getFirst().annotations().getFirst().message())
                .startsWith("The `set-output` command is deprecated and will be disabled soon.");
        assertThat(r.steps().getFirst().annotations().get(1).message()).startsWith("The `save-state` command is deprecated");
        assertThat(f.log.stdout()).as("with echo on, commands show").isEqualTo("::set-output name=size::big\ngreen\nblue big\n");
    }

    @Test
    void setEnvAndAddPathAreDisabledUnlessUnsecureCommandsAreAllowed() throws Exception {
        JobResult r = f.run(job(run("echo '::set-env name=A::1'").id("env"), run("echo '::add-path::/opt/x'").id("path").when("always()")));
        assertThat(r.steps()).extracting(StepResult::outcome).containsExactly(Conclusion.FAILURE, Conclusion.FAILURE);
        assertThat(r.steps().getFirst().annotations()).extracting(Annotation::message).containsExactly(
                "Unable to process command '::set-env name=A::1' successfully.",
                "The `set-env` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution"
                        + " by setting the `ACTIONS_ALLOW_UNSECURE_COMMANDS` environment variable to `true`. For more information see:"
                        + " https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/");

        JobFixture allowed = new JobFixture(dir.resolve("allowed"));
        Job base = job(run("echo '::set-env name=A::from-set-env'; echo '::add-path::/opt/added'"),
                run("echo \"$A ${PATH%%:*}\""));
        JobResult ok = allowed.run(new Job(base.id(), null, base.steps(), null, Steps.templates("ACTIONS_ALLOW_UNSECURE_COMMANDS", "true"),
                null, null, null));
        assertThat(ok.result()).isEqualTo(Conclusion.SUCCESS);
        assertThat(allowed.log.stdout()).isEqualTo("from-set-env /opt/added\n");
    }

    /** A matcher in the shape of the gcc one setup actions register, against gcc's diagnostic format (coloured, as -fdiagnostics-color prints it). */
    @Test
    void aProblemMatcherTurnsToolOutputIntoAnnotationsForLaterStepsToo() throws Exception {
        Files.createDirectories(f.workspace().resolve("src"));
        Files.writeString(f.workspace().resolve("src/main.c"), "int main() { int x; }\n");
        Files.writeString(f.workspace().resolve(".github-gcc.json"), ProblemMatchersTest.GCC);
        JobResult r = f.run(job(
                run("echo '::add-matcher::.github-gcc.json'"),
                run("printf 'src/main.c: In function \\x27main\\x27:\\n'\n"
                        + "printf '\\033[01m\\033[Ksrc/main.c:1:18:\\033[m\\033[K \\033[01;35m\\033[Kwarning: \\033[m\\033[Kunused variable \\x27x\\x27 [-Wunused-variable]\\n'\n"
                        + "echo 'gone.c:3:1: error: this file is not in the workspace' >&2"),
                // In a step of its own: stdout and stderr are read apart, so within one step a removal on
                // stdout could overtake the stderr line above.
                run("echo '::remove-matcher owner=gcc-problem-matcher::'\n"
                        + "echo 'src/main.c:2:1: error: no longer matched'")));
        assertThat(r.steps().get(2).annotations()).as("after remove-matcher").isEmpty();
        assertThat(r.steps().get(1).annotations()).extracting(Annotation::level, Annotation::message, Annotation::file, Annotation::line,
                Annotation::column).as("stdout and stderr are read apart, so their order may vary").containsExactlyInAnyOrder(
                tuple(Level.WARNING, "unused variable 'x' [-Wunused-variable]", "src/main.c", 1, 18),
                tuple(Level.ERROR, "this file is not in the workspace", null, 3, 1));
        assertThat(f.log.stdout()).as("matched lines stay in the log as written").contains("\u001b[01;35m\u001b[Kwarning: ");
    }

    /** fromPath: a file named relative to the project file a tool reports (as MSBuild-style matchers use it). */
    @Test
    void fromPathRootsAMatchedFileAtTheDirectoryOfAnotherFile() throws Exception {
        Files.createDirectories(f.workspace().resolve("libs/core"));
        Files.writeString(f.workspace().resolve("libs/core/util.c"), "");
        Files.writeString(f.workspace().resolve("m.json"), """
                {"problemMatcher": [{"owner": "proj", "pattern": [
                  {"regexp": "^(\\\\S+): (\\\\S+)\\\\((\\\\d+)\\\\): (warning|error) (\\\\w+): (.*)$",
                   "fromPath": 1, "file": 2, "line": 3, "severity": 4, "code": 5, "message": 6}]}]}
                """);
        JobResult r = f.run(job(run("echo ::add-matcher::m.json\n"
                + "echo 'libs/core/core.proj: util.c(12): warning W42: implicit conversion'\n"
                + "echo 'libs/core/core.proj: ../../escape.c(1): error E1: outside the workspace'")));
        assertThat(r.steps().getFirst().annotations()).extracting(Annotation::file, Annotation::line, Annotation::code, Annotation::message)
                .containsExactly(tuple("libs/core/util.c", 12, "W42", "implicit conversion"),
                        tuple(null, 1, "E1", "outside the workspace"));
    }

    /** A three-line matcher over a real python3 traceback: file and line, the code line, then the exception. */
    @Test
    void aMultiLineMatcherReadsARealPythonTraceback() throws Exception {
        Files.writeString(f.workspace().resolve("tool.py"), "import sys\n\ndef main():\n    raise ValueError('the input is empty')\n\nmain()\n");
        Files.writeString(f.workspace().resolve("python.json"), """
                {"problemMatcher": [{"owner": "python-traceback", "pattern": [
                  {"regexp": "^\\\\s*File \\"(.*)\\", line (\\\\d+), in (.*)$", "file": 1, "line": 2},
                  {"regexp": "^\\\\s+(.*)$"},
                  {"regexp": "^(\\\\w+Error): (.*)$", "code": 1, "message": 2}]}]}
                """);
        JobResult r = f.run(job(run("echo \"::add-matcher::$GITHUB_WORKSPACE/python.json\"\npython3 tool.py").continueOnError("true")));
        assertThat(r.steps().getFirst().annotations()).extracting(Annotation::level, Annotation::message, Annotation::file, Annotation::line,
                Annotation::code).startsWith(tuple(Level.ERROR, "the input is empty", "tool.py", 4, "ValueError"));
        assertThat(f.log.stderr()).contains("ValueError: the input is empty");
    }

    @Test
    void aBadMatcherFileFailsTheStepAndSaysWhy() throws Exception {
        Files.writeString(f.workspace().resolve("bad.json"), "{\"problemMatcher\": [{\"owner\": \"x\", \"pattern\": []}]}");
        JobResult r = f.run(job(run("echo '::add-matcher::bad.json'"), run("echo '::add-matcher::missing.json'").when("always()")));
        assertThat(r.steps()).extracting(StepResult::outcome).containsExactly(Conclusion.FAILURE, Conclusion.FAILURE);
        assertThat(r.steps().getFirst().annotations()).extracting(Annotation::message).containsExactly(
                "Unable to process command '::add-matcher::bad.json' successfully.",
                "problem matcher file " + f.workspace() + "/bad.json: Matcher 'x' does not contain any patterns");
        assertThat(r.steps().get(1).annotations().get(1).message()).startsWith("cannot read problem matcher file " + f.workspace() + "/missing.json");
    }
}
