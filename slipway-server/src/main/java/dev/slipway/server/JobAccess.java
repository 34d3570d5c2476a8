package dev.slipway.server;

import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.model.Permissions;
import dev.slipway.ci.release.RunAccess;
import dev.slipway.core.Clock;
import dev.slipway.core.KeyFiles;
import dev.slipway.core.identity.JobTokens;
import dev.slipway.core.identity.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.EnumSet;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs' job tokens and where their tasks reach this server. A run's token is
 * {@code slwj_} + HMAC-SHA256(key, run id), the key being 256 random bits in
 * {@code <data>/secrets/job-token.key}: every attempt of a run gets the same secret (a retried
 * task's kept container holds it in its environment), and it works only while its run runs (the
 * database row is deleted when the run ends).
 *
 * <p>Tasks reach the host at the task network's gateway ({@link Executor#openHostPort}), where
 * host isolation lets exactly the server's port through; {@code ci.task-server-url} replaces that
 * address where the server sits elsewhere (a TLS proxy, another host).
 */
final class JobAccess implements RunAccess {
    private static final Logger LOG = LoggerFactory.getLogger(JobAccess.class);

    private final JobTokens tokens;
    private final byte[] key;
    private final String configuredUrl;
    private volatile String serverUrl;

    JobAccess(JobTokens tokens, Path secretsDir, String configuredUrl) {
        this.tokens = tokens;
        this.configuredUrl = configuredUrl;
        this.serverUrl = configuredUrl;
        try {
            this.key = KeyFiles.loadOrCreate(secretsDir.resolve("job-token.key"), 32);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the job token key under " + secretsDir, e);
        }
    }

    /**
     * The server listens on {@code port}: opens the way back from tasks and revokes the tokens of
     * runs a previous server process left running (they were marked as errors). Returns the address
     * tasks reach this host at, where the server must also listen, or null when
     * {@code ci.task-server-url} says where tasks reach it.
     */
    String start(Executor executor, int port, Clock clock) {
        int stale = tokens.revokeMintedBefore(clock.millis());
        if (stale > 0) {
            LOG.info("revoked {} job token(s) of runs the previous server left running", stale);
        }
        String host;
        try {
            host = executor.openHostPort(port);
        } catch (Executor.ExecutorException e) {
            LOG.warn("tasks cannot reach this server: {}", e.getMessage());
            host = null;
        }
        if (configuredUrl == null) {
            serverUrl = host == null ? "" : "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
            return host;
        }
        return null;
    }

    @Override
    public Grant open(long runId, String user, String repository, Permissions permissions) {
        String secret = secret(runId);
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        switch (permissions.packages()) {
            case READ -> scopes.add(Scope.READ_PACKAGE);
            case WRITE -> scopes.add(Scope.WRITE_PACKAGE);
            case NONE -> { }
        }
        if (permissions.repository() != Permissions.Access.NONE) {
            scopes.add(Scope.READ_REPOSITORY);
        }
        tokens.activate(secret, user, runId, repository, scopes);
        String url = serverUrl == null ? "" : serverUrl;
        return new Grant(secret, url, url.isEmpty() ? "" : URI.create(url).getAuthority());
    }

    @Override
    public void close(long runId) {
        tokens.revoke(runId);
    }

    private String secret(long runId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] h = mac.doFinal(("slipway job token\u0000" + runId).getBytes(StandardCharsets.UTF_8));
            return JobTokens.PREFIX + HexFormat.of().formatHex(h, 0, 20);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
