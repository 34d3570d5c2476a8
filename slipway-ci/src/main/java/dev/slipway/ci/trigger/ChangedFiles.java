package dev.slipway.ci.trigger;

import dev.slipway.ci.workspace.GitHistory;
import java.io.IOException;
import java.util.Set;

/**
 * The files an event changed, as path filters see them: for a push, since {@code before} (for a
 * new branch, since where it left the default branch); for a tag, since the previous tag; for a
 * pull request, since its merge base with the base branch. With no such commit, every file of the
 * head. The trigger asks it for native pipelines' {@code paths} and a Woodpecker workflow's
 * {@code when.path}; a run asks it again for its steps' {@code when.path}.
 */
public final class ChangedFiles {
    private ChangedFiles() {}

    /**
     * @param before the commit a push replaced (zero or null for a new branch)
     * @param baseRef a pull request's base branch, or null
     */
    public static Set<String> of(GitHistory history, Event.Kind kind, String ref, String before, String baseRef, String defaultBranch,
                                 String head) throws IOException {
        String from = switch (kind) {
            case PUSH -> before != null && !Event.isZero(before) && history.commit(before).isPresent() ? before
                    : ref.equals("refs/heads/" + defaultBranch) ? null // the first push of the default branch: every file
                    : history.resolve("refs/heads/" + defaultBranch).flatMap(d -> history.mergeBase(d, head)).orElse(null);
            case TAG -> history.previousTag(head).orElse(null);
            case PULL_REQUEST -> baseRef == null ? null
                    : history.resolve("refs/heads/" + baseRef).flatMap(b -> history.mergeBase(b, head)).orElse(null);
            default -> null;
        };
        return history.changedPaths(from, head);
    }
}
