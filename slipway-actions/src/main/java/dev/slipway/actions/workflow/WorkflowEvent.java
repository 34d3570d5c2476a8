package dev.slipway.actions.workflow;

import java.util.Objects;

/**
 * An event a workflow may run for, in GitHub's terms; {@link On#whyNot} decides. The trigger
 * package turns forge webhooks, polls, schedules and API calls into these.
 */
public sealed interface WorkflowEvent permits WorkflowEvent.Push, WorkflowEvent.PullRequest, WorkflowEvent.Dispatch,
        WorkflowEvent.Schedule, WorkflowEvent.Call {
    /** GitHub's event name: {@code push}, {@code pull_request}, ... ({@code github.event_name}). */
    String name();

    /** A push of a branch or tag; {@code ref} is the full ref ({@code refs/heads/main}, {@code refs/tags/v1.2.0}). */
    record Push(String ref) implements WorkflowEvent {
        public Push {
            Objects.requireNonNull(ref, "ref");
        }

        @Override
        public String name() {
            return "push";
        }
    }

    /**
     * A pull request action.
     *
     * @param target whether this is {@code pull_request_target} (runs the base branch's workflow) rather than {@code pull_request}
     * @param action {@code opened}, {@code synchronize}, {@code reopened}, {@code closed}, ...
     * @param baseRef the branch it merges into ({@code main} or {@code refs/heads/main})
     */
    record PullRequest(boolean target, String action, String baseRef) implements WorkflowEvent {
        public PullRequest {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(baseRef, "baseRef");
        }

        @Override
        public String name() {
            return target ? "pull_request_target" : "pull_request";
        }
    }

    /** Started by hand: the API, the CLI, the web UI. */
    record Dispatch() implements WorkflowEvent {
        @Override
        public String name() {
            return "workflow_dispatch";
        }
    }

    /** One of the workflow's schedules fired; {@code cron} as the workflow writes it. */
    record Schedule(String cron) implements WorkflowEvent {
        public Schedule {
            Objects.requireNonNull(cron, "cron");
        }

        @Override
        public String name() {
            return "schedule";
        }
    }

    /** Another workflow calls this one ({@code jobs.<id>.uses}). */
    record Call() implements WorkflowEvent {
        @Override
        public String name() {
            return "workflow_call";
        }
    }
}
