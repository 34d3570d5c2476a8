package dev.slipway.server.it;

import dev.slipway.core.config.ConfigLoader;
import dev.slipway.core.config.SlipwayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Slipway as a separate process, from the shaded jar: for tests that kill the server or run the
 * CLI beside it (in the test's JVM with {@link #cli}, as a process with {@link #cliProcess}). Uses
 * the database under test ({@link TestServer#databaseValues()}).
 */
public final class ServerProcess implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "process-admin-password";

    private final Path data;
    private final Map<String, String> db;
    private final int port;
    private final Map<String, String> extraEnv = new java.util.HashMap<>();
    private Process process;

    public ServerProcess(Path data) throws Exception {
        this.data = data;
        this.db = TestServer.databaseValues();
        this.port = Tools.freePort();
    }

    /** A second process on the same data, database and port (a restart after {@link #kill()}). */
    public ServerProcess(Path data, ServerProcess previous) {
        this.data = data;
        this.db = previous.db;
        this.port = previous.port;
        this.extraEnv.putAll(previous.extraEnv);
    }

    /** Sets an environment variable of the server (a setting such as SLIPWAY_CI_RUNNER_LEASE_TIMEOUT); kept by a restart. */
    public ServerProcess withEnv(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path data() {
        return data;
    }

    /** The java command for the jar, with the state options pointing at this server's data. */
    public List<String> command(String... args) {
        String jar = System.getProperty("slipway.jar");
        if (jar == null) {
            throw new AssertionError("system property slipway.jar is not set (failsafe sets it)");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--data", data.toString()));
        if (db.containsKey("database.url")) {
            cmd.addAll(List.of("--database-url", db.get("database.url")));
        }
        return cmd;
    }

    public Map<String, String> environment() {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("SLIPWAY_ADMIN_PASSWORD", ADMIN_PASSWORD);
        if (db.containsKey("database.user")) {
            env.put("SLIPWAY_DATABASE_USER", db.get("database.user"));
            env.put("SLIPWAY_DATABASE_PASSWORD", db.get("database.password"));
        }
        env.putAll(extraEnv);
        return env;
    }

    /** {@code slipway exec DIR args...} as a user runs it: the jar without a data directory. */
    public static Tools.Result exec(Path dir, String... args) throws Exception {
        return exec(Map.of(), dir, args);
    }

    /** The same, with {@code env} added to the process's environment. */
    public static Tools.Result exec(Map<String, String> env, Path dir, String... args) throws Exception {
        ServerProcess jar = new ServerProcess(java.nio.file.Files.createTempDirectory("slipway-exec-data-"));
        List<String> cmd = new java.util.ArrayList<>(jar.command("exec", dir.toString()));
        cmd = new java.util.ArrayList<>(cmd.subList(0, cmd.indexOf("--data")));
        cmd.addAll(List.of(args));
        return Tools.run(env, null, cmd.toArray(String[]::new));
    }

    /**
     * Runs a CLI command on this server's state inside the test's JVM ({@link InProcessCli}): what
     * most tests of commands are about, without a JVM start per command.
     */
    public Tools.Result cli(String... args) {
        return cliWithInput(null, args);
    }

    /** The same, with {@code stdin} (may be null) as its standard input. */
    public Tools.Result cliWithInput(String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of(args));
        cmd.addAll(List.of("--data", data.toString()));
        if (db.containsKey("database.url")) {
            // The process gets the credentials from SLIPWAY_DATABASE_USER and _PASSWORD (environment()); this JVM's
            // environment is fixed, and the PostgreSQL driver takes them from the URL as well.
            cmd.addAll(List.of("--database-url", db.get("database.url") + "?user=" + encoded(db.get("database.user"))
                    + "&password=" + encoded(db.get("database.password"))));
        }
        return InProcessCli.run(stdin, cmd.toArray(String[]::new));
    }

    private static String encoded(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Runs a CLI command as a process of its own, from the jar, as a user does: where the process is the point. */
    public Tools.Result cliProcess(String... args) {
        return Tools.run(environment(), null, command(args).toArray(String[]::new));
    }

    /** The configuration of this server's state, to open it in the test's own process as another CLI would. */
    public SlipwayConfig config() {
        Map<String, String> values = new java.util.HashMap<>(db);
        values.put("data", data.toString());
        return new ConfigLoader(Map.of()).load(values, null);
    }

    public ServerProcess start() throws Exception {
        List<String> cmd = command("server", "--listen", "127.0.0.1:" + port);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(data.resolve("server-" + System.nanoTime() + ".log").toFile());
        pb.environment().putAll(environment());
        process = pb.start();
        Http anon = Http.anonymous(baseUrl());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue());
            }
            try {
                if (anon.get("/healthz").statusCode() == 200) {
                    return this;
                }
            } catch (RuntimeException notYet) {
                // connection refused while starting
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new AssertionError("server did not become healthy");
    }

    /** SIGKILL: no shutdown hooks, no flushing. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws Exception {
        Tools.stop(process);
    }
}
