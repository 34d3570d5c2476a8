package dev.slipway.ci.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.slipway.ci.definition.PipelineParser;
import dev.slipway.ci.definition.Variables;
import dev.slipway.ci.format.PipelineFormat;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.RepositoryEntry;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.model.Triggers;
import dev.slipway.ci.registration.Registration;
import dev.slipway.ci.registration.Registrations;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.scheduler.RunQueue;
import dev.slipway.ci.secret.SecretResolver;
import dev.slipway.ci.workspace.Checkouts;
import dev.slipway.ci.workspace.DeployTargets;
import dev.slipway.ci.workspace.GitHistory;
import dev.slipway.ci.workspace.Worktrees;
import dev.slipway.core.Clock;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns events into queued runs, one path for every source (API, webhooks, polling, cron):
 * resolve the registration, check the repository out at the event's commit, select the pipelines
 * whose {@code on:} wants the event, check what each run would need (deploy targets it may write,
 * secrets that are set), and enqueue.
 *
 * <p>An API trigger names one pipeline and is refused (nothing queued) when any of that fails. An
 * event from a forge starts every pipeline that wants it; a pipeline that cannot run (an invalid
 * file, a missing secret) gets a run that ends at once as {@code error}, so the forge shows a red
 * status instead of silence. One event never makes two runs of a pipeline: runs carry a key of the
 * event, ref and commit, and a second report of the same event (a webhook redelivery, a poll after
 * the webhook) finds the first run.
 */
