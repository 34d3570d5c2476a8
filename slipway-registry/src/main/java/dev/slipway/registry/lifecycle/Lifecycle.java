package dev.slipway.registry.lifecycle;

import dev.slipway.core.Clock;
import dev.slipway.core.Durations;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.registry.metadata.Metadata;
import dev.slipway.registry.storage.BlobStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's lifecycle: immutable tags, retention and online garbage collection, on demand
 * (CLI, API) and on a schedule in the server. Design and safety argument: docs/gc.md.
 */
public final class Lifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final ImmutableTags immutableTags;
    private final RetentionPolicies policies;
    private final Retention retention;
    private final GarbageCollector gc;
    private final SlipwayConfig.Lifecycle settings;

    public Lifecycle(Metadata metadata, BlobStore store, ImmutableTags immutableTags, Clock clock, SlipwayConfig.Lifecycle settings,
                     dev.slipway.registry.events.RegistryEvents events) {
        this.immutableTags = immutableTags;
        this.policies = new RetentionPolicies(metadata.jdbi(), clock);
        this.retention = new Retention(metadata, policies, immutableTags, clock, events);
        this.gc = new GarbageCollector(metadata, store, clock, settings.gcGrace(), settings.uploadMaxAge());
        this.settings = settings;
    }

    public ImmutableTags immutableTags() {
        return immutableTags;
    }

    // ---- retention

    /** Creates or replaces the policy of {@code policy.target()}. */
    public void setPolicy(RetentionPolicy policy) {
        ImmutableTags.Target t = ImmutableTags.Target.parse(policy.target());
        if (!t.owner().equals(policy.owner())) {
            throw new SlipwayException.BadRequest(policy.repository() + " does not belong to " + policy.owner());
        }
        policies.put(policy);
    }

    public List<RetentionPolicy> policies(String owner) {
        return policies.list(owner);
    }

    /** Removes the policy of {@code target} ({@code OWNER} or {@code OWNER/NAME}); NotFound if there is none. */
    public void removePolicy(String target) {
        ImmutableTags.Target t = ImmutableTags.Target.parse(target);
        policies.remove(t.owner(), t.repository());
    }

    /** Applies the policies of {@code owner}'s repositories (every owner's if null). */
    public RetentionReport retain(String owner, boolean dryRun) {
        return retention.run(owner, dryRun);
    }

    /**
     * Keeps the newest {@code n} tags of {@code repository} and removes the others, with what only
     * they kept, as a policy {@code keep-last=n} of that repository would, now (a publish task's
     * {@code keep}). {@code latest} and immutable tags are always kept; stored policies are not
     * changed.
     */
    public RetentionReport keepNewest(String repository, int n) {
        return retention.runOnce(new RetentionPolicy(dev.slipway.registry.oci.Names.owner(repository), repository, n, null, null,
                null, null));
    }

    // ---- garbage collection

    public GcReport collectGarbage(boolean dryRun) {
        return gc.run(dryRun);
    }

    /**
     * Runs retention and garbage collection in the background at the configured intervals (a zero
     * interval leaves that job to the CLI and API), one job at a time. Closing stops it.
     */
    public AutoCloseable startSchedule() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "registry-lifecycle");
            t.setDaemon(true);
            return t;
        });
        schedule(scheduler, settings.retentionInterval(), "retention", () -> {
            RetentionReport r = retain(null, false);
            if (!r.tags().isEmpty() || !r.manifests().isEmpty()) {
                LOG.info("retention removed {} tags and {} manifests", r.tags().size(), r.manifests().size());
            }
        });
        schedule(scheduler, settings.gcInterval(), "garbage collection", () -> {
            GcReport r = collectGarbage(false);
            if (!r.isEmpty()) {
                LOG.info("garbage collection removed {} files ({} bytes), {} blob links, {} blob records, {} uploads ({} bytes)",
                        r.files(), r.fileBytes(), r.links(), r.blobs(), r.uploads(), r.uploadBytes());
            }
        });
        return () -> {
            scheduler.shutdownNow();
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        };
    }

    private static void schedule(ScheduledExecutorService scheduler, Duration interval, String name, Runnable job) {
        if (interval.isZero()) {
            LOG.info("background {} is off (interval 0)", name);
            return;
        }
        long ms = interval.toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                // The next run retries; a failure must not end the schedule.
                LOG.error("background {} failed", name, e);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
        LOG.debug("background {} every {}", name, Durations.format(interval));
    }
}
