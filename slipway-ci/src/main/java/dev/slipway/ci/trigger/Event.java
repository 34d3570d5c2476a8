package dev.slipway.ci.trigger;

import dev.slipway.ci.scheduler.CiStore;

/**
 * Something that may start runs: a push of a branch or a tag, a pull request action, a schedule,
 * or a start by hand or through the API. Webhooks, polling and the cron scheduler all describe
 * what they saw as an event and hand it to {@link TriggerService#fire}.
 *
 * @param ref the full ref: {@code refs/heads/main}, {@code refs/tags/v1.2.0}, or for a pull
 *            request its head ({@code refs/pull/7/head})
 * @param commit the commit to run; null to take the ref's head at fetch time
 * @param before the commit the ref pointed at before a push (null or all zeros for a new ref)
 * @param message the head commit's message, or null to read it from git
 * @param author the head commit's author, or null to read it from git
 * @param pullRequest for pull requests: number, head and base branch, whether the head is in a fork
 * @param action for pull requests: opened, synchronize, reopened, closed
 * @param payload the forge's webhook body, or null
 * @param source what reported the event (webhook, poll, cron, api), for logs and delivery records
 * @param actor the user a run is created for, or null for the registration's owner
 * @param occurrence for a schedule: which one and which slot ({@code <cron>@<epoch millis>}), so each slot
 *                   starts one run; null otherwise
 */
public record Event(Kind kind, String ref, String commit, String before, String message, String author,
                    CiStore.PullRequest pullRequest, String action, String payload, String source, String actor, String occurrence) {
    /** The event kinds, as runs record them ({@code SLIPWAY_EVENT}). */
    public enum Kind {
        PUSH("push"), TAG("tag"), PULL_REQUEST("pull_request"), MANUAL("manual"), API("api"), CRON("cron");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** A branch or tag push, as a webhook or a poll reports it. */
    public static Event push(String ref, String commit, String before, String message, String author, String payload, String source) {
        return new Event(ref.startsWith("refs/tags/") ? Kind.TAG : Kind.PUSH, ref, commit, before, message, author, null, null, payload,
                source, null, null);
    }

    /** True for a {@code before} that names no commit: the ref is new. */
    public static boolean isZero(String commit) {
        return commit == null || commit.isEmpty() || commit.chars().allMatch(c -> c == '0');
    }

    /** The ref's short name: the branch or tag name, else the ref itself. */
    public String shortRef() {
        for (String prefix : new String[] {"refs/heads/", "refs/tags/"}) {
            if (ref.startsWith(prefix)) {
                return ref.substring(prefix.length());
            }
        }
        return ref;
    }
}
