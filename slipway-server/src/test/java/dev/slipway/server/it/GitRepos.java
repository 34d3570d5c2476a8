package dev.slipway.server.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Real git repositories for CI tests, made with the git CLI. */
public final class GitRepos {
    private static final Map<String, String> ENV = Map.of(
            "GIT_AUTHOR_NAME", "Test", "GIT_AUTHOR_EMAIL", "test@example.invalid",
            "GIT_COMMITTER_NAME", "Test", "GIT_COMMITTER_EMAIL", "test@example.invalid");

    private GitRepos() {}

    /** A new repository on branch main with {@code files} (path to content) committed; returns its directory. */
    public static Path create(Map<String, String> files) throws Exception {
        Path dir = Files.createTempDirectory("slipway-git-").resolve("repo");
        Files.createDirectories(dir);
        git(dir, "init", "-q", "-b", "main");
        commit(dir, files, "initial");
        return dir;
    }

    /** Writes the files and commits them; returns the new commit id. */
    public static String commit(Path dir, Map<String, String> files, String message) throws Exception {
        for (var e : files.entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
        }
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", message);
        return git(dir, "rev-parse", "HEAD").trim();
    }

    public static String git(Path dir, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Tools.run(ENV, dir, cmd).ok().out();
    }
}