public final class TriggerService {
    private static final Logger LOG = LoggerFactory.getLogger(TriggerService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Registrations registrations;
    private final Checkouts checkouts;
    private final DeployTargets deployTargets;
    private final SecretResolver secrets;
    private final CiStore store;
    private final RunQueue queue;
    private final KnownHeads knownHeads;
    private final TriggerState state;
    private final Clock clock;
    private final List<PipelineFormat> formats;
    private final List<PipelinesListener> listeners = new CopyOnWriteArrayList<>();
    private final List<DeliveryListener> deliveryListeners = new CopyOnWriteArrayList<>();

    /**
     * Told the schedules of a branch's pipelines (of every format, by pipeline name) whenever they
     * are read for an event on it: the cron scheduler keeps its schedules so.
     */
    @FunctionalInterface
    public interface PipelinesListener {
        void pipelines(Registration registration, String branch, Map<String, List<Triggers.Schedule>> schedules);
    }

    /**
     * Told of every webhook delivery whose signature matched, with the forge its headers named and
     * its payload (commit statuses learn from them where the forge and its API are).
     */
    @FunctionalInterface
    public interface DeliveryListener {
        void delivered(Registration registration, String forge, JsonNode payload);
    }

    /** What an event did: the runs it started (or found started already), and why other pipelines did not run. */
    public record Outcome(List<StartedRun> runs, List<String> notes) {
        public Outcome {
            runs = List.copyOf(runs);
            notes = List.copyOf(notes);
        }
    }

    /** @param created false when the run existed already (the same event reported again) */
    public record StartedRun(long id, String pipeline, String status, boolean created) {}

    /** @param formats the pipeline formats besides Slipway's own (GitHub Actions workflows) */
    public TriggerService(Registrations registrations, Checkouts checkouts, DeployTargets deployTargets, SecretResolver secrets,
                          CiStore store, RunQueue queue, Jdbi jdbi, Clock clock, TriggerState state, List<PipelineFormat> formats) {
        this.formats = List.copyOf(formats);
        this.registrations = registrations;
        this.checkouts = checkouts;
        this.deployTargets = deployTargets;
        this.secrets = secrets;
        this.store = store;
        this.queue = queue;
        this.knownHeads = new KnownHeads(jdbi);
        this.state = state;
        this.clock = clock;
    }

    public void addListener(PipelinesListener listener) {
        listeners.add(listener);
    }

    public void addDeliveryListener(DeliveryListener listener) {
        deliveryListeners.add(listener);
    }

    /** A signed delivery for {@code r} arrived; a listener that fails is logged, never fails the delivery. */
    void delivered(Registration r, String forge, JsonNode payload) {
        for (DeliveryListener l : deliveryListeners) {
            try {
                l.delivered(r, forge, payload);
            } catch (RuntimeException e) {
                LOG.warn("webhook delivery listener failed for {}", r.fullName(), e);
            }
        }
    }

    public Registrations registrations() {
        return registrations;
    }

    /** Delivered webhooks, as received and answered. */
    HookDeliveries deliveries() {
        return state.hookDeliveries();
    }

    PollState pollState() {
        return state.polls();
    }

    public TriggerState state() {
        return state;
    }

    /** The heads last seen of a registration's remote (see {@link KnownHeads}). */
    Map<String, String> knownHeads(Registration r) {
        return knownHeads.of(r.owner(), r.name());
    }

    void rememberHead(Registration r, String ref, String commit) {
        knownHeads.put(r.owner(), r.name(), ref, commit, clock.millis());
    }

    boolean knowsHeads(Registration r) {
        return knownHeads.any(r.owner(), r.name());
    }

    Clock clock() {
        return clock;
    }

    /** The branch and tag heads of a registration's remote, listed with its key or credentials; 400 or 422 saying why not. */
    Map<String, String> remoteHeads(Registration r) {
        return checkouts.remoteHeads(r.owner(), r.name(), storeEntry(r));
    }

    /**
     * Reads the pipelines at the head of a registration's default branch and tells the listeners,
     * as an event on that branch does: the cron scheduler learns a registration's schedules so
     * when it is registered and when the server starts, before any push. Files that do not parse
     * are left out (the push that broke one got an error run that says why).
     */
    void readPipelines(Registration r) {
        Path files = checkouts.resolve(r.owner(), r.name(), storeEntry(r), "refs/heads/" + r.defaultBranch()).definitions();
        Map<String, List<Triggers.Schedule>> schedules = new LinkedHashMap<>();
        for (Path file : PipelineFiles.list(files)) {
            try {
                Pipeline p = new PipelineParser().parse(files.relativize(file).toString(), read(file));
                schedules.put(p.name(), p.triggers().schedules());
            } catch (RuntimeException invalid) {
                LOG.debug("{} at {}: {} is not read: {}", r.fullName(), r.defaultBranch(), file.getFileName(), firstLine(invalid.getMessage()));
            }
        }
        for (PipelineFormat f : formats) {
            for (PipelineFormat.Definition d : definitions(f, files).definitions()) {
                if (d.invalid().isEmpty()) {
                    schedules.put(d.name(), d.schedules());
                }
            }
        }
        listeners.forEach(l -> l.pipelines(r, r.defaultBranch(), schedules));
    }

    /** A format's definitions in a checkout; 400 when they cannot be listed. */
    private static PipelineFormat.Definitions definitions(PipelineFormat f, Path checkout) {
        try {
            return f.read(checkout);
        } catch (IOException e) {
            throw new SlipwayException.BadRequest("cannot read the " + f.name() + " definitions: " + e.getMessage());
        }
    }

    // ---- the API

    /**
     * Starts {@code pipelineName} (or the repository's only pipeline) at {@code ref} (the default
     * branch when blank), whatever its {@code on:} says, as the API does.
     */
    public long trigger(String owner, String repo, String ref, String pipelineName, Map<String, String> variables, String actor, String kind) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        if (variables != null) {
            variables.forEach((k, v) -> values.put(k, TextNode.valueOf(v)));
        }
        return trigger(owner, repo, ref, pipelineName, null, values, actor, kind);
    }

