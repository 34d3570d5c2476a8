package dev.slipway.web.view;

import java.util.List;
import java.util.Map;

/**
 * The run page: the run, its tasks by stage, and what the viewer may do with it.
 *
 * @param statusMessage why the run failed or errored, or null
 * @param variables the variables given to the run (not the pipeline's defaults)
 * @param evicted the run's workspace was evicted: its tasks cannot be retried
 * @param jobs the steps, annotations and step summaries of the tasks that recorded them (GitHub Actions jobs), in task order
 */
public record RunDetail(RunItem run, String statusMessage, Map<String, String> variables, List<List<TaskItem>> stages,
                        boolean canWrite, boolean evicted, List<JobSteps> jobs) {
    public RunDetail {
        variables = Map.copyOf(variables);
        stages = stages.stream().map(List::copyOf).toList();
        jobs = List.copyOf(jobs);
    }

    public boolean cancellable() {
        return canWrite && !run.finished();
    }

    public boolean approvable() {
        return canWrite && run.status().equals("approval");
    }

    public boolean deletable() {
        return canWrite && run.finished();
    }

    public List<TaskItem> tasks() {
        return stages.stream().flatMap(List::stream).toList();
    }
}
