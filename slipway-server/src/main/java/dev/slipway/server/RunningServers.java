package dev.slipway.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The servers running on this machine, so that CLI commands can find them: by data directory,
 * from the lock a server holds on {@code <data>/server.lock} (see HttpServer), and all of them,
 * from the record each server keeps while it runs in a runtime directory of the user it runs as
 * ({@code $SLIPWAY_RUNTIME_DIR}, else {@code $XDG_RUNTIME_DIR/slipway}, else
 * {@code <tmp>/slipway-<user>}), one file per server, {@code <pid>-<port>.server}:
 * <pre>
 * pid 4711
 * data /var/lib/slipway
 * url http://127.0.0.1:8080
 * database jdbc:postgresql://db:5432/slipway     (without ?parameters)
 * </pre>
 * A command pointed at the wrong data directory can then say where the server is. A record whose
 * process is gone (a crash) is ignored and removed by the next reader.
 */
public final class RunningServers {
    private RunningServers() {}

    /** A running server, as its record describes it. */
    public record Server(long pid, Path data, String url, String database) {}

    /** The local URL of the server holding the data directory's lock, if one does. */
    public static Optional<String> url(Path dataDir) {
        Path file = dataDir.resolve("server.lock");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock probe;
            try {
                probe = ch.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException sameProcess) {
                probe = null;
            }
            if (probe != null) {
                probe.release();
                return Optional.empty(); // nobody holds it: no server
            }
            return Optional.ofNullable(fields(Files.readAllLines(file, StandardCharsets.UTF_8)).get("url"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Records a server of this process, listening on {@code port}; returns the record for {@link #forget},
     * or null if it could not be written (which only costs the CLI its hint).
     */
    static Path record(Path dataDir, int port, String url, String databaseUrl) {
        long pid = ProcessHandle.current().pid();
        String text = "pid " + pid + "\ndata " + dataDir + "\nurl " + url + "\ndatabase " + databaseUrl + "\n";
        try {
            Path dir = directory();
            dev.slipway.core.KeyFiles.privateDirectory(dir); // 0700: other users neither read nor plant records
            Path file = dir.resolve(pid + "-" + port + ".server"); // tests run several servers in one process
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(RunningServers.class).warn("cannot record this server under {} for the CLI to find: {}",
                    directory(), e.toString());
            return null;
        }
    }

    static void forget(Path record) {
        try {
            if (record != null) {
                Files.deleteIfExists(record);
            }
        } catch (IOException ignored) {
            // the next reader removes it
        }
    }

    /** The servers running now (their process is alive and still holds its data directory's lock). */
    public static List<Server> list() {
        List<Server> out = new ArrayList<>();
        Path dir = directory();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".server")).sorted().toList()) {
                Server s = read(f);
                if (s != null && ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false) && url(s.data()).isPresent()) {
                    out.add(s);
                } else if (s == null || ProcessHandle.of(s.pid()).isEmpty()) {
                    Files.deleteIfExists(f); // left by a crash
                }
            }
        } catch (IOException e) {
            // no hint then
        }
        return out;
    }

    private static Server read(Path file) {
        try {
            Map<String, String> f = fields(Files.readAllLines(file, StandardCharsets.UTF_8));
            return new Server(Long.parseLong(f.get("pid")), Path.of(f.get("data")), f.get("url"), f.getOrDefault("database", ""));
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    private static Map<String, String> fields(List<String> lines) {
        Map<String, String> m = new HashMap<>();
        for (String l : lines) {
            int space = l.indexOf(' ');
            if (space > 0) {
                m.put(l.substring(0, space), l.substring(space + 1).trim());
            }
        }
        return m;
    }

    private static Path directory() {
        String own = System.getenv("SLIPWAY_RUNTIME_DIR");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "slipway");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "slipway-" + System.getProperty("user.name"));
    }
}
