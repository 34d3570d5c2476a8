package dev.slipway.registry.events;

import dev.slipway.core.Digest;
import java.util.List;

/**
 * Something that changed in the registry, as webhooks and in-process listeners receive it. Every
 * event is written to the database in the transaction of the change it reports (see
 * {@link RegistryEvents}), so an acknowledged push or delete always has its event.
 */
public sealed interface RegistryEvent permits RegistryEvent.ManifestPushed, RegistryEvent.TagDeleted, RegistryEvent.ManifestDeleted {
    /** Time-ordered, unique; also the webhook delivery id. */
    String id();

    /** Epoch milliseconds. */
    long at();

    String repository();

    /** The user who made the change; null when not known (a change made by the server itself). */
    String actor();

    /** The wire name: {@code manifest.pushed}, {@code tag.deleted} or {@code manifest.deleted}. */
    String kind();

    default String owner() {
        return repository().substring(0, repository().indexOf('/'));
    }

    /** A manifest was stored, under {@code tag} (null when pushed by digest). */
    record ManifestPushed(String id, long at, String repository, String actor, String tag, Digest digest,
                          String mediaType, long size) implements RegistryEvent {
        public String kind() {
            return "manifest.pushed";
        }
    }

    /** A tag was removed; the manifest it pointed at stays. */
    record TagDeleted(String id, long at, String repository, String actor, String tag, Digest digest) implements RegistryEvent {
        public String kind() {
            return "tag.deleted";
        }
    }

    /** A manifest was removed, with the {@code tags} that pointed at it. */
    record ManifestDeleted(String id, long at, String repository, String actor, Digest digest, List<String> tags)
            implements RegistryEvent {
        public ManifestDeleted {
            tags = List.copyOf(tags);
        }

        public String kind() {
            return "manifest.deleted";
        }
    }
}
