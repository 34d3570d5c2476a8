package dev.slipway.registry.lifecycle;

import dev.slipway.core.Clock;
import dev.slipway.core.Digest;
import dev.slipway.registry.events.RegistryEvent;
import dev.slipway.registry.events.RegistryEvents;
import dev.slipway.registry.metadata.Metadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Carries out retention: for each repository with a policy, a {@link RetentionPlanner} plan from
 * a snapshot, then each removal on its own with the re-checks of {@link Metadata#deleteTag} and
 * {@link Metadata#deleteManifest}, so a push that lands meanwhile wins over the plan. Each removal
 * writes its {@code tag.deleted} or {@code manifest.deleted} event (actor null: the server did it)
 * in its own transaction, as a client's DELETE does.
 */
final class Retention {
    private final Metadata metadata;
    private final RetentionPolicies policies;
    private final ImmutableTags immutableTags;
    private final Clock clock;
    private final RegistryEvents events;

    Retention(Metadata metadata, RetentionPolicies policies, ImmutableTags immutableTags, Clock clock, RegistryEvents events) {
        this.metadata = metadata;
        this.policies = policies;
        this.immutableTags = immutableTags;
        this.clock = clock;
        this.events = events;
    }

    RetentionReport run(String owner, boolean dryRun) {
        List<RetentionReport.Tag> tags = new ArrayList<>();
        List<RetentionReport.Manifest> manifests = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String repository : repositories(owner)) {
            Optional<RetentionPolicy> policy = policies.effective(repository);
            if (policy.isPresent()) {
                apply(repository, policy.get(), dryRun, tags, manifests, skipped);
            }
        }
        if (!dryRun) {
            events.committed();
        }
        return new RetentionReport(dryRun, tags, manifests, skipped);
    }

    /** Applies {@code policy}, which need not be stored, to its repository now. */
    RetentionReport runOnce(RetentionPolicy policy) {
        List<RetentionReport.Tag> tags = new ArrayList<>();
        List<RetentionReport.Manifest> manifests = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        apply(policy.repository(), policy, false, tags, manifests, skipped);
        events.committed();
        return new RetentionReport(false, tags, manifests, skipped);
    }

    private void apply(String repository, RetentionPolicy policy, boolean dryRun, List<RetentionReport.Tag> tags,
                       List<RetentionReport.Manifest> manifests, List<String> skipped) {
        Function<String, Optional<ImmutableRule>> rules = immutableTags.rulesOf(repository);
        RetentionPlanner.Plan plan = RetentionPlanner.plan(policy, snapshot(repository), clock.millis(),
                tag -> rules.apply(tag).isPresent());
        if (dryRun) {
            tags.addAll(plan.tags());
            manifests.addAll(plan.manifests());
            return;
        }
        for (RetentionReport.Tag t : plan.tags()) {
            switch (metadata.deleteTag(repository, t.tag(), t.digest(), rules.apply(t.tag()).isPresent(),
                    (h, digest) -> events.record(h, new RegistryEvent.TagDeleted(events.newId(), clock.millis(), repository, null,
                            t.tag(), digest)))) {
                case DELETED -> tags.add(t);
                case MISSING -> skipped.add(repository + ":" + t.tag() + " was deleted meanwhile");
                case MOVED -> skipped.add(repository + ":" + t.tag() + " was pushed again meanwhile");
                case IMMUTABLE -> skipped.add(repository + ":" + t.tag() + " became immutable meanwhile");
            }
        }
        for (RetentionReport.Manifest m : plan.manifests()) {
            switch (metadata.deleteManifest(repository, m.digest(), tag -> rules.apply(tag).isPresent(), true,
                    (h, gone) -> events.record(h, new RegistryEvent.ManifestDeleted(events.newId(), clock.millis(), repository, null,
                            m.digest(), gone)))) {
                case Metadata.Deletion.Deleted d -> manifests.add(m);
                case Metadata.Deletion.Missing x -> skipped.add(repository + "@" + m.digest() + " was deleted meanwhile");
                case Metadata.Deletion.InIndex(List<Digest> p) ->
                        skipped.add(repository + "@" + m.digest() + " is kept: index " + p.getFirst() + " lists it");
                case Metadata.Deletion.ProtectedTag(String tag) ->
                        skipped.add(repository + "@" + m.digest() + " is kept: immutable tag '" + tag + "'");
                case Metadata.Deletion.InUse(String why) -> skipped.add(repository + "@" + m.digest() + " is kept: " + why);
            }
        }
    }

    private List<String> repositories(String owner) {
        return metadata.jdbi().withHandle(h -> {
            var q = h.createQuery("SELECT r.name FROM repositories r WHERE " + (owner == null ? "" : "r.owner = :o AND ")
                    + "EXISTS (SELECT 1 FROM retention_policies p WHERE p.owner = r.owner AND (p.repository = '' OR p.repository = r.name)) "
                    + "ORDER BY r.name");
            if (owner != null) {
                q.bind("o", owner);
            }
            return q.mapTo(String.class).list();
        });
    }

    /**
     * Tags, manifests, index children, subjects and blob sizes of one repository. It need not be a
     * consistent snapshot: what changes meanwhile is caught by the re-checks when removing.
     */
    private RetentionPlanner.Snapshot snapshot(String repository) {
        return metadata.jdbi().withHandle(h -> {
            List<RetentionPlanner.Tag> tags = h.createQuery("SELECT name, digest, updated_at FROM tags WHERE repository = :r")
                    .bind("r", repository)
                    .map((rs, ctx) -> new RetentionPlanner.Tag(rs.getString(1), Digest.parse(rs.getString(2)), rs.getLong(3))).list();
            Map<String, List<Digest>> children = new HashMap<>();
            Map<String, Long> blobBytes = new HashMap<>();
            h.createQuery("SELECT mr.manifest_digest, mr.child_digest, mr.kind, b.size FROM manifest_references mr "
                            + "LEFT JOIN blobs b ON b.digest = mr.child_digest WHERE mr.repository = :r")
                    .bind("r", repository)
                    .map((rs, ctx) -> {
                        if (rs.getString(3).equals(Metadata.Reference.MANIFEST)) {
                            children.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(Digest.parse(rs.getString(2)));
                        } else {
                            blobBytes.merge(rs.getString(1), rs.getLong(4), Long::sum);
                        }
                        return 0;
                    }).list();
            List<RetentionPlanner.Node> nodes = h.createQuery("SELECT digest, media_type, size, created_at, subject FROM manifests WHERE repository = :r")
                    .bind("r", repository)
                    .map((rs, ctx) -> new RetentionPlanner.Node(Digest.parse(rs.getString(1)), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getString(5) == null ? null : Digest.parse(rs.getString(5)),
                            children.getOrDefault(rs.getString(1), List.of()), blobBytes.getOrDefault(rs.getString(1), 0L)))
                    .list();
            return new RetentionPlanner.Snapshot(repository, tags, nodes);
        });
    }
}
