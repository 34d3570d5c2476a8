package dev.slipway.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.api.SecretRoutes;
import dev.slipway.ci.api.VariableRoutes;
import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.registry.http.LifecycleRoutes;
import dev.slipway.registry.http.PackageRoutes;
import dev.slipway.registry.http.RegistryAdminRoutes;
import dev.slipway.registry.http.RegistryRoutes;
import dev.slipway.registry.http.RegistryTokens;
import dev.slipway.ci.api.CiRoutes;
import dev.slipway.ci.api.RunnerRoutes;
import dev.slipway.woodpecker.WoodpeckerRoutes;
import dev.slipway.ci.scheduler.RunService;
import dev.slipway.server.api.ApiRoutes;
import dev.slipway.server.http.Authentication;
import dev.slipway.server.http.ErrorResponses;
import dev.slipway.server.http.JsonErrorHandler;
import dev.slipway.web.Web;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP server: registry, API, health, metrics and the access log, on Javalin with virtual threads. */
public final class HttpServer implements AutoCloseable {
    /** The largest request body an API, webhook or UI endpoint reads (the registry streams its own). */
    static final long MAX_REQUEST_BODY = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("access");

    private final Javalin app;
    private final Slipway slipway;
    private AutoCloseable lifecycleSchedule;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ObjectMapper json = new ObjectMapper();
    private final RunService runs;
    private final Web web;
    private final java.nio.file.Path dataDir;
    private final String listenHost;
    private final String databaseUrl;
    private java.nio.file.Path record;
    private java.nio.channels.FileChannel lockChannel;
    private java.nio.channels.FileLock dataDirLock;

