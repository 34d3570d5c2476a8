package dev.slipway.web.view;

import java.util.List;

/**
 * The repository page: its runs (filtered), how its triggers fare, and the "Run pipeline" form.
 *
 * @param filters the filters in effect ("" when not set)
 * @param pipelines the pipelines its recent runs used, with their declared variables
 * @param form what the Run pipeline form holds (after a refused trigger: what was sent)
 * @param error why the last trigger was refused, or null
 */
public record RepoView(String owner, String name, String cloneUrl, String defaultBranch, Triggers triggers, List<RunItem> runs,
                       Filters filters, List<String> branches, List<String> events, List<Pipeline> pipelines, RunForm form,
                       String error, boolean canWrite) {
    public RepoView {
        runs = List.copyOf(runs);
        branches = List.copyOf(branches);
        events = List.copyOf(events);
        pipelines = List.copyOf(pipelines);
    }

    public static final List<String> STATUSES = List.of("queued", "approval", "running", "success", "failure", "cancelled", "error");

    public String url() {
        return "/" + owner + "/" + name;
    }

    public boolean filtered() {
        return !filters.branch().isEmpty() || !filters.event().isEmpty() || !filters.status().isEmpty();
    }

    public record Filters(String branch, String event, String status) {
        public static final Filters NONE = new Filters("", "", "");
    }

    /**
     * @param lastPoll epoch millis of the last poll, or null
     * @param lastDelivery the newest webhook delivery, or null
     */
    public record Triggers(String webhookUrl, int pollInterval, Long lastPoll, String lastPollError, Delivery lastDelivery) {}

    public record Delivery(String forge, String event, long receivedAt, int status, String summary) {}

    /** @param variables declared variables and their defaults, as {@code NAME=value} lines */
    public record Pipeline(String name, List<String> variables) {
        public Pipeline {
            variables = List.copyOf(variables);
        }
    }

    public record RunForm(String pipeline, String ref, String variables) {
        public static final RunForm EMPTY = new RunForm("", "", "");
    }
}
