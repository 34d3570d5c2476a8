package dev.slipway.actions.workflow;

import dev.slipway.ci.definition.Patterns;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Whether a workflow's {@code on:} wants an event, with GitHub's filter rules, and why not when
 * it does not. Patterns are the native pipelines' ({@link Patterns}): in order, the last match
 * decides, {@code !} excludes.
 */
final class EventMatcher {
    private static final String HEADS = "refs/heads/";
    private static final String TAGS = "refs/tags/";

    private EventMatcher() {}

    static Optional<String> whyNot(On on, WorkflowEvent event, Supplier<Set<String>> changed) {
        return switch (event) {
            case WorkflowEvent.Push push -> push(on.push(), push.ref(), changed);
            case WorkflowEvent.PullRequest pr -> pullRequest(pr.target() ? on.pullRequestTarget() : on.pullRequest(), pr, changed);
            case WorkflowEvent.Dispatch d -> on.workflowDispatch() != null ? Optional.empty()
                    : Optional.of("it has no 'on.workflow_dispatch', so it cannot be started by hand");
            case WorkflowEvent.Schedule s -> schedule(on, s.cron());
            case WorkflowEvent.Call c -> on.workflowCall() != null ? Optional.empty()
                    : Optional.of("it has no 'on.workflow_call', so other workflows cannot call it");
        };
    }

    /**
     * GitHub: with only branch filters a tag push does not run the workflow and the other way
     * round; with neither, both do. Paths are not looked at for tag pushes.
     */
    private static Optional<String> push(On.Push push, String ref, Supplier<Set<String>> changed) {
        if (push == null) {
            return Optional.of("it has no push trigger ('on.push')");
        }
        boolean tag = ref.startsWith(TAGS);
        if (!tag && !ref.startsWith(HEADS)) {
            return Optional.of("'" + ref + "' is neither a branch nor a tag");
        }
        String name = ref.substring(tag ? TAGS.length() : HEADS.length());
        boolean branchFilter = !push.branches().isEmpty() || !push.branchesIgnore().isEmpty();
        boolean tagFilter = !push.tags().isEmpty() || !push.tagsIgnore().isEmpty();
        if (tag && branchFilter && !tagFilter) {
            return Optional.of("it runs for branch pushes only ('on.push." + (push.branches().isEmpty() ? "branches-ignore" : "branches")
                    + "' without 'tags')");
        }
        if (!tag && tagFilter && !branchFilter) {
            return Optional.of("it runs for tag pushes only ('on.push." + (push.tags().isEmpty() ? "tags-ignore" : "tags")
                    + "' without 'branches')");
        }
        String what = tag ? "tag" : "branch";
        Optional<String> filtered = names(what, name, tag ? push.tags() : push.branches(), tag ? push.tagsIgnore() : push.branchesIgnore(),
                "on.push." + (tag ? "tags" : "branches"));
        if (filtered.isPresent() || tag) {
            return filtered;
        }
        return paths(push.paths(), push.pathsIgnore(), "on.push", changed);
    }

    private static Optional<String> pullRequest(On.PullRequest pr, WorkflowEvent.PullRequest e, Supplier<Set<String>> changed) {
        String key = "on." + e.name();
        if (pr == null) {
            return Optional.of("it has no '" + key + "' trigger");
        }
        String action = e.action().equals("synchronized") ? "synchronize" : e.action(); // Gitea's and Forgejo's spelling
        if (!pr.types().contains(action)) {
            return Optional.of("pull request action '" + action + "' is not in '" + key + ".types' " + pr.types());
        }
        String base = e.baseRef().startsWith(HEADS) ? e.baseRef().substring(HEADS.length()) : e.baseRef();
        Optional<String> filtered = names("base branch", base, pr.branches(), pr.branchesIgnore(), key + ".branches");
        return filtered.isPresent() ? filtered : paths(pr.paths(), pr.pathsIgnore(), key, changed);
    }

    private static Optional<String> names(String what, String name, List<String> include, List<String> ignore, String key) {
        if (!include.isEmpty() && !Patterns.matches(include, name)) {
            return Optional.of(what + " '" + name + "' does not match '" + key + "' " + include);
        }
        if (!ignore.isEmpty() && Patterns.matches(ignore, name)) {
            return Optional.of(what + " '" + name + "' matches '" + key + "-ignore' " + ignore);
        }
        return Optional.empty();
    }

    /**
     * {@code paths}: at least one changed file must pass; {@code paths-ignore}: at least one must
     * not be ignored. No changed file at all (an empty commit) passes neither, so a workflow that
     * filters paths never runs for one.
     */
    private static Optional<String> paths(List<String> include, List<String> ignore, String key, Supplier<Set<String>> changed) {
        if (include.isEmpty() && ignore.isEmpty()) {
            return Optional.empty();
        }
        String filter = key + (include.isEmpty() ? ".paths-ignore" : ".paths");
        Set<String> files = changed.get();
        if (files.isEmpty()) {
            return Optional.of("no files changed (an empty commit), and it has a paths filter ('" + filter + "')");
        }
        String count = files.size() + " changed file" + (files.size() == 1 ? "" : "s");
        if (!include.isEmpty() && !Patterns.anyMatches(include, files)) {
            return Optional.of("none of the " + count + " matches '" + filter + "' " + include);
        }
        if (!ignore.isEmpty() && files.stream().allMatch(f -> Patterns.matches(ignore, f))) {
            return Optional.of((files.size() == 1 ? "the changed file matches" : "all " + count + " match") + " '" + filter + "' " + ignore);
        }
        return Optional.empty();
    }

    private static Optional<String> schedule(On on, String cron) {
        if (on.schedules().isEmpty()) {
            return Optional.of("it has no 'on.schedule'");
        }
        if (on.schedules().stream().noneMatch(s -> s.cron().equals(cron))) {
            return Optional.of("'on.schedule' has no cron '" + cron + "' (it has " + on.schedules().stream().map(On.Schedule::cron).toList() + ")");
        }
        return Optional.empty();
    }
}
