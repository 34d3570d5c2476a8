package dev.slipway.server.cli;

import dev.slipway.ci.definition.PipelineParser;
import dev.slipway.ci.definition.Variables;
import dev.slipway.ci.executor.DockerExecutor;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.InstanceId;
import dev.slipway.ci.executor.LocalExecutor;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.RepositoryEntry;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.workspace.Dirs;
import dev.slipway.ci.scheduler.RunEngine;
import dev.slipway.ci.scheduler.RunService;
import dev.slipway.ci.secret.SecretMasker;
import dev.slipway.ci.scheduler.TaskStatus;
import dev.slipway.ci.workspace.Worktrees;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Runs a pipeline of a local checkout directly, without a server (like 'woodpecker exec' or 'act').",
                "",
                "DIR is mounted read-only as the base worktree at /src/<basename of DIR>; every write of a task lands",
                "in a per-task overlay layer, so DIR is never modified. Output streams to the terminal with task",
                "prefixes; the exit code is 0 when every task succeeded, 1 otherwise, 2 when it could not run",
                "(an invalid or missing pipeline, no Docker engine)."})
public final class ExecCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The checkout (default: the current directory)")
    Path dir = Path.of(".");

    @Option(names = "--pipeline", paramLabel = "FILE", description = "Pipeline file, or its name under DIR/.slipway (ci or ci.yml; default: the only .slipway/*.yml)")
    Path pipelineFile;

    @Option(names = "--var", paramLabel = "K=V", description = "Set a variable (repeatable)")
    Map<String, String> vars = new LinkedHashMap<>();

    @Option(names = "--deploy-target", paramLabel = "NAME=PATH", description = "Make a deploy target available (repeatable)")
    Map<String, Path> deployTargets = new LinkedHashMap<>();

    @Option(names = "--secret", paramLabel = "NAME[=VALUE]",
            description = {"Give a task secret (repeatable): NAME=VALUE, or NAME alone to take the value of the environment",
                    "variable NAME (keeps it out of the shell history). Secrets are masked in the output."})
    List<String> secretArgs = new ArrayList<>();

    @Option(names = "--executor", paramLabel = "docker|local",
            description = "docker (default) or local (runs commands on this machine, NOT isolated)")
    String executorName = "docker";

    @Override
    public Integer call() throws Exception {
        Path base = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(base)) {
            System.err.println("error: " + base + " is not a directory");
            return 2;
        }
        Path file = pipelineFile != null ? namedPipeline(base, pipelineFile) : onlyPipeline(base);
        if (file == null) {
            return 2;
        }
        Pipeline pipeline;
        try {
            pipeline = new PipelineParser().parse(base.relativize(file).toString().startsWith("..") ? file.toString() : base.relativize(file).toString(),
                    Files.readString(file, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        String badVariable = Variables.checkGiven(vars.keySet(), pipeline.variables());
        if (badVariable != null) {
            System.err.println("error: " + badVariable);
            return 2;
        }
        String workMount = base.getFileName() == null ? "src" : base.getFileName().toString();
        Path runDir = Files.createTempDirectory("slipway-exec-");
        Map<String, Path> bases = new LinkedHashMap<>();
        bases.put(workMount, base);
        Worktrees worktrees = new Worktrees(cacheDir().resolve("worktrees"), (owner, key) -> {
            throw new IllegalArgumentException("deploy key '" + key + "' is not available to 'slipway exec'; use a file or https URL");
        }, null);
        for (RepositoryEntry r : pipeline.repositories()) {
            if (r.credentials() != null) {
                throw new IllegalArgumentException("credentials '" + r.credentials() + "' for " + r.url()
                        + " are not available to 'slipway exec'; use a file or public URL");
            }
            System.err.println("[slipway] checking out " + r.url() + "@" + r.revision());
            bases.put(r.mountName(), worktrees.prepare("local", r, null).path());
        }
        Map<String, byte[]> secrets = secrets();
        if (secrets == null) {
            return 2;
        }
        Map<String, List<TaskSpec.Mount>> taskMounts = new HashMap<>();
        Map<String, Map<String, String>> taskEnv = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (Task t : pipeline.tasks()) {
            List<TaskSpec.Mount> mounts = new ArrayList<>();
            if (t.deployTarget() != null) {
                Path target = deployTargets.get(t.deployTarget().name());
                if (target == null) {
                    System.err.println("error: task '" + t.name() + "' needs deploy target '" + t.deployTarget().name()
                            + "'; pass --deploy-target " + t.deployTarget().name() + "=PATH");
                    return 2;
                }
                mounts.add(new TaskSpec.Mount.Bind(target.toAbsolutePath(), t.deployTarget().path(), false));
            }
            // Caches live under ~/.cache/slipway/caches/<name> and survive between exec runs.
            for (Task.CacheMount c : t.caches()) {
                Path dir = cacheDir().resolve("caches").resolve(c.name());
                Files.createDirectories(dir);
                mounts.add(new TaskSpec.Mount.Bind(dir, c.path(), false));
            }
            Map<String, String> env = new HashMap<>();
            for (Task.SecretRef ref : t.secrets()) {
                byte[] value = secrets.get(ref.name());
                if (value == null) {
                    missing.add(ref.name() + " (task " + t.name() + ")");
                } else if (ref.file() != null) {
                    Path f = runDir.resolve("secrets").resolve(t.name()).resolve(ref.name());
                    Files.createDirectories(f.getParent());
                    Files.write(f, value);
                    mounts.add(new TaskSpec.Mount.Bind(f, ref.file(), true));
                } else {
                    env.put(ref.env() != null ? ref.env() : ref.name(), new String(value, StandardCharsets.UTF_8));
                }
            }
            taskMounts.put(t.name(), mounts);
            taskEnv.put(t.name(), env);
        }
        if (!missing.isEmpty()) {
            System.err.println("error: the pipeline needs secrets that were not given: " + String.join(", ", missing)
                    + "; pass --secret NAME=VALUE, or --secret NAME to read the environment variable NAME");
            Dirs.reset(runDir);
            return 2;
        }
        String runId = "exec-" + Long.toHexString(System.nanoTime());
        Map<String, String> env = new HashMap<>();
        Variables.BUILT_INS.forEach(b -> env.put(b, ""));
        env.put("SLIPWAY_RUN_ID", runId);
        env.put("SLIPWAY_REPO", workMount);
        env.put("SLIPWAY_EVENT", "exec");
        env.putAll(gitVariables(base));
        RunEngine.Plan plan = new RunEngine.Plan(runId, pipeline, workMount, bases, runDir,
                pipeline.tasks().stream().map(Task::name).collect(Collectors.toSet()), vars, env, taskEnv, taskMounts, null);
        Executor chosen;
        try {
            chosen = executor();
        } catch (Executor.ExecutorException e) {
            System.err.println("error: " + e.getMessage() + " (or run with --executor local, which does not isolate tasks)");
            Dirs.reset(runDir);
            return 2;
        }
        try (Executor executor = chosen) {
            if (!executor.isolated()) {
                System.err.println("[slipway] WARNING: the local executor runs tasks on this machine without isolation");
            }
            TerminalListener listener = new TerminalListener(System.out, SecretMasker.patterns(secrets));
            RunEngine.Result result = new RunEngine(executor).run(plan, listener, new RunEngine.Cancellation());
            result.handles().forEach(executor::remove);
            System.err.println("[slipway] " + result.statuses().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().wire())
                    .collect(Collectors.joining(", ")));
            return result.success() ? 0 : 1;
        } finally {
            Dirs.reset(runDir);
        }
    }

    private Executor executor() throws Executor.ExecutorException {
        if (executorName.equals("local")) {
            return new LocalExecutor();
        }
        if (!executorName.equals("docker")) {
            throw new IllegalArgumentException("--executor must be docker or local");
        }
        // Its own instance: exec removes what it created, and no server ever touches it.
        DockerExecutor docker = new DockerExecutor(InstanceId.random());
        docker.ping();
        return docker;
    }

    /** A path, or a pipeline's name or file name under DIR/.slipway ({@code ci}, {@code ci.yml}); null (and a message) if none. */
    private static Path namedPipeline(Path base, Path given) {
        List<Path> candidates = List.of(given.toAbsolutePath(), base.resolve(".slipway").resolve(given.toString()),
                base.resolve(".slipway").resolve(given + ".yml"), base.resolve(".slipway").resolve(given + ".yaml"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        System.err.println("error: no pipeline '" + given + "': looked for " + candidates.stream().map(Path::toString)
                .collect(Collectors.joining(", ")));
        return null;
    }

    /** SLIPWAY_COMMIT, SLIPWAY_REF and SLIPWAY_BRANCH of DIR when it is a git checkout (nothing otherwise). */
    private static Map<String, String> gitVariables(Path dir) {
        Map<String, String> out = new HashMap<>();
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(dir.toFile())) {
            var repo = git.getRepository();
            var head = repo.resolve(org.eclipse.jgit.lib.Constants.HEAD);
            if (head != null) {
                out.put("SLIPWAY_COMMIT", head.name());
            }
            String full = repo.getFullBranch();
            if (full != null && full.startsWith(org.eclipse.jgit.lib.Constants.R_HEADS)) {
                out.put("SLIPWAY_REF", full);
                out.put("SLIPWAY_BRANCH", repo.getBranch());
            }
        } catch (IOException | RuntimeException notGit) {
            // not a git checkout: the variables stay empty
        }
        return out;
    }

    private static Path onlyPipeline(Path base) throws IOException {
        Path dir = base.resolve(".slipway");
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().forEach(files::add);
            }
        }
        if (files.size() == 1) {
            return files.getFirst();
        }
        System.err.println(files.isEmpty() ? "error: no pipeline in " + dir + " (expected .slipway/*.yml)"
                : "error: several pipelines in " + dir + "; choose one with --pipeline: " + files);
        return null;
    }

    private static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("slipway");
    }

    /** The --secret values: NAME=VALUE, or NAME from the environment; null (and a message) if one is missing. */
    private Map<String, byte[]> secrets() {
        Map<String, byte[]> out = new HashMap<>();
        for (String arg : secretArgs) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? System.getenv(name) : arg.substring(eq + 1);
            if (value == null) {
                System.err.println("error: --secret " + name + " reads the environment variable " + name + ", which is not set");
                return null;
            }
            out.put(name, value.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Prints each task's output with a "[task] " prefix at every line start; secrets are masked, other bytes pass through. */
    static final class TerminalListener implements RunEngine.Listener {
        private final PrintStream out;
        private final SecretMasker.Patterns secrets;
        private final Map<String, Boolean> atLineStart = new HashMap<>();

        TerminalListener(PrintStream out, SecretMasker.Patterns secrets) {
            this.out = out;
            this.secrets = secrets;
        }

        @Override
        public Executor.OutputSink output(String task) {
            return RunService.masked(new Executor.OutputSink() {
                @Override
                public void stdout(byte[] b, int off, int len) {
                    write(task, b, off, len);
                }

                @Override
                public void stderr(byte[] b, int off, int len) {
                    write(task, b, off, len);
                }
            }, secrets);
        }

        private synchronized void write(String task, byte[] b, int off, int len) {
            byte[] prefix = ("[" + task + "] ").getBytes(StandardCharsets.UTF_8);
            boolean start = atLineStart.getOrDefault(task, true);
            for (int i = off; i < off + len; i++) {
                if (start) {
                    out.write(prefix, 0, prefix.length);
                    start = false;
                }
                out.write(b[i]);
                if (b[i] == '\n') {
                    start = true;
                }
            }
            atLineStart.put(task, start);
            out.flush();
        }

        @Override
        public synchronized void system(String task, String line) {
            if (!atLineStart.getOrDefault(task, true)) {
                out.write('\n');
                atLineStart.put(task, true);
            }
            out.println("[" + task + "] [slipway] " + line);
            out.flush();
        }

        @Override
        public void status(String task, TaskStatus status, Integer exitCode) {
            if (status.finished()) {
                system(task, status.wire() + (exitCode != null ? " (exit " + exitCode + ")" : ""));
            }
        }
    }
}
