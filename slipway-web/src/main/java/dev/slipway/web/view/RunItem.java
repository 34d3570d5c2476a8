package dev.slipway.web.view;

import dev.slipway.ci.scheduler.CiStore;

/**
 * A run as lists and headers show it: what started it (event, ref, commit, message, author), where
 * it stands, and how long it took.
 *
 * @param pullRequest the pull request's number, or null
 */
public record RunItem(long id, String owner, String repo, String pipeline, String status, String event, String ref, String commit,
                      String message, String author, String createdBy, long createdAt, Long startedAt, Long finishedAt,
                      Integer pullRequest, boolean fork) {

    public static RunItem of(CiStore.RunRow r) {
        CiStore.RunEvent e = r.event();
        return new RunItem(r.id(), r.owner(), r.repo(), r.pipeline(), r.status(), r.trigger(), r.ref(), r.commit(), e.message(),
                e.author(), r.createdBy(), r.createdAt(), r.startedAt(), r.finishedAt(),
                e.pullRequest() == null ? null : e.pullRequest().number(), e.pullRequest() != null && e.pullRequest().fork());
    }

    public String fullName() {
        return owner + "/" + repo;
    }

    public String repoUrl() {
        return "/" + owner + "/" + repo;
    }

    public String url() {
        return repoUrl() + "/runs/" + id;
    }

    public boolean finished() {
        return CiStore.isFinished(status);
    }

    public boolean running() {
        return status.equals("running");
    }

    /** The commit message's first line, or the pipeline's name when there is none. */
    public String title() {
        String m = Format.firstLine(message);
        return m.isEmpty() ? pipeline : m;
    }

    public String refShort() {
        return Format.shortRef(ref);
    }

    public String commitShort() {
        return Format.shortCommit(commit);
    }

    /** Milliseconds from start to end, or null while it has not both. */
    public Long durationMillis() {
        return startedAt != null && finishedAt != null ? finishedAt - startedAt : null;
    }
}