    /**
     * Starts a pipeline or a workflow at {@code ref} (the default branch when blank), as the API
     * does: {@code pipelineName} names a native pipeline ({@code ci}, {@code ci.yml}) or a
     * definition of another format; {@code workflow} names a workflow only ({@code build.yaml},
     * GitHub's workflow_dispatch, which the workflow must allow). With neither, the repository's
     * only pipeline or workflow. A native pipeline runs whatever its {@code on:} says.
     *
     * @param values a native pipeline's variables (as text), or a workflow's dispatch inputs
     */
    public long trigger(String owner, String repo, String ref, String pipelineName, String workflow, Map<String, JsonNode> values,
                        String actor, String kind) {
        Registration r = registrations.require(owner, repo);
        String revision = ref == null || ref.isBlank() ? r.defaultBranch() : ref;
        Worktrees.Resolved resolved = checkouts.resolve(owner, repo, storeEntry(r), revision);
        Worktrees.Worktree wt = resolved.worktree();
        Path files = resolved.definitions();
        Map<String, JsonNode> given = values == null ? Map.of() : values;
        Optional<GitHistory.CommitInfo> info = commitInfo(r, wt.commit());
        CiStore.RunEvent event = new CiStore.RunEvent(null, info.map(GitHistory.CommitInfo::message).orElse(null),
                info.map(TriggerService::author).orElse(null), null, null, null);
        Chosen chosen = choose(files, pipelineName, workflow);
        long id;
        if (chosen.definition() == null) {
            String definition = read(chosen.nativeFile());
            Pipeline pipeline = PipelineParser.parseOrRefuse(files.relativize(chosen.nativeFile()).toString(), definition);
            Map<String, String> variables = new LinkedHashMap<>();
            given.forEach((k, v) -> variables.put(k, v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString()));
            String badVariable = Variables.checkGiven(variables.keySet(), pipeline.variables());
            if (badVariable != null) {
                throw new SlipwayException.BadRequest(badVariable);
            }
            preflight(r, revision, pipeline);
            id = store.createRun(new CiStore.RunRow(0, owner, repo, pipeline.name(), revision, wt.commit(), "queued", kind, json(variables),
                    definition, null, actor, 0, null, null, null, event), pipeline.tasks().stream().map(Task::name).toList()).id();
        } else {
            PipelineFormat.Definition d = chosen.definition();
            Optional<String> invalid = d.invalid();
            if (invalid.isPresent()) {
                throw new SlipwayException.BadRequest(d.file() + " cannot run:\n" + invalid.get());
            }
            Event asked = new Event("manual".equals(kind) ? Event.Kind.MANUAL : Event.Kind.API, revision.startsWith("refs/") ? revision : "refs/heads/" + revision, wt.commit(), null, null, null, null, null, null, kind, actor, null);
            Optional<String> whyNot = d.whyNot(asked, Set::of);
            if (whyNot.isPresent()) {
                throw new SlipwayException.BadRequest(d.file() + " cannot be started by hand: " + whyNot.get());
            }
            String variables = d.variables(given);
            id = store.createRun(new CiStore.RunRow(0, owner, repo, d.name(), revision, wt.commit(), "queued", kind, variables, d.text(), null,
                    actor, 0, null, null, null, event, chosen.format().name(), d.file()), d.tasks()).id();
        }
        store.recordWorktree(id, r.name(), wt.path().toString(), wt.commit());
        queue.wake();
        return id;
    }

    /** The native pipeline file, or another format's definition, that a trigger names. */
    private record Chosen(Path nativeFile, PipelineFormat format, PipelineFormat.Definition definition) {}

