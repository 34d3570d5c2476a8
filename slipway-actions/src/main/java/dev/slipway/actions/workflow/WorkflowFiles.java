package dev.slipway.actions.workflow;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Which workflow files a checkout has. Workflows live in {@code .forgejo/workflows},
 * {@code .gitea/workflows} or {@code .github/workflows}, as {@code *.yml} and {@code *.yaml}
 * files directly in the directory. Only one directory is read: the first of those three that
 * exists, as Forgejo does (Gitea has no {@code .forgejo}, and reads {@code .gitea} before
 * {@code .github}). So a repository mirrored to GitHub can keep its GitHub workflows in
 * {@code .github} and the forge's in its own directory. The directories not read, and files in
 * subdirectories (which GitHub does not read either), are listed in {@link #notes}.
 *
 * @param directory the directory read, or null when the checkout has none
 * @param files the workflow files in it, as paths from the checkout's root, in name order
 * @param notes what was found and not read, and why, for the user
 */
public record WorkflowFiles(String directory, List<String> files, List<String> notes) {
    /** In order of precedence. */
    public static final List<String> DIRECTORIES = List.of(".forgejo/workflows", ".gitea/workflows", ".github/workflows");

    public WorkflowFiles {
        files = List.copyOf(files);
        notes = List.copyOf(notes);
    }

    /**
     * The choice for a checkout whose files are {@code paths}: paths from the root with '/'
     * ({@code .gitea/workflows/build.yaml}), as git lists them. A directory exists when a file
     * is in it: git keeps no empty directories.
     */
    public static WorkflowFiles select(Collection<String> paths) {
        String chosen = null;
        List<String> files = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String dir : DIRECTORIES) {
            TreeSet<String> inside = new TreeSet<>();
            paths.stream().filter(p -> p.startsWith(dir + "/")).forEach(inside::add);
            if (inside.isEmpty()) {
                continue;
            }
            List<String> workflows = inside.stream().filter(WorkflowFiles::isWorkflowPath).toList();
            if (chosen == null) {
                chosen = dir;
                files.addAll(workflows);
                inside.stream().filter(p -> isYaml(p) && p.indexOf('/', dir.length() + 1) >= 0).forEach(p -> notes.add(p
                        + " is not read: workflows in subdirectories are not read (as in GitHub); move it to " + dir));
            } else if (!workflows.isEmpty()) {
                notes.add(dir + " is not read (" + workflows.size() + " workflow" + (workflows.size() == 1 ? "" : "s") + "): " + chosen
                        + " exists and takes precedence, as in Gitea and Forgejo");
            }
        }
        if (chosen != null && files.isEmpty()) {
            notes.add(chosen + " has no .yml or .yaml file, so no workflow runs"
                    + (notes.isEmpty() ? "" : "; the directories after it are not read while it exists"));
        }
        return new WorkflowFiles(chosen, files, notes);
    }

    /**
     * The choice for a checkout on disk. Symbolic links are listed as files are, never
     * followed: a checkout is untrusted, and the reader refuses to read through one.
     */
    public static WorkflowFiles scan(Path checkout) throws IOException {
        List<String> paths = new ArrayList<>();
        for (String dir : DIRECTORIES) {
            Path start = checkout.resolve(dir);
            if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    paths.add(checkout.relativize(file).toString().replace('\\', '/'));
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        return select(paths);
    }

    /** A .yml or .yaml file directly in one of the workflow directories. */
    static boolean isWorkflowPath(String path) {
        for (String dir : DIRECTORIES) {
            if (path.startsWith(dir + "/") && path.indexOf('/', dir.length() + 1) < 0 && isYaml(path)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isYaml(String path) {
        return path.endsWith(".yml") || path.endsWith(".yaml");
    }
}
