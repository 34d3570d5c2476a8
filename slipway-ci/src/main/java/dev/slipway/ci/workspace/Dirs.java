package dev.slipway.ci.workspace;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Directory helpers for run layouts. */
public final class Dirs {
    private Dirs() {}

    /** Removes a directory tree if present (a task's previous layers before a retry). */
    public static void reset(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The apparent size of the regular files under a directory (0 if it does not exist). */
    public static long size(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Copies a file or tree: regular files, directories and symlinks, with their attributes.
     * Anything else (overlayfs whiteouts are character devices) is skipped.
     */
    public static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
                    Path target = from.equals(f) ? to : to.resolve(from.relativize(f).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * A digest of a tree's content: every entry's relative path, type, executable bit and bytes (or
     * link target), in sorted order. {@code .git} is left out.
     */
    public static String contentDigest(Path root) throws IOException {
        java.security.MessageDigest md = dev.slipway.core.Digest.newMessageDigest("sha256");
        List<Path> entries;
        try (Stream<Path> s = Files.walk(root)) {
            entries = s.filter(p -> !root.relativize(p).toString().startsWith(".git")).sorted().toList();
        }
        for (Path p : entries) {
            String rel = root.relativize(p).toString();
            md.update((rel + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (Files.isSymbolicLink(p)) {
                md.update(("L" + Files.readSymbolicLink(p) + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else if (Files.isDirectory(p)) {
                md.update((byte) 'D');
            } else {
                md.update((byte) (Files.isExecutable(p) ? 'X' : 'F'));
                try (var in = Files.newInputStream(p)) {
                    byte[] buf = new byte[64 * 1024];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md.update(buf, 0, n);
                    }
                }
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }
}
