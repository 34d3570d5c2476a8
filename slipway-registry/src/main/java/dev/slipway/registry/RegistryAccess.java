package dev.slipway.registry;

import dev.slipway.core.identity.Action;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.registry.metadata.Metadata;
import dev.slipway.registry.oci.Names;
import dev.slipway.registry.proxy.PullThroughCache;
import java.util.Set;

/**
 * What a principal may do to a registry repository: the one place it is decided. The {@code /v2/}
 * API, the packages API, the UI's package pages and task image pulls all ask here, so a public
 * repository, an owner's namespace, an organization's members, a token's scopes, a job token's
 * confinement and a pull-through proxy's rules mean the same everywhere.
 */
public final class RegistryAccess {
    private final Registry registry;
    private final Identity identity;
    private final PullThroughCache pullThrough;

    public RegistryAccess(Registry registry, Identity identity, PullThroughCache pullThrough) {
        this.registry = registry;
        this.identity = identity;
        this.pullThrough = pullThrough;
    }

    /** The actions {@code principal} has on {@code repository} ({@code owner/name}), given its visibility. */
    public Set<Action> rights(Principal principal, String repository) {
        boolean isPublic = registry.repository(repository).map(Metadata.RepositoryRow::isPublic).orElse(false);
        return rights(principal, Names.owner(repository), isPublic);
    }

    /** The actions {@code principal} has on a repository of {@code owner} that is public or not. */
    public Set<Action> rights(Principal principal, String owner, boolean isPublic) {
        return pullThrough.rights(owner, principal, identity.repositoryActions(principal, owner, isPublic));
    }
}
