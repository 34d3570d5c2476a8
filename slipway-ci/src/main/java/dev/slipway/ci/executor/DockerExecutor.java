package dev.slipway.ci.executor;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Driver;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.VolumeOptions;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.slipway.ci.model.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
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
 * which owns those directories. The engine creates the volumes with the container (mount options
 * of the create call), in the same round trip.
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
 * <p>Lifecycle (seed 004): created, running, stopped, then restarted (a retry with the same
 * definition) or removed ({@link #remove}, {@link #removeRun}). Names and labels, per
 * {@link InstanceId instance}:
 * <pre>
 * container  slipway-&lt;instance&gt;-&lt;run&gt;-&lt;task&gt;                   labels slipway.instance, .run, .task, .spec
 * volume     slipway-&lt;instance&gt;-&lt;run&gt;-&lt;task&gt;-&lt;spec8&gt;-&lt;n&gt;    labels slipway.instance, .run, .task
 * </pre>
 * {@code slipway.spec} is the fingerprint of the task's definition; a volume's name carries its
 * first 8 digits, so a volume of a given name always has the same mount options.
 */
public final class DockerExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(DockerExecutor.class);
    public static final String NETWORK = "slipway-tasks";
    public static final String BRIDGE = "slw-tasks0";
    static final String INSTANCE = "slipway.instance";
    static final String RUN = "slipway.run";
    static final String TASK = "slipway.task";
    static final String SPEC = "slipway.spec";
    static final String SERVICE = "slipway.service";
    /** The bridges of tasks' own networks (services) start so; {@code slw-j+} in iptables. */
    static final String JOB_BRIDGES = "slw-j";

    private final DockerClient docker;
    private final String instance;
    private final Map<String, ResultCallback.Adapter<Frame>> attachments = new ConcurrentHashMap<>();
    private final Map<String, Boolean> stopped = new ConcurrentHashMap<>();
    private final Map<String, Object> pushLocks = new ConcurrentHashMap<>();
    /** The server's port that tasks may reach (the exception to host isolation), or 0. */
    private volatile int openPort;
    private volatile boolean networkReady;
    private volatile boolean jobBridgesBlocked;
    private final String hostIsolation;

    /** @param instance this Slipway's {@link InstanceId}: only its own containers and volumes are touched */
    public DockerExecutor(String instance) {
        this(instance, "iptables");
    }

    /**
     * @param hostIsolation {@code iptables} (install the rule, needs root), {@code external} (the
     *                      admin installed it) or {@code off} (tasks on the default network can
     *                      reach the host's services)
     */
    public DockerExecutor(String instance, String hostIsolation) {
        this.hostIsolation = hostIsolation;
        this.instance = InstanceId.check(instance);
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

    /**
     * Creates the container first and asks further questions only when the engine says no: on
     * 404 "No such image" it pulls and creates again, on 409 (an earlier attempt of this task in
     * this run has the name) it restarts that container if its definition and image are unchanged,
     * else replaces it. A first attempt is one create, one attach and one start.
     */
    @Override
    public TaskHandle start(TaskSpec spec, OutputSink sink) throws ExecutorException {
        String pulled = spec.pullAlways() ? pull(spec.image(), spec.pullAuth()) : null;
        String name = containerName(spec);
        String fingerprint = fingerprint(spec);
        boolean replaced = false;
        while (true) {
            try {
                return attachAndStart(create(spec, name, fingerprint), spec, sink);
            } catch (NotFoundException e) {
                if (pulled != null || !String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("no such image")) {
                    throw new ExecutorException("cannot create the container for task " + spec.task() + ": " + e.getMessage(), e);
                }
                pulled = pull(spec.image(), spec.pullAuth());
            } catch (ConflictException e) {
                if (replaced) {
                    throw new ExecutorException("cannot create the container for task " + spec.task() + ": " + e.getMessage(), e);
                }
                InspectContainerResponse kept = inspect(name);
                if (kept != null && reusable(kept, fingerprint, spec.image())) {
                    // A retry of the same task with the same definition restarts its stopped container (seed 004:
                    // stopped -> restarted); its overlay volumes were kept with it and its layers were reset.
                    return attachAndStart(kept.getId(), spec, sink);
                }
                removeWithVolumes(kept); // a previous attempt whose definition or image differs
                replaced = true;
            } catch (DockerException e) {
                throw new ExecutorException("cannot create the container for task " + spec.task() + ": " + e.getMessage(), e);
            }
        }
    }

    private String create(TaskSpec spec, String name, String fingerprint) throws ExecutorException {
        Map<String, String> labels = Map.of(INSTANCE, instance, RUN, spec.runId(), TASK, spec.task());
        List<Mount> mounts = new ArrayList<>();
        List<String> volumeNames = volumeNames(spec, fingerprint);
        int i = 0;
        for (TaskSpec.Mount m : spec.mounts()) {
            switch (m) {
                case TaskSpec.Mount.Bind b -> mounts.add(new Mount().withType(MountType.BIND).withSource(b.source().toString())
                        .withTarget(b.target()).withReadOnly(b.readOnly()));
                case TaskSpec.Mount.Overlay o -> {
                    // Created by the engine with the container when missing; an existing volume of this
                    // name has these same options (its name carries the fingerprint).
                    String lowers = o.lowers().stream().map(Object::toString).collect(Collectors.joining(":"));
                    mounts.add(new Mount().withType(MountType.VOLUME).withSource(volumeNames.get(i++)).withTarget(o.target())
                            .withVolumeOptions(new VolumeOptions().withLabels(labels).withDriverConfig(new Driver().withName("local")
                                    .withOptions(Map.of("type", "overlay", "device", "overlay",
                                            "o", "lowerdir=" + lowers + ",upperdir=" + o.upper() + ",workdir=" + o.work())))));
                }
                case TaskSpec.Mount.Volume v -> mounts.add(volume(spec.runId(), v));
            }
        }
        // Slipway keeps every byte from the attach stream; the engine's json-file copy would cost a
        // second write of the whole output (about 20 MB/s here) and keep it with stopped containers.
        HostConfig host = HostConfig.newHostConfig().withMounts(mounts).withNetworkMode(network(spec.network()))
                .withLogConfig(new LogConfig(LogConfig.LoggingType.NONE));
        if (spec.resources().memoryBytes() != null) {
            host.withMemory(spec.resources().memoryBytes()).withMemorySwap(spec.resources().memoryBytes());
        }
        if (spec.resources().cpus() != null) {
            host.withNanoCPUs((long) (spec.resources().cpus() * 1_000_000_000L));
        }
        List<String> env = spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
        Map<String, String> containerLabels = new java.util.HashMap<>(labels);
        containerLabels.put(SPEC, fingerprint);
        if (spec.entrypoint() != null && spec.script() != null) { // Woodpecker hands the script to a step's own entrypoint so
            env = new ArrayList<>(env);
            env.add("CI_SCRIPT=" + java.util.Base64.getEncoder().encodeToString(spec.script().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        try (CreateContainerCmd create = docker.createContainerCmd(spec.image())) {
            if (spec.entrypoint() != null) { // as docker run --entrypoint: no command, not the image's either
                create.withEntrypoint(spec.entrypoint()).withCmd(List.of());
            } else if (spec.script() != null) { // else the image's own entrypoint and command (a Woodpecker plugin)
                create.withEntrypoint("/bin/sh", "-c").withCmd(spec.script());
            }
            return create.withName(name)
                    .withEnv(env)
                    .withWorkingDir(spec.workdir())
                    .withLabels(containerLabels)
                    .withAttachStdout(true).withAttachStderr(true)
                    .withHostConfig(host)
                    .exec().getId();
        }
    }

    /** Attaches to the container's output before starting it, so no byte is missed. */
    private TaskHandle attachAndStart(String id, TaskSpec spec, OutputSink sink) throws ExecutorException {
        connect(id, spec);
        ResultCallback.Adapter<Frame> attach = toSink(sink);
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

    /**
     * Connects a created container to the task's networks before it starts, so its first command
     * already reaches the others by name. A container kept from an earlier attempt may still be
     * connected (or its network was removed and made again): then it is connected anew.
     */
    private void connect(String id, TaskSpec spec) throws ExecutorException {
        for (TaskSpec.Network n : spec.networks()) {
            try {
                docker.disconnectFromNetworkCmd().withNetworkId(n.name()).withContainerId(id).withForce(true).exec();
            } catch (DockerException notConnected) {
                // the usual case
            }
            try {
                var connect = docker.connectToNetworkCmd().withNetworkId(n.name()).withContainerId(id);
                if (!n.aliases().isEmpty()) {
                    connect.withContainerNetwork(new com.github.dockerjava.api.model.ContainerNetwork().withAliases(n.aliases()));
                }
                connect.exec();
            } catch (DockerException e) {
                throw new ExecutorException("cannot connect task " + spec.task() + " to the network " + n.name() + ": " + e.getMessage(), e);
            }
        }
    }

    /** A container's output frames to the sink, stdout and stderr apart. */
    private static ResultCallback.Adapter<Frame> toSink(OutputSink sink) {
        return new ResultCallback.Adapter<>() {
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
    }

    private InspectContainerResponse inspect(String container) {
        try {
            return docker.inspectContainerCmd(container).exec();
        } catch (NotFoundException missing) {
            return null;
        }
    }

    /** A stopped container created from the same definition and the image the reference names now. */
    private boolean reusable(InspectContainerResponse c, String fingerprint, String image) {
        boolean stopped = c.getState() == null || !Boolean.TRUE.equals(c.getState().getRunning());
        Map<String, String> labels = c.getConfig() == null ? null : c.getConfig().getLabels();
        if (!stopped || labels == null || !fingerprint.equals(labels.get(SPEC))) {
            return false;
        }
        try {
            return docker.inspectImageCmd(image).exec().getId().equals(c.getImageId());
        } catch (DockerException e) {
            return false; // the image is gone or was replaced: create afresh (and pull if needed)
        }
    }

    /** What makes two attempts of a task the same container: image, script, environment, mounts, limits. */
    static String fingerprint(TaskSpec spec) {
        String text = String.join("\u0000", spec.image(), spec.script(), new java.util.TreeMap<>(spec.env()).toString(),
                spec.workdir(), spec.mounts().toString(), String.valueOf(spec.network()), String.valueOf(spec.resources()))
                + (spec.entrypoint() == null && spec.networks().isEmpty() ? "" : "\u0000" + spec.entrypoint() + "\u0000" + spec.networks());
        return dev.slipway.core.Digest.sha256(text).hex().substring(0, 32);
    }

    @Override
    public void buildImage(java.nio.file.Path context, String dockerfile, String tag, java.util.function.Consumer<String> output)
            throws ExecutorException {
        try {
            docker.inspectImageCmd(tag).exec();
            output.accept("image " + tag + " was built before from the same content; reusing it");
            return;
        } catch (NotFoundException missing) {
            // build below
        }
        output.accept("building image " + tag + " from " + dockerfile);
        build(context, context.resolve(dockerfile), java.util.Set.of(tag), Map.of(), Map.of(), null, java.util.List.of(), output);
    }

    @Override
    public void build(PushSpec.Source.Build source, java.util.Set<String> tags, Map<String, String> labels,
                      java.util.function.Consumer<String> output) throws ExecutorException {
        build(source.context(), source.dockerfile(), tags, labels, source.buildArgs(), source.target(), source.cacheFrom(), output);
    }

    /**
     * One build with the classic builder: the context streamed as docker sends it, the output a
     * line at a time. Cache images are pulled first; the classic builder reuses a pulled image's
     * layers for the steps whose instructions and inputs match ({@code --cache-from}).
     */
    private void build(java.nio.file.Path context, java.nio.file.Path dockerfile, java.util.Set<String> tags, Map<String, String> labels,
                       Map<String, String> buildArgs, String target, java.util.List<PushSpec.Source.CacheImage> cacheFrom,
                       java.util.function.Consumer<String> output) throws ExecutorException {
        if (!java.nio.file.Files.isRegularFile(dockerfile)) {
            throw new ExecutorException("Dockerfile " + context.relativize(dockerfile) + " not found in the build context");
        }
        java.util.Set<String> caches = new java.util.LinkedHashSet<>();
        for (PushSpec.Source.CacheImage c : cacheFrom) {
            try {
                pull(c.reference(), c.auth() == null ? null : authConfig(c.auth()));
                caches.add(c.reference());
                output.accept("cache-from " + c.reference() + ": pulled; its layers serve as the build's cache");
            } catch (ExecutorException e) {
                output.accept("cache-from " + c.reference() + ": not available (" + e.getMessage().replaceFirst("^image \\S+ is not present locally and "
                        + "could not be pulled: ", "") + "); building without it");
            }
        }
        StringBuilder partial = new StringBuilder();
        var callback = new com.github.dockerjava.api.command.BuildImageResultCallback() {
            @Override
            public void onNext(com.github.dockerjava.api.model.BuildResponseItem item) {
                if (item.getStream() != null) {
                    // The engine sends build output in pieces; pass it on a line at a time.
                    partial.append(item.getStream());
                    for (int nl; (nl = partial.indexOf("\n")) >= 0; partial.delete(0, nl + 1)) {
                        String line = partial.substring(0, nl).stripTrailing();
                        if (!line.isEmpty()) {
                            output.accept(line);
                        }
                    }
                }
                super.onNext(item);
            }
        };
        try (ContextTar.Context tar = ContextTar.open(context, dockerfile, labels)) {
            // forcerm: no intermediate container is left behind, also when the build fails.
            var cmd = docker.buildImageCmd(tar.tar()).withDockerfilePath(tar.dockerfile()).withTags(tags).withPull(false).withForcerm(true);
            buildArgs.forEach(cmd::withBuildArg);
            if (target != null && !target.isBlank()) {
                cmd.withTarget(target);
            }
            if (!caches.isEmpty()) {
                cmd.withCacheFrom(caches);
            }
            cmd.exec(callback).awaitImageId(30, TimeUnit.MINUTES);
        } catch (IOException | DockerException | com.github.dockerjava.api.exception.DockerClientException e) {
            throw new ExecutorException("building image " + String.join(", ", tags) + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The image with its labels, tagged {@code repository:tag} for each tag: a built image is
     * built with them ({@code docker build --label}); a referenced one gets them by a derived build
     * ({@code FROM <image>} with the labels: a config change, no layer). Then pushed tag by tag,
     * and untagged again: the engine keeps no trace but shared layers. Pushes to one repository go
     * one at a time, so two runs never untag each other's tags mid-push.
     */
    @Override
    public PushSpec.Outcome push(PushSpec spec, java.util.function.Consumer<String> output) throws ExecutorException {
        if (spec.source() instanceof PushSpec.Source.Image image) {
            if (image.pullAlways()) {
                pull(image.ref(), image.pullAuth());
            } else {
                try {
                    docker.inspectImageCmd(image.ref()).exec();
                } catch (NotFoundException missing) {
                    output.accept("pulling " + image.ref());
                    pull(image.ref(), image.pullAuth());
                }
            }
        }
        java.util.Set<String> targets = new java.util.LinkedHashSet<>();
        spec.tags().forEach(t -> targets.add(spec.repository() + ":" + t));
        synchronized (pushLocks.computeIfAbsent(spec.repository(), k -> new Object())) {
            try {
                switch (spec.source()) {
                    case PushSpec.Source.Build b -> build(b.context(), b.dockerfile(), targets, spec.labels(), b.buildArgs(), b.target(),
                            b.cacheFrom(), output);
                    case PushSpec.Source.Image i -> labelled(i.ref(), spec.labels(), targets);
                }
                String digest = null;
                for (String tag : spec.tags()) {
                    PushProgress progress = new PushProgress(output, System::nanoTime);
                    var callback = new ResultCallback.Adapter<com.github.dockerjava.api.model.PushResponseItem>() {
                        @Override
                        public void onNext(com.github.dockerjava.api.model.PushResponseItem item) {
                            progress.accept(item);
                        }
                    };
                    var cmd = docker.pushImageCmd(spec.repository()).withTag(tag);
                    if (spec.auth() != null) {
                        cmd.withAuthConfig(authConfig(spec.auth()));
                    }
                    try {
                        cmd.exec(callback).awaitCompletion(6, TimeUnit.HOURS);
                    } catch (DockerException | com.github.dockerjava.api.exception.DockerClientException e) {
                        return new PushSpec.Outcome.Refused(tag, e.getMessage());
                    }
                    if (progress.error() != null) {
                        return new PushSpec.Outcome.Refused(tag, progress.error());
                    }
                    if (progress.digest() == null) {
                        throw new ExecutorException("the engine pushed " + spec.repository() + ":" + tag + " but reported no digest");
                    }
                    if (digest != null && !digest.equals(progress.digest())) {
                        throw new ExecutorException(spec.repository() + ":" + tag + " was pushed as " + progress.digest() + ", the tags before it as "
                                + digest + "; the image changed during the push");
                    }
                    digest = progress.digest();
                }
                return new PushSpec.Outcome.Pushed(digest);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExecutorException("interrupted while pushing " + spec.repository(), e);
            } finally {
                for (String target : targets) {
                    try {
                        docker.removeImageCmd(target).exec(); // the last tag of the derived image takes it along
                    } catch (DockerException ignored) {
                        // not tagged (the build failed)
                    }
                }
            }
        }
    }

    /** The derived image: {@code FROM <image>} plus the labels, tagged as every push target. */
    private void labelled(String image, Map<String, String> labels, java.util.Set<String> targets) throws ExecutorException {
        java.nio.file.Path context;
        try {
            context = java.nio.file.Files.createTempDirectory("slipway-publish-");
            java.nio.file.Files.writeString(context.resolve("Dockerfile"), "FROM " + image + "\n");
        } catch (IOException e) {
            throw new ExecutorException("cannot label " + image + " for the push: " + e.getMessage(), e);
        }
        try {
            build(context, context.resolve("Dockerfile"), targets, labels, Map.of(), null, java.util.List.of(), line -> { });
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(context.resolve("Dockerfile"));
                java.nio.file.Files.deleteIfExists(context);
            } catch (IOException ignored) {
                // a temporary directory with one small file
            }
        }
    }

    private static com.github.dockerjava.api.model.AuthConfig authConfig(PushSpec.Auth auth) {
        var config = new com.github.dockerjava.api.model.AuthConfig().withRegistryAddress(auth.registry());
        return switch (auth) {
            case PushSpec.Auth.Token t -> config.withRegistrytoken(t.token());
            case PushSpec.Auth.Password p -> config.withUsername(p.username()).withPassword(p.password());
        };
    }

    /** Pulls the image (with {@code auth}'s credentials when given); returns its id. */
    private String pull(String image, TaskSpec.PullAuth auth) throws ExecutorException {
        return pull(image, auth == null ? null : authConfig(auth.auth()));
    }

    private String pull(String image, com.github.dockerjava.api.model.AuthConfig auth) throws ExecutorException {
        try {
            var cmd = docker.pullImageCmd(image);
            if (auth != null) {
                cmd.withAuthConfig(auth);
            }
            cmd.exec(new ResultCallback.Adapter<PullResponseItem>()).awaitCompletion(30, TimeUnit.MINUTES);
            return docker.inspectImageCmd(image).exec().getId();
        } catch (DockerException | com.github.dockerjava.api.exception.DockerClientException e) {
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
        switch (hostIsolation) {
            case "external" -> LOG.info("host isolation is the administrator's rule (iptables -I INPUT -i {} -j DROP); "
                    + "Slipway does not check it", BRIDGE);
            case "off" -> LOG.warn("ci.host-isolation=off: tasks on the default network can reach services on this host");
            default -> HostFirewall.blockBridgeToHost(BRIDGE);
        }
    }

    /**
     * Tasks reach this host at the task network's gateway; with {@code ci.host-isolation=iptables}
     * the server's port is let through there, above the rule that drops the rest.
     */
    @Override
    public String openHostPort(int port) throws ExecutorException {
        network(Task.NetworkPolicy.DEFAULT); // the network, and the DROP rule the exception goes above
        if (hostIsolation.equals("iptables")) {
            HostFirewall.allowPort(BRIDGE, port);
            openPort = port;
        }
        try {
            var ipam = docker.inspectNetworkCmd().withNetworkId(NETWORK).exec().getIpam();
            String gateway = ipam == null || ipam.getConfig() == null ? null : ipam.getConfig().stream()
                    .map(com.github.dockerjava.api.model.Network.Ipam.Config::getGateway)
                    .filter(g -> g != null && !g.contains(":")).findFirst().orElse(null);
            if (gateway == null) {
                throw new ExecutorException("the task network " + NETWORK + " has no IPv4 gateway");
            }
            return gateway;
        } catch (DockerException e) {
            throw new ExecutorException("cannot inspect the task network " + NETWORK + ": " + e.getMessage(), e);
        }
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
        drain(task.id());
        boolean wasStopped = stopped.remove(task.id()) != null;
        if (code == null || wasStopped) {
            code = -1; // as Exit says: a stopped task's code is the engine's kill signal (137), not the task's
        }
        return new Exit(code, timedOut, wasStopped && !timedOut);
    }

    /**
     * {@code docker exec}: created, attached and started in one call; its exit code read back
     * from the engine. A command past its timeout is killed by its process id (the engine has no
     * call to stop an exec): that works when the engine runs on this host, which the overlay
     * worktrees need anyway.
     */
    /** {@code docker cp}: the engine's archive of the path, unpacked without its top directory. */
    @Override
    public void copyOut(TaskHandle task, String path, java.nio.file.Path into) throws ExecutorException {
        try (java.io.InputStream in = docker.copyArchiveFromContainerCmd(task.id(), path).exec();
             var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(in)) {
            java.nio.file.Path root = into.toAbsolutePath().normalize();
            for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String name = entry.getName();
                int slash = name.indexOf('/');
                String inside = slash < 0 || slash == name.length() - 1 ? (entry.isDirectory() ? "" : name) : name.substring(slash + 1);
                if (inside.isEmpty()) {
                    continue;
                }
                java.nio.file.Path target = root.resolve(inside).normalize();
                if (!target.startsWith(root)) {
                    throw new ExecutorException("refusing " + name + " from " + path + ": it points outside the copy");
                }
                if (entry.isDirectory()) {
                    java.nio.file.Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    java.nio.file.Files.createDirectories(target.getParent());
                    java.nio.file.Files.createSymbolicLink(target, java.nio.file.Path.of(entry.getLinkName()));
                } else if (entry.isFile()) {
                    java.nio.file.Files.createDirectories(target.getParent());
                    java.nio.file.Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    if ((entry.getMode() & 0100) != 0) {
                        target.toFile().setExecutable(true, false);
                    }
                }
            }
        } catch (NotFoundException e) {
            throw new ExecutorException(path + " does not exist in task " + task.spec().task(), e);
        } catch (IOException | DockerException e) {
            throw new ExecutorException("cannot copy " + path + " out of task " + task.spec().task() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int exec(TaskHandle task, List<String> argv, Map<String, String> env, String workdir, OutputSink sink, Duration timeout)
            throws ExecutorException {
        String execId;
        try {
            execId = docker.execCreateCmd(task.id()).withCmd(argv.toArray(String[]::new))
                    .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList())
                    .withWorkingDir(workdir).withAttachStdout(true).withAttachStderr(true).exec().getId();
        } catch (DockerException e) {
            throw new ExecutorException("cannot run " + argv.getFirst() + " in task " + task.spec().task() + ": " + e.getMessage(), e);
        }
        ResultCallback.Adapter<Frame> output = toSink(sink);
        try {
            docker.execStartCmd(execId).withDetach(false).withTty(false).exec(output);
            boolean done;
            try {
                done = output.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                killExec(execId); // cancelled: the command must not run on
                Thread.currentThread().interrupt();
                throw new ExecutorException("interrupted while running " + argv.getFirst() + " in task " + task.spec().task(), e);
            }
            if (!done) {
                killExec(execId);
                output.awaitCompletion(10, TimeUnit.SECONDS);
                return -1;
            }
            Long code = docker.inspectExecCmd(execId).exec().getExitCodeLong();
            return code == null ? -1 : code.intValue();
        } catch (DockerException e) {
            throw new ExecutorException("lost " + argv.getFirst() + " in task " + task.spec().task() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException("interrupted while running " + argv.getFirst() + " in task " + task.spec().task(), e);
        } finally {
            try {
                output.close();
            } catch (IOException ignored) {
                // finished
            }
        }
    }

    /** Stops an exec's process and what it started, the process first (a shell must not run its next command). */
    private void killExec(String execId) {
        try {
            Long pid = docker.inspectExecCmd(execId).exec().getPidLong();
            if (pid != null && pid > 0) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    List<ProcessHandle> children = h.descendants().toList();
                    h.destroyForcibly();
                    children.forEach(ProcessHandle::destroyForcibly);
                });
            }
        } catch (DockerException ignored) {
            // it ended meanwhile
        }
    }

    /**
     * The task's mounts are looked up on the engine: an overlay is a named volume, which a second
     * container shares (the engine mounts it once), a bind is bound again.
     */
    @Override
    public int runBeside(TaskHandle task, Beside spec, OutputSink sink, Duration timeout) throws ExecutorException {
        InspectContainerResponse job = inspect(task.id());
        if (job == null) {
            throw new ExecutorException("task " + task.spec().task() + " is not running");
        }
        List<Mount> mounts = new ArrayList<>();
        for (Map.Entry<String, String> share : spec.shared().entrySet()) {
            InspectContainerResponse.Mount m = job.getMounts() == null ? null : job.getMounts().stream()
                    .filter(x -> x.getDestination() != null && share.getKey().equals(x.getDestination().getPath())).findFirst().orElse(null);
            if (m == null) {
                throw new ExecutorException("task " + task.spec().task() + " has nothing mounted at " + share.getKey());
            }
            mounts.add(m.getName() != null && !m.getName().isEmpty()
                    ? new Mount().withType(MountType.VOLUME).withSource(m.getName()).withTarget(share.getValue())
                    : new Mount().withType(MountType.BIND).withSource(m.getSource()).withTarget(share.getValue()));
        }
        HostConfig host = HostConfig.newHostConfig().withMounts(mounts).withNetworkMode(job.getHostConfig().getNetworkMode())
                .withLogConfig(new LogConfig(LogConfig.LoggingType.NONE));
        Map<String, String> labels = Map.of(INSTANCE, instance, RUN, task.spec().runId(), TASK, task.spec().task());
        String name = containerName(task.spec()) + "-action-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        List<String> env = spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
        String id = null;
        boolean pulled = false;
        try {
            while (id == null) {
                try (CreateContainerCmd create = docker.createContainerCmd(spec.image())) {
                    create.withName(name).withEnv(env).withLabels(labels).withAttachStdout(true).withAttachStderr(true).withHostConfig(host);
                    if (spec.entrypoint() != null) {
                        create.withEntrypoint(spec.entrypoint());
                    }
                    if (!spec.args().isEmpty() || spec.entrypoint() != null) {
                        create.withCmd(spec.args());
                    }
                    if (spec.workdir() != null) {
                        create.withWorkingDir(spec.workdir());
                    }
                    id = create.exec().getId();
                } catch (NotFoundException e) {
                    if (pulled || !String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("no such image")) {
                        throw new ExecutorException("cannot create the container of " + spec.image() + ": " + e.getMessage(), e);
                    }
                    pull(spec.image(), (TaskSpec.PullAuth) null);
                    pulled = true;
                }
            }
            TaskHandle beside = attachAndStart(id, task.spec(), sink);
            try (WaitContainerResultCallback wait = docker.waitContainerCmd(id).exec(new WaitContainerResultCallback())) {
                Integer code;
                try {
                    code = wait.awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (com.github.dockerjava.api.exception.DockerClientException e) {
                    boolean interrupted = Thread.interrupted() || e.getCause() instanceof InterruptedException;
                    stop(beside);
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                        throw new ExecutorException("interrupted while " + spec.image() + " ran", e);
                    }
                    code = -1;
                }
                drain(id);
                stopped.remove(id);
                return code == null ? -1 : code;
            } catch (IOException e) {
                throw new ExecutorException("lost the container of " + spec.image() + ": " + e.getMessage(), e);
            }
        } catch (DockerException e) {
            throw new ExecutorException("cannot run " + spec.image() + " beside task " + task.spec().task() + ": " + e.getMessage(), e);
        } finally {
            if (id != null) {
                attachments.remove(id);
                removeQuietly(id);
            }
        }
    }

    /** Waits for the rest of an ended container's output and closes its attachment. */
    private void drain(String container) {
        ResultCallback.Adapter<Frame> attach = attachments.remove(container);
        if (attach != null) {
            try {
                attach.awaitCompletion(30, TimeUnit.SECONDS);
                attach.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // closing a finished stream
            }
        }
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
        volumeNames(task.spec(), fingerprint(task.spec())).forEach(this::removeVolumeQuietly);
    }

    /**
     * The task's network: an internal bridge ({@code slw-j} and 10 digits of its name's hash) with
     * no address of the host on it, and in {@code iptables} mode a DROP rule for every such bridge
     * besides, so services and the task reach each other but not the host through it. The task
     * keeps its own network for the outside world and the server.
     */
    @Override
    public String createNetwork(String runId, String task) throws ExecutorException {
        String name = (prefix() + runId + "-" + task).replaceAll("[^a-zA-Z0-9_.-]", "-");
        String bridge = JOB_BRIDGES + dev.slipway.core.Digest.sha256(name).hex().substring(0, 10);
        if (hostIsolation.equals("iptables") && !jobBridgesBlocked) {
            HostFirewall.blockBridgeToHost(JOB_BRIDGES + "+");
            jobBridgesBlocked = true;
        }
        removeNetwork(name); // a leftover of an earlier attempt
        try {
            docker.createNetworkCmd().withName(name).withDriver("bridge").withInternal(true)
                    .withOptions(Map.of("com.docker.network.bridge.name", bridge, "com.docker.network.bridge.inhibit_ipv4", "true"))
                    .withLabels(Map.of(INSTANCE, instance, RUN, runId, TASK, task)).exec();
        } catch (DockerException e) {
            throw new ExecutorException("cannot create the network of task " + task + " for its services: " + e.getMessage(), e);
        }
        if (hostIsolation.equals("iptables")) {
            dropStaleMasquerade(name);
        }
        return name;
    }

    /** See {@link HostFirewall#dropStaleMasquerade}: a rule left for this network's subnet by an earlier one. */
    private void dropStaleMasquerade(String network) throws ExecutorException {
        try {
            var ipam = docker.inspectNetworkCmd().withNetworkId(network).exec().getIpam();
            if (ipam == null || ipam.getConfig() == null) {
                return;
            }
            for (var config : ipam.getConfig()) {
                if (config.getSubnet() != null && !config.getSubnet().contains(":")) {
                    for (String rule : HostFirewall.dropStaleMasquerade(config.getSubnet())) {
                        LOG.warn("removed a NAT rule that an earlier Docker network left for {}, the subnet of {} ({}): "
                                + "it would masquerade the traffic between the network's containers", config.getSubnet(), network, rule);
                    }
                }
            }
        } catch (DockerException e) {
            throw new ExecutorException("cannot inspect the network " + network + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void join(TaskHandle task, String network, List<String> aliases) throws ExecutorException {
        try {
            var connect = docker.connectToNetworkCmd().withNetworkId(network).withContainerId(task.id());
            if (!aliases.isEmpty()) {
                connect.withContainerNetwork(new com.github.dockerjava.api.model.ContainerNetwork().withAliases(aliases));
            }
            connect.exec();
        } catch (DockerException e) {
            throw new ExecutorException("cannot connect task " + task.spec().task() + " to its services' network: " + e.getMessage(), e);
        }
    }

    /**
     * Created on the task network (the outside world, published ports) with the engine's json-file
     * log (read back for the job log), then connected to the task's own network under its alias.
     */
    @Override
    public ServiceSpec.Handle startService(ServiceSpec spec, String network) throws ExecutorException {
        return startService(spec, network, null);
    }

    @Override
    public ServiceSpec.Handle startServiceBeside(ServiceSpec spec, TaskHandle task) throws ExecutorException {
        return startService(spec, null, task);
    }

    /** On {@code network} under its alias, or (with {@code beside}) in that task's network stack. */
    private ServiceSpec.Handle startService(ServiceSpec spec, String network, TaskHandle beside) throws ExecutorException {
        String name = (prefix() + spec.runId() + "-" + spec.task() + "-svc-" + spec.alias()).replaceAll("[^a-zA-Z0-9_.-]", "-");
        removeQuietly(name);
        String what = "service " + spec.alias() + " (" + spec.image() + ")";
        com.github.dockerjava.api.model.Ports bindings = new com.github.dockerjava.api.model.Ports();
        List<com.github.dockerjava.api.model.ExposedPort> exposed = new ArrayList<>();
        for (ServiceSpec.Port p : beside == null ? spec.ports() : List.<ServiceSpec.Port>of()) {
            var port = new com.github.dockerjava.api.model.ExposedPort(p.container(),
                    com.github.dockerjava.api.model.InternetProtocol.parse(p.protocol()));
            exposed.add(port);
            bindings.bind(port, new com.github.dockerjava.api.model.Ports.Binding(p.hostIp(),
                    p.hostPort() == null ? "" : p.hostPort().toString()));
        }
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(beside == null ? network(Task.NetworkPolicy.DEFAULT) : "container:" + beside.id())
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m", "max-file", "1")))
                .withMounts(spec.volumes().stream().map(v -> volume(spec.runId(), v)).toList());
        if (beside == null) {
            host.withPortBindings(bindings);
        }
        if (spec.resources().memoryBytes() != null) {
            host.withMemory(spec.resources().memoryBytes()).withMemorySwap(spec.resources().memoryBytes());
        }
        if (spec.resources().cpus() != null) {
            host.withNanoCPUs((long) (spec.resources().cpus() * 1_000_000_000L));
        }
        boolean pulled = false;
        String id;
        while (true) {
            try (CreateContainerCmd create = docker.createContainerCmd(spec.image())) {
                create.withName(name).withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList())
                        .withLabels(Map.of(INSTANCE, instance, RUN, spec.runId(), TASK, spec.task(), SERVICE, spec.alias()))
                        .withExposedPorts(exposed).withHostConfig(host);
                if (beside == null) { // a container in another's network stack has that one's host name
                    create.withHostName(spec.alias());
                }
                if (!spec.entrypoint().isEmpty()) {
                    create.withEntrypoint(spec.entrypoint());
                }
                if (!spec.command().isEmpty()) {
                    create.withCmd(spec.command());
                }
                if (spec.user() != null) {
                    create.withUser(spec.user());
                }
                if (spec.workdir() != null) {
                    create.withWorkingDir(spec.workdir());
                }
                if (spec.health() != null) {
                    ServiceSpec.Health h = spec.health();
                    var check = new com.github.dockerjava.api.model.HealthCheck()
                            .withTest(h.disabled() ? List.of("NONE") : h.command() == null ? null : List.of("CMD-SHELL", h.command()));
                    if (h.interval() != null) {
                        check.withInterval(h.interval().toNanos());
                    }
                    if (h.timeout() != null) {
                        check.withTimeout(h.timeout().toNanos());
                    }
                    if (h.retries() != null) {
                        check.withRetries(h.retries());
                    }
                    if (h.startPeriod() != null) {
                        check.withStartPeriod(h.startPeriod().toNanos());
                    }
                    create.withHealthcheck(check);
                }
                id = create.exec().getId();
                break;
            } catch (NotFoundException e) {
                if (pulled || !String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("no such image")) {
                    throw new ExecutorException("cannot create " + what + ": " + e.getMessage(), e);
                }
                pull(spec.image(), spec.pullAuth() == null ? null : authConfig(spec.pullAuth()));
                pulled = true;
            } catch (DockerException e) {
                throw new ExecutorException("cannot create " + what + ": " + e.getMessage(), e);
            }
        }
        try {
            if (beside == null) {
                docker.connectToNetworkCmd().withNetworkId(network).withContainerId(id)
                        .withContainerNetwork(new com.github.dockerjava.api.model.ContainerNetwork().withAliases(spec.alias())).exec();
            }
            docker.startContainerCmd(id).exec();
            if (beside != null) {
                Map<String, String> own = new java.util.TreeMap<>();
                spec.ports().forEach(p -> own.put(p.container() + (p.protocol().equals("tcp") ? "" : "/" + p.protocol()),
                        Integer.toString(p.container())));
                return new ServiceSpec.Handle(id, spec, network, own);
            }
            Map<String, String> published = new java.util.TreeMap<>();
            var ports = docker.inspectContainerCmd(id).exec().getNetworkSettings().getPorts();
            if (ports != null) {
                ports.getBindings().forEach((port, bound) -> {
                    if (bound != null && bound.length > 0) {
                        published.put(port.getPort() + (port.getProtocol() == com.github.dockerjava.api.model.InternetProtocol.TCP ? ""
                                : "/" + port.getProtocol().toString()), bound[0].getHostPortSpec());
                    }
                });
            }
            return new ServiceSpec.Handle(id, spec, network, published);
        } catch (DockerException e) {
            removeQuietly(id);
            throw new ExecutorException("cannot start " + what + ": " + e.getMessage(), e);
        }
    }

    /** Polls the engine's health state: the engine runs the checks. */
    @Override
    public void awaitHealthy(ServiceSpec.Handle service, Duration timeout, java.util.function.BooleanSupplier cancelled)
            throws ExecutorException {
        String what = "service " + service.spec().alias();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            InspectContainerResponse c;
            try {
                c = docker.inspectContainerCmd(service.id()).exec();
            } catch (DockerException e) {
                throw new ExecutorException("lost " + what + ": " + e.getMessage(), e);
            }
            var state = c.getState();
            var health = state == null ? null : state.getHealth();
            if (state == null || !Boolean.TRUE.equals(state.getRunning())) {
                throw new ExecutorException(what + " stopped before the job started (exit code "
                        + (state == null ? "unknown" : state.getExitCodeLong()) + "); its log is below");
            }
            if (health == null || "healthy".equals(health.getStatus())) {
                return;
            }
            String last = health.getLog() == null || health.getLog().isEmpty() ? null : health.getLog().getLast().getOutput();
            String output = last == null ? "no check has finished yet" : "its last health check said: "
                    + (last.strip().isEmpty() ? "(nothing; exit code " + health.getLog().getLast().getExitCodeLong() + ")" : last.strip());
            if ("unhealthy".equals(health.getStatus())) {
                throw new ExecutorException(what + " is unhealthy: " + health.getFailingStreak() + " health checks failed in a row; " + output);
            }
            if (cancelled.getAsBoolean()) {
                throw new ExecutorException("cancelled while waiting for " + what + " to become healthy");
            }
            if (System.nanoTime() > deadline) {
                throw new ExecutorException(what + " did not become healthy within " + timeout.toSeconds() + "s; " + output);
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExecutorException("interrupted while waiting for " + what, e);
            }
        }
    }

    @Override
    public void serviceLogs(ServiceSpec.Handle service, OutputSink sink) {
        try (var logs = docker.logContainerCmd(service.id()).withStdOut(true).withStdErr(true).withFollowStream(false).exec(toSink(sink))) {
            logs.awaitCompletion(30, TimeUnit.SECONDS);
        } catch (DockerException | IOException e) {
            LOG.debug("no log of service {}: {}", service.spec().alias(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void removeService(ServiceSpec.Handle service) {
        removeQuietly(service.id());
    }

    @Override
    public void removeNetwork(String network) {
        try {
            var n = docker.inspectNetworkCmd().withNetworkId(network).exec();
            if (n.getContainers() != null) {
                for (String container : n.getContainers().keySet()) {
                    try {
                        docker.disconnectFromNetworkCmd().withNetworkId(network).withContainerId(container).withForce(true).exec();
                    } catch (DockerException ignored) {
                        // gone meanwhile
                    }
                }
            }
            docker.removeNetworkCmd(network).exec();
        } catch (NotFoundException ignored) {
            // not there
        } catch (DockerException e) {
            LOG.warn("cannot remove network {}: {}", network, e.getMessage());
        }
    }

    /**
     * A named volume of the run ({@code slipway-<instance>-<run>-vol-<name>}, labelled with the
     * run, so {@link #removeRun} removes it), or the container's own anonymous one.
     */
    private Mount volume(String runId, TaskSpec.Mount.Volume v) {
        Mount m = new Mount().withType(MountType.VOLUME).withTarget(v.target());
        if (v.name() == null) {
            return m;
        }
        return m.withSource(prefix() + runId + "-vol-" + v.name())
                .withVolumeOptions(new VolumeOptions().withLabels(Map.of(INSTANCE, instance, RUN, runId)));
    }

    private void removeWithVolumes(InspectContainerResponse c) {
        if (c == null) {
            return;
        }
        removeQuietly(c.getId());
        if (c.getMounts() != null) {
            c.getMounts().stream().map(InspectContainerResponse.Mount::getName)
                    .filter(v -> v != null && v.startsWith(prefix())).forEach(this::removeVolumeQuietly);
        }
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
            // not there, or still used by a container that could not be removed
        }
    }

    /** Containers of this instance (all, or only running ones), optionally of one run. */
    private List<Container> containers(String runId, boolean runningOnly) {
        List<String> labels = new ArrayList<>(List.of(INSTANCE + "=" + instance));
        if (runId != null) {
            labels.add(RUN + "=" + runId);
        }
        var list = docker.listContainersCmd().withShowAll(!runningOnly).withLabelFilter(labels);
        if (runningOnly) {
            list.withStatusFilter(List.of("running"));
        }
        return list.exec();
    }

    private List<InspectVolumeResponse> volumes(String runId) {
        List<String> labels = new ArrayList<>(List.of(INSTANCE + "=" + instance));
        if (runId != null) {
            labels.add(RUN + "=" + runId);
        }
        List<InspectVolumeResponse> v = docker.listVolumesCmd().withFilter("label", labels).exec().getVolumes();
        return v == null ? List.of() : v;
    }

    @Override
    public void removeRun(String runId) {
        for (Container c : containers(runId, false)) {
            removeQuietly(c.getId());
        }
        for (InspectVolumeResponse v : volumes(runId)) {
            removeVolumeQuietly(v.getName());
        }
        for (Network n : docker.listNetworksCmd().withFilter("label", List.of(INSTANCE + "=" + instance, RUN + "=" + runId)).exec()) {
            removeNetwork(n.getId());
        }
    }

    @Override
    public java.util.Set<String> keptRuns() {
        java.util.Set<String> runs = new java.util.HashSet<>();
        for (Container c : containers(null, false)) {
            if (c.getLabels() != null && c.getLabels().get(RUN) != null) {
                runs.add(c.getLabels().get(RUN));
            }
        }
        for (InspectVolumeResponse v : volumes(null)) {
            if (v.getLabels() != null && v.getLabels().get(RUN) != null) {
                runs.add(v.getLabels().get(RUN));
            }
        }
        return runs;
    }

    @Override
    public int stopLeftovers() {
        List<Container> running = containers(null, true);
        for (Container c : running) {
            try {
                docker.stopContainerCmd(c.getId()).withTimeout(2).exec();
            } catch (DockerException ignored) {
                // stopped meanwhile
            }
        }
        if (!running.isEmpty()) {
            LOG.warn("stopped {} task container(s) left running when the server stopped", running.size());
        }
        return running.size();
    }

    private String prefix() {
        return "slipway-" + instance + "-";
    }

    /** The overlay volumes' names, one per overlay mount, in mount order. */
    private List<String> volumeNames(TaskSpec spec, String fingerprint) {
        String base = containerName(spec) + "-" + fingerprint.substring(0, 8) + "-";
        long overlays = spec.mounts().stream().filter(m -> m instanceof TaskSpec.Mount.Overlay).count();
        return java.util.stream.LongStream.range(0, overlays).mapToObj(n -> base + n).toList();
    }

    String containerName(TaskSpec spec) {
        return (prefix() + spec.runId() + "-" + spec.task()).replaceAll("[^a-zA-Z0-9_.-]", "-");
    }

    @Override
    public void close() {
        if (openPort > 0) {
            HostFirewall.closePort(BRIDGE, openPort);
        }
        try {
            docker.close();
        } catch (IOException ignored) {
            // shutting down
        }
    }
}
