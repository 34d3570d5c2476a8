package dev.slipway.actions.engine;

import dev.slipway.actions.workflow.Job;
import dev.slipway.actions.workflow.Workflow;
import dev.slipway.actions.workflow.WorkflowException;
import dev.slipway.actions.workflow.WorkflowRef;
import dev.slipway.actions.workflow.Workflows;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A reusable workflow of the run's repository that a job calls ({@code uses: ./.gitea/workflows/deploy.yml}),
 * read from the run's base worktree (the same commit), or why it cannot run.
 *
 * @param text the file's text (the secrets it mentions are read for the run)
 * @param problem null when {@code workflow} is there
 */
record Callee(Workflow workflow, String text, String problem) {
    static Callee failed(String problem) {
        return new Callee(null, "", problem);
    }

    /** Every workflow the run's jobs call, and those they call in turn, by path in the repository. */
    static Map<String, Callee> readAll(Workflow workflow, Path base) {
        Map<String, Callee> read = new LinkedHashMap<>();
        Deque<Workflow> todo = new ArrayDeque<>();
        todo.add(workflow);
        while (!todo.isEmpty()) {
            for (Job job : todo.poll().jobs().values()) {
                if (job instanceof Job.Call call && call.uses() instanceof WorkflowRef.Local local && !read.containsKey(local.path())) {
                    Callee callee = read(local.path(), base);
                    read.put(local.path(), callee);
                    if (callee.workflow() != null) {
                        todo.add(callee.workflow());
                    }
                }
            }
        }
        return read;
    }

    private static Callee read(String path, Path base) {
        if (base == null) {
            return failed("the run has no checkout to read it from");
        }
        Path file = base.resolve(path);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return failed("there is no such file at this commit");
            }
            if (!file.toRealPath().startsWith(base.toRealPath())) {
                return failed("it is outside the repository (through a link)");
            }
            if (Files.size(file) > (1 << 20)) {
                return failed("it is larger than 1 MiB");
            }
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            try {
                return new Callee(Workflows.read(path, text), text, null);
            } catch (WorkflowException e) {
                return new Callee(null, text, "it is not a valid workflow:\n" + e.problems().stream().map(Object::toString)
                        .collect(Collectors.joining("\n")));
            }
        } catch (IOException e) {
            return failed("it could not be read: " + e.getMessage());
        }
    }
}
