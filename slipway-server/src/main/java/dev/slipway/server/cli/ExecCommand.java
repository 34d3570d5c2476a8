package dev.slipway.server.cli;

import dev.slipway.woodpecker.WoodpeckerFormat;
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
import dev.slipway.ci.release.Publisher;
import dev.slipway.ci.scheduler.RunEngine;
import dev.slipway.ci.scheduler.MaskedSink;
import dev.slipway.ci.scheduler.PlanBuilder;
import dev.slipway.ci.scheduler.RunValues;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "exec", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a pipeline of a local checkout directly, without a server (like 'woodpecker exec' or 'act').",
                "",
                "A .slipway/*.yml pipeline runs by default. GitHub Actions workflows (.forgejo/workflows, .gitea/workflows, "
                        + ".github/workflows) run when DIR has no .slipway pipeline, or when -W, --event, -j, -P, --input, "
                        + "--env or --env-file is given: the workflows that run on --event (default push), each job in a "
                        + "container of the image its runs-on label maps to (ci.actions.labels, or -P).",
                "",
                "Woodpecker files (.woodpecker/*.yml, .woodpecker.yml) run when DIR has nothing else to run: the "
                        + "pipeline of --event (default manual), with --var and --env as its variables and --secret for "
                        + "from_secret, as 'woodpecker exec' does.",
                "",
                "DIR is mounted read-only as the base worktree at /src/<basename of DIR>; every write of a task lands "
                        + "in a per-task overlay layer, so DIR is never modified. Output streams to the terminal with task "
                        + "prefixes; the exit code is 0 when every task succeeded, 1 otherwise, 2 when it could not run "
                        + "(an invalid or missing pipeline, no Docker engine)."})
