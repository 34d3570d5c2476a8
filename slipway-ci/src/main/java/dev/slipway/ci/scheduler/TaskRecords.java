package dev.slipway.ci.scheduler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * What formats other than Slipway's own record about a run's tasks (table {@code ci_tasks}): a
 * task known when the run was created that became several when it started (a GitHub Actions job
 * with a matrix), and each task's details (a job's steps, outputs and annotations, as JSON).
 */
public final class TaskRecords {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final Jdbi jdbi;
    private final CiStore store;

    public TaskRecords(CiStore store) {
        this.jdbi = store.jdbi();
        this.store = store;
    }

    /**
     * Replaces the pending task {@code placeholder} of run {@code runId} with {@code tasks}, in its
     * place: the tasks after it move down. Nothing changes when the placeholder is not there (a
     * retry expands the same matrix again: its tasks exist already), and tasks that exist are kept.
     */
    public void expand(long runId, String placeholder, List<String> tasks) {
        jdbi.useTransaction(h -> {
            var row = h.createQuery("SELECT position, attempt FROM ci_tasks WHERE run_id = :id AND name = :n")
                    .bind("id", runId).bind("n", placeholder).mapToMap().findOne();
            if (row.isEmpty()) {
                return;
            }
            int position = ((Number) row.get().get("position")).intValue();
            List<String> fresh = tasks.stream().filter(t -> !t.equals(placeholder)).toList();
            h.createUpdate("DELETE FROM ci_tasks WHERE run_id = :id AND name = :n").bind("id", runId).bind("n", placeholder).execute();
            // Positions are not unique: moving the rest down first keeps the order whatever the database updates first.
            h.createUpdate("UPDATE ci_tasks SET position = position + :k WHERE run_id = :id AND position > :p")
                    .bind("k", Math.max(0, fresh.size() - 1)).bind("id", runId).bind("p", position).execute();
            int p = position;
            for (String t : fresh) {
                h.createUpdate("INSERT INTO ci_tasks(run_id, name, position, status, attempt) VALUES (:id, :n, :p, 'pending', 0) "
                        + "ON CONFLICT (run_id, name) DO NOTHING").bind("id", runId).bind("n", t).bind("p", p++).execute();
            }
        });
        store.changes().fire();
    }

    /** Records a task's details (JSON); they replace what an earlier attempt recorded. */
    public void details(long runId, String task, String json) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_tasks SET details = :d WHERE run_id = :id AND name = :n")
                .bind("d", json).bind("id", runId).bind("n", task).execute());
        store.changes().fire();
    }

    /** The details of a run's tasks that have them, by task name. */
    public Map<String, String> details(long runId) {
        Map<String, String> out = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT name, details FROM ci_tasks WHERE run_id = :id AND details IS NOT NULL ORDER BY position")
                .bind("id", runId).map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        // Which runner ran a task (its latest lease): {"runner": "arm-1"} in the run's JSON.
        jdbi.useHandle(h -> h.createQuery("SELECT l.task, r.name, l.runner_id FROM ci_leases l LEFT JOIN ci_runners r ON r.id = l.runner_id "
                        + "WHERE l.run_id = :id ORDER BY l.id")
                .bind("id", runId).map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2) != null ? rs.getString(2) : "#" + rs.getLong(3)))
                .forEach(e -> {
                    try {
                        var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(out.getOrDefault(e.getKey(), "{}"));
                        out.put(e.getKey(), node.put("runner", e.getValue()).toString());
                    } catch (java.io.IOException | ClassCastException ignored) {
                        // details of another shape: leave them
                    }
                }));
        return out;
    }
}
