package dev.slipway.actions.workflow;

import dev.slipway.ci.definition.Problem;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * One GitHub Actions workflow file, read and checked: what {@link Workflows#read} gives. Nothing in
 * it has run; values that hold {@code ${{ }}} are {@link Value}s to evaluate when their context
 * exists. Every part keeps its {@link Position}.
 *
 * @param file the file as the user knows it ({@code .gitea/workflows/build-push.yaml})
 * @param name {@code name:}, or null (GitHub then shows the file's path: {@link #displayName()})
 * @param runName {@code run-name:}, or null
 * @param on the events that start it
 * @param env {@code env:} of the workflow, for every job
 * @param defaults {@code defaults.run} of the workflow; never null, its parts may be
 * @param permissions {@code permissions:}, or null when not given ({@link TokenScopes} applies Slipway's default)
 * @param concurrency {@code concurrency:}, or null
 * @param jobs by id, in file order
 * @param warnings GitHub syntax read but not acted on, and doubtful constructs; each with its position
 */
public record Workflow(String file, String name, Value runName, On on, SequencedMap<String, Value> env, RunDefaults defaults,
                       Permissions permissions, Concurrency concurrency, SequencedMap<String, Job> jobs, List<Problem> warnings) {
    public Workflow {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(on, "on");
        Objects.requireNonNull(defaults, "defaults");
        env = Ordered.copy(env);
        jobs = Ordered.copy(jobs);
        warnings = List.copyOf(warnings);
    }

    /** The job with this id. @throws IllegalArgumentException naming the jobs there are */
    public Job job(String id) {
        Job job = jobs.get(id);
        if (job == null) {
            throw new IllegalArgumentException("no job '" + id + "' in " + file + " (jobs: " + String.join(", ", jobs.keySet()) + ")");
        }
        return job;
    }

    /** The jobs and their {@code needs}: run order, ancestors, what a re-run repeats. */
    public JobGraph graph() {
        return JobGraph.of(this);
    }

    /** {@code name:}, else the file, as GitHub shows a workflow without a name. */
    public String displayName() {
        return name != null ? name : file;
    }
}
