package dev.slipway.server;

import dev.slipway.ci.release.Publisher;
import dev.slipway.core.identity.Action;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Scope;
import dev.slipway.registry.lifecycle.Lifecycle;
import dev.slipway.registry.lifecycle.RetentionReport;
import dev.slipway.registry.oci.RegistryException;
import dev.slipway.registry.proxy.PullThroughCache;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Publish tasks' side of this server's registry: the engine pushes to {@code ci.engine-registry}
 * (by default {@code 127.0.0.1:<port>}, which docker takes as an insecure registry, so plain HTTP
 * works with no daemon setting) with a registry token for the one repository, minted for the run's
 * user and only if that user may push there; {@code keep} applies retention to the repository.
 */
final class OwnRegistryPushes implements Publisher.OwnRegistry {
    private final String configured;
    private volatile String pushAddress;
    private final String publicAddress;
    private final OwnRegistryPulls pulls;
    private final Identity identity;
    private final PullThroughCache pullThrough;
    private final Lifecycle lifecycle;

    /** @param configured {@code ci.engine-registry}, or null for {@code 127.0.0.1:<the port the server listens on>} */
    OwnRegistryPushes(String configured, String publicAddress, OwnRegistryPulls pulls, Identity identity, PullThroughCache pullThrough,
                      Lifecycle lifecycle) {
        this.configured = configured;
        this.pushAddress = configured;
        this.publicAddress = publicAddress;
        this.pulls = pulls;
        this.identity = identity;
        this.pullThrough = pullThrough;
        this.lifecycle = lifecycle;
    }

    /** The server listens on {@code port}. */
    void bound(int port) {
        if (configured == null) {
            pushAddress = "127.0.0.1:" + port;
        }
    }

    @Override
    public String pushAddress() {
        if (pushAddress == null) {
            throw new IllegalStateException("the server is not listening yet");
        }
        return pushAddress;
    }

    @Override
    public String publicAddress() {
        return publicAddress;
    }

    @Override
    public String pushToken(String user, String repository) throws Publisher.PublishException {
        try {
            pullThrough.refusePush(repository);
        } catch (RegistryException proxied) {
            throw new Publisher.PublishException("cannot publish to " + repository + ": " + proxied.getMessage());
        }
        Principal principal = OwnRegistryPulls.runUser(identity, user, Scope.WRITE_PACKAGE);
        if (principal.isAnonymous()) {
            throw new Publisher.PublishException("cannot publish to " + repository + ": the run has no user ('" + user + "' is neither"
                    + " a user nor an organization)");
        }
        if (!pulls.rights(principal, repository).contains(Action.PUSH)) {
            throw new Publisher.PublishException("cannot publish to " + repository + ": '" + user + "', whose run this is, may not push"
                    + " there (a run publishes only where its user may push: the user's own namespace and organizations the user"
                    + " belongs to)");
        }
        return pulls.token(principal, repository, EnumSet.of(Action.PULL, Action.PUSH));
    }

    @Override
    public List<String> keepNewest(String repository, int n) {
        RetentionReport report = lifecycle.keepNewest(repository, n);
        List<String> lines = new ArrayList<>();
        report.tags().forEach(t -> lines.add("tag " + t.tag() + " (" + t.digest() + ")"));
        report.manifests().forEach(m -> lines.add("manifest " + m.digest() + " (" + m.reason() + ")"));
        report.skipped().forEach(s -> lines.add("kept: " + s));
        return lines;
    }
}
