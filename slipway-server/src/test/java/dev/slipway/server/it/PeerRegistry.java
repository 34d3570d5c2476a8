package dev.slipway.server.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's {@code docker-registry} (CNCF distribution 2.8) on a free loopback port, with its own
 * storage in a temporary directory and deletes enabled: the upstream for pull-through tests and
 * the "another registry" of publish tests. It accepts pushes without authentication, or (with
 * {@link #startWithPassword}) only with htpasswd Basic credentials, as a private registry does.
 * Note that it has no single-POST uploads: push with {@link RegistryPush#putBlob} or
 * {@link RegistryPush#imageWithPutUploads}.
 */
public final class PeerRegistry implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;

    private PeerRegistry(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static PeerRegistry start() throws Exception {
        return start(null, null);
    }

    /** Requires {@code user} and {@code password} (a bcrypt htpasswd line, made with apache2-utils' htpasswd). */
    public static PeerRegistry startWithPassword(String user, String password) throws Exception {
        return start(user, password);
    }

    private static PeerRegistry start(String user, String password) throws Exception {
        Tools.require("docker-registry");
        Path dir = Files.createTempDirectory("peer-registry-");
        int port = Tools.freePort();
        String auth = "";
        if (user != null) {
            Tools.requireExecutable(Path.of("/usr/bin/htpasswd"), "apache2-utils");
            Files.writeString(dir.resolve("htpasswd"), Tools.run(java.util.Map.of(), null, "htpasswd", "-Bbn", user, password).ok().out());
            auth = "auth:\n  htpasswd:\n    realm: peer\n    path: " + dir.resolve("htpasswd") + "\n";
        }
        Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir.resolve("data"), port) + auth);
        PeerRegistry peer = new PeerRegistry(dir, port);
        peer.process = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        Http anon = Http.anonymous(peer.url());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!peer.process.isAlive()) {
                throw new AssertionError("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                int status = anon.get("/v2/").statusCode();
                if (status == 200 || (user != null && status == 401)) {
                    return peer;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        peer.close();
        throw new AssertionError("docker-registry did not answer on port " + port);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** host:port, as docker names the registry. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public RegistryPush push() {
        return new RegistryPush(Http.anonymous(url()));
    }

    /** Stops the process (the port then refuses connections); {@link #close()} also removes its storage. */
    public void stop() throws InterruptedException {
        Tools.stop(process);
    }

    @Override
    public void close() throws Exception {
        stop();
        Tools.deleteTree(dir);
    }
}
