package dev.slipway.actions.workflow;

import dev.slipway.ci.definition.Dag;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedMap;
import java.util.SequencedSet;

/**
 * The jobs of a workflow and their {@code needs}, on the same graph code as native pipelines'
 * tasks. Orders are deterministic: among jobs ready together, file order decides.
 */
public final class JobGraph {
    private final Dag dag;
    private final SequencedMap<String, List<String>> needs;

    private JobGraph(Dag dag, SequencedMap<String, List<String>> needs) {
        this.dag = dag;
        this.needs = needs;
    }

    static JobGraph of(Workflow workflow) {
        SequencedMap<String, List<String>> needs = new LinkedHashMap<>();
        workflow.jobs().forEach((id, job) -> needs.put(id, job.needs()));
        return new JobGraph(Dag.of(needs), needs);
    }

    /** Every job, each after all it needs. */
    public List<String> order() {
        return dag.topologicalOrder();
    }

    /** The jobs that need nothing: a run starts with these. */
    public List<String> roots() {
        return dag.roots();
    }

    /** What {@code job} needs directly: the jobs in its {@code needs} context. */
    public List<String> needs(String job) {
        List<String> direct = needs.get(job);
        if (direct == null) {
            throw new IllegalArgumentException("no job '" + job + "'");
        }
        return direct;
    }

    /**
     * What {@code job} needs directly or through other jobs, in run order: the jobs whose results
     * its {@code success()} and {@code failure()} look at, as in GitHub.
     */
    public SequencedSet<String> ancestors(String job) {
        return dag.dependencies(job);
    }

    /** The jobs that need {@code job}, directly or not, in run order. */
    public SequencedSet<String> dependents(String job) {
        return dag.dependents(job);
    }

    /**
     * What "re-run failed jobs" runs again: the failed jobs and every job that needs one of them,
     * directly or not, in run order; the other jobs keep their results and outputs.
     */
    public SequencedSet<String> rerunFailed(Collection<String> failed) {
        SequencedSet<String> rerun = new LinkedHashSet<>();
        for (String job : order()) {
            if (failed.contains(job) || ancestors(job).stream().anyMatch(failed::contains)) {
                rerun.add(job);
            }
        }
        for (String job : failed) {
            needs(job); // unknown jobs are a caller's mistake, not silently nothing
        }
        return Collections.unmodifiableSequencedSet(rerun);
    }
}
