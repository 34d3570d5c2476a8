package dev.slipway.ci.status;

import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.scheduler.RunChange;
import java.util.List;

/**
 * What a forge is told about a run at each change: a state it knows (pending, success, failure,
 * error) and a short description. A cancelled run is {@code error} "Cancelled": neither GitHub nor
 * Gitea has a cancelled state, and failure would blame the commit for what a user did.
 */
final class StatusText {
    /** GitHub refuses longer descriptions. */
    static final int MAX_DESCRIPTION = 140;

    record Status(String state, String description) {
        Status {
            description = shorten(description);
        }
    }

    private StatusText() {}

    static Status of(RunChange change) {
        CiStore.RunRow run = change.run();
        return switch (change.kind()) {
            case CREATED -> new Status("pending", run.status().equals("approval") ? "Waiting for approval" : "Queued");
            case APPROVED -> new Status("pending", "Approved; queued");
            case STARTED -> new Status("pending", "Running");
            case REQUEUED -> new Status("pending", "Queued again for a retry");
            case FINISHED -> finished(run, change.tasks());
        };
    }

    private static Status finished(CiStore.RunRow run, List<CiStore.TaskRow> tasks) {
        String took = run.startedAt() == null || run.finishedAt() == null ? "" : " in " + duration(run.finishedAt() - run.startedAt());
        List<String> failed = names(tasks, "failure");
        List<String> errored = names(tasks, "error");
        return switch (run.status()) {
            case "success" -> new Status("success", "Succeeded" + took);
            case "failure" -> new Status("failure", failed.isEmpty() ? "Failed" + took
                    : tasks(failed) + " failed" + (errored.isEmpty() ? "" : ", " + tasks(errored) + " errored"));
            case "cancelled" -> new Status("error", run.message() != null && run.message().contains("before it started")
                    ? "Cancelled before it started" : "Cancelled");
            default -> new Status("error", !errored.isEmpty() ? tasks(errored) + " errored"
                    : run.message() == null || run.message().isBlank() ? "Error" : "Error: " + run.message());
        };
    }

    private static List<String> names(List<CiStore.TaskRow> tasks, String status) {
        return tasks.stream().filter(t -> t.status().equals(status)).map(CiStore.TaskRow::name).toList();
    }

    private static String tasks(List<String> names) {
        return (names.size() == 1 ? "task " : "tasks ") + String.join(", ", names);
    }

    /** 45s, 1m 3s, 2h 5m. */
    static String duration(long millis) {
        long s = Math.max(0, Math.round(millis / 1000.0));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        return s / 3600 + "h " + s % 3600 / 60 + "m";
    }

    /** One line, at most {@value #MAX_DESCRIPTION} characters. */
    static String shorten(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() <= MAX_DESCRIPTION ? line : line.substring(0, MAX_DESCRIPTION - 3) + "...";
    }
}