    private Chosen choose(Path checkout, String pipelineName, String workflow) {
        List<Path> natives = PipelineFiles.list(checkout);
        Map<PipelineFormat.Definition, PipelineFormat> others = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (PipelineFormat f : formats) {
            PipelineFormat.Definitions defs = definitions(f, checkout);
            defs.definitions().forEach(d -> others.put(d, f));
            notes.addAll(defs.notes());
        }
        List<String> nativeNames = natives.stream().map(p -> p.getFileName().toString()).toList();
        List<String> otherNames = others.keySet().stream().map(PipelineFormat.Definition::name).toList();
        String named = workflow != null && !workflow.isBlank() ? workflow : pipelineName != null && !pipelineName.isBlank() ? pipelineName : null;
        if (named != null) {
            if (workflow == null || workflow.isBlank()) {
                for (Path f : natives) {
                    if (matches(f.getFileName().toString(), named)) {
                        return new Chosen(f, null, null);
                    }
                }
            }
            for (var e : others.entrySet()) {
                if (matches(e.getKey().name(), named) || e.getKey().file().equals(named)) {
                    return new Chosen(null, e.getValue(), e.getKey());
                }
            }
            String what = workflow != null && !workflow.isBlank() ? "workflow" : "pipeline";
            throw new SlipwayException.BadRequest("no " + what + " '" + named + "' (pipelines in .slipway/: " + nativeNames
                    + (others.isEmpty() && formats.isEmpty() ? "" : "; workflows: " + otherNames) + ")"
                    + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)));
        }
        if (natives.size() + others.size() == 1) {
            return natives.isEmpty() ? others.entrySet().stream().findFirst().map(e -> new Chosen(null, e.getValue(), e.getKey())).orElseThrow()
                    : new Chosen(natives.getFirst(), null, null);
        }
        if (natives.isEmpty() && others.isEmpty()) {
            throw new SlipwayException.BadRequest("the repository has no pipeline (.slipway/*.yml)"
                    + (formats.isEmpty() ? "" : " and no workflow (.forgejo/workflows, .gitea/workflows, .github/workflows, .woodpecker/ or .woodpecker.yml)")
                    + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)));
        }
        throw new SlipwayException.BadRequest("the repository has several pipelines; name one with \"pipeline\""
                + (others.isEmpty() ? "" : " or \"workflow\"") + ": " + concat(nativeNames, otherNames));
    }

    private static boolean matches(String fileName, String named) {
        return fileName.equals(named) || fileName.equals(named + ".yml") || fileName.equals(named + ".yaml");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new SlipwayException.BadRequest("invalid variables");
        }
    }

    // ---- events from forges, polls and schedules

    /**
     * Starts the runs {@code e} asks for in {@code r}: every pipeline whose {@code on:} wants it
     * (or, for a cron event, the pipeline named in {@code only}).
     *
     * @param only the one pipeline to consider (cron), or null for all
     */
    public Outcome fire(Registration r, Event e, String only) {
        List<StartedRun> started = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String revision = e.kind() == Event.Kind.PULL_REQUEST ? e.ref() : e.commit() != null ? e.commit() : e.ref();
        Worktrees.Resolved resolved = checkouts.resolve(r.owner(), r.name(), storeEntry(r), revision);
        Worktrees.Worktree wt = resolved.worktree();
        Path defs = resolved.definitions();
        String commit = wt.commit();
        if (e.kind() == Event.Kind.PUSH || e.kind() == Event.Kind.TAG) {
            rememberHead(r, e.ref(), commit);
        }
        Optional<GitHistory.CommitInfo> info = e.message() != null ? Optional.empty() : commitInfo(r, commit);
        String message = e.message() != null ? e.message() : info.map(GitHistory.CommitInfo::message).orElse("");
        String author = e.author() != null ? e.author() : info.map(TriggerService::author).orElse(null);
        List<Path> files = PipelineFiles.list(defs);
        Supplier<Set<String>> changed = memo(() -> changedPaths(r, e, commit));
        Map<String, List<Triggers.Schedule>> schedules = new LinkedHashMap<>();
        for (Path file : files) {
            String fileName = defs.relativize(file).toString();
            String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            if (only != null && !only.equals(name)) {
                continue;
            }
            String definition = read(file);
            Pipeline pipeline;
            try {
                pipeline = new PipelineParser().parse(fileName, definition);
            } catch (RuntimeException invalid) {
                started.add(errorRun(r, e, Candidate.nativeNamed(name, definition), commit, message, author, "invalid pipeline:\n" + invalid.getMessage()));
                notes.add(name + ": invalid (" + firstLine(invalid.getMessage()) + ")");
                continue;
            }
            schedules.put(pipeline.name(), pipeline.triggers().schedules());
            Optional<String> whyNot = Selection.whyNot(pipeline.triggers(), e, changed);
            if (whyNot.isPresent()) {
                notes.add(pipeline.name() + ": not started, " + whyNot.get());
                continue;
            }
            List<String> custom = pipeline.triggers().push() == null ? List.of() : pipeline.triggers().push().skip();
            if (skipped(e, message, custom, pipeline.name(), notes)) {
                continue;
            }
            Candidate c = Candidate.of(pipeline, definition);
            started.add(start(r, e, c, commit, message, author, wt, () -> preflight(r, e.shortRef(), pipeline)));
        }
        int definitions = files.size();
        for (PipelineFormat f : formats) {
            PipelineFormat.Definitions found = definitions(f, defs);
            notes.addAll(found.notes());
            definitions += found.definitions().size();
            for (PipelineFormat.Definition d : found.definitions()) {
                if (only != null && !only.equals(d.name())) {
                    continue;
                }
                Candidate c = Candidate.of(f, d);
                Optional<String> invalid = d.invalid();
                if (invalid.isPresent()) {
                    started.add(errorRun(r, e, c, commit, message, author, d.file() + " is invalid:\n" + invalid.get()));
                    notes.add(d.name() + ": invalid (" + firstLine(invalid.get()) + ")");
                    continue;
                }
                schedules.put(d.name(), d.schedules());
                Optional<String> whyNot = d.whyNot(e, changed);
                if (whyNot.isPresent()) {
                    notes.add(d.name() + ": not started, " + whyNot.get());
                    continue;
                }
                if (skipped(e, message, List.of(), d.name(), notes)) {
                    continue;
                }
                started.add(start(r, e, c, commit, message, author, wt, () -> {}));
            }
        }
        if (definitions == 0) {
            notes.add("the repository has no pipeline (.slipway/*.yml)" + (formats.isEmpty() ? "" : " and no workflow") + " at " + shortId(commit));
        }
        // Only the whole set of a branch's pipelines tells what its schedules are (a cron event reads one).
        if (e.kind() != Event.Kind.PULL_REQUEST && only == null) {
            String branch = e.ref().startsWith("refs/heads/") ? e.shortRef() : null;
            if (branch != null) {
                listeners.forEach(l -> l.pipelines(r, branch, schedules));
            }
        }
        queue.wake();
        started.forEach(s -> LOG.info("{} {} of {} at {}: run {} of {} {}", e.source(), e.kind().wire(), r.fullName(), e.shortRef(), s.id(),
                s.pipeline(), s.created() ? s.status() : "(already started)"));
        return new Outcome(started, notes);
    }

    /** A push or pull request whose head commit says [skip ci] (or a pipeline's own marker) starts nothing; noted. */
    private static boolean skipped(Event e, String message, List<String> custom, String name, List<String> notes) {
        if (e.kind() != Event.Kind.PUSH && e.kind() != Event.Kind.TAG && e.kind() != Event.Kind.PULL_REQUEST) {
            return false;
        }
        Optional<String> marker = SkipMarkers.find(message, custom);
        marker.ifPresent(m -> notes.add(name + ": skipped, the head commit's message contains " + m));
        return marker.isPresent();
    }

    /** What a run is made of, whatever the format: its name, format, file, definition text and first tasks. */
    private record Candidate(String name, String format, String file, String definition, List<String> tasks) {
        static Candidate of(Pipeline p, String definition) {
            return new Candidate(p.name(), CiStore.NATIVE, null, definition, p.tasks().stream().map(Task::name).toList());
        }

        static Candidate nativeNamed(String name, String definition) {
            return new Candidate(name, CiStore.NATIVE, null, definition, List.of());
        }

        static Candidate of(PipelineFormat f, PipelineFormat.Definition d) {
            return new Candidate(d.name(), f.name(), d.file(), d.text(), d.tasks());
        }

        CiStore.RunRow row(Registration r, Event e, String commit, String status, String actor, CiStore.RunEvent event) {
            return new CiStore.RunRow(0, r.owner(), r.name(), name, e.ref(), commit, status, e.kind().wire(), "{}", definition, null, actor,
                    0, null, null, null, event, format, file);
        }
    }

    /** One pipeline's run for an event: waiting for approval (a fork's pull request), queued, or an error that says why it cannot run. */
    private StartedRun start(Registration r, Event e, Candidate c, String commit, String message, String author, Worktrees.Worktree wt,
                             Runnable preflight) {
        boolean fork = e.pullRequest() != null && e.pullRequest().fork();
        if (!fork) {
            try {
                preflight.run();
            } catch (RuntimeException refused) {
                return errorRun(r, e, c, commit, message, author, refused.getMessage());
            }
        }
        String status = fork ? "approval" : "queued";
        CiStore.Created created = store.createRun(c.row(r, e, commit, status, actor(r, e), runEvent(e, message, author, dedupeKey(e, commit))),
                c.tasks());
        if (created.created()) {
            store.recordWorktree(created.id(), r.name(), wt.path().toString(), commit);
        }
        return new StartedRun(created.id(), c.name(), created.created() ? status
                : store.run(created.id()).map(CiStore.RunRow::status).orElse(status), created.created());
    }

    /** A run that ends at once as an error with {@code why}: the forge's status says what to fix. */
    private StartedRun errorRun(Registration r, Event e, Candidate c, String commit, String message, String author, String why) {
        CiStore.Created created = store.createRun(c.row(r, e, commit, "queued", actor(r, e), runEvent(e, message, author, dedupeKey(e, commit))),
                List.of());
        if (created.created()) {
            // Claimed first, so the dispatcher never takes it: it has nothing to run.
            store.claim(created.id());
            store.finishRun(created.id(), "error", why);
        }
        return new StartedRun(created.id(), c.name(), "error", created.created());
    }

    private static CiStore.RunEvent runEvent(Event e, String message, String author, String key) {
        return new CiStore.RunEvent(Event.isZero(e.before()) ? null : e.before(), message, author, e.pullRequest(), e.payload(), key);
    }

    private static String actor(Registration r, Event e) {
        return e.actor() != null ? e.actor() : r.owner();
    }

    /** The same event, ref and commit make the same key; a pull request closing is an event of its own. */
    static String dedupeKey(Event e, String commit) {
        return switch (e.kind()) {
            case PUSH, TAG -> e.kind().wire() + ":" + e.ref() + ":" + commit;
            case PULL_REQUEST -> "pull_request:" + e.pullRequest().number() + ":" + ("closed".equals(e.action()) ? "closed:" : "") + commit;
            case CRON -> "cron:" + e.occurrence();
            case MANUAL, API -> null;
        };
    }

    /** The files an event changed ({@link ChangedFiles}). */
    private Set<String> changedPaths(Registration r, Event e, String head) {
        try (GitHistory history = checkouts.worktrees().history(r.owner(), storeEntry(r))) {
            return ChangedFiles.of(history, e.kind(), e.ref(), e.before(), e.pullRequest() == null ? null : e.pullRequest().baseRef(),
                    r.defaultBranch(), head);
        } catch (IOException | Worktrees.CheckoutException ex) {
            throw new SlipwayException.BadRequest("cannot compute the files changed at " + shortId(head) + ": " + ex.getMessage());
        }
    }

    private Optional<GitHistory.CommitInfo> commitInfo(Registration r, String commit) {
        try (GitHistory history = checkouts.worktrees().history(r.owner(), storeEntry(r))) {
            return history.commit(commit);
        } catch (Worktrees.CheckoutException e) {
            return Optional.empty();
        }
    }

    private static String author(GitHistory.CommitInfo c) {
        return c.authorEmail() == null || c.authorEmail().isBlank() ? c.authorName() : c.authorName() + " <" + c.authorEmail() + ">";
    }

    private static RepositoryEntry storeEntry(Registration r) {
        return r.storeEntry();
    }

    /** Refuses, before anything runs, what the run could not do: deploy targets it may not write, missing secrets. */
    private void preflight(Registration r, String branch, Pipeline pipeline) {
        for (RepositoryEntry e : pipeline.repositories()) {
            checkouts.credentials(r.owner(), r.name(), e);
        }
        for (Task t : pipeline.tasks()) {
            if (t.deployTarget() != null) {
                deployTargets.authorize(t.deployTarget().name(), r.fullName(), branch);
            }
            if (!t.secrets().isEmpty()) {
                secrets.resolve(r.owner(), r.name(), t.secrets().stream().map(Task.SecretRef::name).toList());
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SlipwayException.BadRequest("cannot read " + file.getFileName() + ": " + e.getMessage());
        }
    }

    private static <T> Supplier<T> memo(Supplier<T> s) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = s.get();
                }
                return value;
            }
        };
    }

    static String shortId(String commit) {
        return commit == null ? "?" : commit.substring(0, Math.min(8, commit.length()));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
