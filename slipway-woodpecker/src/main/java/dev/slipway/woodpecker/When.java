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
 * @param matrix the matrix values it wants (globs; no matrix: every value is empty)
 * @param evaluate {@code when.evaluate}, or null
 * @param evaluateAt where {@code evaluate} is ({@code file:line:column}), for its errors
 * @param instances globs on the host name of the server's external URL
 * @param platforms globs on the platform the workflow runs on ({@code linux/amd64})
 * @param environments globs on the deploy target ({@code CI_PIPELINE_DEPLOY_TARGET}; empty when there is none)
 * @param local {@code false}: not when run by {@code slipway exec}; null when not given
 */
record When(List<String> events, Filter branches, Filter refs, Filter repos, Filter instances, Filter crons, PathFilter paths,
            List<String> status, MatrixFilter matrix, Evaluate evaluate, String evaluateAt, Filter platforms, Filter environments,
            Boolean local) {
    static final When ANY = new When(List.of(), Filter.ANY, Filter.ANY, Filter.ANY, Filter.ANY, Filter.ANY, null, List.of(), MatrixFilter.ANY,
            null, null, Filter.ANY, Filter.ANY, null);
    static final List<String> EVENTS = List.of("push", "pull_request", "pull_request_closed", "pull_request_metadata", "tag", "release",
            "deployment", "cron", "manual");

    When {
        events = List.copyOf(events);
        status = List.copyOf(status);
        matrix = matrix == null ? MatrixFilter.ANY : matrix;
        platforms = platforms == null ? Filter.ANY : platforms;
        environments = environments == null ? Filter.ANY : environments;
    }

    /**
     * {@code when.matrix}, as Woodpecker matches it: every included value's glob matches the
     * workflow's value, and the excluded ones do not all match (a value the workflow lacks is empty).
     */
    record MatrixFilter(Map<String, String> include, Map<String, String> exclude) {
        static final MatrixFilter ANY = new MatrixFilter(Map.of(), Map.of());

        MatrixFilter {
            include = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(include));
            exclude = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(exclude));
        }

        /** Why {@code values} do not match, or empty when they do. */
        Optional<String> whyNot(Map<String, String> values) {
            if (!exclude.isEmpty() && exclude.entrySet().stream().allMatch(e -> glob(e.getValue(), values.getOrDefault(e.getKey(), "")))) {
                return Optional.of("when.matrix excludes " + pairs(exclude) + "; this workflow's matrix is " + pairs(values));
            }
            for (var e : include.entrySet()) {
                String value = values.getOrDefault(e.getKey(), "");
                if (!glob(e.getValue(), value)) {
                    return Optional.of("when.matrix wants " + e.getKey() + "=" + e.getValue() + "; it is '" + value + "'");
                }
            }
            return Optional.empty();
        }

        private static boolean glob(String pattern, String value) {
            return Patterns.matches(List.of(pattern), value);
        }

        private static String pairs(Map<String, String> m) {
            return m.isEmpty() ? "empty" : String.join(" ", m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        }
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

    /**
     * {@code when.path}, as Woodpecker matches it: the changed files are not all excluded, and one
     * of them is included (no include: any).
     *
     * @param onEmpty whether an event with no changed files passes (Woodpecker's default: yes)
     * @param ignoreMessage a commit message containing it (in any case) passes whatever changed; empty for none
     */
    record PathFilter(Filter files, boolean onEmpty, String ignoreMessage) {
        /** Why the changed files do not pass, or empty when they do. */
        Optional<String> whyNot(Set<String> changed, String message) {
            if (!ignoreMessage.isEmpty() && message != null && message.toLowerCase(java.util.Locale.ROOT)
                    .contains(ignoreMessage.toLowerCase(java.util.Locale.ROOT))) {
                return Optional.empty();
            }
            if (changed.isEmpty()) {
                return onEmpty ? Optional.empty() : Optional.of("when.path has on_empty: false; no file changed");
            }
            List<String> exclude = files.exclude();
            if (!exclude.isEmpty() && changed.stream().allMatch(f -> exclude.stream().anyMatch(p -> Patterns.matches(List.of(p), f)))) {
                return Optional.of("when.path excludes every changed file (" + exclude + ")");
            }
            List<String> include = files.include();
            if (!include.isEmpty() && changed.stream().noneMatch(f -> include.stream().anyMatch(p -> Patterns.matches(List.of(p), f)))) {
                return Optional.of("when.path is " + include + "; no changed file matches");
            }
            return Optional.empty();
        }
    }

    /**
     * What the filters look at. A null {@code repo}, {@code instance}, {@code platform} or
     * {@code changedFiles} is not known where the filter is asked (the trigger knows changed files,
     * the run its repository): such a filter holds.
     *
     * @param instance the host name of the server's external URL; empty in {@code slipway exec}
     * @param matrix the workflow's matrix values (empty without a matrix)
     * @param env the variables {@code when.evaluate} reads (with the matrix's values added)
     * @param envComplete whether {@code env} is every variable of the run; when not (an event's
     *                    trigger, before the run's values are known), an expression that reads
     *                    another variable, or cannot be evaluated, holds: the run decides
     * @param platform the platform the workflow runs on ({@code linux/amd64}), see {@link #forWorkflow}
     * @param local whether {@code slipway exec} runs it
     */
    record Facts(String event, String branch, String ref, String repo, String instance, String cron, Supplier<Set<String>> changedFiles,
                 Map<String, String> matrix, Map<String, String> env, boolean envComplete, String platform, boolean local) {
        Facts(String event, String branch, String ref, String repo, String instance, String cron, Supplier<Set<String>> changedFiles,
              Map<String, String> matrix, Map<String, String> env, boolean envComplete) {
            this(event, branch, ref, repo, instance, cron, changedFiles, matrix, env, envComplete, null, false);
        }

        Facts withMatrix(Map<String, String> values) {
            return new Facts(event, branch, ref, repo, instance, cron, changedFiles, values, env, envComplete, platform, local);
        }

        Facts withPlatform(String value) {
            return new Facts(event, branch, ref, repo, instance, cron, changedFiles, matrix, env, envComplete, value, local);
        }

        Facts asLocal() {
            return new Facts(event, branch, ref, repo, instance, cron, changedFiles, matrix, env, envComplete, platform, true);
        }

        /**
         * The facts for one workflow: its platform is its {@code labels.platform} (what sends it
         * to a runner of that platform), else this server's own, as Woodpecker's agent reports it.
         */
        Facts forWorkflow(Workflow w) {
            String wanted = w.labels().get("platform");
            return withPlatform(wanted != null && !wanted.isEmpty() ? wanted : ownPlatform());
        }

        /** This machine's platform in Go's names ({@code linux/amd64}, {@code linux/arm64}), as Woodpecker's agents report theirs. */
        static String ownPlatform() {
            String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
            String arch = System.getProperty("os.arch", "").toLowerCase(java.util.Locale.ROOT);
            String goOs = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "darwin" : os.startsWith("windows") ? "windows" : os;
            String goArch = switch (arch) {
                case "amd64", "x86_64" -> "amd64";
                case "aarch64", "arm64" -> "arm64";
                case "x86", "i386", "i686" -> "386";
                default -> arch.startsWith("arm") ? "arm" : arch;
            };
            return goOs + "/" + goArch;
        }
    }

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
            return Optional.of("when.instance is " + instances + "; this server is "
                    + (f.instance().isEmpty() ? "none (slipway exec, or no external-url)" : f.instance()));
        }
        if (!platforms.isAny() && f.platform() != null && !platforms.matches(f.platform())) {
            return Optional.of("when.platform is " + platforms + "; the workflow runs on " + f.platform());
        }
        if (!environments.isAny() && f.env() != null && (f.envComplete() || f.env().containsKey("CI_PIPELINE_DEPLOY_TARGET"))) {
            String target = f.env().getOrDefault("CI_PIPELINE_DEPLOY_TARGET", "");
            if (!environments.matches(target)) {
                return Optional.of("when.environment is " + environments + "; the deploy target is "
                        + (target.isEmpty() ? "none (set CI_PIPELINE_DEPLOY_TARGET with the pipeline's variables)" : target));
            }
        }
        if (Boolean.FALSE.equals(local) && f.local()) {
            return Optional.of("when.local is false: not run by slipway exec");
        }
        if (!crons.isAny() && !(f.event().equals("cron") && (f.cron() == null || crons.matches(f.cron())))) {
            return Optional.of("when.cron is " + crons + (f.event().equals("cron") ? "; the schedule is " + f.cron() : "; this is not a cron event"));
        }
        Optional<String> matrixNot = matrix.whyNot(f.matrix());
        if (matrixNot.isPresent()) {
            return matrixNot;
        }
        if (evaluate != null && f.env() != null && (f.envComplete() || f.env().keySet().containsAll(evaluate.names()))) {
            Map<String, String> env = new java.util.HashMap<>(f.env());
            env.putAll(f.matrix());
            try {
                if (!evaluate.test(env)) {
                    return Optional.of("when.evaluate is false: " + evaluate.text());
                }
            } catch (Evaluate.EvaluationError e) {
                if (f.envComplete()) {
                    throw new IllegalStateException(evaluateAt + ": when.evaluate cannot be evaluated: " + e.getMessage());
                }
            }
        }
        // As in Woodpecker, path filters apply to pushes and pull requests only.
        if (paths != null && f.changedFiles() != null && (f.event().equals("push") || f.event().equals("pull_request"))) {
            Optional<String> pathNot = paths.whyNot(f.changedFiles().get(), f.env() == null ? null : f.env().get("CI_COMMIT_MESSAGE"));
            if (pathNot.isPresent()) {
                return pathNot;
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
