package dev.slipway.ci.executor;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.slipway.ci.model.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks as Docker containers through the Engine API (docker-java on the unix socket;
 * {@code DOCKER_HOST} is honoured).
 *
 * <p>Worktrees: each {@link TaskSpec.Mount.Overlay} becomes a Docker volume of the {@code local}
 * driver with {@code type=overlay}, so the kernel composes the read-only base worktree (and the
 * outputs of earlier tasks) with a per-task upper directory; Docker's own storage driver is not
 * involved (seed 004's open question). This needs the engine on the same host as the server,
 * which owns those directories.
 *
 * <p>Output is read by attaching to the container before it starts, not from {@code docker logs}:
 * the attach stream carries the process's bytes unchanged, while the json-file log driver would
 * replace invalid UTF-8.
 *
 * <p>Network: {@code none} gets no network. {@code default} joins the bridge network
 * {@code slipway-tasks} (bridge interface {@code slw-tasks0}); an iptables rule drops every packet
 * from that bridge to the host itself (INPUT), so tasks reach the outside world (FORWARD) but not
 * services on the Docker host, whatever address they listen on.
 *
 * <p>Lifecycle (seed 004): created, running, stopped; stopped containers are kept, labelled
 * {@code slipway.run}/{@code slipway.task}, until {@link #remove} or {@link #evict}.
 */
public final class DockerExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(DockerExecutor.class);
    public static final String NETWORK = "slipway-tasks";
    public static final String BRIDGE = "slw-tasks0";

    private final DockerClient docker;
    private final Map<String, ResultCallback.Adapter<Frame>> attachments = new ConcurrentHashMap<>();
    private final Map<String, List<String>> volumes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> stopped = new ConcurrentHashMap<>();
    private volatile boolean networkReady;

    public DockerExecutor() {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        var http = new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost())
                .maxConnections(100).connectionTimeout(Duration.ofSeconds(10)).build();
        this.docker = DockerClientImpl.getInstance(config, http);
    }

    /** Fails with a clear message when the engine cannot be reached. */
    public void ping() throws ExecutorException {
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new ExecutorException("cannot reach the Docker engine at " + System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock")
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public boolean isolated() {
        return true;
    }

    @Override
    public TaskHandle start(TaskSpec spec, OutputSink sink) throws ExecutorException {
        ensureImage(spec.image(), spec.pullAlways());
        String name = containerName(spec);
        String fingerprint = fingerprint(spec);
        String kept = reusable(name, fingerprint);
        if (kept != null) {
            // A retry of the same task with the same definition restarts its stopped container (seed 004:
            // stopped -> restarted); its overlay volumes were kept with it and its layers were reset.
            long overlays = spec.mounts().stream().filter(m -> m instanceof TaskSpec.Mount.Overlay).count();
            volumes.put(name, java.util.stream.LongStream.range(0, overlays).mapToObj(v -> name + "-" + v).toList());
            return attachAndStart(kept, spec, sink);
        }
        removeQuietly(name); // a previous attempt whose definition differs
        List<Mount> mounts = new ArrayList<>();
        List<String> createdVolumes = new ArrayList<>();
        int i = 0;
        for (TaskSpec.Mount m : spec.mounts()) {
            switch (m) {
                case TaskSpec.Mount.Bind b -> mounts.add(new Mount().withType(MountType.BIND).withSource(b.source().toString())
                        .withTarget(b.target()).withReadOnly(b.readOnly()));
                case TaskSpec.Mount.Overlay o -> {
                    String volume = name + "-" + (i++);
                    removeVolumeQuietly(volume);
                    String lowers = o.lowers().stream().map(Object::toString).collect(Collectors.joining(":"));
                    try {
                        docker.createVolumeCmd().withName(volume).withDriver("local")
                                .withDriverOpts(Map.of("type", "overlay", "device", "overlay",
                                        "o", "lowerdir=" + lowers + ",upperdir=" + o.upper() + ",workdir=" + o.work()))
                                .withLabels(Map.of("slipway.run", spec.runId(), "slipway.task", spec.task()))
                                .exec();
                    } catch (DockerException e) {
                        throw new ExecutorException("cannot create the overlay volume for " + o.target() + ": " + e.getMessage(), e);
                    }
                    createdVolumes.add(volume);
                    mounts.add(new Mount().withType(MountType.VOLUME).withSource(volume).withTarget(o.target()));
                }
            }
        }
        volumes.put(name, createdVolumes);
        // Slipway keeps every byte from the attach stream; the engine's json-file copy would cost a
        // second write of the whole output (about 20 MB/s here) and keep it with stopped containers.
        HostConfig host = HostConfig.newHostConfig().withMounts(mounts).withNetworkMode(network(spec.network()))
                .withLogConfig(new com.github.dockerjava.api.model.LogConfig(com.github.dockerjava.api.model.LogConfig.LoggingType.NONE));
        if (spec.resources().memoryBytes() != null) {
            host.withMemory(spec.resources().memoryBytes()).withMemorySwap(spec.resources().memoryBytes());
        }
        if (spec.resources().cpus() != null) {
            host.withNanoCPUs((long) (spec.resources().cpus() * 1_000_000_000L));
        }
        List<String> env = spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
        String id;
        try (CreateContainerCmd create = docker.createContainerCmd(spec.image())) {
            id = create.withName(name)
                    .withEntrypoint("/bin/sh", "-c")
                    .withCmd(spec.script())
                    .withEnv(env)
                    .withWorkingDir(spec.workdir())
                    .withLabels(Map.of("slipway.run", spec.runId(), "slipway.task", spec.task(), "slipway.spec", fingerprint))
                    .withAttachStdout(true).withAttachStderr(true)
                    .withHostConfig(host)
                    .exec().getId();
        } catch (DockerException e) {
            throw new ExecutorException("cannot create the container for task " + spec.task() + ": " + e.getMessage(), e);
        }
        return attachAndStart(id, spec, sink);
    }

    /** Attaches to the container's output before starting it, so no byte is missed. */
    private TaskHandle attachAndStart(String id, TaskSpec spec, OutputSink sink) throws ExecutorException {
        ResultCallback.Adapter<Frame> attach = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                byte[] p = frame.getPayload();
                if (p == null || p.length == 0) {
                    return;
                }
                if (frame.getStreamType() == StreamType.STDERR) {
                    sink.stderr(p, 0, p.length);
                } else {
                    sink.stdout(p, 0, p.length);
                }
            }
        };
        try {
            docker.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(false).exec(attach);
            attach.awaitStarted(30, TimeUnit.SECONDS);
            attachments.put(id, attach);
            docker.startContainerCmd(id).exec();
        } catch (DockerException e) {
            throw new ExecutorException("cannot start task " + spec.task() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException("interrupted while starting task " + spec.task(), e);
        }
        return new TaskHandle(id, spec);
    }


    /** The id of a stopped container of this name created from the same definition, or null. */
    private String reusable(String name, String fingerprint) {
        try {
            var c = docker.inspectContainerCmd(name).exec();
            boolean stopped = c.getState() == null || !Boolean.TRUE.equals(c.getState().getRunning());
            Map<String, String> labels = c.getConfig() == null ? null : c.getConfig().getLabels();
            return stopped && labels != null && fingerprint.equals(labels.get("slipway.spec")) ? c.getId() : null;
        } catch (NotFoundException missing) {
            return null;
        } catch (DockerException e) {
            return null;
        }
    }

    /** What makes two attempts of a task the same container: image, script, environment, mounts, limits. */
    static String fingerprint(TaskSpec spec) {
        String text = String.join("\u0000", spec.image(), spec.script(), new java.util.TreeMap<>(spec.env()).toString(),
                spec.workdir(), spec.mounts().toString(), String.valueOf(spec.network()), String.valueOf(spec.resources()));
        return dev.slipway.core.Digest.sha256(text).hex().substring(0, 32);
    }

    @Override
    public void buildImage(java.nio.file.Path context, String dockerfile, String tag) throws ExecutorException {
        try {
            docker.inspectImageCmd(tag).exec();
            return; // built before from the same content
        } catch (NotFoundException missing) {
            // build below
        }
        java.io.File file = context.resolve(dockerfile).toFile();
        if (!file.isFile()) {
            throw new ExecutorException("Dockerfile " + dockerfile + " not found in the build context");
        }
        try {
            docker.buildImageCmd(context.toFile()).withDockerfile(file).withTags(java.util.Set.of(tag)).withPull(false)
                    .exec(new com.github.dockerjava.api.command.BuildImageResultCallback()).awaitImageId(30, TimeUnit.MINUTES);
        } catch (DockerException | com.github.dockerjava.api.exception.DockerClientException e) {
            throw new ExecutorException("building image " + tag + " failed: " + e.getMessage(), e);
        }
    }

    private void ensureImage(String image, boolean always) throws ExecutorException {
        if (!always) {
            try {
                docker.inspectImageCmd(image).exec();
                return;
            } catch (NotFoundException missing) {
                // pull below
            }
        }
        try {
            docker.pullImageCmd(image).exec(new ResultCallback.Adapter<PullResponseItem>()).awaitCompletion(30, TimeUnit.MINUTES);
            docker.inspectImageCmd(image).exec();
        } catch (DockerException e) {
            throw new ExecutorException("image " + image + " is not present locally and could not be pulled: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException("interrupted while pulling " + image, e);
        }
    }

    private String network(Task.NetworkPolicy policy) throws ExecutorException {
        if (policy == Task.NetworkPolicy.NONE) {
            return "none";
        }
        if (!networkReady) {
            synchronized (this) {
                if (!networkReady) {
                    prepareIsolatedNetwork();
                    networkReady = true;
                }
            }
        }
        return NETWORK;
    }

    /** The task network, and the firewall rule that keeps its members away from the host. */
    private void prepareIsolatedNetwork() throws ExecutorException {
        List<Network> existing = docker.listNetworksCmd().withNameFilter(NETWORK).exec();
        if (existing.stream().noneMatch(n -> n.getName().equals(NETWORK))) {
            try {
                docker.createNetworkCmd().withName(NETWORK).withDriver("bridge")
                        .withOptions(Map.of("com.docker.network.bridge.name", BRIDGE))
                        .withLabels(Map.of("slipway", "tasks")).exec();
            } catch (DockerException e) {
                throw new ExecutorException("cannot create the task network " + NETWORK + ": " + e.getMessage(), e);
            }
        }
        HostFirewall.blockBridgeToHost(BRIDGE);
    }

    @Override
    public Exit await(TaskHandle task, Duration timeout) throws ExecutorException {
        Integer code = null;
        boolean timedOut = false;
        try (WaitContainerResultCallback wait = docker.waitContainerCmd(task.id()).exec(new WaitContainerResultCallback())) {
            code = wait.awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (com.github.dockerjava.api.exception.DockerClientException e) {
            timedOut = true;
            stop(task);
        } catch (IOException e) {
            throw new ExecutorException("lost the task " + task.spec().task() + ": " + e.getMessage(), e);
        }
        ResultCallback.Adapter<Frame> attach = attachments.remove(task.id());
        if (attach != null) {
            try {
                attach.awaitCompletion(30, TimeUnit.SECONDS); // the rest of the output
                attach.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // closing a finished stream
            }
        }
        boolean wasStopped = stopped.remove(task.id()) != null;
        if (code == null) {
            code = -1;
        }
        return new Exit(code, timedOut, wasStopped && !timedOut);
    }

    @Override
    public void stop(TaskHandle task) {
        stopped.put(task.id(), true);
        try {
            docker.stopContainerCmd(task.id()).withTimeout(2).exec();
        } catch (DockerException ignored) {
            // already stopped or gone
        }
    }

    @Override
    public void remove(TaskHandle task) {
        removeQuietly(task.id());
        for (String v : volumes.getOrDefault(containerName(task.spec()), List.of())) {
            removeVolumeQuietly(v);
        }
        volumes.remove(containerName(task.spec()));
    }

    private void removeQuietly(String container) {
        try {
            docker.removeContainerCmd(container).withForce(true).withRemoveVolumes(true).exec();
        } catch (DockerException ignored) {
            // not there
        }
    }

    private void removeVolumeQuietly(String volume) {
        try {
            docker.removeVolumeCmd(volume).exec();
        } catch (DockerException ignored) {
            // not there
        }
    }

    /**
     * Eviction policy for kept (stopped) task containers: removes those older than {@code maxAge},
     * and beyond the newest {@code maxCount}. Running containers are never touched.
     *
     * @return how many containers were removed
     */
    @Override
    public int evict(Duration maxAge, int maxCount) {
        List<Container> kept = docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of("slipway.run")).exec().stream()
                .filter(c -> !"running".equals(c.getState()))
                .sorted(Comparator.comparing(Container::getCreated).reversed())
                .toList();
        long cutoff = System.currentTimeMillis() / 1000 - maxAge.toSeconds();
        int removed = 0;
        for (int i = 0; i < kept.size(); i++) {
            Container c = kept.get(i);
            if (i >= maxCount || c.getCreated() < cutoff) {
                removeQuietly(c.getId());
                String name = c.getNames() == null || c.getNames().length == 0 ? "" : c.getNames()[0].replaceFirst("^/", "");
                for (int v = 0; v < 16; v++) {
                    removeVolumeQuietly(name + "-" + v); // its overlay volumes (named after the container)
                }
                removed++;
            }
        }
        if (removed > 0) {
            LOG.info("evicted {} stopped task containers", removed);
        }
        return removed;
    }

    static String containerName(TaskSpec spec) {
        return ("slipway-" + spec.runId() + "-" + spec.task()).replaceAll("[^a-zA-Z0-9_.-]", "-");
    }

    @Override
    public void close() {
        try {
            docker.close();
        } catch (IOException ignored) {
            // shutting down
        }
    }
}
