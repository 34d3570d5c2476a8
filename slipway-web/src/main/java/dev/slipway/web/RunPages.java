package dev.slipway.web;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.ci.definition.PipelineParser;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.registration.Registration;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.secret.MissingSecretException;
import dev.slipway.ci.scheduler.RunService;
import dev.slipway.ci.trigger.HookDeliveries;
import dev.slipway.ci.trigger.TriggerService;
import dev.slipway.ci.trigger.TriggerState;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Principal;
import dev.slipway.web.view.Chrome;
import dev.slipway.web.view.Dashboard;
import dev.slipway.web.view.JobSteps;
import dev.slipway.web.view.RepoView;
import dev.slipway.web.view.RunDetail;
import dev.slipway.web.view.RunItem;
import dev.slipway.web.view.TaskItem;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The dashboard, a repository's runs and a run, with their forms (run pipeline, cancel, approve,
 * delete, retry) and live updates. Reads runs through {@link RunService} and {@link TriggerService},
 * as the CI API does.
 */
final class RunPages {
    /** Runs on the dashboard, and per page of a repository. */
    static final int PAGE_RUNS = 30;
    /** How far back a repository's filters look. */
    private static final int FILTER_WINDOW = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebAuth auth;
    private final Access access;
    private final Pages pages;
    private final Csrf csrf;
    private final Live live;
    private final RunService runs;
    private final TriggerService triggers;
    private final String webhookUrl;

    RunPages(WebAuth auth, Access access, Pages pages, Csrf csrf, Live live, RunService runs, TriggerService triggers, String externalUrl) {
        this.auth = auth;
        this.access = access;
        this.pages = pages;
        this.csrf = csrf;
        this.live = live;
        this.runs = runs;
        this.triggers = triggers;
        this.webhookUrl = externalUrl + "/api/v1/hooks";
    }

    // ---- dashboard

    void dashboard(Context ctx) {
        Principal p = auth.principal(ctx);
        if (p.isAnonymous()) {
            ctx.redirect("/-/login", HttpStatus.SEE_OTHER);
            return;
        }
        List<Registration> repos = readable(p);
        Pages.Frame f = new Pages.Frame("Dashboard", "dashboard", List.of(), "/-/live/dashboard?v=" + live.version(), false);
        pages.render(ctx, 200, "dashboard.jte", pages.chrome(ctx, p, f), "dashboard", new Dashboard(recent(repos), repos.size()));
    }

    void dashboardLive(Context ctx) throws Exception {
        Principal p = auth.principal(ctx);
        if (p.isAnonymous()) {
            throw new SlipwayException.NotFound("no such page");
        }
        live.stream(ctx, () -> Map.of("runs", pages.html("parts/runs.jte", Pages.params("runs", recent(readable(p)), "showRepository", true))));
    }

    private List<Registration> readable(Principal p) {
        Map<String, Boolean> owners = new HashMap<>();
        return triggers.registrations().all().stream().filter(r -> owners.computeIfAbsent(r.owner(), o -> access.canRead(p, o))).toList();
    }

    /** The newest runs of these repositories together. */
    private List<RunItem> recent(List<Registration> repos) {
        List<CiStore.RunRow> all = new ArrayList<>();
        for (Registration r : repos) {
            all.addAll(runs.runsOf(r.owner(), r.name(), PAGE_RUNS));
        }
        return all.stream().sorted(Comparator.comparingLong(CiStore.RunRow::id).reversed()).limit(PAGE_RUNS).map(RunItem::of).toList();
    }

    // ---- a repository

    void repository(Context ctx) {
        show(ctx, 200, null, RepoView.RunForm.EMPTY);
    }

    private void show(Context ctx, int status, String error, RepoView.RunForm form) {
        Principal p = auth.principal(ctx);
        Registration reg = registration(ctx, p);
        RepoView.Filters filters = filters(ctx);
        RepoView view = repoView(reg, p, filters, error, form);
        String base = "/" + reg.owner() + "/" + reg.name();
        String liveUrl = base + "/live?v=" + live.version() + filterQuery(filters);
        Pages.Frame f = new Pages.Frame(reg.fullName(), "repository", List.of(new Chrome.Crumb(reg.owner(), null),
                new Chrome.Crumb(reg.name(), null)), liveUrl, false);
        pages.render(ctx, status, "repo.jte", pages.chrome(ctx, p, f), "repo", view);
    }

