package dev.slipway.server.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

/**
 * Debian's OpenSSH server on loopback for checkout tests: its own host key, configuration,
 * authorized keys and pid file in a temporary directory, running in the foreground as the current
 * user (root or not), which is also the user that logs in. Public-key authentication only; the
 * log (LogLevel VERBOSE) names the fingerprint of every key a client offers.
 */
public final class Sshd implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/sshd");

    private final Path dir;
    private final int port;
    private Process process;

    private Sshd(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a server with a new host key on a free port. */
    public static Sshd start() throws Exception {
        Tools.requireExecutable(BINARY, "openssh-server");
        Sshd sshd = new Sshd(Files.createTempDirectory("slipway-sshd-"), Tools.freePort());
        Files.writeString(sshd.dir.resolve("authorized_keys"), "");
        sshd.newHostKey();
        sshd.launch();
        return sshd;
    }

    public int port() {
        return port;
    }

    /** The login user: whoever runs the tests (sshd runs as that user). */
    public static String user() {
        return System.getProperty("user.name");
    }

    /** {@code ssh://user@127.0.0.1:port/abs/path} for a repository directory on this machine. */
    public String url(Path repository) {
        return "ssh://" + user() + "@127.0.0.1:" + port + repository.toAbsolutePath();
    }

    /** Lets the holder of this public key (an OpenSSH {@code ssh-ed25519 AAAA...} line) log in. */
    public synchronized void authorize(String publicKeyLine) throws IOException {
        Files.writeString(dir.resolve("authorized_keys"), publicKeyLine.strip() + "\n", StandardOpenOption.APPEND);
    }

    /** The public host key, as {@code ssh-ed25519 AAAA...}. */
    public String hostKey() throws IOException {
        String[] parts = Files.readString(dir.resolve("host_key.pub")).trim().split(" ");
        return parts[0] + " " + parts[1];
    }

    /** The host key's SHA256 fingerprint. */
    public String hostKeyFingerprint() {
        return fingerprint(dir.resolve("host_key.pub"));
    }

    /** A public key file's {@code SHA256:...} fingerprint, as ssh-keygen -l prints it and sshd logs it. */
    public static String fingerprint(Path publicKey) {
        return Tools.run(Map.of(), null, "ssh-keygen", "-l", "-f", publicKey.toString()).ok().out().split(" ")[1];
    }

    /** Stops the server and starts it again on the same port with a new host key: what an impostor looks like. */
    public void restartWithNewHostKey() throws Exception {
        Tools.stop(process);
        newHostKey();
        launch();
    }

    private void newHostKey() throws IOException {
        Files.deleteIfExists(dir.resolve("host_key"));
        Files.deleteIfExists(dir.resolve("host_key.pub"));
        Tools.run(Map.of(), dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "host_key").ok();
    }

    private void launch() throws Exception {
        Files.writeString(dir.resolve("sshd_config"), """
                ListenAddress 127.0.0.1
                Port %d
                HostKey %s
                AuthorizedKeysFile %s
                PidFile %s
                UsePAM no
                StrictModes no
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PermitRootLogin prohibit-password
                LogLevel VERBOSE
                """.formatted(port, dir.resolve("host_key"), dir.resolve("authorized_keys"), dir.resolve("sshd.pid")));
        if ("root".equals(user())) {
            // As root, sshd refuses to start without its privilege separation directory, which
            // the service manager normally creates at boot.
            Path privsep = Path.of("/run/sshd");
            if (!Files.isDirectory(privsep)) {
                Files.createDirectories(privsep, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
        }
        process = new ProcessBuilder(BINARY.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("sshd exited with " + process.exitValue() + ":\n" + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("sshd did not listen on port " + port + ":\n" + log());
    }

    /** What sshd wrote (-e: its log goes to stderr), for failure messages. */
    public String log() throws IOException {
        Path log = dir.resolve("sshd.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        Tools.stop(process);
        Tools.deleteTree(dir);
    }
}
