package dev.slipway.woodpecker;

import dev.slipway.ci.definition.Patterns;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One {@code when:} block of a workflow or a step: every filter given must hold. A list of blocks
 * holds when any of them does. Empty lists mean "any".
 *
 * @param events push, pull_request, pull_request_closed, tag, release, manual, cron, deployment
 * @param branches include and exclude globs on the branch (a pull request's target branch)
 * @param refs include and exclude globs on the full ref ({@code refs/tags/v*})
 * @param paths include and exclude globs on the changed files, and what an event without changed files does
 * @param status success and/or failure (steps only); empty for success
 * @param matrix the matrix values it wants (no matrix: every value is empty)
 */
record When(List<String> events, Filter branches, Filter refs, Filter repos, Filter instances, Filter crons, PathFilter paths,
            List<String> status, Map<String, String> matrix) {
    static final When ANY = new When(List.of(), Filter.ANY, Filter.ANY, Filter.ANY, Filter.ANY, Filter.ANY, null, List.of(), Map.of());
    static final List<String> EVENTS = List.of("push", "pull_request", "pull_request_closed", "pull_request_metadata", "tag", "release",
            "deployment", "cron", "manual");

    When {
        events = List.copyOf(events);
        status = List.copyOf(status);
        matrix = Map.copyOf(matrix);
    }

    /** Include and exclude patterns. */
    record Filter(List<String> include, List<String> exclude) {
        static final Filter ANY = new Filter(List.of(), List.of());

        Filter {
            include = List.copyOf(include);
            exclude = List.copyOf(exclude);
        }

        boolean isAny() {
            return include.isEmpty() && exclude.isEmpty();
        }

        boolean matches(String value) {
            if (!include.isEmpty() && !include.stream().anyMatch(p -> Patterns.matches(List.of(p), value))) {
                return false;
            }
            return exclude.stream().noneMatch(p -> Patterns.matches(List.of(p), value));
        }

        @Override
        public String toString() {
            return exclude.isEmpty() ? include.toString() : "include " + include + ", exclude " + exclude;
        }
    }

    /** @param onEmpty whether an event with no changed files passes (Woodpecker's default: yes) */
    record PathFilter(Filter files, boolean onEmpty) {}

    /**
     * What the filters look at. A null {@code repo} or {@code changedFiles} is not known where the
     * filter is asked (the trigger knows changed files, the run its repository): such a filter holds.
     */
    record Facts(String event, String branch, String ref, String repo, String instance, String cron, Supplier<Set<String>> changedFiles,
                 Map<String, String> matrix) {}

    /** Why the block does not hold for {@code f}, or empty when it does. */
    Optional<String> whyNot(Facts f) {
        if (!events.isEmpty() && !events.contains(f.event())) {
            return Optional.of("when.event is " + events + "; this pipeline's event is " + f.event());
        }
        // A tag has no branch: Woodpecker's branch filter applies to the other events only.
        if (!branches.isAny() && !f.event().equals("tag") && !branches.matches(f.branch())) {
            return Optional.of("when.branch is " + branches + "; the branch is " + (f.branch().isEmpty() ? "none" : f.branch()));
        }
        if (!refs.isAny() && !refs.matches(f.ref())) {
            return Optional.of("when.ref is " + refs + "; the ref is " + f.ref());
        }
        if (!repos.isAny() && f.repo() != null && !repos.matches(f.repo())) {
            return Optional.of("when.repo is " + repos + "; the repository is " + f.repo());
        }
        if (!instances.isAny() && f.instance() != null && !instances.matches(f.instance())) {
            return Optional.of("when.instance is " + instances + "; this server is " + f.instance());
        }
        if (!crons.isAny() && !(f.event().equals("cron") && (f.cron() == null || crons.matches(f.cron())))) {
            return Optional.of("when.cron is " + crons + (f.event().equals("cron") ? "; the schedule is " + f.cron() : "; this is not a cron event"));
        }
        for (var m : matrix.entrySet()) {
            String value = f.matrix().getOrDefault(m.getKey(), "");
            if (!value.equals(m.getValue())) {
                return Optional.of("when.matrix wants " + m.getKey() + "=" + m.getValue() + "; it is '" + value + "'");
            }
        }
        if (paths != null && f.changedFiles() != null && (f.event().equals("push") || f.event().startsWith("pull_request"))) {
            Set<String> changed = f.changedFiles().get();
            if (changed.isEmpty() ? !paths.onEmpty() : changed.stream().noneMatch(paths.files()::matches)) {
                return Optional.of("when.path is " + paths.files() + "; no changed file matches");
            }
        }
        return Optional.empty();
    }

    /** Why none of the blocks holds, or empty when one does (or there are none). */
    static Optional<String> whyNone(List<When> blocks, Facts f) {
        if (blocks.isEmpty()) {
            return Optional.empty();
        }
        String first = null;
        for (When w : blocks) {
            Optional<String> why = w.whyNot(f);
            if (why.isEmpty()) {
                return why;
            }
            first = first == null ? why.get() : first;
        }
        return Optional.of(blocks.size() == 1 ? first : "none of its " + blocks.size() + " when blocks holds (the first: " + first + ")");
    }
}
