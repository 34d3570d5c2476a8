package dev.slipway.ci.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.model.Triggers;
import dev.slipway.ci.scheduler.CiStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The on: filters: glob patterns, skip markers, and which pipelines an event starts (with the reason for those it does not). */
class SelectionTest {
    static Event push(String ref) {
        return Event.push(ref, "c0ffee", "0000", "msg", "a", null, "test");
    }

    static Event pr(String action, String base) {
        return new Event(Event.Kind.PULL_REQUEST, "refs/pull/3/head", "c0ffee", null, null, null,
                new CiStore.PullRequest(3, "feature", base, false), action, null, "test", null, null);
    }

    static Supplier<Set<String>> changed(String... paths) {
        return () -> Set.of(paths);
    }

    static Supplier<Set<String>> notAsked() {
        return () -> {
            throw new AssertionError("changed paths were computed without a paths filter");
        };
    }

    @Test
    void everyStandardSkipMarkerAndCustomOnesInTheHeadMessage() {
        for (String marker : List.of("[skip ci]", "[ci skip]", "[no ci]", "[skip actions]", "[actions skip]")) {
            assertThat(SkipMarkers.find("docs: typo " + marker.toUpperCase(), List.of())).contains(marker);
        }
        assertThat(SkipMarkers.find("build: bump [skip images]", List.of("[skip images]"))).contains("[skip images]");
        assertThat(SkipMarkers.find("build: bump [skip images]", List.of())).isEmpty();
        assertThat(SkipMarkers.find("skip ci without brackets", List.of())).isEmpty();
    }

    @Test
    void pushesMatchBranchesTagsAndPaths() {
        Triggers mainOnly = new Triggers(new Triggers.Push(List.of("main"), List.of(), List.of()), true, List.of());
        assertThat(Selection.whyNot(mainOnly, push("refs/heads/main"), notAsked())).isEmpty();
        assertThat(Selection.whyNot(mainOnly, push("refs/heads/dev"), notAsked()))
                .contains("branch 'dev' does not match 'on.push.branches' [main]");
        assertThat(Selection.whyNot(mainOnly, push("refs/tags/v1"), notAsked()))
                .contains("it runs for branch pushes only ('on.push.branches')");
        Triggers any = new Triggers(new Triggers.Push(List.of(), List.of(), List.of()), true, List.of());
        assertThat(Selection.whyNot(any, push("refs/tags/v1"), notAsked())).isEmpty();
        Triggers tags = new Triggers(new Triggers.Push(List.of(), List.of("v*"), List.of()), true, List.of());
        assertThat(Selection.whyNot(tags, push("refs/tags/v1.2.0"), notAsked())).isEmpty();
        assertThat(Selection.whyNot(tags, push("refs/tags/nightly"), notAsked())).contains("tag 'nightly' does not match 'on.push.tags' [v*]");
        assertThat(Selection.whyNot(tags, push("refs/heads/main"), notAsked())).contains("it runs for tag pushes only ('on.push.tags')");
        assertThat(Selection.whyNot(Triggers.MANUAL_ONLY, push("refs/heads/main"), notAsked())).contains("it has no push trigger ('on.push')");

        Triggers paths = new Triggers(new Triggers.Push(List.of("main"), List.of(), List.of("dockerfiles/**")), true, List.of());
        assertThat(Selection.whyNot(paths, push("refs/heads/main"), changed("dockerfiles/a/Dockerfile", "README.md"))).isEmpty();
        assertThat(Selection.whyNot(paths, push("refs/heads/main"), changed("README.md")))
                .contains("none of the 1 changed file matches 'on.push.paths' [dockerfiles/**]");
        assertThat(Selection.whyNot(paths, push("refs/heads/main"), changed()))
                .contains("no files changed (an empty commit), and it has a paths filter ('on.push.paths')");
        assertThat(Selection.whyNot(paths, push("refs/heads/dev"), notAsked())).isPresent(); // the branch decides first
    }

    @Test
    void pullRequestsMatchTypesBaseBranchesAndPaths() {
        Triggers t = new Triggers(null, new Triggers.PullRequest(List.of("main"), List.of(), Triggers.PullRequest.DEFAULT_TYPES), true, List.of());
        assertThat(Selection.whyNot(t, pr("opened", "main"), notAsked())).isEmpty();
        assertThat(Selection.whyNot(t, pr("synchronize", "main"), notAsked())).isEmpty();
        assertThat(Selection.whyNot(t, pr("closed", "main"), notAsked()))
                .contains("pull request action 'closed' is not in 'on.pull_request.types' [opened, synchronize, reopened]");
        assertThat(Selection.whyNot(t, pr("opened", "develop"), notAsked()))
                .contains("base branch 'develop' does not match 'on.pull_request.branches' [main]");
        Triggers pushOnly = new Triggers(new Triggers.Push(List.of(), List.of(), List.of()), true, List.of());
        assertThat(Selection.whyNot(pushOnly, pr("opened", "main"), notAsked())).contains("it has no pull request trigger ('on.pull_request')");
        Optional<String> any = Selection.whyNot(Triggers.MANUAL_ONLY, new Event(Event.Kind.CRON, "refs/heads/main", null, null, null, null,
                null, null, null, "cron", null, "0 3 * * *@0"), notAsked());
        assertThat(any).as("a cron event names its pipeline; no filter applies").isEmpty();
    }

    @Test
    void oneEventRefAndCommitMakeOneKey() {
        assertThat(TriggerService.dedupeKey(push("refs/heads/main"), "abc")).isEqualTo("push:refs/heads/main:abc");
        assertThat(TriggerService.dedupeKey(push("refs/tags/v1"), "abc")).isEqualTo("tag:refs/tags/v1:abc");
        assertThat(TriggerService.dedupeKey(pr("opened", "main"), "abc")).isEqualTo(TriggerService.dedupeKey(pr("synchronize", "main"), "abc"));
        assertThat(TriggerService.dedupeKey(pr("closed", "main"), "abc")).isEqualTo("pull_request:3:closed:abc");
    }
}
