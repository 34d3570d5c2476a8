package dev.slipway.ci.scheduler;

import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.workspace.Dirs;
import dev.slipway.core.Sizes;
import dev.slipway.core.config.SlipwayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evicts the workspaces of finished runs by the keep policy ({@code ci.keep.*}; seed 004 left
 * "when are stopped containers removed" open). A run's workspace is what a retry of it needs: its
 * stopped task containers and overlay volumes (this instance's only, see
 * {@link dev.slipway.ci.executor.InstanceId}) and its run directory {@code <runs>/<id>/} (task
 * layers, outputs, secret files). Logs are not part of it.
 *
 * <p>A finished run's workspace is evicted when it finished more than {@code max-age} ago or is
 * beyond the newest {@code max-runs}; then, oldest first, while the kept run directories together
 * are over {@code max-size} or the data filesystem has less than {@code min-free} free. Queued and
 * running runs are never evicted: {@link CiStore#markEvicted} only takes finished runs and
 * {@link CiStore#requeue} refuses evicted ones, so an eviction and a retry never overlap. A run
 * directory is measured once, when its run has finished (the apparent size of its files), and the
 * size is kept in the database.
 *
 * <p>A full pass also sweeps leftovers: containers, volumes and run directories of this instance
 * whose run was evicted or is unknown (a crash between marking and removing, a reset database).
 */
public final class RunEviction {
    private static final Logger LOG = LoggerFactory.getLogger(RunEviction.class);

    private final CiStore store;
    private final Executor executor;
    private final Path runsRoot;
    private final SlipwayConfig.Keep policy;

    /** What a pass did: the runs whose workspaces it evicted, and how many leftovers it swept. */
    public record Result(List<Long> evicted, int swept) {}

    public RunEviction(CiStore store, Executor executor, Path runsRoot, SlipwayConfig.Keep policy) {
        this.store = store;
        this.executor = executor;
        this.runsRoot = runsRoot;
        this.policy = policy;
    }

    public SlipwayConfig.Keep policy() {
        return policy;
    }

    /** One pass; {@code sweep} also looks for leftovers (this costs a listing of the engine's containers and volumes). */
    public synchronized Result evict(boolean sweep) {
        List<CiStore.KeptRun> kept = new ArrayList<>();
        for (CiStore.KeptRun k : store.keptRuns()) {
            if (k.bytes() == null) {
                long bytes = Dirs.size(runDir(k.id()));
                if (!store.recordWorkspaceBytes(k.id(), bytes)) {
                    continue; // queued again by a retry meanwhile
                }
                k = new CiStore.KeptRun(k.id(), k.finishedAt(), bytes);
            }
            kept.add(k);
        }
        long free = freeSpace();
        List<Long> victims = choose(kept, policy, store.clock().millis(), free);
        List<Long> evicted = new ArrayList<>();
        for (long id : victims) {
            if (store.markEvicted(id)) {
                removeWorkspace(id);
                evicted.add(id);
            }
        }
        int swept = sweep ? sweep() : 0;
        if (!evicted.isEmpty()) {
            LOG.info("evicted the workspaces of {} finished run(s) {} (keep policy: {}, at most {} runs, {} in run directories, "
                    + "{} free wanted, {} free before)", evicted.size(), evicted, dev.slipway.core.Durations.format(policy.maxAge()),
                    policy.maxRuns(), Sizes.format(policy.maxBytes()), Sizes.format(policy.minFreeBytes()), Sizes.format(free));
        }
        if (swept > 0) {
            LOG.info("removed the leftovers of {} evicted or unknown run(s)", swept);
        }
        return new Result(List.copyOf(evicted), swept);
    }

    /**
     * Which runs to evict, from the finished runs that keep a workspace (newest first), the policy,
     * the time and the free space on the data filesystem.
     */
    static List<Long> choose(List<CiStore.KeptRun> newestFirst, SlipwayConfig.Keep policy, long now, long freeBytes) {
        List<Long> out = new ArrayList<>();
        List<CiStore.KeptRun> keep = new ArrayList<>();
        long cutoff = now - policy.maxAge().toMillis();
        for (int i = 0; i < newestFirst.size(); i++) {
            CiStore.KeptRun k = newestFirst.get(i);
            if ((policy.maxRuns() >= 0 && i >= policy.maxRuns()) || k.finishedAt() < cutoff) {
                out.add(k.id());
            } else {
                keep.add(k);
            }
        }
        long total = keep.stream().mapToLong(k -> k.bytes() == null ? 0 : k.bytes()).sum();
        long free = freeBytes;
        for (int i = keep.size() - 1; i >= 0; i--) { // oldest first
            boolean overBudget = policy.maxBytes() >= 0 && total > policy.maxBytes();
            boolean lowOnSpace = free < policy.minFreeBytes();
            if (!overBudget && !lowOnSpace) {
                break;
            }
            CiStore.KeptRun k = keep.get(i);
            long bytes = k.bytes() == null ? 0 : k.bytes();
            out.add(k.id());
            total -= bytes;
            free += bytes;
        }
        return out;
    }

    /** Removes one run's workspace now (its containers, volumes and run directory). */
    public synchronized void removeRun(long id) {
        removeWorkspace(id);
    }

    private void removeWorkspace(long id) {
        try {
            executor.removeRun(Long.toString(id));
        } catch (RuntimeException e) {
            LOG.warn("cannot remove the containers of run {} (the next full pass tries again): {}", id, e.getMessage());
        }
        try {
            Dirs.reset(runDir(id));
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot remove the run directory of run {} (the next full pass tries again): {}", id, e.getMessage());
        }
    }

    /** Removes what is left of runs that are evicted or unknown; returns how many runs had leftovers. */
    private int sweep() {
        // What exists first, then the database: a run created in between has nothing on disk or the engine yet.
        Set<Long> found = new HashSet<>();
        for (String run : executor.keptRuns()) {
            if (run.matches("\\d{1,18}")) {
                found.add(Long.parseLong(run));
            }
        }
        if (Files.isDirectory(runsRoot)) {
            try (Stream<Path> dirs = Files.list(runsRoot)) {
                dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("\\d{1,18}")).forEach(n -> found.add(Long.parseLong(n)));
            } catch (IOException e) {
                LOG.warn("cannot list {}: {}", runsRoot, e.getMessage());
            }
        }
        found.removeAll(store.withWorkspace(found));
        found.forEach(this::removeWorkspace);
        return found.size();
    }

    private long freeSpace() {
        try {
            Files.createDirectories(runsRoot);
            return Files.getFileStore(runsRoot).getUsableSpace();
        } catch (IOException e) {
            LOG.warn("cannot tell the free space under {}: {}", runsRoot, e.getMessage());
            return Long.MAX_VALUE;
        }
    }

    Path runDir(long id) {
        return runsRoot.resolve(Long.toString(id));
    }
}
