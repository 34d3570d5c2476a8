package dev.slipway.ci.release;

import dev.slipway.ci.model.Versioning;
import dev.slipway.ci.registration.Registration;
import dev.slipway.ci.workspace.Checkouts;
import dev.slipway.ci.workspace.GitHistory;
import dev.slipway.ci.workspace.Worktrees;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.jgit.lib.PersonIdent;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versions from commit messages ({@code version:}) for the run queue: {@link #begin} computes a
 * run's version before its tasks run (or finds the one an earlier attempt of the same run got),
 * {@link #finish} pushes the version tag when the run succeeded and the pipeline asks for it.
 *
 * <p>The queue starts one versioned run of a pipeline and branch at a time, so a run computes its
 * version after the one before it pushed its tag; {@link #begin} fetches the remote's tags first,
 * so tags pushed by others count too.
 */
public final class Versions {
    private static final Logger LOG = LoggerFactory.getLogger(Versions.class);
    /** The tagger of version tags. */
    static final String TAGGER_NAME = "Slipway";
    static final String TAGGER_EMAIL = "slipway@localhost";

    private final Checkouts checkouts;
    private final RunVersions stored;

    public Versions(Checkouts checkouts, Jdbi jdbi) {
        this.checkouts = checkouts;
        this.stored = new RunVersions(jdbi);
    }

    /**
     * The version of run {@code runId} at {@code commit} of {@code repo}: the one recorded for the
     * run (a retry keeps its version), else computed now from the remote's tags and recorded.
     *
     * @param pullRequest a run of a pull request: it gets its version, but never pushes a tag (a
     *     pull request is no release, and its head may be a fork's commit)
     * @throws SlipwayException.BadRequest when the tags cannot be fetched or no version can be given (the run errors, saying why)
     */
    public RunVersion begin(long runId, Registration repo, String commit, Versioning spec, boolean pullRequest) {
        Optional<RunVersion> recorded = stored.find(runId);
        if (recorded.isPresent()) {
            return recorded.get();
        }
        if (commit == null || commit.isBlank()) {
            throw new SlipwayException.BadRequest("cannot compute the version: the run has no commit");
        }
        try {
            checkouts.refresh(repo.owner(), repo.name(), repo.storeEntry());
        } catch (RuntimeException e) {
            throw new SlipwayException.BadRequest("cannot compute the version: " + e.getMessage());
        }
        NextVersion.Computed c;
        try (GitHistory history = checkouts.worktrees().history(repo.owner(), repo.storeEntry())) {
            c = NextVersion.compute(spec, history, commit);
        } catch (IOException | Worktrees.CheckoutException | NextVersion.Refused e) {
            throw new SlipwayException.BadRequest("cannot compute the version: " + e.getMessage());
        }
        RunVersion v = new RunVersion(spec.prefix() + c.version(), c.bump().wire(), c.previous() == null ? null : spec.prefix() + c.previous(),
                spec.tag() && !pullRequest, false, null);
        stored.insert(runId, v);
        LOG.info("run {} of {}: version {} ({} from {})", runId, repo.fullName(), v.version(), v.bump(),
                v.previous() == null ? "no version tag" : v.previous());
        return v;
    }

    /**
     * After the run: when it succeeded and its version is to be tagged ({@code tag: true}, not a
     * pull request), pushes the annotated tag {@code <version>} at {@code commit} with the message
     * {@code Release <version> (<bump>)} (seed 000's), unless an earlier attempt of the run pushed
     * it. Records the outcome; never throws, since a failed push does not change the run's result.
     */
    public void finish(long runId, Registration repo, String commit, Versioning spec, boolean succeeded) {
        if (spec == null || !spec.tag() || !succeeded) {
            return;
        }
        RunVersion v = stored.find(runId).orElse(null);
        if (v == null || !v.tag() || v.pushed()) {
            return;
        }
        try {
            checkouts.pushTag(repo.owner(), repo.name(), repo.storeEntry(), v.version(), commit, message(v),
                    new PersonIdent(TAGGER_NAME, TAGGER_EMAIL));
            stored.recordPush(runId, true, null);
            LOG.info("run {} of {}: pushed tag {}", runId, repo.fullName(), v.version());
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            stored.recordPush(runId, false, why);
            LOG.warn("run {} of {}: the tag {} was not pushed: {}", runId, repo.fullName(), v.version(), why);
        }
    }

    /** Seed 000's {@code git tag -a "$VERSION" -m "Release $VERSION ($BUMP)"}. */
    static String message(RunVersion v) {
        return "Release " + v.version() + " (" + v.bump() + ")";
    }

    /** The recorded versions, for the run JSON. */
    public RunVersions stored() {
        return stored;
    }
}
