package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whether {@code on:} wants an event, with GitHub's filter rules, and the reason when not. */
class EventMatchTest {
    private static final String JOBS = "jobs: {build: {runs-on: x, steps: [{run: make}]}}\n";

    private static WorkflowEvent push(String ref) {
        return new WorkflowEvent.Push(ref);
    }

    private static WorkflowEvent pr(String action, String base) {
        return new WorkflowEvent.PullRequest(false, action, base);
    }

    /** on, the event, the changed files (null: must not be asked), and the reason (null: it runs). */
    static Stream<Arguments> cases() {
        return Stream.of(
                // no filters: any branch or tag
                Arguments.of("on: push", push("refs/heads/main"), null, null),
                Arguments.of("on: push", push("refs/tags/v1"), null, null),
                Arguments.of("on: pull_request", push("refs/heads/main"), null, "it has no push trigger ('on.push')"),
                Arguments.of("on: push", push("refs/pull/1/head"), null, "'refs/pull/1/head' is neither a branch nor a tag"),
                // branches only: tags never run (GitHub: the undefined ref kind does not run)
                Arguments.of("on: {push: {branches: [main]}}", push("refs/heads/main"), null, null),
                Arguments.of("on: {push: {branches: [main]}}", push("refs/heads/dev"), null,
                        "branch 'dev' does not match 'on.push.branches' [main]"),
                Arguments.of("on: {push: {branches: [main]}}", push("refs/tags/v1"), null,
                        "it runs for branch pushes only ('on.push.branches' without 'tags')"),
                Arguments.of("on: {push: {branches-ignore: [wip]}}", push("refs/tags/v1"), null,
                        "it runs for branch pushes only ('on.push.branches-ignore' without 'tags')"),
                // tags only: branches never run
                Arguments.of("on: {push: {tags: ['v*']}}", push("refs/tags/v1.2.0"), null, null),
                Arguments.of("on: {push: {tags: ['v*']}}", push("refs/tags/release-1"), null,
                        "tag 'release-1' does not match 'on.push.tags' [v*]"),
                Arguments.of("on: {push: {tags: ['v*']}}", push("refs/heads/main"), null,
                        "it runs for tag pushes only ('on.push.tags' without 'branches')"),
                Arguments.of("on: {push: {tags-ignore: ['*-rc*']}}", push("refs/tags/v1-rc1"), null,
                        "tag 'v1-rc1' matches 'on.push.tags-ignore' [*-rc*]"),
                Arguments.of("on: {push: {tags-ignore: ['*-rc*']}}", push("refs/tags/v1"), null, null),
                // both kinds of filters: each ref kind by its own
                Arguments.of("on: {push: {branches: [main], tags: ['v*']}}", push("refs/tags/v2"), null, null),
                Arguments.of("on: {push: {branches: [main], tags: ['v*']}}", push("refs/heads/main"), null, null),
                // GitHub's examples: * does not cross '/', ** does, '!' in order, the last match decides
                Arguments.of("on: {push: {branches: ['releases/*']}}", push("refs/heads/releases/10"), null, null),
                Arguments.of("on: {push: {branches: ['releases/*']}}", push("refs/heads/releases/10/beta"), null,
                        "branch 'releases/10/beta' does not match 'on.push.branches' [releases/*]"),
                Arguments.of("on: {push: {branches: ['releases/**', '!releases/**-alpha']}}", push("refs/heads/releases/10-alpha"), null,
                        "branch 'releases/10-alpha' does not match 'on.push.branches' [releases/**, !releases/**-alpha]"),
                Arguments.of("on: {push: {branches: ['releases/**', '!releases/**-alpha']}}", push("refs/heads/releases/10/beta"), null, null),
                Arguments.of("on: {push: {branches-ignore: ['mona/octocat', 'releases/**-alpha']}}", push("refs/heads/mona/octocat"), null,
                        "branch 'mona/octocat' matches 'on.push.branches-ignore' [mona/octocat, releases/**-alpha]"),
                Arguments.of("on: {push: {branches-ignore: ['mona/octocat', 'releases/**-alpha']}}", push("refs/heads/main"), null, null),
                // paths: at least one changed file passes; tags ignore paths
                Arguments.of("on: {push: {paths: ['dockerfiles/**']}}", push("refs/heads/main"), Set.of("dockerfiles/a/Dockerfile", "README.md"), null),
                Arguments.of("on: {push: {paths: ['dockerfiles/**']}}", push("refs/heads/main"), Set.of("README.md", "docs/x.md"),
                        "none of the 2 changed files matches 'on.push.paths' [dockerfiles/**]"),
                Arguments.of("on: {push: {paths: ['dockerfiles/**']}}", push("refs/tags/v1"), null, null),
                Arguments.of("on: {push: {paths: ['dockerfiles/**']}}", push("refs/heads/main"), Set.of(),
                        "no files changed (an empty commit), and it has a paths filter ('on.push.paths')"),
                Arguments.of("on: {push: {paths: ['sub-project/**', '!sub-project/docs/**']}}", push("refs/heads/main"),
                        Set.of("sub-project/docs/a.md"), "none of the 1 changed file matches 'on.push.paths' [sub-project/**, !sub-project/docs/**]"),
                // paths-ignore: runs unless every changed file is ignored
                Arguments.of("on: {push: {paths-ignore: ['docs/**']}}", push("refs/heads/main"), Set.of("docs/a.md", "src/b.c"), null),
                Arguments.of("on: {push: {paths-ignore: ['docs/**']}}", push("refs/heads/main"), Set.of("docs/a.md", "docs/b.md"),
                        "all 2 changed files match 'on.push.paths-ignore' [docs/**]"),
                Arguments.of("on: {push: {paths-ignore: ['docs/**']}}", push("refs/heads/main"), Set.of("docs/a.md"),
                        "the changed file matches 'on.push.paths-ignore' [docs/**]"),
                // branch filter decides before paths are asked
                Arguments.of("on: {push: {branches: [main], paths: ['src/**']}}", push("refs/heads/dev"), null,
                        "branch 'dev' does not match 'on.push.branches' [main]"),
                // pull requests: GitHub's default types, base branch filters, Gitea's 'synchronized'
                Arguments.of("on: pull_request", pr("opened", "main"), null, null),
                Arguments.of("on: pull_request", pr("synchronized", "main"), null, null),
                Arguments.of("on: pull_request", pr("closed", "main"), null,
                        "pull request action 'closed' is not in 'on.pull_request.types' [opened, synchronize, reopened]"),
                Arguments.of("on: {pull_request: {types: [closed]}}", pr("closed", "main"), null, null),
                Arguments.of("on: {pull_request: {branches: [main]}}", pr("opened", "refs/heads/main"), null, null),
                Arguments.of("on: {pull_request: {branches: [main]}}", pr("opened", "dev"), null,
                        "base branch 'dev' does not match 'on.pull_request.branches' [main]"),
                Arguments.of("on: {pull_request: {branches-ignore: ['release/*']}}", pr("opened", "release/1"), null,
                        "base branch 'release/1' matches 'on.pull_request.branches-ignore' [release/*]"),
                Arguments.of("on: {pull_request: {paths: ['src/**']}}", pr("opened", "main"), Set.of("README.md"),
                        "none of the 1 changed file matches 'on.pull_request.paths' [src/**]"),
                Arguments.of("on: pull_request", new WorkflowEvent.PullRequest(true, "opened", "main"), null,
                        "it has no 'on.pull_request_target' trigger"),
                Arguments.of("on: pull_request_target", new WorkflowEvent.PullRequest(true, "opened", "main"), null, null),
                // by hand, schedules, calls
                Arguments.of("on: workflow_dispatch", new WorkflowEvent.Dispatch(), null, null),
                Arguments.of("on: push", new WorkflowEvent.Dispatch(), null,
                        "it has no 'on.workflow_dispatch', so it cannot be started by hand"),
                Arguments.of("on: {schedule: [{cron: '0 3 * * *'}]}", new WorkflowEvent.Schedule("0 3 * * *"), null, null),
                Arguments.of("on: {schedule: [{cron: '0 3 * * *'}]}", new WorkflowEvent.Schedule("0 4 * * *"), null,
                        "'on.schedule' has no cron '0 4 * * *' (it has [0 3 * * *])"),
                Arguments.of("on: push", new WorkflowEvent.Schedule("0 4 * * *"), null, "it has no 'on.schedule'"),
                Arguments.of("on: workflow_call", new WorkflowEvent.Call(), null, null),
                Arguments.of("on: push", new WorkflowEvent.Call(), null, "it has no 'on.workflow_call', so other workflows cannot call it"));
    }

    @ParameterizedTest(name = "{0} / {1} -> {3}")
    @MethodSource("cases")
    void decides(String on, WorkflowEvent event, Set<String> changed, String reason) {
        Workflow w = TestFiles.read(on + "\n" + JOBS);
        Optional<String> why = w.on().whyNot(event, () -> {
            if (changed == null) {
                fail("the changed files were asked for, though no paths filter needs them");
            }
            return changed;
        });
        assertThat(why).isEqualTo(Optional.ofNullable(reason));
    }
}
