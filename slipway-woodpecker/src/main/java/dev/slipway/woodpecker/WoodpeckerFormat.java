package dev.slipway.woodpecker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.format.PipelineFormat;
import dev.slipway.ci.model.Triggers;
import dev.slipway.ci.scheduler.RunEngine;
import dev.slipway.ci.scheduler.RunProgram;
import dev.slipway.ci.trigger.Event;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Woodpecker files as a pipeline format: {@code .woodpecker/*.yml|yaml}, else {@code .woodpecker.yml}
 * or {@code .woodpecker.yaml}. All of a checkout's files are one pipeline, as in Woodpecker: one
 * definition named {@value #PIPELINE}, whose run has every workflow's steps as tasks. An event
 * starts it when the top-level {@code when} of one of its workflows holds; the workflows whose
 * {@code when} does not hold show their steps as skipped. The {@link WoodpeckerProgram} compiles
 * the files with the run's values substituted and runs them as native tasks.
 */
public final class WoodpeckerFormat implements PipelineFormat {
    public static final String NAME = "woodpecker";
    /** The one definition's name: what the API and CLI start it by. */
    public static final String PIPELINE = "woodpecker";

    private final WoodpeckerProgram program;
    /** The host name of the server's external URL, for {@code when.instance} when an event comes; empty: not known. */
    private final String instance;

    /** @param externalUrl the server's URL as users reach it ({@code CI_SYSTEM_URL}; {@code when.instance} matches its host), or null */
    public WoodpeckerFormat(String externalUrl) {
        this.program = new WoodpeckerProgram(externalUrl);
        this.instance = CiVariables.host(externalUrl);
    }

    public WoodpeckerFormat() {
        this(null);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunProgram program() {
        return program;
    }

    @Override
    public Definitions read(Path checkout) throws IOException {
        List<String> notes = new ArrayList<>();
        WorkflowSet set = WorkflowSet.scan(checkout, notes);
        return new Definitions(set.isEmpty() ? List.of() : List.of(new WoodpeckerDefinition(set, set.readAsWritten(), instance)), notes);
    }

    /** Whether a checkout has Woodpecker files. */
    public static boolean present(Path checkout) throws IOException {
        return !WorkflowSet.scan(checkout, new ArrayList<>()).isEmpty();
    }

    /**
     * Runs a checkout's Woodpecker pipeline without a server ({@code slipway exec}): compiled as the
     * server compiles a run, with {@code event} (Woodpecker's name) and the variables given, and
     * secrets taken from {@code secrets} by name (case-insensitive).
     *
     * @param builtIns the run's {@code SLIPWAY_*} values
     * @throws IllegalArgumentException naming every problem of the files, or the secrets not given, before anything runs
     */
    public static RunEngine.Result runLocally(Path checkout, String event, Map<String, String> builtIns, Map<String, String> variables,
                                              Map<String, byte[]> secrets, String workMount, Path runDir, RunEngine engine,
                                              RunEngine.Listener listener) throws IOException {
        if (!When.EVENTS.contains(event)) {
            throw new IllegalArgumentException("unknown Woodpecker event '" + event + "' (known: " + String.join(", ", When.EVENTS) + ")");
        }
        WorkflowSet set = WorkflowSet.scan(checkout, new ArrayList<>());
        WorkflowSet.Read asWritten = set.readAsWritten();
        if (!asWritten.problems().isEmpty()) {
            throw new IllegalArgumentException(asWritten.describeProblems());
        }
        Set<String> tasks = Set.copyOf(PipelineCompiler.tasks(asWritten.workflows()));
        Map<String, byte[]> byName = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(secrets);
        WoodpeckerProgram.Prepared p;
        try {
            p = WoodpeckerProgram.prepare(builtIns.getOrDefault("SLIPWAY_RUN_ID", "exec"), PIPELINE, set, event, null, "", builtIns, variables,
                    workMount, Map.of(workMount, checkout), runDir, tasks, null, true, System.currentTimeMillis() / 1000, names -> {
                        Map<String, byte[]> found = new java.util.LinkedHashMap<>();
                        names.stream().filter(byName::containsKey).forEach(n -> found.put(n, byName.get(n).clone()));
                        return found;
                    }, names -> Map.of(), image -> null, null, "; pass --secret NAME=VALUE");
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return WoodpeckerProgram.execute(p, tasks, engine, listener, new RunEngine.Cancellation());
    }

    /** Woodpecker's event for a Slipway event. */
    static String event(Event e) {
        return switch (e.kind()) {
            case PUSH -> "push";
            case TAG -> "tag";
            case PULL_REQUEST -> "closed".equals(e.action()) ? "pull_request_closed" : "pull_request";
            case MANUAL, API -> "manual";
            case CRON -> "cron";
        };
    }

    /**
     * The {@code CI_*} variables an event already tells, for a workflow's {@code when.evaluate}
     * before its run exists; an expression that reads others is decided when the run starts.
     */
    static Map<String, String> knownAtTrigger(Event e, String branch) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("CI", "woodpecker");
        env.put("CI_PIPELINE_EVENT", event(e));
        env.put("CI_COMMIT_REF", e.ref());
        env.put("CI_COMMIT_BRANCH", branch);
        env.put("CI_COMMIT_TAG", e.ref().startsWith("refs/tags/") ? e.ref().substring("refs/tags/".length()) : "");
        if (e.commit() != null) {
            env.put("CI_COMMIT_SHA", e.commit());
        }
        if (e.message() != null) {
            env.put("CI_COMMIT_MESSAGE", e.message());
        }
        if (e.pullRequest() != null) {
            env.put("CI_COMMIT_PULL_REQUEST", Integer.toString(e.pullRequest().number()));
            env.put("CI_COMMIT_SOURCE_BRANCH", e.pullRequest().headRef() == null ? "" : e.pullRequest().headRef());
            env.put("CI_COMMIT_TARGET_BRANCH", e.pullRequest().baseRef() == null ? "" : e.pullRequest().baseRef());
        } else {
            env.put("CI_COMMIT_PULL_REQUEST", "");
            env.put("CI_COMMIT_SOURCE_BRANCH", "");
            env.put("CI_COMMIT_TARGET_BRANCH", "");
        }
        return env;
    }

    private record WoodpeckerDefinition(WorkflowSet set, WorkflowSet.Read read, String instance) implements Definition {
        @Override
        public String name() {
            return PIPELINE;
        }

        @Override
        public String file() {
            return set.file();
        }

        @Override
        public String text() {
            return set.text();
        }

        @Override
        public Optional<String> invalid() {
            return read.problems().isEmpty() ? Optional.empty() : Optional.of(read.describeProblems());
        }

        @Override
        public Optional<String> whyNot(Event e, Supplier<Set<String>> changedFiles) {
            String branch = e.kind() == Event.Kind.PULL_REQUEST && e.pullRequest() != null ? e.pullRequest().baseRef()
                    : e.ref().startsWith("refs/heads/") ? e.shortRef() : "";
            When.Facts facts = new When.Facts(event(e), branch, e.ref(), null, instance.isEmpty() ? null : instance, null, changedFiles, Map.of(),
                    knownAtTrigger(e, branch), false);
            return PipelineCompiler.whyNot(read.workflows(), facts);
        }

        @Override
        public List<String> tasks() {
            return PipelineCompiler.tasks(read.workflows());
        }

        @Override
        public List<Triggers.Schedule> schedules() {
            return List.of(); // Woodpecker's crons are set on the server, not in the files
        }

        @Override
        public String variables(Map<String, JsonNode> given) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            given.forEach((k, v) -> o.put(k, v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString()));
            return o.toString();
        }
    }
}
