package dev.slipway.server.it;

import dev.slipway.core.Clock;
import dev.slipway.core.config.ConfigLoader;
import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.core.identity.Scope;
import dev.slipway.server.HttpServer;
import dev.slipway.server.Slipway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Slipway server for integration tests: in-process, on a free loopback port, with its own
 * data directory and a fresh database. The database is SQLite or PostgreSQL according to the
 * system property {@code slipway.test.db} (failsafe runs every IT once per database).
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "admin-password-1";

    private final Path dataDir;
    private final Slipway slipway;
    private final HttpServer http;
    private final SlipwayConfig config;
    private final Map<String, String> extra;
    private final Map<String, String> database;
    private final Clock clock;
    private boolean stopped;
    private boolean handedOver;
    private boolean shared;

    /** {@link #sharedWorkflows()}, once started, and the directory its {@code ci.actions.url} names. */
    private static TestServer workflows;
    private static Path workflowActions;

    private TestServer(Map<String, String> extra, Path dataDir, Map<String, String> database, Clock clock) throws IOException {
        this.dataDir = dataDir;
        this.extra = Map.copyOf(extra);
        this.database = database;
        this.clock = clock;
        int port = Tools.freePort();
        Map<String, String> values = new HashMap<>(extra);
        values.put("data", dataDir.toString());
        values.putIfAbsent("listen", "127.0.0.1:" + port); // a test may listen elsewhere (e.g. 0.0.0.0:PORT)
        values.putAll(database);
        this.config = new ConfigLoader(Map.of()).load(values, null);
        this.slipway = new Slipway(config, clock);
        slipway.identity().bootstrapAdmin(ADMIN_PASSWORD);
        this.http = new HttpServer(slipway, config).start();
    }

    public static TestServer start() throws IOException {
        return start(Map.of());
    }

    /** With extra configuration keys, as in the YAML file (e.g. {@code registry.owner-quota}). */
    public static TestServer start(Map<String, String> config) throws IOException {
        return start(config, Clock.system());
    }

    /** For GitHub Actions workflows: docker required, {@code ubuntu-latest} mapped to the locally built runner image. */
    public static TestServer forWorkflows() throws Exception {
        Tools.require("docker");
        return start(Map.of("ci.actions.labels", "ubuntu-latest:" + TestImages.runner()));
    }

    /**
     * One server for the GitHub Actions test classes of this JVM (failsafe runs a database's whole
     * pass in one JVM), as {@link #forWorkflows()} but started by the first class that asks and
     * stopped when the JVM exits; a class does not close it ({@link #close()} refuses). Each class
     * registers repositories of names of its own (a name taken already is a 409 that fails the
     * test), so the classes see their own runs only. Remote actions ({@code uses: owner/repo@ref})
     * come from {@link #sharedWorkflowActions()}; polling is off (runs start by the API or a webhook).
     */
    public static synchronized TestServer sharedWorkflows() throws Exception {
        if (workflows == null) {
            Tools.require("docker");
            Path actions = Files.createTempDirectory("slipway-actions-remote-");
            TestServer server = start(Map.of("ci.actions.labels", "ubuntu-latest:" + TestImages.runner(),
                    "ci.actions.url", actions.toUri().toString(), "ci.poll-interval", "0"));
            server.shared = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.shared = false;
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
                Tools.deleteTree(actions);
            }, "close-shared-workflows-server"));
            workflows = server;
            workflowActions = actions;
        }
        return workflows;
    }

    /** The {@code ci.actions.url} of {@link #sharedWorkflows()}: bare repositories at {@code <owner>/<repo>} or {@code <owner>/<repo>.git}. */
    public static synchronized Path sharedWorkflowActions() throws Exception {
        sharedWorkflows();
        return workflowActions;
    }

    /** With polling and cron on {@code clock} (a test steps it forward; see {@link Slipway#Slipway(SlipwayConfig, Clock)}). */
    public static TestServer start(Map<String, String> config, Clock clock) throws IOException {
        return new TestServer(config, Files.createTempDirectory("slipway-it-"), databaseValues(), clock);
    }

    /**
     * Stops this server and starts a new one on the same data directory and database (a restart):
     * the new one owns them (closing this one afterwards leaves them alone).
     */
    public TestServer restart() throws Exception {
        return restart(() -> {});
    }

    /** Stops this server, runs {@code whileStopped}, and starts a new one on the same data directory and database. */
    public TestServer restart(WhileStopped whileStopped) throws Exception {
        stop();
        handedOver = true;
        whileStopped.run();
        return new TestServer(extra, dataDir, database, clock);
    }

    /** What happens while a server is stopped (pushes it must catch up with, time passing on a test clock). */
    @FunctionalInterface
    public interface WhileStopped {
        void run() throws Exception;
    }

    /**
     * A second server on the same database, with its own data directory, as servers share a
     * PostgreSQL database. On SQLite the database lives in the data directory, so there is no
     * such thing: the caller asks {@link #database()} first.
     */
    public TestServer another() throws IOException {
        if (!database().equals("postgres")) {
            throw new IllegalStateException("two servers share a database on PostgreSQL only");
        }
        return new TestServer(extra, Files.createTempDirectory("slipway-it-"), database, clock);
    }

    /** Stops the server and keeps its data and database (see {@link #restart()}). */
    private void stop() {
        if (!stopped) {
            stopped = true;
            http.close();
            slipway.close();
        }
    }

    public static String database() {
        return System.getProperty("slipway.test.db", "sqlite");
    }

    /**
     * Configuration keys for the database under test. For PostgreSQL, a new database is created on
     * the server the test script started ({@code SLIPWAY_TEST_PG_URL}); under CI a missing server
     * fails the test rather than skipping it.
     */
    public static Map<String, String> databaseValues() {
        if (!database().equals("postgres")) {
            return Map.of();
        }
        String url = System.getenv("SLIPWAY_TEST_PG_URL");
        if (url == null) {
            throw new IllegalStateException("PostgreSQL integration tests need SLIPWAY_TEST_PG_URL (./scripts/test sets it)");
        }
        String user = System.getenv().getOrDefault("SLIPWAY_TEST_PG_USER", "slipway");
        String password = System.getenv().getOrDefault("SLIPWAY_TEST_PG_PASSWORD", "slipway");
        String db = "slipway_it_" + Long.toHexString(System.nanoTime()) + "_" + (int) (Math.random() * 1000);
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a test database on " + url + ": " + e.getMessage(), e);
        }
        String base = url.substring(0, url.lastIndexOf('/') + 1);
        return Map.of("database.url", base + db, "database.user", user, "database.password", password);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + http.port();
    }

    /** host:port, as docker and skopeo name the registry. */
    public String registryHost() {
        return "127.0.0.1:" + http.port();
    }

    public Slipway slipway() {
        return slipway;
    }

    public SlipwayConfig config() {
        return config;
    }

    public Path dataDir() {
        return dataDir;
    }

    public void createUser(String name, String password) {
        slipway.identity().createUser(name, password, null, false);
    }

    public String token(String user, String... scopes) {
        return slipway.identity().createToken(user, "t-" + System.nanoTime(),
                Arrays.stream(scopes).map(Scope::parse).toList()).secret();
    }

    /**
     * Removes the task containers and volumes this server kept (a real server keeps them until its
     * eviction policy removes them; a test server's data directory is deleted, so nothing would).
     * Only this server's instance: other tests and servers on the same engine keep theirs.
     */
    private void removeTaskContainers() {
        if (!Files.isDirectory(config.ciDir().resolve("runs"))) {
            return; // no run has been executed
        }
        try {
            removeByLabel("label=slipway.instance=" + slipway.instanceId());
        } catch (RuntimeException noDocker) {
            // the local executor ran the tasks
        }
    }

    private static void removeByLabel(String label) {
        removeListed(List.of("docker", "ps", "-aq", "--filter", label), List.of("docker", "rm", "-f"));
        removeListed(List.of("docker", "volume", "ls", "-q", "--filter", label), List.of("docker", "volume", "rm", "-f"));
    }

    private static void removeListed(List<String> list, List<String> remove) {
        Tools.Result found = Tools.run(Map.of(), null, list.toArray(String[]::new));
        if (found.exit() == 0 && !found.out().isBlank()) {
            List<String> rm = new java.util.ArrayList<>(remove);
            rm.addAll(found.out().lines().toList());
            Tools.run(Map.of(), null, rm.toArray(String[]::new));
        }
    }

    /** Every committed blob file under the blob store, as relative paths (for "storage did not change" checks). */
    public java.util.Set<String> storedBlobs() throws IOException {
        Path blobs = config.blobsDir().resolve("blobs");
        if (!Files.exists(blobs)) {
            return java.util.Set.of();
        }
        try (Stream<Path> s = Files.walk(blobs)) {
            return s.filter(Files::isRegularFile).map(p -> blobs.relativize(p).toString()).collect(java.util.stream.Collectors.toSet());
        }
    }

    @Override
    public void close() throws IOException {
        if (shared) {
            throw new IllegalStateException("the shared workflows server stops when the JVM exits; a test class does not close it");
        }
        stop();
        if (handedOver) {
            return;
        }
        removeTaskContainers();
        Tools.deleteTree(dataDir);
    }
}