    void repositoryLive(Context ctx) throws Exception {
        Principal p = auth.principal(ctx);
        Registration reg = registration(ctx, p);
        RepoView.Filters filters = filters(ctx);
        live.stream(ctx, () -> Map.of("runs", pages.html("parts/runs.jte",
                Pages.params("runs", filtered(reg, filters), "showRepository", false))));
    }

    private Registration registration(Context ctx, Principal p) {
        String owner = ctx.pathParam("owner");
        String name = ctx.pathParam("repo");
        access.requireRead(p, owner, name, "repository " + owner + "/" + name);
        return triggers.registrations().find(owner, name)
                .orElseThrow(() -> new SlipwayException.NotFound("repository " + owner + "/" + name + " does not exist, or you cannot see it"));
    }

    private static RepoView.Filters filters(Context ctx) {
        return new RepoView.Filters(param(ctx, "branch"), param(ctx, "event"), param(ctx, "status"));
    }

    private static String param(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null ? "" : v.strip();
    }

    private static String filterQuery(RepoView.Filters f) {
        StringBuilder q = new StringBuilder();
        for (String[] kv : new String[][] {{"branch", f.branch()}, {"event", f.event()}, {"status", f.status()}}) {
            if (!kv[1].isEmpty()) {
                q.append('&').append(kv[0]).append('=').append(java.net.URLEncoder.encode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return q.toString();
    }

    private List<RunItem> filtered(Registration reg, RepoView.Filters f) {
        return runs.runsOf(reg.owner(), reg.name(), f.equals(RepoView.Filters.NONE) ? PAGE_RUNS : FILTER_WINDOW).stream()
                .map(RunItem::of)
                .filter(r -> f.branch().isEmpty() || f.branch().equals(r.refShort()))
                .filter(r -> f.event().isEmpty() || f.event().equals(r.event()))
                .filter(r -> f.status().isEmpty() || f.status().equals(r.status()))
                .limit(PAGE_RUNS).toList();
    }

    private RepoView repoView(Registration reg, Principal p, RepoView.Filters filters, String error, RepoView.RunForm form) {
        List<CiStore.RunRow> recent = runs.runsOf(reg.owner(), reg.name(), FILTER_WINDOW);
        Set<String> branches = new TreeSet<>();
        Set<String> events = new TreeSet<>();
        Map<String, RepoView.Pipeline> pipelines = new LinkedHashMap<>();
        for (CiStore.RunRow r : recent) {
            branches.add(RunItem.of(r).refShort());
            events.add(r.trigger());
            pipelines.computeIfAbsent(r.pipeline(), name -> new RepoView.Pipeline(name, declaredVariables(r)));
        }
        TriggerState.Status st = triggers.state().status(reg);
        HookDeliveries.Delivery d = st.lastDelivery();
        RepoView.Triggers t = new RepoView.Triggers(webhookUrl, st.pollInterval(), st.lastPoll(), st.lastPollError(),
                d == null ? null : new RepoView.Delivery(d.forge(), d.event(), d.receivedAt(), d.status(), d.summary()));
        return new RepoView(reg.owner(), reg.name(), reg.cloneUrl(), reg.defaultBranch(), t, filtered(reg, filters), filters,
                List.copyOf(branches), List.copyOf(events), List.copyOf(pipelines.values()), form, error, access.canWrite(p, reg.owner()));
    }

    /** The variables a run's pipeline declares, with their defaults, as NAME=value (empty when its file no longer parses). */
    private static List<String> declaredVariables(CiStore.RunRow r) {
        Pipeline pipeline = parse(r);
        return pipeline == null ? List.of() : pipeline.variables().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    private static Pipeline parse(CiStore.RunRow r) {
        if (r.definition() == null) {
            return null;
        }
        try {
            return PipelineParser.parseOrRefuse(r.pipeline(), r.definition());
        } catch (RuntimeException e) {
            return null; // a run of another format, or a file that did not parse: shown without what it would add
        }
    }

    /** The Run pipeline form: starts the pipeline and goes to its run; a refusal shows the form again with the reason. */
    void trigger(Context ctx) {
        String owner = ctx.pathParam("owner");
        notReserved(owner);
        csrf.check(ctx);
        Principal p = auth.principal(ctx);
        String name = ctx.pathParam("repo");
        access.requireWrite(p, owner, "repository " + owner + "/" + name);
        RepoView.RunForm form = new RepoView.RunForm(text(ctx, "pipeline"), text(ctx, "ref"), text(ctx, "variables"));
        long id;
        try {
            id = triggers.trigger(owner, name, blankToNull(form.ref()), blankToNull(form.pipeline()), variables(form.variables()),
                    p.username(), "manual");
        } catch (SlipwayException.BadRequest | SlipwayException.Conflict | IllegalArgumentException e) {
            show(ctx, 400, e.getMessage(), form);
            return;
        } catch (SlipwayException.NotFound e) {
            if (triggers.registrations().find(owner, name).isEmpty()) {
                throw e;
            }
            show(ctx, 400, e.getMessage(), form); // no such pipeline, branch or commit
            return;
        } catch (MissingSecretException e) {
            show(ctx, 422, e.getMessage(), form);
            return;
        }
        ctx.redirect("/" + owner + "/" + name + "/runs/" + id, HttpStatus.SEE_OTHER);
    }

    /** {@code NAME=value} lines; blank lines and lines starting with # are skipped. */
    static Map<String, String> variables(String text) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new SlipwayException.BadRequest("variables: write NAME=value, one per line (got '" + l + "')");
            }
            vars.put(l.substring(0, eq).strip(), l.substring(eq + 1));
        }
        return vars;
    }

    private static String text(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    // ---- a run

    void run(Context ctx) {
        Principal p = auth.principal(ctx);
        CiStore.RunRow r = run(ctx, p);
        RunDetail d = detail(r, p);
        String base = "/" + r.owner() + "/" + r.repo();
        Pages.Frame f = new Pages.Frame(r.pipeline() + " #" + r.id() + " · " + r.owner() + "/" + r.repo(), "run",
                List.of(new Chrome.Crumb(r.owner(), null), new Chrome.Crumb(r.repo(), base), new Chrome.Crumb("#" + r.id(), null)),
                // A finished run changes only by a retry, whose form reloads the page: no stream left open (headless
                // browsers that wait for the network to be idle, such as chromium --dump-dom, would wait for ever).
                CiStore.isFinished(r.status()) ? null : base + "/runs/" + r.id() + "/live?v=" + live.version(), true);
        pages.render(ctx, 200, "run.jte", pages.chrome(ctx, p, f), "d", d);
    }

    void runLive(Context ctx) throws Exception {
        Principal p = auth.principal(ctx);
        CiStore.RunRow first = run(ctx, p);
        String token = csrf.token(ctx);
        live.stream(ctx, () -> {
            RunDetail d = detail(runs.require(first.id()), p);
            return Map.of("run-head", pages.html("parts/run_head.jte", Pages.params("d", d, "csrf", token)),
                    "run-tasks", pages.html("parts/run_tasks.jte", Pages.params("d", d, "csrf", token)),
                    "run-steps", pages.html("parts/run_steps.jte", Pages.params("d", d)));
        });
    }

    /** The run the path names, if the principal may see it; 404 otherwise (also for a run of another repository). */
    CiStore.RunRow run(Context ctx, Principal p) {
        String owner = ctx.pathParam("owner");
        String repo = ctx.pathParam("repo");
        String what = "run " + ctx.pathParam("id") + " of " + owner + "/" + repo;
        access.requireRead(p, owner, repo, what);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new SlipwayException.NotFound(what + " does not exist");
        }
        return runs.run(id).filter(r -> r.owner().equals(owner) && r.repo().equals(repo))
                .orElseThrow(() -> new SlipwayException.NotFound(what + " does not exist"));
    }

    private RunDetail detail(CiStore.RunRow r, Principal p) {
        List<CiStore.TaskRow> rows = runs.tasks(r.id());
        Pipeline pipeline = parse(r);
        Map<String, List<String>> deps = new HashMap<>();
        if (pipeline != null) {
            for (Task t : pipeline.tasks()) {
                deps.put(t.name(), t.dependsOn());
            }
        }
        Map<String, Integer> stage = new HashMap<>();
        for (CiStore.TaskRow t : rows) {
            stageOf(t.name(), deps, stage, new LinkedHashSet<>());
        }
        boolean finished = CiStore.isFinished(r.status());
        boolean evicted = r.evictedAt() != null;
        List<List<TaskItem>> stages = new ArrayList<>();
        for (CiStore.TaskRow t : rows) {
            int s = stage.get(t.name());
            while (stages.size() <= s) {
                stages.add(new ArrayList<>());
            }
            boolean retryable = finished && !evicted && !t.status().equals("success") && !t.status().equals("pending");
            stages.get(s).add(new TaskItem(t.name(), t.status(), t.exitCode(), t.attempt(), t.startedAt(), t.finishedAt(),
                    deps.getOrDefault(t.name(), List.of()), s, retryable, t.reason()));
        }
        stages.removeIf(List::isEmpty);
        List<JobSteps> jobs = new ArrayList<>();
        runs.taskDetails(r.id()).forEach((task, json) -> JobSteps.parse(task, json).ifPresent(jobs::add));
        return new RunDetail(RunItem.of(r), r.message(), givenVariables(r), stages, access.canWrite(p, r.owner()), evicted, jobs);
    }

    /** A task's column: one after its deepest dependency (a cycle or an unknown name counts as none). */
    private static int stageOf(String task, Map<String, List<String>> deps, Map<String, Integer> memo, Set<String> path) {
        Integer known = memo.get(task);
        if (known != null) {
            return known;
        }
        int s = 0;
        if (path.add(task)) {
            for (String d : deps.getOrDefault(task, List.of())) {
                if (deps.containsKey(d) && !path.contains(d)) {
                    s = Math.max(s, stageOf(d, deps, memo, path) + 1);
                }
            }
            path.remove(task);
        }
        memo.put(task, s);
        return s;
    }

    private static Map<String, String> givenVariables(CiStore.RunRow r) {
        if (r.variables() == null || r.variables().isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> v = JSON.readValue(r.variables(), new TypeReference<LinkedHashMap<String, String>>() {});
            return v == null ? Map.of() : v;
        } catch (IOException e) {
            return Map.of();
        }
    }

    // ---- actions on a run

    void cancel(Context ctx) {
        CiStore.RunRow r = writable(ctx);
        runs.cancel(r.id());
        back(ctx, r);
    }

    void approve(Context ctx) {
        CiStore.RunRow r = writable(ctx);
        runs.approve(r.id(), auth.principal(ctx).username());
        back(ctx, r);
    }

    void delete(Context ctx) {
        CiStore.RunRow r = writable(ctx);
        runs.deleteRun(r.id());
        ctx.redirect("/" + r.owner() + "/" + r.repo(), HttpStatus.SEE_OTHER);
    }

    void retry(Context ctx) {
        CiStore.RunRow r = writable(ctx);
        String task = ctx.pathParam("task");
        runs.retry(r.id(), task);
        ctx.redirect("/" + r.owner() + "/" + r.repo() + "/runs/" + r.id() + "#" + task, HttpStatus.SEE_OTHER);
    }

    private CiStore.RunRow writable(Context ctx) {
        notReserved(ctx.pathParam("owner"));
        csrf.check(ctx);
        Principal p = auth.principal(ctx);
        CiStore.RunRow r = run(ctx, p);
        access.requireWrite(p, r.owner(), "run " + r.id());
        return r;
    }

    /** Paths under Slipway's own first segments ({@code /api/v1/runs}) are never forms of the UI: 404, before the form token is looked at. */
    private static void notReserved(String owner) {
        if (Access.reserved(owner)) {
            throw new SlipwayException.NotFound("no such page");
        }
    }

    private static void back(Context ctx, CiStore.RunRow r) {
        ctx.redirect("/" + r.owner() + "/" + r.repo() + "/runs/" + r.id(), HttpStatus.SEE_OTHER);
    }
}
