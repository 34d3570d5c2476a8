package dev.slipway.ci.scheduler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.release.RunVersion;
import java.time.Instant;
import java.util.List;

/**
 * A run and its tasks as JSON, as {@code GET /api/v1/runs/{id}} shows them (docs/api.md) and
 * notification webhooks send them. The API adds what other parts know (commit statuses,
 * notifications).
 */
public final class RunJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunJson() {}

    /** @param version the run's version ({@code version:}), or null for none (yet) */
    public static ObjectNode of(CiStore.RunRow r, List<CiStore.TaskRow> taskRows, RunVersion version) {
        return of(r, taskRows, version, java.util.Map.of());
    }

    /**
     * @param details what a format records about each task beyond its status (a GitHub Actions
     *                job's steps, outputs and annotations, as JSON objects), by task name
     */
    public static ObjectNode of(CiStore.RunRow r, List<CiStore.TaskRow> taskRows, RunVersion version, java.util.Map<String, String> details) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id());
        o.put("repository", r.owner() + "/" + r.repo());
        o.put("pipeline", r.pipeline());
        o.put("format", r.format());
        o.put("file", r.definitionFile() != null ? r.definitionFile() : ".slipway/" + r.pipeline() + ".yml");
        o.put("ref", r.ref());
        o.put("commit", r.commit());
        o.put("status", r.status());
        o.put("status_message", r.message());
        o.put("event", r.trigger());
        o.put("trigger", r.trigger());
        CiStore.RunEvent e = r.event();
        o.put("before", e.before());
        o.put("message", e.message());
        o.put("author", e.author());
        if (e.pullRequest() == null) {
            o.putNull("pull_request");
        } else {
            o.putObject("pull_request").put("number", e.pullRequest().number()).put("head_ref", e.pullRequest().headRef())
                    .put("base_ref", e.pullRequest().baseRef()).put("fork", e.pullRequest().fork());
        }
        if (version == null) {
            o.putNull("version");
        } else {
            o.putObject("version").put("version", version.version()).put("bump", version.bump()).put("previous", version.previous())
                    .put("tag", version.tag()).put("pushed", version.pushed()).put("error", version.error());
        }
        o.put("created_by", r.createdBy());
        o.put("created_at", Instant.ofEpochMilli(r.createdAt()).toString());
        time(o, "started_at", r.startedAt());
        time(o, "finished_at", r.finishedAt());
        if (r.startedAt() != null && r.finishedAt() != null) {
            o.put("duration_ms", r.finishedAt() - r.startedAt());
        }
        time(o, "evicted_at", r.evictedAt()); // its workspace is gone: no retry
        ArrayNode tasks = o.putArray("tasks");
        for (CiStore.TaskRow t : taskRows) {
            ObjectNode tn = tasks.addObject();
            tn.put("name", t.name());
            tn.put("status", t.status());
            if (t.exitCode() != null) {
                tn.put("exit_code", t.exitCode());
            } else {
                tn.putNull("exit_code");
            }
            tn.put("reason", t.reason()); // why it was skipped
            tn.put("attempt", t.attempt());
            time(tn, "started_at", t.startedAt());
            time(tn, "finished_at", t.finishedAt());
            if (t.startedAt() != null && t.finishedAt() != null) {
                tn.put("duration_ms", t.finishedAt() - t.startedAt());
            }
            String d = details.get(t.name());
            if (d != null) {
                try {
                    var node = JSON.readTree(d);
                    node.fields().forEachRemaining(f -> {
                        if (!tn.has(f.getKey())) {
                            tn.set(f.getKey(), f.getValue());
                        }
                    });
                } catch (java.io.IOException unreadable) {
                    tn.put("details_error", "unreadable details: " + unreadable.getMessage());
                }
            }
        }
        return o;
    }

    /** An instant as ISO-8601 text, or JSON null. */
    public static void time(ObjectNode o, String field, Long millis) {
        if (millis == null) {
            o.putNull(field);
        } else {
            o.put(field, Instant.ofEpochMilli(millis).toString());
        }
    }
}
