package dev.slipway.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.slipway.actions.engine.WorkflowProgram;
import dev.slipway.actions.workflow.On;
import dev.slipway.actions.workflow.Workflow;
import dev.slipway.actions.workflow.WorkflowException;
import dev.slipway.actions.workflow.WorkflowFiles;
import dev.slipway.actions.workflow.Workflows;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.release.Publisher;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.scheduler.RunEngine;
import dev.slipway.ci.scheduler.RunProgram;
import dev.slipway.ci.scheduler.RunValues;
import dev.slipway.ci.scheduler.TaskStatus;
import dev.slipway.ci.secret.SecretMasker;
import dev.slipway.ci.workspace.Dirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code slipway exec} for GitHub Actions workflows, the way act runs them: the workflows that
 * listen to one event ({@code --event}, default push), or the file or directory {@code -W} names;
 * {@code -j} runs a job with the jobs it needs. Each workflow runs as the server would run it (the
 * same {@link WorkflowProgram}), with DIR as the read-only base of every job's workspace.
 */
final class ExecWorkflows {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What {@code github.server_url} says when there is no server: act's choice too. */
    private static final String SERVER_URL = "https://github.com";

    /**
     * The command line, already read: paths resolved, files parsed.
     *
     * @param caches where {@code actions/cache} keeps each repository's caches between exec runs
     * @param cacheQuota {@code ci.cache-quota}: the most a repository's caches may take (negative: no limit)
     */
    record Options(Path base, Path workflows, String event, String payload, List<String> jobs, Map<String, String> labels,
                   Map<String, String> inputs, Map<String, byte[]> secrets, Map<String, String> env, Map<String, String> vars,
                   WorkflowProgram.ActionsFactory actions, Path caches, long cacheQuota) {}

    /** A reason exec cannot start: one line on stderr, exit 2. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    record Selected(Path file, String relative, String text, Workflow workflow) {}

    private ExecWorkflows() {}

    /** The workflows to run, read and checked; nothing has run yet. */
    static List<Selected> select(Options o) throws Refused, IOException {
        List<Path> files = files(o.base(), o.workflows());
        List<Selected> all = new ArrayList<>();
        for (Path file : files) {
            String relative = file.startsWith(o.base()) ? o.base().relativize(file).toString() : file.getFileName().toString();
            String text = Files.readString(file, StandardCharsets.UTF_8);
            try {
                Workflow w = Workflows.read(relative, text);
                all.add(new Selected(file, relative, text, w));
            } catch (WorkflowException e) {
                throw new Refused(e.problems().stream().map(Object::toString).collect(Collectors.joining("\n")));
            }
        }
        List<Selected> listening = all.stream().filter(s -> listensTo(s.workflow().on(), o.event())).toList();
        if (listening.isEmpty()) {
            throw new Refused("no workflow runs on " + o.event() + "; " + all.stream()
                    .map(s -> s.relative() + " runs on " + String.join(", ", events(s.workflow().on())))
                    .collect(Collectors.joining("; ")) + " (choose one with --event)");
        }
        if (o.jobs().isEmpty()) {
            return listening;
        }
        List<Selected> withJobs = listening.stream().filter(s -> o.jobs().stream().anyMatch(j -> s.workflow().jobs().containsKey(j))).toList();
        Set<String> known = new LinkedHashSet<>();
        listening.forEach(s -> known.addAll(s.workflow().jobs().keySet()));
        List<String> unknown = o.jobs().stream().filter(j -> !known.contains(j)).toList();
        if (!unknown.isEmpty()) {
            throw new Refused("no job " + String.join(", ", unknown) + " in the workflows that run on " + o.event()
                    + "; their jobs: " + String.join(", ", known));
        }
        return withJobs;
    }

    /** -W's file, or the workflow files of its directory; without -W, the checkout's workflow directory. */
    private static List<Path> files(Path base, Path workflows) throws Refused, IOException {
        if (workflows == null) {
            List<String> found = WorkflowFiles.scan(base).files();
            if (found.isEmpty()) {
                throw new Refused("no workflows in " + base + " (looked in " + String.join(", ", WorkflowFiles.DIRECTORIES) + ")");
            }
            return found.stream().map(base::resolve).toList();
        }
        Path p = workflows.isAbsolute() ? workflows : base.resolve(workflows).normalize();
        if (Files.isRegularFile(p)) {
            return List.of(p);
        }
        if (!Files.isDirectory(p)) {
            throw new Refused("no workflow file or directory " + p);
        }
        List<Path> files = yamlFiles(p);
        if (files.isEmpty()) {
            throw new Refused("no *.yml or *.yaml workflow in " + p);
        }
        return files;
    }

