package dev.slipway.server.cli;

import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.scheduler.RunEngine;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (or SIGTERM) while {@code slipway exec} runs: the running tasks' containers are stopped,
 * the run ends as cancelled and cleans up after itself (containers, service networks, the run
 * directory), and only then does the process exit, with 130 as a shell expects. Without this the
 * JVM would exit at once and leave the containers running. A second Ctrl-C, or 30 seconds, ends
 * the wait.
 */
final class ExecInterrupt implements AutoCloseable {
    private static final long GRACE_SECONDS = 30;

    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    private final Thread hook;

    ExecInterrupt(RunEngine.Cancellation cancellation, Executor executor) {
        hook = new Thread(() -> {
            if (cleanedUp.getCount() == 0) {
                return;
            }
            System.err.println("\n[slipway] interrupted: stopping the running tasks and cleaning up (Ctrl-C again to leave at once)");
            cancellation.cancel(executor);
            try {
                cleanedUp.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "slipway-exec-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The run has ended and cleaned up: an exit may go on. */
    @Override
    public void close() {
        cleanedUp.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running and now returns
        }
    }
}
