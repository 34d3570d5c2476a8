package dev.slipway.server;

import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.scheduler.RunQueue;
import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.core.identity.Action;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Scope;
import dev.slipway.registry.RegistryAccess;
import dev.slipway.registry.http.RegistryTokens;
import dev.slipway.registry.oci.Names;
import dev.slipway.registry.oci.RegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Lets task images come from this server's own registry: for an image named with one of the
 * addresses this server answers on ({@code external-url}'s host:port, or the loopback names of
 * its port), the engine gets a registry token that may pull exactly that repository, on behalf
 * of the user who started the run and with no more than that user may read. Other images need no
 * credentials from Slipway.
 */
final class OwnRegistryPulls implements RunQueue.ImageAuth {
    /** Long enough for a large image; the token can only pull one repository. */
    private static final Duration TTL = Duration.ofHours(1);

    private final Set<String> addresses;
    private final String service;
    private final Identity identity;
    private final RegistryAccess access;
    private final RegistryTokens tokens;

    OwnRegistryPulls(SlipwayConfig config, Identity identity, RegistryAccess access) {
        String external = URI.create(config.externalUrl()).getAuthority();
        int port = config.listenPort();
        this.addresses = Set.copyOf(java.util.List.of(external, "127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port));
        this.service = external;
        this.identity = identity;
        this.access = access;
        try {
            this.tokens = new RegistryTokens(config.secretsDir(), TTL);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the registry token key under " + config.secretsDir(), e);
        }
    }

    @Override
    public TaskSpec.PullAuth forImage(String owner, String actor, String image) {
        int slash = image.indexOf('/');
        if (slash < 0 || !addresses.contains(image.substring(0, slash))) {
            return null;
        }
        String repository = repositoryOf(image.substring(slash + 1));
        try {
            Names.checkRepository(repository);
        } catch (RegistryException invalid) {
            return null; // the pull fails with the engine's own message
        }
        Principal principal = runUser(identity, actor, Scope.READ_PACKAGE);
        if (!rights(principal, repository).contains(Action.PULL)) {
            return null; // not readable by the run's user: the registry refuses the pull
        }
        return new TaskSpec.PullAuth(image.substring(0, slash), token(principal, repository, EnumSet.of(Action.PULL)));
    }

    /**
     * The run's user as a principal with one scope: a user with its admin flag; an organization
     * (runs its repository's webhooks started belong to it) by its name, which gives it its own
     * namespace only; nobody (anonymous) when neither exists.
     */
    static Principal runUser(Identity identity, String actor, Scope scope) {
        if (actor == null || identity.ownerKind(actor).isEmpty()) {
            return Principal.ANONYMOUS;
        }
        boolean admin = identity.user(actor).map(Identity.User::admin).orElse(false);
        return new Principal(actor, admin, Set.of(scope));
    }

    /** What {@code principal} may do to {@code repository}, as the registry would decide it. */
    Set<Action> rights(Principal principal, String repository) {
        return access.rights(principal, repository);
    }

    /** A registry token for the engine: {@code actions} on {@code repository} only, for an hour. */
    String token(Principal principal, String repository, Set<Action> actions) {
        return tokens.issue(principal, service, Map.of(repository, EnumSet.copyOf(actions)), false);
    }

    /** {@code owner/name[:tag|@digest]} without the tag or digest. */
    static String repositoryOf(String nameAndReference) {
        int at = nameAndReference.indexOf('@');
        String name = at >= 0 ? nameAndReference.substring(0, at) : nameAndReference;
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
    }
}
