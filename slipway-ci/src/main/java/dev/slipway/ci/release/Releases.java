package dev.slipway.ci.release;

import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.model.Permissions;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.Task;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What the server's run queue gives each run for the release flow: the job token and the way back
 * to Slipway ({@link RunAccess}), and a {@link Publisher} for its publish tasks. One per server.
 */
public final class Releases {
    private final Executor executor;
    private final RunAccess access;
    private final Publisher.OwnRegistry own;
    private final PublishedImages published;

    public Releases(Executor executor, RunAccess access, Publisher.OwnRegistry own, PublishedImages published) {
        this.executor = executor;
        this.access = access;
        this.own = own;
        this.published = published;
    }

    /**
     * Opens a run's access: its job token is live until {@link ForRun#close}. A pull request from a
     * fork gets a read-only token, as GitHub gives one, and publishes nothing.
     *
     * @param source the repository's URL (the images' {@code org.opencontainers.image.source})
     * @param secrets a secret's value by name, for publish credentials
     */
    public ForRun open(long runId, String user, String repository, String source, Pipeline pipeline, boolean fork,
                       Function<String, byte[]> secrets) {
        return open(runId, user, repository, source, pipeline.permissions(), fork, secrets);
    }

    /** {@link #open(long, String, String, String, Pipeline, boolean, Function)} for a run whose definition says {@code asked}. */
    public ForRun open(long runId, String user, String repository, String source, Permissions asked, boolean fork,
                       Function<String, byte[]> secrets) {
        Permissions permissions = fork ? asked.atMost(new Permissions(Permissions.Access.READ, Permissions.Access.READ)) : asked;
        RunAccess.Grant grant = access.open(runId, user, repository, permissions);
        Publisher publisher = new Publisher(executor, own, new Publisher.Run(user, source, fork), secrets, p -> published.record(runId, p));
        return new ForRun(runId, grant, publisher);
    }

    /** One run's grant and publisher. */
    public final class ForRun implements AutoCloseable {
        private final long runId;
        private final RunAccess.Grant grant;
        private final Publisher publisher;

        private ForRun(long runId, RunAccess.Grant grant, Publisher publisher) {
            this.runId = runId;
            this.grant = grant;
            this.publisher = publisher;
        }

        /** The environment every task gets. */
        public Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("SLIPWAY_TOKEN", grant.token());
            env.put("SLIPWAY_SERVER", grant.server());
            env.put("SLIPWAY_REGISTRY", grant.registry());
            return env;
        }

        public Publisher publisher() {
            return publisher;
        }

        /** The job token, to mask in every task's output. */
        public byte[] token() {
            return grant.token().getBytes(StandardCharsets.UTF_8);
        }

        /** The values to mask in each task's output: {@code masks} plus the job token for every task. */
        public Map<String, Map<String, byte[]>> masks(Pipeline pipeline, Map<String, Map<String, byte[]>> masks) {
            Map<String, Map<String, byte[]>> out = new HashMap<>();
            for (Task t : pipeline.tasks()) {
                Map<String, byte[]> m = new LinkedHashMap<>(masks.getOrDefault(t.name(), Map.of()));
                m.put("SLIPWAY_TOKEN", grant.token().getBytes(StandardCharsets.UTF_8));
                out.put(t.name(), m);
            }
            return out;
        }

        @Override
        public void close() {
            access.close(runId);
        }
    }
}