    public HttpServer(Slipway slipway, SlipwayConfig config) {
        this.dataDir = config.dataDir();
        this.listenHost = config.listenHost();
        this.databaseUrl = dev.slipway.core.db.Database.withoutParameters(config.databaseUrl());
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        RegistryTokens tokens;
        try {
            tokens = new RegistryTokens(config.secretsDir(), config.registryTokenTtl());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Listening on every address with the default external URL (http://127.0.0.1:<port>): a client on
        // another machine would be sent to its own loopback for tokens, so the realm follows each request's Host.
        boolean wildcard = config.listenHost().isEmpty() || config.listenHost().equals("0.0.0.0") || config.listenHost().equals("::");
        boolean realmFromRequest = wildcard && config.externalUrl().equals("http://127.0.0.1:" + config.listenPort());
        if (realmFromRequest) {
            LOG.warn("listening on all addresses without external-url: the registry's token realm follows each request's Host header; "
                    + "set external-url (e.g. https://registry.example.com behind a TLS proxy) so clients get one stable address");
        }
        RegistryRoutes registryRoutes = new RegistryRoutes(slipway.registry(), slipway.identity(), tokens, config.externalUrl(),
                realmFromRequest, slipway.pullThrough());
        ApiRoutes apiRoutes = new ApiRoutes(slipway.identity());
        this.runs = slipway.runService();
        CiRoutes ciRoutes = new CiRoutes(slipway.registrations(), slipway.triggers(), runs, slipway.logHub(), slipway.commitStatuses(),
                slipway.notifications(), slipway.publishedImages(), slipway.identity(), apiRoutes::principal, Authentication::principal,
                config.externalUrl());
        WoodpeckerRoutes woodpeckerRoutes = new WoodpeckerRoutes(slipway.registrations(), slipway.triggers(), runs, slipway.identity(),
                apiRoutes::principal, slipway.secrets());
        SecretRoutes secretRoutes = new SecretRoutes(slipway.secrets(), slipway.deployKeys(), slipway.environments(), slipway.identity(),
                apiRoutes::principal);
        VariableRoutes variableRoutes = new VariableRoutes(slipway.variables(), slipway.environments(), slipway.environmentApprovals(),
                slipway.identity(), apiRoutes::principal);
        PackageRoutes packageRoutes = new PackageRoutes(slipway.identity(), slipway.registry(), slipway.registryAccess(), config.externalUrl());
        RegistryAdminRoutes adminRoutes = new RegistryAdminRoutes(slipway.proxies(), slipway.webhooks());
        LifecycleRoutes lifecycleRoutes = new LifecycleRoutes(slipway.identity(), slipway.lifecycle());
        RunnerRoutes runnerRoutes = new RunnerRoutes(slipway::runnerExecutor, slipway.registrations(), apiRoutes::principal);
        Authentication authentication = new Authentication(slipway.identity(), slipway.sessions(), tokens);
        this.web = new Web(Authentication::principal, slipway.identity(), slipway.sessions(),
                runs, slipway.triggers(), slipway.logHub(), config.externalUrl())
                .withPackages(slipway.registry(), slipway.registryAccess()::rights)
                .withSettings(new Web.Settings(slipway.deployKeys(), slipway.secrets(), slipway.environments(), slipway.caches(),
                        slipway.deployTargets(), slipway.webhooks()));
        this.slipway = slipway;
        ErrorResponses errors = new ErrorResponses(web);
        this.app = Javalin.create(c -> {
            c.concurrency.useVirtualThreads = true;
            c.startup.showJavalinBanner = false;
            c.http.maxRequestSize = MAX_REQUEST_BODY;
            c.jetty.host = config.listenHost();
            c.jetty.port = config.listenPort();
            // Let odd paths reach the handlers, which answer in the protocol's own error format.
            c.jetty.modifyHttpConfiguration(h -> h.setUriCompliance(UriCompliance.UNSAFE));
            c.jetty.modifyServletContextHandler(h -> h.getServletHandler().setDecodeAmbiguousURIs(true));
            // Requests Jetty refuses before routing (path above the root, NUL, bad %-escape, 414, 431) answer JSON too.
            c.jetty.modifyServer(s -> s.setErrorHandler(new JsonErrorHandler()));
            c.requestLogger.http(this::logRequest);
            // A body announced over the limit is refused before any of it is read, so a client that sent
            // Expect: 100-continue gets the 413 instead of a 100 and a connection closed mid-body. The
            // registry (/v2/) streams its uploads and has limits of its own.
            c.routes.before(ctx -> {
                long announced = ctx.req().getContentLengthLong();
                if (announced > MAX_REQUEST_BODY && !ctx.path().startsWith("/v2/")) {
                    throw new io.javalin.http.HttpResponseException(413, "the request body is " + announced
                            + " bytes; this endpoint takes at most " + MAX_REQUEST_BODY);
                }
            });
            authentication.register(c.routes); // after the size check: who calls, once per request
            c.routes.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
            c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            registryRoutes.register(c.routes);
            apiRoutes.register(c.routes);
            ciRoutes.register(c.routes);
            woodpeckerRoutes.register(c.routes);
            secretRoutes.register(c.routes);
            variableRoutes.register(c.routes);
            packageRoutes.register(c.routes);
            adminRoutes.register(c.routes);
            lifecycleRoutes.register(c.routes);
            runnerRoutes.register(c.routes);
            web.register(c.routes); // last: its /{owner}/{repo} pages would match other routes' paths
            errors.register(c.routes);
        });
    }

    private void logRequest(Context ctx, Float millis) {
        String endpoint = endpointOf(ctx);
        Timer.builder("slipway_http_requests")
                .tag("method", ctx.method().name()).tag("status", Integer.toString(ctx.statusCode())).tag("endpoint", endpoint)
                .register(metrics).record((long) (millis * 1000), TimeUnit.MICROSECONDS);
        ObjectNode line = json.createObjectNode();
        line.put("ts", Instant.now().toString());
        line.put("method", ctx.method().name());
        line.put("path", ctx.path());
        line.put("status", ctx.statusCode());
        line.put("ms", Math.round(millis * 100) / 100.0);
        line.put("ip", ctx.ip());
        line.put("endpoint", endpoint);
        String ua = ctx.header("User-Agent");
        if (ua != null) {
            line.put("agent", ua.length() > 120 ? ua.substring(0, 120) : ua);
        }
        ACCESS.info(line.toString());
    }

    private static String endpointOf(Context ctx) {
        String p = ctx.path();
        if (!p.startsWith("/v2")) {
            return p.startsWith("/api/") ? "api" : p.equals("/healthz") || p.equals("/metrics") ? p.substring(1) : "other";
        }
        if (p.equals("/v2") || p.equals("/v2/")) return "v2_base";
        if (p.equals("/v2/token")) return "token";
        if (p.equals("/v2/_catalog")) return "catalog";
        if (p.contains("/blobs/uploads")) return "uploads";
        if (p.contains("/blobs/")) return "blobs";
        if (p.contains("/manifests/")) return "manifests";
        if (p.endsWith("/tags/list")) return "tags";
        if (p.contains("/referrers/")) return "referrers";
        return "other";
    }

    public HttpServer start() {
        lockDataDir();
        app.start();
        recordAddress();
        listenForTasks(slipway.serving(port()));
        runs.start();
        slipway.backgroundTriggers().start(); // polling and cron run where the server runs, never in CLI commands
        slipway.events().start(); // webhook deliveries run where the server runs, never in CLI commands
        slipway.outbox().start(); // so do commit statuses and notifications (CLI commands may enqueue; the server sends)
        lifecycleSchedule = slipway.lifecycle().startSchedule();
        return this;
    }

    /**
     * Tasks reach this host at {@code address} (the task network's gateway). A server that listens
     * on loopback only listens there too, on the same port, so tasks reach it without the server
     * being exposed anywhere else.
     */
    private void listenForTasks(String address) {
        boolean wildcard = listenHost.isEmpty() || listenHost.equals("0.0.0.0") || listenHost.equals("::");
        if (address == null || wildcard || address.equals(listenHost)) {
            return;
        }
        org.eclipse.jetty.server.Server server = app.jettyServer().server();
        ServerConnector first = (ServerConnector) server.getConnectors()[0];
        ServerConnector forTasks = new ServerConnector(server, first.getConnectionFactories().toArray(org.eclipse.jetty.server.ConnectionFactory[]::new));
        forTasks.setHost(address);
        forTasks.setPort(port());
        server.addConnector(forTasks);
        try {
            forTasks.start();
            LOG.info("tasks reach this server at http://{}:{}", address, port());
        } catch (Exception e) {
            server.removeConnector(forTasks);
            LOG.warn("cannot listen on {}:{} for tasks: {}; tasks cannot reach this server (set ci.task-server-url, or listen on 0.0.0.0)",
                    address, port(), e.getMessage());
        }
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    /**
     * One server per data directory: a second one would share its blob store, worktrees and task
     * containers without knowing. The lock is the operating system's, so it goes with the process,
     * also after a crash.
     */
    private void lockDataDir() {
        java.nio.file.Path file = dataDir.resolve("server.lock");
        try {
            java.nio.file.Files.createDirectories(dataDir);
            lockChannel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.READ);
            try {
                dataDirLock = lockChannel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
                dataDirLock = null;
            }
            if (dataDirLock == null) {
                String holder = new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8).trim();
                lockChannel.close();
                throw new dev.slipway.core.SlipwayException.Conflict("another Slipway server uses the data directory " + dataDir
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + "; stop it, or give this one its own --data");
            }
            lockChannel.truncate(0);
            lockChannel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot lock " + file, e);
        }
    }

    /** Adds where this server answers on this machine to the lock file (CLI commands hand work to it). */
    private void recordAddress() {
        String host = listenHost.isEmpty() || listenHost.equals("0.0.0.0") ? "127.0.0.1" : listenHost.equals("::") ? "[::1]"
                : listenHost.contains(":") ? "[" + listenHost + "]" : listenHost;
        String url = "http://" + host + ":" + port();
        String text = "pid " + ProcessHandle.current().pid() + "\nurl " + url + "\n";
        try {
            lockChannel.truncate(0);
            lockChannel.write(java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0);
        } catch (java.io.IOException e) {
            LOG.warn("cannot write {}: {}", dataDir.resolve("server.lock"), e.getMessage());
        }
        record = RunningServers.record(dataDir, port(), url, databaseUrl);
    }

    @Override
    public void close() {
        app.stop();
        slipway.backgroundTriggers().close(); // before the runs: a poll may be starting one
        runs.close();
        if (lifecycleSchedule != null) {
            try {
                lifecycleSchedule.close();
            } catch (Exception e) {
                LOG.warn("stopping the registry lifecycle schedule", e);
            }
        }
        RunningServers.forget(record);
        try {
            if (lockChannel != null) {
                lockChannel.close(); // releases the lock
            }
        } catch (java.io.IOException ignored) {
            // exiting anyway
        }
    }
}
