package dev.slipway.web.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a GitHub Actions job recorded beside its log: its steps with their conclusions and
 * durations, its annotations, and what steps wrote to {@code GITHUB_STEP_SUMMARY}. Read from the
 * task's details, the same JSON {@code GET /api/v1/runs/{id}} shows under each task.
 *
 * @param task the task (a matrix job's combination is a task of its own)
 * @param name GitHub's name of the job ({@code build (worker-a)}), or the task's
 * @param result the job's conclusion ({@code success}, {@code failure}, ...), or null while it runs
 */
public record JobSteps(String task, String name, String result, List<Step> steps, List<Annotation> annotations) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public JobSteps {
        steps = List.copyOf(steps);
        annotations = List.copyOf(annotations);
    }

    /**
     * @param phase {@code pre}, {@code main} or {@code post} (an action's setup and cleanup)
     * @param conclusion {@code success}, {@code failure}, {@code cancelled} or {@code skipped}
     * @param summary what the step wrote to GITHUB_STEP_SUMMARY (Markdown, secrets masked), or null
     */
    public record Step(int number, String phase, String name, String conclusion, Long durationMillis, Integer exitCode, String summary) {
        /** The name as GitHub's page shows it: "Post " before a cleanup step, "Pre " before a setup step. */
        public String label() {
            return switch (phase) {
                case "pre" -> "Pre " + name;
                case "post" -> "Post " + name;
                default -> name;
            };
        }
    }

    /** An {@code ::error::}, {@code ::warning::} or {@code ::notice::} of the job. */
    public record Annotation(String level, String message, String title, String file, Integer line, Integer column) {
        /** {@code file:line:column}, as far as they are known; empty without a file. */
        public String place() {
            if (file == null || file.isEmpty()) {
                return "";
            }
            return file + (line == null ? "" : ":" + line + (column == null ? "" : ":" + column));
        }
    }

    /** Steps that wrote a summary. */
    public List<Step> summaries() {
        return steps.stream().filter(s -> s.summary() != null && !s.summary().isBlank()).toList();
    }

    /** Shown unfolded: the job failed or did not finish, or a step failed. Jobs that succeeded are folded. */
    public boolean open() {
        return result == null || !result.equals("success") && !result.equals("skipped")
                || steps.stream().anyMatch(s -> "failure".equals(s.conclusion()));
    }

    /**
     * The job's steps from a task's details JSON; empty when the details hold no steps (a job that
     * has not finished records only its name) or cannot be read.
     */
    public static Optional<JobSteps> parse(String task, String details) {
        if (details == null) {
            return Optional.empty();
        }
        JsonNode d;
        try {
            d = JSON.readTree(details);
        } catch (IOException unreadable) {
            return Optional.empty();
        }
        if (d == null || !d.path("steps").isArray()) {
            return Optional.empty();
        }
        List<Step> steps = new ArrayList<>();
        for (JsonNode s : d.get("steps")) {
            steps.add(new Step(s.path("number").asInt(), s.path("phase").asText("main"), s.path("name").asText(""),
                    s.path("conclusion").asText("skipped"), number(s, "duration_ms"), s.hasNonNull("exit_code") ? s.get("exit_code").asInt() : null,
                    s.hasNonNull("summary") ? s.get("summary").asText() : null));
        }
        List<Annotation> annotations = new ArrayList<>();
        for (JsonNode a : d.path("annotations")) {
            annotations.add(new Annotation(a.path("level").asText("notice"), a.path("message").asText(""), text(a, "title"), text(a, "file"),
                    a.hasNonNull("line") ? a.get("line").asInt() : null, a.hasNonNull("column") ? a.get("column").asInt() : null));
        }
        String name = d.hasNonNull("display_name") ? d.get("display_name").asText() : task;
        return Optional.of(new JobSteps(task, name, text(d, "result"), steps, annotations));
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) && !n.get(field).asText().isEmpty() ? n.get(field).asText() : null;
    }

    private static Long number(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asLong() : null;
    }
}
