package dev.slipway.ci.scheduler;

import dev.slipway.ci.definition.PipelineParser;
import dev.slipway.ci.model.Pipeline;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One running run at a time per versioned pipeline and branch: a run computes its version when
 * it starts, so the next run of the same pipeline on the same branch must start after the one
 * before it pushed its tag, or both would get the same version for different commits. Runs of
 * pipelines without {@code version:} pass freely. Lanes are this server's (one run queue).
 */
final class VersionLanes {
    private final Set<String> busy = ConcurrentHashMap.newKeySet();

    /** Takes the run's lane: true for a run without a version or a free lane, false while another run holds it. */
    boolean enter(CiStore.RunRow run) {
        String lane = lane(run);
        return lane == null || busy.add(lane);
    }

    /** Frees the lane a run took with {@link #enter}. */
    void leave(CiStore.RunRow run) {
        String lane = lane(run);
        if (lane != null) {
            busy.remove(lane);
        }
    }

    /** owner/repo, pipeline and branch ({@code main} and {@code refs/heads/main} alike); null for a run without a version. */
    static String lane(CiStore.RunRow run) {
        // A file without the word has no 'version:' key: most runs are not parsed at all.
        if (run.definition() == null || !run.definition().contains("version")) {
            return null;
        }
        Pipeline pipeline;
        try {
            pipeline = new PipelineParser().parse(run.pipeline(), run.definition());
        } catch (RuntimeException invalid) {
            return null; // it ends in error when it runs
        }
        if (pipeline.version() == null) {
            return null;
        }
        String ref = run.ref() == null ? "" : run.ref();
        String branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
        return run.owner() + "/" + run.repo() + "\0" + run.pipeline() + "\0" + branch;
    }
}
