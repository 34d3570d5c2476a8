package dev.slipway.ci.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.definition.PipelineParser;
import dev.slipway.ci.model.Pipeline;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whether a task runs: its when: filters against the run, its status against the tasks before it, and the reasons it is skipped. */
class ConditionsTest {
    static final Pipeline P = new PipelineParser().parse(".slipway/ci.yml", """
            variables: { DEPLOY: "false", TARGET: staging }
            images: { box: local/busybox:1 }
            tasks:
              build: { image: box, commands: [ "true" ] }
              plain: { image: box, depends_on: [build], commands: [ "true" ] }
              on-failure: { image: box, when: { status: [failure] }, commands: [ "true" ] }
              always: { image: box, when: { status: [success, failure] }, commands: [ "true" ] }
              login: { image: box, when: { event: "!pull_request" }, commands: [ "true" ] }
              main-only: { image: box, when: { branch: [main, "release/**"] }, commands: [ "true" ] }
              release: { image: box, when: { tag: "v*" }, commands: [ "true" ] }
              deploy: { image: box, when: { variables: { DEPLOY: "true", TARGET: [staging, prod] } }, commands: [ "true" ] }
              pushes: { image: box, when: { event: [push, tag], status: [success, failure] }, commands: [ "true" ] }
            """);

    static Conditions.Facts push(String branch) {
        return new Conditions.Facts("push", branch, "", Map.of("DEPLOY", "false", "TARGET", "staging"));
    }

    static String why(String task, Map<String, TaskStatus> before, Conditions.Facts facts) {
        return Conditions.whyNot(P.task(task), List.copyOf(P.task(task).dependsOn()), before, facts);
    }

    static Map<String, TaskStatus> ended(Object... pairs) {
        Map<String, TaskStatus> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (TaskStatus) pairs[i + 1]);
        }
        return m;
    }

    @Test
    void withoutAConditionATaskRunsWhenWhatItDependsOnSucceeded() {
        assertThat(why("plain", ended("build", TaskStatus.SUCCESS), push("main"))).isNull();
        assertThat(why("plain", ended("build", TaskStatus.FAILURE), push("main"))).isEqualTo("task 'build' it depends on did not succeed (failure)");
        assertThat(why("plain", ended("build", TaskStatus.ERROR), push("main"))).isEqualTo("task 'build' it depends on did not succeed (error)");
        // GitHub's rule for needs: a dependency skipped for any reason skips its dependents.
        assertThat(why("plain", ended("build", TaskStatus.SKIPPED), push("main"))).isEqualTo("task 'build' it depends on was skipped");
    }

    @Test
    void failureRunsOnlyAfterAFailureAndBothStatusesAlways() {
        Map<String, TaskStatus> fine = ended("build", TaskStatus.SUCCESS, "plain", TaskStatus.SUCCESS, "login", TaskStatus.SKIPPED);
        Map<String, TaskStatus> failed = ended("build", TaskStatus.FAILURE, "plain", TaskStatus.SKIPPED);
        Map<String, TaskStatus> errored = ended("build", TaskStatus.SUCCESS, "plain", TaskStatus.ERROR);

        assertThat(why("on-failure", fine, push("main"))).isEqualTo("when.status is [failure], and no task before it failed");
        assertThat(why("on-failure", failed, push("main"))).isNull();
        assertThat(why("on-failure", errored, push("main"))).isNull();
        assertThat(why("on-failure", ended(), push("main"))).isEqualTo("when.status is [failure], and no task before it failed");
        assertThat(why("always", fine, push("main"))).isNull();
        assertThat(why("always", failed, push("main"))).isNull();
    }

    @Test
    void filtersOnTheRunsEventBranchTagAndVariables() {
        Map<String, TaskStatus> none = ended();
        assertThat(why("login", none, push("main"))).isNull();
        assertThat(why("login", none, new Conditions.Facts("pull_request", "main", "", Map.of())))
                .isEqualTo("when.event is [!pull_request]; this run's event is pull_request");

        assertThat(why("main-only", none, push("main"))).isNull();
        assertThat(why("main-only", none, push("release/1.2/hotfix"))).isNull();
        assertThat(why("main-only", none, push("dev"))).isEqualTo("when.branch is [main, release/**]; this run's branch is dev");
        assertThat(why("main-only", none, new Conditions.Facts("tag", "", "v1.0", Map.of())))
                .isEqualTo("when.branch is [main, release/**]; this run is not on a branch");

        assertThat(why("release", none, new Conditions.Facts("tag", "", "v1.0", Map.of()))).isNull();
        assertThat(why("release", none, new Conditions.Facts("tag", "", "nightly", Map.of())))
                .isEqualTo("when.tag is [v*]; this run's tag is nightly");
        assertThat(why("release", none, push("main"))).isEqualTo("when.tag is [v*]; this run is not for a tag");

        assertThat(why("deploy", none, push("main"))).isEqualTo("when.variables wants DEPLOY to be 'true'; it is 'false'");
        assertThat(why("deploy", none, new Conditions.Facts("api", "main", "", Map.of("DEPLOY", "true", "TARGET", "prod")))).isNull();
        assertThat(why("deploy", none, new Conditions.Facts("api", "main", "", Map.of("DEPLOY", "true", "TARGET", "qa"))))
                .isEqualTo("when.variables wants TARGET to be one of [staging, prod]; it is 'qa'");

        // Filters hold even for a task that would run whatever happened.
        assertThat(why("pushes", ended("build", TaskStatus.FAILURE), new Conditions.Facts("cron", "main", "", Map.of())))
                .isEqualTo("when.event is [push, tag]; this run's event is cron");
        assertThat(why("pushes", ended("build", TaskStatus.FAILURE), push("main"))).isNull();
    }

    @Test
    void factsComeFromTheRunsBuiltIns() {
        Map<String, String> pr = new RunValues("1", "o/r", "pull_request", "refs/pull/7/head", "abc", null, null, null,
                new CiStore.PullRequest(7, "feature", "main", false)).env();
        assertThat(Conditions.facts(pr, Map.of())).isEqualTo(new Conditions.Facts("pull_request", "main", "", Map.of()));
        Map<String, String> tag = new RunValues("1", "o/r", "tag", "refs/tags/v2", "abc").env();
        assertThat(Conditions.facts(tag, Map.of("A", "b"))).isEqualTo(new Conditions.Facts("tag", "", "v2", Map.of("A", "b")));
        Map<String, String> push = new RunValues("1", "o/r", "push", "refs/heads/dev", "abc").env();
        assertThat(Conditions.facts(push, Map.of()).branch()).isEqualTo("dev");
    }
}
