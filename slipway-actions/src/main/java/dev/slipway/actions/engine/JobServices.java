package dev.slipway.actions.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.actions.expr.Scope;
import dev.slipway.actions.workflow.Container;
import dev.slipway.actions.workflow.Value;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.PushSpec;
import dev.slipway.ci.executor.ServiceSpec;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.secret.Masks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A job's {@code services:}: a network of the job's own, which the job's container joins, and
 * on it each service under its label as host name, healthy before the first step. {@link #close}
 * shows each service's log in a group and removes the services and the network, whatever way
 * the job ended.
 */
final class JobServices implements AutoCloseable {
    /** How long a service may take to become healthy when the engine does not say it is unhealthy first. */
    static final Duration HEALTHY_WITHIN = Duration.ofMinutes(10);

    private final Executor executor;
    private final String runId;
    private final String task;
    private final String jobId;
    private final Consumer<String> system;
    private final Executor.OutputSink sink;
    private final Masks masks;
    private final List<ServiceSpec.Handle> started = new ArrayList<>();
    private String network;

    /**
     * @param system the job log's own lines (Slipway's, not a step's)
     * @param sink the job log for the services' output
     * @param secrets masked in the services' output
     */
    JobServices(Executor executor, String runId, String task, String jobId, Consumer<String> system, Executor.OutputSink sink,
                Map<String, String> secrets) {
        this.executor = executor;
        this.runId = runId;
        this.task = task;
        this.jobId = jobId;
        this.system = system;
        this.sink = sink;
        Map<String, byte[]> values = new LinkedHashMap<>();
        secrets.forEach((k, v) -> values.put(k, v.getBytes(StandardCharsets.UTF_8)));
        this.masks = Masks.of(values);
    }

    /**
     * The services as the executor runs them, with their expressions evaluated in {@code scope};
     * bad settings fail here, before anything starts, naming the service and the setting.
     */
    List<ServiceSpec> specs(SequencedMap<String, Container> services, Scope scope, Function<String, TaskSpec.PullAuth> pullAuth) {
        List<ServiceSpec> specs = new ArrayList<>();
        services.forEach((label, c) -> {
            String where = "jobs." + jobId + ".services." + label;
            String image = c.image().evaluateString(scope).strip();
            if (image.isEmpty()) {
                throw new IllegalArgumentException(where + ".image is empty");
            }
            List<dev.slipway.ci.executor.TaskSpec.Mount.Volume> volumes = new ArrayList<>();
            for (Value v : c.volumes()) {
                volumes.add(ServiceOptions.volume(v.evaluateString(scope), where + ".volumes"));
            }
            ServiceOptions options = ServiceOptions.parse(string(c.options(), scope), where + ".options");
            Map<String, String> env = new LinkedHashMap<>(options.env());
            c.env().forEach((k, v) -> env.put(k, v.evaluateString(scope)));
            List<ServiceSpec.Port> ports = new ArrayList<>();
            for (Value p : c.ports()) {
                ports.add(ServiceOptions.port(p.evaluateString(scope), where + ".ports"));
            }
            List<String> entrypoint = options.entrypoint() == null ? List.of() : List.of(options.entrypoint());
            String ep = string(c.entrypoint(), scope);
            if (ep != null && !ep.isBlank()) {
                entrypoint = List.of(ep.strip());
            }
            String cmd = string(c.command(), scope);
            List<String> command = cmd == null ? List.of() : ServiceOptions.words(cmd, where + ".command");
            specs.add(new ServiceSpec(runId, task, label, image, env, entrypoint, command, ports, options.health(), options.user(),
                    options.workdir(), new Task.Resources(options.memoryBytes(), options.cpus()), auth(c.credentials(), image, scope, pullAuth),
                    volumes));
        });
        return specs;
    }

    private static String string(Value v, Scope scope) {
        return v == null ? null : v.evaluateString(scope);
    }

    /** The service's {@code credentials}, else what Slipway's own registry wants for the image (or nothing). */
    private static PushSpec.Auth auth(Container.Credentials credentials, String image, Scope scope, Function<String, TaskSpec.PullAuth> pullAuth) {
        TaskSpec.PullAuth auth = pullAuth(credentials, image, scope, pullAuth);
        return auth == null ? null : auth.auth();
    }

    /** A container's {@code credentials} for its image's registry, else what Slipway's own registry wants for the image (or nothing). */
    static TaskSpec.PullAuth pullAuth(Container.Credentials credentials, String image, Scope scope, Function<String, TaskSpec.PullAuth> ownPulls) {
        if (credentials != null) {
            return TaskSpec.PullAuth.password(registry(image), credentials.username().evaluateString(scope), credentials.password().evaluateString(scope));
        }
        return ownPulls.apply(image);
    }

    /** The registry host of an image reference, as docker reads it: Docker Hub without a host part. */
    static String registry(String image) {
        int slash = image.indexOf('/');
        String first = slash < 0 ? "" : image.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : "docker.io";
    }

    /** Creates the network, joins the job's container to it, starts every service and waits until each is healthy. */
    /**
     * @param beside whether the services share the job container's network stack: a job without
     *     {@code container:} is, on GitHub, a job on the runner's host, which reaches its services
     *     on {@code localhost}; so it does here, and by their labels too (aliases of the job's
     *     container). A job with {@code container:} reaches each service, a container of its own,
     *     by its label only, as on GitHub.
     */
    void start(List<ServiceSpec> specs, Executor.TaskHandle job, boolean beside, BooleanSupplier cancelled) throws Executor.ExecutorException {
        if (specs.isEmpty()) {
            return;
        }
        if (beside) {
            Map<String, String> byPort = new LinkedHashMap<>();
            for (ServiceSpec spec : specs) {
                for (ServiceSpec.Port p : spec.ports()) {
                    String other = byPort.putIfAbsent(p.container() + "/" + p.protocol(), spec.alias());
                    if (other != null) {
                        throw new Executor.ExecutorException("services " + other + " and " + spec.alias() + " both use port " + p.container()
                                + " on localhost, where this job (it has no container:) reaches its services; give the job a container: "
                                + "to reach each service by its label on a network of its own");
                    }
                    if (p.hostPort() != null && p.hostPort() != 0 && p.hostPort() != p.container()) {
                        system.accept("warning: ports " + p.hostPort() + ":" + p.container() + " of service " + spec.alias() + ": this job has no"
                                + " container:, so its services share its network stack and " + spec.alias() + " listens on localhost:"
                                + p.container() + ", not " + p.hostPort() + "; use ${{ job.services." + spec.alias() + ".ports['" + p.container()
                                + "'] }} for the port, or give the job a container: to publish " + p.hostPort() + " on the host");
                    }
                }
            }
        }
        network = executor.createNetwork(runId, task);
        system.accept("network " + network + " for the job and its services");
        if (beside) {
            executor.join(job, network, specs.stream().map(ServiceSpec::alias).toList());
        } else {
            executor.join(job, network);
        }
        for (ServiceSpec spec : specs) {
            system.accept("##[group]Starting service " + spec.alias() + " (" + spec.image() + ")");
            try {
                ServiceSpec.Handle handle = beside ? executor.startServiceBeside(spec, job) : executor.startService(spec, network);
                started.add(handle);
                if (beside) {
                    system.accept(spec.alias() + " shares the job's network: the steps reach it at localhost and as " + spec.alias()
                            + (spec.ports().isEmpty() ? "" : ", ports " + handle.ports().keySet()));
                } else {
                    handle.ports().forEach((container, host) -> system.accept("port " + container + " of " + spec.alias() + " is " + host + " on the host"));
                }
            } finally {
                system.accept("##[endgroup]");
            }
        }
        for (ServiceSpec.Handle handle : started) {
            system.accept("waiting for service " + handle.spec().alias() + " to be healthy");
            executor.awaitHealthy(handle, HEALTHY_WITHIN, cancelled);
            system.accept("service " + handle.spec().alias() + " is ready at " + handle.spec().alias()
                    + (handle.spec().ports().isEmpty() ? "" : " (published: " + handle.ports() + ")"));
        }
    }

    /** {@code job.services}: per label its container {@code id}, {@code network} and {@code ports} (container port to host port). */
    ObjectNode context() {
        ObjectNode services = JsonNodeFactory.instance.objectNode();
        for (ServiceSpec.Handle handle : started) {
            ObjectNode s = services.putObject(handle.spec().alias());
            s.put("id", handle.id());
            s.put("network", network);
            ObjectNode ports = s.putObject("ports");
            handle.ports().forEach(ports::put);
        }
        return services;
    }

    /** {@code job.container.network}: the job's network, or null without services. */
    String network() {
        return network;
    }

    /** Each service's log in a group, then the services and the network removed. */
    @Override
    public void close() {
        for (ServiceSpec.Handle handle : started) {
            system.accept("##[group]Service " + handle.spec().alias() + " (" + handle.spec().image() + ") log");
            var out = new java.io.ByteArrayOutputStream();
            var err = new java.io.ByteArrayOutputStream();
            executor.serviceLogs(handle, new Executor.OutputSink() {
                @Override
                public void stdout(byte[] bytes, int off, int len) {
                    out.write(bytes, off, len);
                }

                @Override
                public void stderr(byte[] bytes, int off, int len) {
                    err.write(bytes, off, len); // kept apart: a line is never split between the two
                }
            });
            write(out.toByteArray(), false);
            write(err.toByteArray(), true);
            system.accept("##[endgroup]");
            executor.removeService(handle);
        }
        started.clear();
        if (network != null) {
            executor.removeNetwork(network);
            network = null;
        }
    }

    private void write(byte[] bytes, boolean stderr) {
        if (bytes.length == 0) {
            return;
        }
        byte[] masked = masks.mask(bytes);
        if (masked[masked.length - 1] != '\n') {
            masked = java.util.Arrays.copyOf(masked, masked.length + 1);
            masked[masked.length - 1] = '\n';
        }
        if (stderr) {
            sink.stderr(masked, 0, masked.length);
        } else {
            sink.stdout(masked, 0, masked.length);
        }
    }
}