    /** The {@code *.yml} and {@code *.yaml} files in {@code dir} (not below it), in name order; none when it is no directory. */
    static List<Path> yamlFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> Files.isRegularFile(f) && (f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))).sorted().toList();
        }
    }

    static boolean listensTo(On on, String event) {
        return events(on).contains(event);
    }

    static List<String> events(On on) {
        List<String> events = new ArrayList<>();
        if (on.push() != null) {
            events.add("push");
        }
        if (on.pullRequest() != null) {
            events.add("pull_request");
        }
        if (on.pullRequestTarget() != null) {
            events.add("pull_request_target");
        }
        if (on.workflowDispatch() != null) {
            events.add("workflow_dispatch");
        }
        if (!on.schedules().isEmpty()) {
            events.add("schedule");
        }
        if (on.workflowCall() != null) {
            events.add("workflow_call");
        }
        return events;
    }

    /** Slipway's name of a GitHub event, as runs record it ({@link WorkflowProgram} maps it back). */
    private static String trigger(String event) {
        return dev.slipway.actions.engine.EventNames.trigger(event);
    }

    /** Runs the selected workflows one after another; 0 when every job that ran succeeded. */
    static int run(Options o, List<Selected> selected, Executor executor) throws Exception {
        GitHead head = GitHead.of(o.base());
        String workMount = o.base().getFileName() == null ? "src" : o.base().getFileName().toString();
        String repository = head.repository() != null ? head.repository() : "local/" + workMount;
        String user = System.getProperty("user.name", "local");
        boolean success = true;
        for (Selected s : selected) {
            checkInputs(s, o);
            String shown = s.workflow().displayName().equals(s.relative()) ? "" : " (" + s.workflow().displayName() + ")";
            System.err.println("[slipway] workflow " + s.relative() + shown + " on " + o.event());
            Path runDir = Files.createTempDirectory("slipway-exec-");
            RunEngine.Cancellation cancellation = new RunEngine.Cancellation();
            try (ExecInterrupt interrupt = new ExecInterrupt(cancellation, executor)) {
                try {
                    long now = System.currentTimeMillis();
                    CiStore.RunEvent event = new CiStore.RunEvent(null, head.message(), head.author(), null, o.payload(), null);
                    CiStore.RunRow run = new CiStore.RunRow(1, repository.substring(0, repository.indexOf('/')), workMount,
                            s.file().getFileName().toString(), head.ref(), head.commit(), "running", trigger(o.event()),
                            JSON.writeValueAsString(o.inputs()), s.text(), head.message(), user, now, now, null, null, event,
                            "actions", s.relative());
                    Map<String, String> environment = new LinkedHashMap<>(
                            new RunValues("1", repository, trigger(o.event()), head.ref(), head.commit()).env());
                    environment.putAll(o.env());
                    Publisher publisher = new Publisher(executor, null, new Publisher.Run(user, null, false), o.secrets()::get,
                            p -> System.err.println("[slipway] pushed " + p.image() + "@" + p.digest() + " as " + String.join(", ", p.tags())));
                    RunProgram.Setup setup = new RunProgram.Setup(run, repository, s.relative(), s.text(), workMount, Map.of(workMount, o.base()),
                            runDir, s.workflow().jobs().keySet(), 1, o.inputs(), environment, values(o),
                            image -> null, executor, SERVER_URL, Map.of(), publisher,
                            cacheArea(o.caches().resolve(repository.replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^\\.", "_")),
                                    head.defaultBranch(), o.cacheQuota()), new dev.slipway.ci.scheduler.ConcurrencyGroups(), null);
                    WorkflowProgram program = new WorkflowProgram(o.labels(), o.actions());
                    if (!o.jobs().isEmpty()) {
                        program = program.only(Set.copyOf(o.jobs()));
                    }
                    ExecCommand.TerminalListener listener = new ExecCommand.TerminalListener(System.out, SecretMasker.patterns(o.secrets()));
                    RunEngine.Result result = program.run(setup, listener, cancellation);
                    result.handles().forEach(executor::remove);
                    System.err.println("[slipway] " + s.relative() + ": " + result.statuses().entrySet().stream()
                            .map(e -> e.getKey() + ": " + e.getValue().wire()).sorted().collect(Collectors.joining(", ")));
                    success &= result.statuses().values().stream().allMatch(st -> st == TaskStatus.SUCCESS || st == TaskStatus.SKIPPED);
                } finally {
                    Dirs.reset(runDir);
                }
            }
        }
        return success ? 0 : 1;
    }

    /** exec's cache area for a repository: a directory kept between runs, changed by one run at a time in this process. */
    private static RunProgram.CacheArea cacheArea(Path dir, String defaultBranch, long quota) {
        return new RunProgram.CacheArea() {
            @Override
            public Path dir() {
                return dir;
            }

            @Override
            public String defaultBranch() {
                return defaultBranch;
            }

            @Override
            public long quotaBytes() {
                return quota;
            }

            @Override
            public synchronized String change(RunProgram.CacheArea.Change change) throws IOException {
                Files.createDirectories(dir);
                change.run();
                return null;
            }
        };
    }

    /** A dispatch's inputs, checked against the workflow's before anything runs. */
    private static void checkInputs(Selected s, Options o) throws Refused {
        On.Dispatch dispatch = s.workflow().on().workflowDispatch();
        if (!o.event().equals("workflow_dispatch") || dispatch == null) {
            return;
        }
        Map<String, JsonNode> given = new LinkedHashMap<>();
        o.inputs().forEach((k, v) -> given.put(k, TextNode.valueOf(v)));
        try {
            dispatch.inputs(given);
        } catch (RuntimeException e) {
            throw new Refused(s.relative() + ": " + e.getMessage());
        }
    }

    /** What jobs see: --var as vars, --secret as secrets, whatever their environment; none waits for approval. */
    private static RunProgram.Values values(Options o) {
        return RunProgram.Values.fixed(o.vars(), o.secrets());
    }
}
