package dev.slipway.logs;

import java.io.IOException;
import java.util.List;

/**
 * Receives a log as it grows; see {@link LogHub#follow}. Calls come from one thread, one at a
 * time, and end with exactly one {@link #onEnd} or {@link #onError}, unless the subscription is
 * cancelled first. A listener may take its time: only its own follow waits for it.
 */
public interface LogListener {

    /**
     * The next chunks: one or more, contiguous, at most 64 KiB of bytes in all. The first starts
     * where the previous call's last one ended (the first call's at the follow's offset). A page
     * rather than a chunk per call so that a consumer can send or flush once per page, however
     * small the appends were.
     */
    void onChunks(List<LogChunk> chunks) throws IOException;

    /** Every byte has been delivered and the log is finished with this exit code. */
    void onEnd(int exitCode);

    /**
     * Following stopped early: the log was deleted, reading it failed, or {@link #onChunks} threw
     * (given here; a client that went away usually shows up so).
     */
    default void onError(Exception failure) {}
}
