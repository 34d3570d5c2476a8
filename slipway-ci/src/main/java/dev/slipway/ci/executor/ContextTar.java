package dev.slipway.ci.executor;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A build context as the docker CLI sends it: an uncompressed tar of the context directory,
 * without what {@code .dockerignore} excludes, written while the engine reads it. docker-java's
 * own context is a gzipped temporary file, which costs a compression of every byte (seconds for
 * tens of MiB, minutes for large contexts) and a second copy on disk before the build starts.
 *
 * <p>{@code .dockerignore} as docker reads it: one pattern per line ({@code #} starts a comment),
 * Go's filepath.Match syntax with {@code **} ({@link dev.slipway.core.Globs}), a pattern also matches everything
 * below a directory it matches, the last matching pattern decides and {@code !} re-includes. The Dockerfile and
 * {@code .dockerignore} are always sent. Symbolic links go as links, never followed.
 */
final class ContextTar {
    private ContextTar() {}

    /** What the engine gets: the tar, and the Dockerfile's name in it. */
    record Context(InputStream tar, String dockerfile) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            tar.close();
        }
    }

    /**
     * The tar of {@code context}. A Dockerfile outside the context goes into the tar under a name
     * of its own, as the docker CLI sends it. {@code labels} become one {@code LABEL} instruction
     * at the end of the Dockerfile: what {@code docker build --label} sets, in one step where the
     * classic builder would commit one image per label.
     */
    static Context open(Path context, Path dockerfile, Map<String, String> labels) throws IOException {
        Path file = dockerfile.toAbsolutePath().normalize();
        Path root = context.toAbsolutePath().normalize();
        String name = file.startsWith(root) ? relative(root, file) : null;
        List<String> ignores = ignores(root);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).sorted().forEach(p -> {
                String rel = relative(root, p);
                if (!rel.equals(name) && (rel.equals(".dockerignore") || !excluded(ignores, rel))) {
                    files.add(p);
                }
            });
        }
        String inTar = name != null ? name : ".dockerfile.slipway";
        PipedInputStream pipe = new PipedInputStream(1 << 20);
        PipedOutputStream out = new PipedOutputStream(pipe);
        AtomicReference<IOException> failed = new AtomicReference<>();
        Thread.ofVirtual().name("build-context").start(() -> {
            try {
                write(root, files, file, inTar, labels, out);
            } catch (IOException e) {
                failed.set(e);
            } finally {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the reader went away
                }
            }
        });
        // A file that cannot be read ends the tar early: the reader gets the reason, not a short archive.
        InputStream in = new FilterInputStream(pipe) {
            @Override
            public int read() throws IOException {
                return checked(super.read());
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return checked(super.read(b, off, len));
            }

            private int checked(int n) throws IOException {
                if (n < 0 && failed.get() != null) {
                    throw new IOException("cannot send the build context: " + failed.get().getMessage(), failed.get());
                }
                return n;
            }
        };
        return new Context(in, inTar);
    }

    /** Whether docker leaves {@code rel} out: the last pattern matching it or a directory above it decides. */
    static boolean excluded(List<String> patterns, String rel) {
        boolean excluded = false;
        for (String p : patterns) {
            boolean negated = p.startsWith("!");
            String pattern = negated ? p.substring(1) : p;
            if (matches(pattern, rel)) {
                excluded = !negated;
            }
        }
        return excluded;
    }

    private static boolean matches(String pattern, String rel) {
        Pattern regex = dev.slipway.core.Globs.compile(pattern);
        for (String path = rel; ; path = path.substring(0, path.lastIndexOf('/'))) {
            if (regex.matcher(path).matches()) {
                return true;
            }
            if (path.indexOf('/') < 0) {
                return false;
            }
        }
    }

    /** The patterns of {@code .dockerignore}, cleaned as docker cleans them; none without the file. */
    static List<String> ignores(Path context) throws IOException {
        Path file = context.resolve(".dockerignore");
        List<String> patterns = new ArrayList<>();
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return patterns;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String p = line.strip();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            boolean negated = p.startsWith("!");
            String body = negated ? p.substring(1).strip() : p;
            body = Path.of("/").resolve(body).normalize().toString().substring(1); // docker's filepath.Clean, leading '/' dropped
            if (!body.isEmpty()) {
                patterns.add(negated ? "!" + body : body);
            }
        }
        return patterns;
    }

    private static void add(TarArchiveOutputStream tar, Path p, String name) throws IOException {
        TarArchiveEntry entry;
        if (Files.isSymbolicLink(p)) {
            entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            entry.setLinkName(Files.readSymbolicLink(p).toString());
            entry.setModTime(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
        } else {
            entry = new TarArchiveEntry(p, name, LinkOption.NOFOLLOW_LINKS);
            entry.setMode((entry.getMode() & ~0777) | permissions(p)); // an executable script stays executable
        }
        tar.putArchiveEntry(entry);
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(p, tar);
        }
        tar.closeArchiveEntry();
    }

    private static int permissions(Path p) throws IOException {
        int mode = 0;
        for (PosixFilePermission permission : Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)) {
            mode |= 0400 >> permission.ordinal(); // OWNER_READ, OWNER_WRITE, ... OTHERS_EXECUTE: 0400 down to 0001
        }
        return mode;
    }

    private static String relative(Path context, Path p) {
        return context.relativize(p).toString().replace('\\', '/');
    }

    private static void write(Path context, List<Path> files, Path dockerfile, String dockerfileName, Map<String, String> labels,
                              OutputStream sink) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(sink)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path p : files) {
                add(tar, p, relative(context, p));
            }
            byte[] original = Files.readAllBytes(dockerfile);
            byte[] label = labelInstruction(labels).getBytes(StandardCharsets.UTF_8);
            byte[] content = java.util.Arrays.copyOf(original, original.length + label.length);
            System.arraycopy(label, 0, content, original.length, label.length);
            TarArchiveEntry entry = new TarArchiveEntry(dockerfileName);
            entry.setSize(content.length);
            entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE);
            entry.setModTime(Files.getLastModifiedTime(dockerfile));
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
            tar.finish();
        }
    }

    /** {@code LABEL "k"="v" ...} on a line of its own, or nothing; values quoted as Dockerfile strings. */
    static String labelInstruction(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        StringBuilder line = new StringBuilder("\nLABEL");
        labels.forEach((k, v) -> line.append(' ').append(quoted(k)).append('=').append(quoted(v)));
        return line.append('\n').toString();
    }

    private static String quoted(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + '"';
    }
}
