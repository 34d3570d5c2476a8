package dev.slipway.ci.artifact;

import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The artifacts a run's jobs uploaded ({@code actions/upload-artifact}), for the API: listed, and
 * downloaded as a zip archive, as GitHub serves them. They live in the run's directory,
 * {@code <runs>/<id>/artifacts/<name>/}, one directory per artifact with its files under the
 * artifact's root, and go when the run's workspace is evicted; one uploaded with
 * {@code retention-days} is gone (404, and {@code expired} in the list) once they have passed.
 */
public final class RunArtifacts {
    /** The names upload-artifact accepts; {@code .} and {@code ..} never. */
    public static final Pattern NAME = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._ -]{1,100}");

    /** Where upload-artifact records an artifact's {@code retention-days}: a file per artifact, named as it. */
    public static final String RETENTION = "@retention";

    /** One artifact: its name, the bytes of its files, how many, when it was stored, and when it expires (null: with the run). */
    public record Artifact(String name, long sizeInBytes, int files, Instant createdAt, Instant expiresAt) {
        public boolean expired(Instant now) {
            return expiresAt != null && now.isAfter(expiresAt);
        }
    }

    private final LongFunction<Path> runDir;

    /** @param runDir the directory of a run by its id */
    public RunArtifacts(LongFunction<Path> runDir) {
        this.runDir = runDir;
    }

    /** A run's artifacts by name; none when it stored none or its workspace was evicted. */
    public List<Artifact> list(long run) {
        Path root = root(run);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Artifact> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            for (Path dir : s.sorted().toList()) {
                String name = dir.getFileName().toString();
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && NAME.matcher(name).matches()) {
                    out.add(describe(name, dir, files(dir)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * One artifact that has not expired, or 404 saying which the run has (or when it expired): what
     * a download checks before it sends any byte, with the files it then sends, found by one walk.
     */
    public Download require(long run, String name) {
        Path dir = dir(run, name);
        Download d;
        try {
            List<Path> files = files(dir);
            d = new Download(describe(name, dir, files), dir, files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (d.artifact().expired(Instant.now())) {
            throw new SlipwayException.NotFound("artifact '" + name + "' of run " + run + " expired at " + d.artifact().expiresAt()
                    + " (its retention-days)");
        }
        return d;
    }

    /** An artifact about to be downloaded ({@link #require}): what it is, and its files as a zip archive. */
    public static final class Download {
        private final Artifact artifact;
        private final Path dir;
        private final List<Path> files;

        private Download(Artifact artifact, Path dir, List<Path> files) {
            this.artifact = artifact;
            this.dir = dir;
            this.files = files;
        }

        public Artifact artifact() {
            return artifact;
        }

        /** Writes the files as a zip archive (paths relative to the artifact's root; links left out). */
        public void zip(OutputStream out) throws IOException {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Path f : files) {
                ZipEntry entry = new ZipEntry(dir.relativize(f).toString().replace('\\', '/'));
                entry.setLastModifiedTime(Files.getLastModifiedTime(f));
                zip.putNextEntry(entry);
                try (InputStream in = Files.newInputStream(f)) {
                    in.transferTo(zip);
                }
                zip.closeEntry();
            }
            zip.finish();
            zip.flush();
        }
    }

    private Path root(long run) {
        return runDir.apply(run).resolve("artifacts");
    }

    private Path dir(long run, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SlipwayException.NotFound("no artifact '" + name + "' in run " + run);
        }
        Path dir = root(run).resolve(name);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            List<String> names = list(run).stream().map(Artifact::name).toList();
            throw new SlipwayException.NotFound("no artifact '" + name + "' in run " + run
                    + (names.isEmpty() ? " (it has none, or its workspace was evicted)" : "; it has " + String.join(", ", names)));
        }
        return dir;
    }

    private static Artifact describe(String name, Path dir, List<Path> files) throws IOException {
        long size = 0;
        for (Path f : files) {
            size += Files.size(f);
        }
        Instant created = Files.getLastModifiedTime(dir).toInstant();
        Instant expires = null;
        Path retention = dir.getParent().resolve(RETENTION).resolve(name);
        if (Files.isRegularFile(retention, LinkOption.NOFOLLOW_LINKS)) {
            try {
                expires = created.plus(java.time.Duration.ofDays(Long.parseLong(Files.readString(retention).strip())));
            } catch (NumberFormatException e) {
                // written by upload-artifact, which checks the number; anything else keeps the artifact with the run
            }
        }
        return new Artifact(name, size, files.size(), created, expires);
    }

    /** Regular files under {@code dir}, in path order; links are neither followed nor listed. */
    private static List<Path> files(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    out.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(null);
        return out;
    }
}
