package dev.slipway.ci.release;

import dev.slipway.ci.model.Permissions;

/**
 * The way back to Slipway for a run's tasks: the server activates the run's job token when the run
 * starts and revokes it when it ends, and says where tasks reach it. Implemented by the server.
 */
public interface RunAccess {
    /**
     * The run's job token, live from now until {@link #close}; the same secret for every attempt of
     * one run, so a retried task's kept container still holds a working token.
     *
     * @param user the run's user (an organization for runs its repository's webhooks started)
     * @param repository the run's CI repository, {@code owner/name}
     */
    Grant open(long runId, String user, String repository, Permissions permissions);

    /** The run ended: its token stops working, also for registry tokens obtained with it. */
    void close(long runId);

    /**
     * What tasks get: {@code SLIPWAY_TOKEN}, {@code SLIPWAY_SERVER} (the server's URL as tasks
     * reach it) and {@code SLIPWAY_REGISTRY} ({@code host:port} of its registry, as tasks reach it).
     */
    record Grant(String token, String server, String registry) {
        @Override
        public String toString() {
            return "Grant[" + server + ", " + registry + ", token hidden]";
        }
    }
}