public final class ExecCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The checkout (default: the current directory)")
    Path dir = Path.of(".");

    @Option(names = "--pipeline", paramLabel = "FILE", description = "Pipeline file, or its name under DIR/.slipway (ci or ci.yml; default: the only .slipway/*.yml)")
    Path pipelineFile;

    @Option(names = "--var", paramLabel = "K=V", description = "Set a variable (repeatable); in GitHub Actions workflows, vars.K; "
            + "in Woodpecker files, a pipeline variable")
    Map<String, String> vars = new LinkedHashMap<>();

    @Option(names = "--deploy-target", paramLabel = "NAME=PATH", description = "Make a deploy target available (repeatable)")
    Map<String, Path> deployTargets = new LinkedHashMap<>();

    @Option(names = "--secret", paramLabel = "NAME[=VALUE]",
            description = "Give a task secret (repeatable): NAME=VALUE, or NAME alone to take the value of the environment "
                    + "variable NAME (keeps it out of the shell history). Secrets are masked in the output.")
    List<String> secretArgs = new ArrayList<>();

    @Option(names = {"-W", "--workflows"}, paramLabel = "PATH",
            description = "GitHub Actions: a workflow file, or a directory of them, relative to DIR or absolute "
                    + "(default: DIR's .forgejo/workflows, .gitea/workflows or .github/workflows)")
    Path workflows;

    @Option(names = "--event", paramLabel = "NAME", description = "GitHub Actions: the event (push, pull_request, workflow_dispatch, "
            + "schedule, ...); runs the workflows whose on: has it. Default: push. Woodpecker files: push, tag, pull_request, "
            + "manual (the default), cron")
    String event;

    @Option(names = {"-e", "--eventpath"}, paramLabel = "FILE", description = "GitHub Actions: the event's payload, a JSON file "
            + "(github.event); default: one made from DIR's HEAD commit")
    Path eventPath;

    @Option(names = {"-j", "--job"}, paramLabel = "ID", description = "GitHub Actions: run this job and the jobs it needs (repeatable)")
    List<String> jobs = new ArrayList<>();

    @Option(names = {"-P", "--platform"}, paramLabel = "LABEL=IMAGE",
            description = "GitHub Actions: run jobs labelled LABEL (runs-on) in IMAGE, or on this machine with IMAGE "
                    + "-self-hosted (repeatable; adds to ci.actions.labels)")
    Map<String, String> platforms = new LinkedHashMap<>();

    @Option(names = "--input", paramLabel = "K=V", description = "GitHub Actions: a workflow_dispatch input (repeatable)")
    Map<String, String> inputs = new LinkedHashMap<>();

    @Option(names = "--env", paramLabel = "K=V", description = "GitHub Actions: an environment variable of every job (repeatable)")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--env-file", paramLabel = "FILE", description = "GitHub Actions: environment variables from a dotenv file "
            + "(KEY=VALUE lines; quoted values may span lines)")
    Path envFile;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "Secrets from a dotenv file, as --env-file reads it")
    Path secretFile;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (ci.actions.labels). Env: SLIPWAY_CONFIG")
    Path config;

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
        if (woodpeckerMode(base)) {
            return woodpecker(base);
        }
        if (workflowMode(base)) {
            return workflows(base);
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
        Map<String, byte[]> secrets = secrets();
        if (secrets == null) {
            return 2;
        }
        Path runDir = Files.createTempDirectory("slipway-exec-");
        String runId = "exec-" + Long.toHexString(System.nanoTime());
        GitHead git = GitHead.of(base);
        RunValues values = new RunValues(runId, workMount, "exec", git.ref(), git.commit());
        List<String> missing = new ArrayList<>();
        PlanBuilder.Built built;
        try {
            built = PlanBuilder.build(values, pipeline, workMount, Map.of(workMount, base), runDir,
                    pipeline.tasks().stream().map(Task::name).collect(Collectors.toSet()), vars, new LocalSources(secrets, missing), null);
        } catch (Refused e) {
            System.err.println("error: " + e.getMessage());
            Dirs.reset(runDir);
            return 2;
        }
        if (!missing.isEmpty()) {
            System.err.println("error: the pipeline needs secrets that were not given: " + String.join(", ", missing)
                    + "; pass --secret NAME=VALUE, or --secret NAME to read the environment variable NAME");
            Dirs.reset(runDir);
            return 2;
        }
        RunEngine.Plan plan = built.plan();
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
            // Publish tasks push to other registries with --secret credentials; there is no Slipway registry here.
            Publisher publisher = new Publisher(executor, null, new Publisher.Run(System.getProperty("user.name"), null, false), secrets::get,
                    p -> System.err.println("[slipway] published " + p.image() + "@" + p.digest() + " as " + String.join(", ", p.tags())));
            RunEngine.Cancellation cancellation = new RunEngine.Cancellation();
            try (ExecInterrupt interrupt = new ExecInterrupt(cancellation, executor)) {
                try {
                    RunEngine.Result result = new RunEngine(executor).run(plan.withAccess(Map.of(), publisher), listener, cancellation);
                    result.handles().forEach(executor::remove);
                    System.err.println("[slipway] " + result.statuses().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().wire())
                            .collect(Collectors.joining(", ")));
                    return result.success() ? 0 : 1;
                } finally {
                    Dirs.reset(runDir);
                }
            }
        }
    }

    /** Whether this is a Woodpecker run: Woodpecker files and nothing else to run, no option only the others have. */
    private boolean woodpeckerMode(Path base) throws IOException {
        if (pipelineFile != null || workflows != null || eventPath != null || !jobs.isEmpty() || !platforms.isEmpty() || !inputs.isEmpty()
                || !deployTargets.isEmpty()) {
            return false;
        }
        return slipwayPipelines(base).isEmpty() && dev.slipway.actions.workflow.WorkflowFiles.scan(base).files().isEmpty()
                && WoodpeckerFormat.present(base);
    }

    /**
     * Runs a checkout's Woodpecker files as {@code woodpecker exec} does: {@code --event} (default
     * manual), {@code --var} and {@code --env} as the pipeline's variables, {@code --secret} for
     * {@code from_secret}.
     */
    private int woodpecker(Path base) throws Exception {
        Map<String, byte[]> secrets = secrets();
        if (secrets == null) {
            return 2;
        }
        Map<String, String> variables = new LinkedHashMap<>();
        try {
            if (secretFile != null) {
                dotenv(secretFile, "--secret-file").forEach((k, v) -> secrets.putIfAbsent(k, v.getBytes(StandardCharsets.UTF_8)));
            }
            if (envFile != null) {
                variables.putAll(dotenv(envFile, "--env-file"));
            }
        } catch (ExecWorkflows.Refused e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        variables.putAll(env);
        variables.putAll(vars);
        String workMount = base.getFileName() == null ? "src" : base.getFileName().toString();
        GitHead git = GitHead.of(base);
        String runId = "exec-" + Long.toHexString(System.nanoTime());
        String woodpeckerEvent = event == null ? "manual" : event;
        Map<String, String> builtIns = new RunValues(runId, workMount, woodpeckerEvent, git.ref(), git.commit()).env();
        Executor chosen;
        try {
            chosen = executor();
        } catch (Executor.ExecutorException e) {
            System.err.println("error: " + e.getMessage() + " (or run with --executor local, which does not isolate steps)");
            return 2;
        }
        Path runDir = Files.createTempDirectory("slipway-exec-");
        try (Executor executor = chosen) {
            if (!executor.isolated()) {
                System.err.println("[slipway] WARNING: the local executor runs steps on this machine without isolation");
            }
            TerminalListener listener = new TerminalListener(System.out, SecretMasker.patterns(secrets));
            RunEngine.Result result = WoodpeckerFormat.runLocally(base, woodpeckerEvent, builtIns, variables, secrets, workMount, runDir,
                    new RunEngine(executor), listener);
            result.handles().forEach(executor::remove);
            System.err.println("[slipway] " + result.statuses().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().wire())
                    .collect(Collectors.joining(", ")));
            return result.success() ? 0 : 1;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } finally {
            Dirs.reset(runDir);
        }
    }

    /** Whether this is a GitHub Actions run: an option only workflows have, or no .slipway pipeline beside workflows. */
    private boolean workflowMode(Path base) throws IOException {
        if (workflows != null || event != null || eventPath != null || !jobs.isEmpty() || !platforms.isEmpty() || !inputs.isEmpty()
                || !env.isEmpty() || envFile != null) {
            return true;
        }
        if (pipelineFile != null || !slipwayPipelines(base).isEmpty()) {
            return false;
        }
        return !dev.slipway.actions.workflow.WorkflowFiles.scan(base).files().isEmpty();
    }

    private int workflows(Path base) throws Exception {
        if (!deployTargets.isEmpty()) {
            System.err.println("error: --deploy-target is for .slipway pipelines; workflows have no deploy targets");
            return 2;
        }
        ExecWorkflows.Options options;
        List<ExecWorkflows.Selected> selected;
        try {
            Map<String, byte[]> secrets = secrets();
            if (secrets == null) {
                return 2;
            }
            if (secretFile != null) {
                dotenv(secretFile, "--secret-file").forEach((k, v) -> secrets.putIfAbsent(k, v.getBytes(StandardCharsets.UTF_8)));
            }
            Map<String, String> jobEnv = new LinkedHashMap<>();
            if (envFile != null) {
                jobEnv.putAll(dotenv(envFile, "--env-file"));
            }
            jobEnv.putAll(env);
            String payload = null;
            if (eventPath != null) {
                Path p = eventPath.isAbsolute() ? eventPath : Path.of("").toAbsolutePath().resolve(eventPath);
                try {
                    payload = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(p)).toString();
                } catch (IOException e) {
                    throw new ExecWorkflows.Refused("--eventpath " + eventPath + ": " + e.getMessage().replaceAll("\\s*\\R\\s*", " "));
                }
            }
            dev.slipway.core.config.SlipwayConfig loaded = new dev.slipway.core.config.ConfigLoader(System.getenv()).load(Map.of(), config);
            Map<String, String> labels = new LinkedHashMap<>(loaded.ci().actionsLabels());
            // Fetched actions are kept between exec runs, as exec's caches and worktrees are.
            var actions = dev.slipway.actions.engine.RepositoryActions.using(
                    new dev.slipway.actions.engine.ActionCache(loaded.ci().actionsUrl(), cacheDir().resolve("actions")));
            platforms.forEach((label, image) -> labels.put(label, image.equals("-self-hosted") ? "host" : "docker://" + image));
            options = new ExecWorkflows.Options(base, workflows, event == null ? "push" : event, payload, jobs, labels, inputs, secrets, jobEnv,
                    vars, actions, cacheDir().resolve("caches").resolve("@actions"), loaded.ci().cacheQuotaBytes());
            selected = ExecWorkflows.select(options);
        } catch (ExecWorkflows.Refused | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        Executor chosen;
        try {
            chosen = executor();
        } catch (Executor.ExecutorException e) {
            System.err.println("error: " + e.getMessage() + " (or run with --executor local, which does not isolate jobs)");
            return 2;
        }
        try (Executor executor = chosen) {
            return ExecWorkflows.run(options, selected, executor);
        } catch (ExecWorkflows.Refused e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private static Map<String, String> dotenv(Path file, String option) throws ExecWorkflows.Refused {
        try {
            return Dotenv.parse(Files.readString(file, StandardCharsets.UTF_8), System::getenv);
        } catch (IOException e) {
            throw new ExecWorkflows.Refused(option + " " + file + ": cannot read it: " + e.getMessage());
        } catch (Dotenv.DotenvException e) {
            throw new ExecWorkflows.Refused(option + " " + file + ": " + e.getMessage());
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

    /** A reason exec cannot start, printed as one line before anything runs (exit 2). */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * exec's sources: repositories checked out under ~/.cache/slipway/worktrees (file and public
     * URLs only), deploy targets from --deploy-target, caches under ~/.cache/slipway/caches/<name>
     * (kept between exec runs), secrets from --secret (missing ones are collected, to be named
     * together).
     */
    private final class LocalSources implements PlanBuilder.Sources {
        private final Map<String, byte[]> secrets;
        private final List<String> missing;
        private final Worktrees worktrees = new Worktrees(cacheDir().resolve("worktrees"), (owner, key) -> {
            throw new IllegalArgumentException("deploy key '" + key + "' is not available to 'slipway exec'; use a file or https URL");
        }, null);

        LocalSources(Map<String, byte[]> secrets, List<String> missing) {
            this.secrets = secrets;
            this.missing = missing;
        }

        @Override
        public Path checkout(RepositoryEntry r) {
            if (r.credentials() != null) {
                throw new Refused("credentials '" + r.credentials() + "' for " + r.url()
                        + " are not available to 'slipway exec'; use a file or public URL");
            }
            System.err.println("[slipway] checking out " + r.url() + "@" + r.revision());
            try {
                return worktrees.prepare("local", r, null).path();
            } catch (Worktrees.CheckoutException e) {
                throw new Refused(e.getMessage().replaceAll("\\s*\\R\\s*", " "));
            }
        }

        @Override
        public Path deployTarget(Task t, Task.DeployMount target) {
            Path path = deployTargets.get(target.name());
            if (path == null) {
                throw new Refused("task '" + t.name() + "' needs deploy target '" + target.name() + "'; pass --deploy-target "
                        + target.name() + "=PATH");
            }
            return path.toAbsolutePath();
        }

        @Override
        public Path cache(Task t, Task.CacheMount c) {
            Path dir = cacheDir().resolve("caches").resolve(c.name());
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new Refused("cannot create the cache directory " + dir + ": " + e.getMessage());
            }
            return dir;
        }

        @Override
        public Map<String, byte[]> secrets(Task t, List<String> names) {
            Map<String, byte[]> out = new LinkedHashMap<>();
            for (String name : names) {
                byte[] value = secrets.get(name);
                if (value == null) {
                    missing.add(name + " (task " + t.name() + ")");
                } else {
                    out.put(name, value);
                }
            }
            return out;
        }
    }

    private static List<Path> slipwayPipelines(Path base) throws IOException {
        return ExecWorkflows.yamlFiles(base.resolve(".slipway"));
    }

    private static Path onlyPipeline(Path base) throws IOException {
        Path dir = base.resolve(".slipway");
        List<Path> files = slipwayPipelines(base);
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

    /** Prints each task's output a line at a time with a "[task] " prefix (TaskLines); secrets are masked. */
    static final class TerminalListener implements RunEngine.Listener {
        private final TaskLines lines;
        private final SecretMasker.Patterns secrets;

        TerminalListener(PrintStream out, SecretMasker.Patterns secrets) {
            this.lines = new TaskLines(out);
            this.secrets = secrets;
        }

        @Override
        public Executor.OutputSink output(String task) {
            return MaskedSink.of(new Executor.OutputSink() {
                @Override
                public void stdout(byte[] b, int off, int len) {
                    lines.write(task, "out", b, off, len);
                }

                @Override
                public void stderr(byte[] b, int off, int len) {
                    lines.write(task, "err", b, off, len);
                }

                @Override
                public void close() {
                    lines.end(task);
                }
            }, secrets);
        }

        @Override
        public void system(String task, String line) {
            lines.line(task, "[slipway] " + line);
        }

        @Override
        public void status(String task, TaskStatus status, Integer exitCode) {
            if (status.finished()) {
                lines.finished(task, status.wire(), exitCode);
            }
        }
    }
}
