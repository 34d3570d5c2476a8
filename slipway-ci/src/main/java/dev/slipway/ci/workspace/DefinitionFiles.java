package dev.slipway.ci.workspace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The files of a commit where pipeline definitions live, written out without checking out the
 * rest: every hidden top-level entry but {@code .git} ({@code .slipway/}, {@code .gitea/},
 * {@code .forgejo/}, {@code .github/}, {@code .woodpecker/}, {@code .woodpecker.yml}, ...). A
 * trigger reads its pipelines from here in milliseconds, whatever the size of the repository; the
 * run's full checkout is made when the run starts. Blobs over 1 MiB are left out (no reader takes
 * a definition that large); links are written as links, which readers refuse as they would in a
 * checkout.
 */
final class DefinitionFiles {
    static final long MAX_FILE = 1 << 20;

    private DefinitionFiles() {}

    /** Writes the definition files of {@code commit} into {@code dir}, which must not exist. */
    static void write(Repository repo, ObjectId commit, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader(); TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(walk.parseCommit(commit).getTree());
            tw.setRecursive(false);
            while (tw.next()) {
                String path = tw.getPathString();
                if (tw.getDepth() == 0 && (!path.startsWith(".") || path.equals(".git"))) {
                    continue;
                }
                FileMode mode = tw.getFileMode(0);
                Path target = dir.resolve(path);
                if (mode == FileMode.TREE) {
                    Files.createDirectories(target);
                    tw.enterSubtree();
                } else if (mode == FileMode.SYMLINK) {
                    String link = new String(reader.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
                    Files.createSymbolicLink(target, Path.of(link));
                } else if ((mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE)
                        && reader.getObjectSize(tw.getObjectId(0), org.eclipse.jgit.lib.Constants.OBJ_BLOB) <= MAX_FILE) {
                    try (OutputStream out = Files.newOutputStream(target)) {
                        reader.open(tw.getObjectId(0)).copyTo(out);
                    }
                }
            }
        }
    }
}
