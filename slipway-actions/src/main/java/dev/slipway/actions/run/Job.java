package dev.slipway.actions.run;

import dev.slipway.actions.expr.Template;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One job to run, as the workflow reader hands it over (the job's {@code if}, {@code needs},
 * matrix expansion, container and services are the scheduler's business before this).
 *
 * @param id the job's key under {@code jobs:} (GITHUB_JOB)
 * @param name the display name
 * @param steps in order
 * @param workflowEnv the workflow's {@code env}, evaluated when the job starts
 * @param env the job's {@code env}, evaluated when the job starts; wins over workflowEnv
 * @param defaults {@code defaults.run}, the job's keys over the workflow's
 * @param outputs the job's {@code outputs}, evaluated against {@code steps} when the job ends
 * @param timeout {@code timeout-minutes} (GitHub's default is 360 minutes); when it passes the job is cancelled
 */
public record Job(String id, String name, List<Step> steps, Map<String, Template> workflowEnv, Map<String, Template> env,
                  Defaults defaults, Map<String, Template> outputs, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(360);

    public Job {
        Objects.requireNonNull(id, "id");
        name = name == null ? id : name;
        steps = List.copyOf(steps);
        workflowEnv = copy(workflowEnv);
        env = copy(env);
        defaults = defaults == null ? Defaults.NONE : defaults;
        outputs = copy(outputs);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the job's timeout must be positive, not " + timeout);
        }
    }

    /** A job of these steps with nothing else set. */
    public static Job of(String id, List<Step> steps) {
        return new Job(id, null, steps, null, null, null, null, null);
    }

    private static Map<String, Template> copy(Map<String, Template> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map == null ? Map.of() : map));
    }

    /**
     * {@code defaults.run}.
     *
     * @param shell the default shell as written, or null for bash (sh when the session has no bash)
     * @param workingDirectory the default working directory, or null for the workspace
     */
    public record Defaults(String shell, Template workingDirectory) {
        public static final Defaults NONE = new Defaults(null, null);
    }
}
