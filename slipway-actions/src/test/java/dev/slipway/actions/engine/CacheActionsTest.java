package dev.slipway.actions.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.actions.cache.CacheStore;
import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Status.Conclusion;
import dev.slipway.actions.run.ActionRunner;
import dev.slipway.actions.run.Job;
import dev.slipway.actions.run.JobContexts;
import dev.slipway.actions.run.JobResult;
import dev.slipway.actions.run.JobRuntime;
import dev.slipway.actions.run.LocalSession;
import dev.slipway.actions.run.RecordingLog;
import dev.slipway.actions.run.RunInfo;
import dev.slipway.actions.run.RunnerInfo;
import dev.slipway.actions.run.Step;
import dev.slipway.actions.run.StepResult;
import dev.slipway.ci.scheduler.RunProgram;
import dev.slipway.ci.workspace.Dirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in cache actions on a local session with the real tar: a miss that saves in the post
 * step, an exact hit that restores and does not save, a restore key's partial match, paths in and
 * outside the workspace, immutable keys, no save after a failed job, fail-on-cache-miss.
 */
class CacheActionsTest {
    static final String MAIN = "refs/heads/main";

    @TempDir
    Path dir;
    LocalSession session;
    Path workspace;
    Path outside;
    RecordingLog log;
    RunProgram.CacheArea area;

    @BeforeEach
    void setUp() throws Exception {
        session = LocalSession.in(dir.resolve("job"));
        workspace = Path.of(session.workspace());
        outside = Files.createDirectories(dir.resolve("home/tool"));
        Path caches = Files.createDirectories(dir.resolve("caches"));
        area = new RunProgram.CacheArea() {
            @Override
            public Path dir() {
                return caches;
            }

            @Override
            public String defaultBranch() {
                return "main";
            }

            @Override
            public long quotaBytes() {
                return -1;
            }

            @Override
            public String change(Change change) throws java.io.IOException {
                change.run();
                return null;
            }
        };
    }

    JobResult job(String ref, Step... steps) {
        log = new RecordingLog();
        RunInfo info = RunInfo.builder().serverUrl("http://forge.test/").repository("alice/app").sha("0123456789abcdef0123456789abcdef01234567")
                .ref(ref).event("push", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()).runId("1").runNumber(1)
                .actor("alice").workflow("w").token("t").build();
        List<String> scopes = dev.slipway.actions.cache.CacheLookup.restoreScopes(ref, null, null, "main");
        return new JobRuntime(session, log, new BuiltinActions(ActionRunner.none(), null, area, scopes))
                .run(Job.of("build", List.of(steps)), info, RunnerInfo.linux("test", dir.resolve("tools").toString()), JobContexts.EMPTY);
    }

    Step.Uses cache(String uses, Map<String, String> with) {
        Map<String, dev.slipway.actions.expr.Template> w = new LinkedHashMap<>();
        with.forEach((k, v) -> w.put(k, Expressions.template(v)));
        return new Step.Uses(new Step.Options("c", null, null, Map.of(), null, null), uses, w);
    }

    Step.Uses cached(String key, String restoreKeys) {
        Map<String, String> with = new LinkedHashMap<>(Map.of("key", key, "path", "deps\n" + outside));
        if (restoreKeys != null) {
            with.put("restore-keys", restoreKeys);
        }
        return cache("actions/cache@v4", with);
    }

    static Step.Run run(String script) {
        return new Step.Run(Step.Options.NONE, Expressions.template(script), "bash", null);
    }

    /** What the job's second step sees, then it writes {@code content} to the cached paths. */
    Step.Run report(String content) {
        return run("echo \"hit=${{ steps.c.outputs.cache-hit }} matched=${{ steps.c.outputs.cache-matched-key }}\"\n"
                + "cat deps/f " + outside + "/g 2>/dev/null || echo nothing\n"
                + "mkdir -p deps && echo " + content + " > deps/f && echo " + content + " > " + outside + "/g");
    }

    void clean() throws Exception {
        Dirs.reset(workspace.resolve("deps"));
        Dirs.reset(outside);
        Files.createDirectories(outside);
    }

    List<String> annotations(JobResult r) {
        List<String> out = new ArrayList<>();
        for (StepResult s : r.steps()) {
            s.annotations().forEach(a -> out.add(a.level().word() + ": " + a.message()));
        }
        return out;
    }

    @Test
    void aMissSavesAfterTheJobAnExactHitRestoresAndARestoreKeyMatchesPartly() throws Exception {
        JobResult first = job(MAIN, cached("deps-1", null), report("one"));
        assertThat(first.result()).as(log.text()).isEqualTo(Conclusion.SUCCESS);
        assertThat(log.stdout()).contains("hit= matched=\nnothing\n");
        assertThat(log.system()).anyMatch(l -> l.startsWith("Cache not found for input keys: deps-1"))
                .anyMatch(l -> l.startsWith("Cache saved with key: deps-1"));
        assertThat(first.steps()).extracting(StepResult::phase).containsExactly(StepResult.Phase.MAIN, StepResult.Phase.MAIN,
                StepResult.Phase.POST);

        clean();
        JobResult second = job(MAIN, cached("deps-1", "deps-"), report("two"));
        assertThat(second.result()).as(log.text()).isEqualTo(Conclusion.SUCCESS);
        assertThat(log.stdout()).contains("hit=true matched=deps-1\none\none\n");
        assertThat(log.system()).contains("Cache restored from key: deps-1")
                .contains("Cache hit occurred on the primary key deps-1, not saving cache.");

        clean();
        JobResult third = job(MAIN, cached("deps-2", "nothing-\ndeps-"), report("three"));
        assertThat(third.result()).as(log.text()).isEqualTo(Conclusion.SUCCESS);
        assertThat(log.stdout()).contains("hit=false matched=deps-1\none\none\n"); // deps-1's files: "two" was never saved
        assertThat(log.system()).anyMatch(l -> l.startsWith("Cache saved with key: deps-2"));
        assertThat(new CacheStore(area.dir()).entries()).extracting(e -> e.scope() + " " + e.key())
                .containsExactlyInAnyOrder(MAIN + " deps-1", MAIN + " deps-2");
    }

