package dev.slipway.ci.trigger;

import dev.slipway.ci.definition.Patterns;
import dev.slipway.ci.model.Triggers;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which pipelines an event starts: their {@code on:} against the event's kind, ref, changed paths
 * and head commit message. Each "no" comes with the reason a forge's delivery log shows.
 */
final class Selection {
    private Selection() {}

    /**
     * Why {@code triggers} does not want the event, or empty when it does. {@code changed} is asked
     * only when a paths filter needs it. An empty change list (an empty commit) matches no paths
     * filter, so a pipeline that names paths never runs for one (seed 001's empty-commit pain).
     */
    static Optional<String> whyNot(Triggers triggers, Event e, Supplier<Set<String>> changed) {
        return switch (e.kind()) {
            case PUSH, TAG -> push(triggers.push(), e, changed);
            case PULL_REQUEST -> pullRequest(triggers.pullRequest(), e, changed);
            case CRON, MANUAL, API -> Optional.empty();
        };
    }

    private static Optional<String> push(Triggers.Push push, Event e, Supplier<Set<String>> changed) {
        if (push == null) {
            return Optional.of("it has no push trigger ('on.push')");
        }
        boolean tag = e.kind() == Event.Kind.TAG;
        String name = e.shortRef();
        List<String> mine = tag ? push.tags() : push.branches();
        List<String> other = tag ? push.branches() : push.tags();
        String what = tag ? "tag" : "branch";
        if (mine.isEmpty() && !other.isEmpty()) {
            return Optional.of("it runs for " + (tag ? "branch" : "tag") + " pushes only ('on.push." + (tag ? "branches" : "tags") + "')");
        }
        if (!mine.isEmpty() && !Patterns.matches(mine, name)) {
            return Optional.of(what + " '" + name + "' does not match 'on.push." + (tag ? "tags" : "branches") + "' " + mine);
        }
        return paths(push.paths(), "on.push.paths", changed);
    }

    private static Optional<String> pullRequest(Triggers.PullRequest pr, Event e, Supplier<Set<String>> changed) {
        if (pr == null) {
            return Optional.of("it has no pull request trigger ('on.pull_request')");
        }
        if (!pr.types().contains(e.action())) {
            return Optional.of("pull request action '" + e.action() + "' is not in 'on.pull_request.types' " + pr.types());
        }
        String base = e.pullRequest().baseRef();
        if (!pr.branches().isEmpty() && !Patterns.matches(pr.branches(), base)) {
            return Optional.of("base branch '" + base + "' does not match 'on.pull_request.branches' " + pr.branches());
        }
        return paths(pr.paths(), "on.pull_request.paths", changed);
    }

    private static Optional<String> paths(List<String> patterns, String key, Supplier<Set<String>> changed) {
        if (patterns.isEmpty()) {
            return Optional.empty();
        }
        Set<String> files = changed.get();
        if (files.isEmpty()) {
            return Optional.of("no files changed (an empty commit), and it has a paths filter ('" + key + "')");
        }
        if (!Patterns.anyMatches(patterns, files)) {
            return Optional.of("none of the " + files.size() + " changed file" + (files.size() == 1 ? "" : "s") + " matches '" + key + "' "
                    + patterns);
        }
        return Optional.empty();
    }
}
