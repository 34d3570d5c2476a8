package dev.slipway.logs;

import java.io.IOException;

/**
 * Receives a log as it grows; see {@link LogHub#follow}. Calls come from one thread, one at a
 * time, and end with exactly one {@link #onEnd} or {@link #onError}, unless the subscription is
 * cancelled first. A listener may take its time: only its own follow waits for it.
 */
public interface LogListener {

    /** The next chunk. Each starts where the previous one ended, the first at the follow's offset. */
    void onChunk(LogChunk chunk) throws IOException;

    /** Every byte has been delivered and the log is finished with this exit code. */
    void onEnd(int exitCode);

    /**
     * Following stopped early: the log was deleted, reading it failed, or {@link #onChunk} threw
     * (given here; a client that went away usually shows up so).
     */
    default void onError(Exception failure) {}
}