    @Test
    void savedKeysAreImmutableAndAFailedJobSavesNothing() throws Exception {
        Files.createDirectories(workspace.resolve("deps"));
        Files.writeString(workspace.resolve("deps/f"), "x");
        Map<String, String> with = Map.of("key", "k", "path", "deps");
        JobResult saves = job(MAIN, cache("actions/cache/save@v4", with), cache("actions/cache/save@v4", with));
        assertThat(saves.result()).as(log.text()).isEqualTo(Conclusion.SUCCESS);
        assertThat(annotations(saves)).containsExactly("warning: Failed to save: Cache already exists: key k was saved on " + MAIN
                + " before, and saved caches are immutable (save under a new key to change it)");

        JobResult failed = job(MAIN, cached("failed-1", null), report("one"), run("exit 1"));
        assertThat(failed.result()).isEqualTo(Conclusion.FAILURE);
        assertThat(failed.steps().getLast().phase()).isEqualTo(StepResult.Phase.POST);
        assertThat(failed.steps().getLast().conclusion()).isEqualTo(Conclusion.SKIPPED); // post-if: success()
        assertThat(new CacheStore(area.dir()).entries()).extracting(e -> e.key()).containsExactly("k");

        JobResult nothing = job(MAIN, cache("actions/cache/save@v3", Map.of("key", "none", "path", "not-there/*")));
        assertThat(annotations(nothing)).singleElement().asString().contains("Path Validation Error");
    }

    @Test
    void aMissCanFailTheStepAndLookupOnlyRestoresNothing() throws Exception {
        Files.createDirectories(workspace.resolve("deps"));
        Files.writeString(workspace.resolve("deps/f"), "x");
        job(MAIN, cache("actions/cache/save@v4", Map.of("key", "k-1", "path", "deps")));
        Dirs.reset(workspace.resolve("deps"));

        JobResult lookup = job(MAIN, cache("actions/cache/restore@v4", Map.of("key", "k-1", "path", "deps", "lookup-only", "true")),
                run("echo \"hit=${{ steps.c.outputs.cache-hit }} key=${{ steps.c.outputs.cache-primary-key }}\"; ls deps 2>/dev/null || echo none"));
        assertThat(log.stdout()).isEqualTo("hit=true key=k-1\nnone\n");
        assertThat(lookup.steps()).extracting(StepResult::phase).doesNotContain(StepResult.Phase.POST); // restore never saves

        JobResult miss = job(MAIN, cache("actions/cache/restore@v4", Map.of("key", "k-2", "path", "deps", "fail-on-cache-miss", "true")));
        assertThat(miss.result()).isEqualTo(Conclusion.FAILURE);
        assertThat(annotations(miss)).containsExactly(
                "error: Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: k-2");

        JobResult refused = job(MAIN, cache("actions/cache@v4", Map.of("key", "a,b", "path", "deps")));
        assertThat(refused.result()).isEqualTo(Conclusion.FAILURE);
        assertThat(annotations(refused)).containsExactly("error: Key Validation Error: a,b cannot contain commas.");
    }

    @Test
    void aFeatureBranchRestoresTheDefaultBranchsCacheAndKeepsItsOwnToItself() throws Exception {
        job(MAIN, cached("deps-main", null), report("main"));
        clean();
        job("refs/heads/feature", cached("deps-feature", "deps-"), report("feature"));
        assertThat(log.stdout()).contains("hit=false matched=deps-main\nmain\nmain\n");
        clean();
        job("refs/heads/other", cached("deps-feature", null), report("other"));
        assertThat(log.stdout()).contains("hit= matched=\nnothing\n");
    }

    @Test
    void wildcardsAndExclusionsChooseWhatIsSaved() throws Exception {
        Map<String, String> with = Map.of("key", "w", "path", "out/*.txt\n!out/skip.txt\n**/deep.bin");
        JobResult saved = job(MAIN, run("mkdir -p out a/b && echo k > out/keep.txt && echo s > out/skip.txt && echo o > out/other.log"
                + " && echo d > a/b/deep.bin"), cache("actions/cache/save@v4", with));
        assertThat(saved.result()).as(log.text()).isEqualTo(Conclusion.SUCCESS);
        Dirs.reset(workspace.resolve("out"));
        Dirs.reset(workspace.resolve("a"));
        JobResult restored = job(MAIN, cache("actions/cache/restore@v4", with), run("find out a -type f | sort"));
        assertThat(restored.result()).as(log.text()).isEqualTo(Conclusion.SUCCESS);
        assertThat(log.stdout()).isEqualTo("a/b/deep.bin\nout/keep.txt\n");
    }
}
