package dev.slipway.woodpecker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.api.RepositoryAccess;
import dev.slipway.ci.registration.Registration;
import dev.slipway.ci.registration.Registrations;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.secret.SecretInfo;
import dev.slipway.ci.secret.SecretScope;
import dev.slipway.ci.secret.Secrets;
import dev.slipway.ci.scheduler.RunService;
import dev.slipway.ci.trigger.TriggerService;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.json.RequestBody;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The part of Woodpecker's API that scripts call, under {@code /api/repos}: a repository by its
 * numeric id (the registration's id) or by owner and name, starting the {@code manual} event with
 * a branch and variables, and the pipelines in Woodpecker's JSON shape. A pipeline's number is the
 * run's id. See docs/api.md.
 */
public final class WoodpeckerRoutes {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Registrations registrations;
    private final TriggerService triggers;
    private final RunService runs;
    private final Identity identity;
    private final Function<Context, Principal> auth;
    private final Secrets secrets;

    /** @param auth the authenticated principal of a request (a {@code Bearer} token, as Woodpecker's clients send), or Unauthorized */
    public WoodpeckerRoutes(Registrations registrations, TriggerService triggers, RunService runs, Identity identity,
                            Function<Context, Principal> auth, Secrets secrets) {
        this.secrets = secrets;
        this.registrations = registrations;
        this.triggers = triggers;
        this.runs = runs;
        this.identity = identity;
        this.auth = auth;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/repos/lookup/{owner}/{name}", this::lookup);
        routes.get("/api/repos/{id}", this::repository);
        routes.post("/api/repos/{id}/pipelines", this::start);
        routes.get("/api/repos/{id}/pipelines", this::pipelines);
        routes.get("/api/repos/{id}/pipelines/{number}", this::pipeline);
        routes.get("/api/repos/{id}/secrets", this::listSecrets);
        routes.post("/api/repos/{id}/secrets", ctx -> putSecret(ctx, null));
        routes.patch("/api/repos/{id}/secrets/{name}", ctx -> putSecret(ctx, ctx.pathParam("name")));
        routes.delete("/api/repos/{id}/secrets/{name}", this::deleteSecret);
    }

    /** The repository's secrets scope, if the caller may manage it (as Slipway's own secrets API asks). */
    private SecretScope secretScope(Context ctx) {
        String id = ctx.pathParam("id");
        Registration r = id.matches("\\d{1,18}") ? registrations.find(Long.parseLong(id)).orElse(null) : null;
        if (r == null) {
            throw new SlipwayException.NotFound("no repository with id " + id);
        }
        RepositoryAccess.requireManager(identity, auth.apply(ctx), r.owner());
        return new SecretScope.Repository(r.owner(), r.name());
    }

    private void listSecrets(Context ctx) {
        SecretScope scope = secretScope(ctx);
        ArrayNode out = JSON.arrayNode();
        for (SecretInfo info : secrets.list(scope)) {
            out.add(secretJson(scope, info.name()));
        }
        json(ctx, 200, out);
    }

    private ObjectNode secretJson(SecretScope scope, String name) {
        ObjectNode o = JSON.objectNode();
        o.put("name", name.toLowerCase(java.util.Locale.ROOT));
        List<String> events = secrets.events(scope, name);
        ArrayNode e = o.putArray("events");
        (events == null ? When.EVENTS : events).forEach(e::add);
        o.putArray("images");
        return o;
    }

    /**
     * Woodpecker's {@code POST /secrets} ({@code {"name", "value", "events"}}, creates or replaces)
     * and {@code PATCH /secrets/{name}} (the value and the events given change). Without
     * {@code events}, a new secret is available to every event; {@code images} is refused unless empty.
     */
    private void putSecret(Context ctx, String named) {
        SecretScope scope = secretScope(ctx);
        RequestBody b = RequestBody.parse(ctx.bodyAsBytes(), RequestBody.Fields.of("name", "value", "events", "images"));
        String name = named != null ? named : b.text("name");
        if (name == null || name.isBlank()) {
            throw new SlipwayException.BadRequest("'name' is required");
        }
        JsonNode images = b.get("images");
        if (images != null && !images.isNull() && !(images.isArray() && images.isEmpty())) {
            throw new SlipwayException.BadRequest("'images' (a secret for some plugin images only) is not supported by Slipway");
        }
        List<String> events = null;
        JsonNode e = b.get("events");
        if (e != null && !e.isNull()) {
            if (!e.isArray()) {
                throw new SlipwayException.BadRequest("'events' must be a list of events");
            }
            events = new java.util.ArrayList<>();
            for (JsonNode ev : e) {
                if (!When.EVENTS.contains(ev.asText())) {
                    throw new SlipwayException.BadRequest("unknown event '" + ev.asText() + "' (known: " + String.join(", ", When.EVENTS) + ")");
                }
                events.add(ev.asText());
            }
        }
        String value = b.text("value");
        boolean created = false;
        if (value != null) {
            created = secrets.put(scope, name, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (named == null) {
            throw new SlipwayException.BadRequest("'value' is required");
        }
        if (events != null || created) {
            secrets.restrictEvents(scope, name, events);
        }
        json(ctx, 200, secretJson(scope, name));
    }

    private void deleteSecret(Context ctx) {
        secrets.delete(secretScope(ctx), ctx.pathParam("name"));
        ctx.status(204);
    }

    private Registration allowed(Context ctx, Registration r, boolean write) {
        RepositoryAccess.require(identity, auth.apply(ctx), r.owner(), r.name(), write);
        return r;
    }

    /** The registration a path's {@code {id}} names, if the caller may see it; 404 otherwise. */
    private Registration byId(Context ctx, boolean write) {
        String id = ctx.pathParam("id");
        Registration r = id.matches("\\d{1,18}") ? registrations.find(Long.parseLong(id)).orElse(null) : null;
        if (r == null) {
            throw new SlipwayException.NotFound("no repository with id " + id + " (GET /api/repos/lookup/OWNER/NAME gives a repository's id)");
        }
        return allowed(ctx, r, write);
    }

    private void lookup(Context ctx) {
        String owner = ctx.pathParam("owner");
        String name = ctx.pathParam("name");
        Registration r = registrations.find(owner, name)
                .orElseThrow(() -> new SlipwayException.NotFound("repository " + owner + "/" + name + " is not registered"));
        json(ctx, 200, repoJson(allowed(ctx, r, false)));
    }

    private void repository(Context ctx) {
        json(ctx, 200, repoJson(byId(ctx, false)));
    }

    /** Woodpecker's manual pipeline: {@code {"branch": ..., "variables": {...}}}, the default branch when none is given. */
    private void start(Context ctx) {
        Registration r = byId(ctx, true);
        RequestBody b = RequestBody.parse(ctx.bodyAsBytes(), RequestBody.Fields.of("branch", "variables"));
        Map<String, JsonNode> values = new LinkedHashMap<>();
        JsonNode v = b.get("variables");
        if (v != null && !v.isNull()) {
            if (!v.isObject()) {
                throw new SlipwayException.BadRequest("'variables' must be an object of names and string values");
            }
            v.fields().forEachRemaining(e -> {
                if (!e.getValue().isValueNode()) {
                    throw new SlipwayException.BadRequest("variable '" + e.getKey() + "' must be a string");
                }
                values.put(e.getKey(), e.getValue());
            });
        }
        String branch = b.text("branch");
        long id = triggers.trigger(r.owner(), r.name(), branch == null || branch.isBlank() ? null : branch,
                WoodpeckerFormat.PIPELINE, null, values, auth.apply(ctx).username(), "manual");
        json(ctx, 200, pipelineJson(runs.require(id)));
    }

    private void pipelines(Context ctx) {
        Registration r = byId(ctx, false);
        int perPage = 50;
        String given = ctx.queryParam("perPage") != null ? ctx.queryParam("perPage") : ctx.queryParam("per_page");
        if (given != null) {
            try {
                perPage = Math.max(1, Math.min(500, Integer.parseInt(given)));
            } catch (NumberFormatException e) {
                throw new SlipwayException.BadRequest("perPage must be a number");
            }
        }
        ArrayNode out = JSON.arrayNode();
        runs.runsOf(r.owner(), r.name(), perPage).stream().filter(run -> run.format().equals(WoodpeckerFormat.NAME))
                .forEach(run -> out.add(pipelineJson(run)));
        json(ctx, 200, out);
    }

    private void pipeline(Context ctx) {
        Registration r = byId(ctx, false);
        String number = ctx.pathParam("number");
        CiStore.RunRow run = number.matches("\\d{1,18}") ? runs.run(Long.parseLong(number)).orElse(null) : null;
        if (run == null || !run.owner().equals(r.owner()) || !run.repo().equals(r.name()) || !run.format().equals(WoodpeckerFormat.NAME)) {
            throw new SlipwayException.NotFound("repository " + r.fullName() + " has no pipeline " + number);
        }
        json(ctx, 200, pipelineJson(run));
    }

    private static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    static ObjectNode repoJson(Registration r) {
        ObjectNode o = JSON.objectNode();
        o.put("id", r.id());
        o.put("forge_remote_id", "");
        o.put("owner", r.owner());
        o.put("name", r.name());
        o.put("full_name", r.fullName());
        o.put("clone_url", r.cloneUrl());
        o.put("default_branch", r.defaultBranch());
        o.put("scm", "git");
        o.put("private", true);
        o.put("active", true);
        o.put("allow_pr", true);
        o.put("allow_deploy", false);
        return o;
    }

    /** Woodpecker's state of a run or a task. */
    static String state(String status) {
        return switch (status) {
            case "queued" -> "pending";
            case "approval" -> "blocked";
            case "cancelled" -> "killed";
            default -> status; // pending, running, success, failure, error, skipped
        };
    }

    ObjectNode pipelineJson(CiStore.RunRow run) {
        ObjectNode o = JSON.objectNode();
        String ref = run.ref() == null ? "" : run.ref();
        String key = run.event().dedupeKey();
        o.put("id", run.id());
        o.put("number", run.id());
        o.put("parent", 0);
        o.put("event", CiVariables.event(run.trigger(), key != null && key.matches("pull_request:\\d+:closed:.*")));
        o.put("status", state(run.status()));
        ArrayNode errors = o.putArray("errors");
        if (run.message() != null && !run.status().equals("success")) {
            errors.addObject().put("type", "generic").put("message", run.message()).put("is_warning", false);
        }
        o.put("created", run.createdAt() / 1000);
        o.put("updated", (run.finishedAt() != null ? run.finishedAt() : run.startedAt() != null ? run.startedAt() : run.createdAt()) / 1000);
        o.put("started", run.startedAt() == null ? 0 : run.startedAt() / 1000);
        o.put("finished", run.finishedAt() == null ? 0 : run.finishedAt() / 1000);
        o.put("commit", run.commit() == null ? "" : run.commit());
        String shortRef = ref.replaceFirst("^refs/(heads|tags)/", "");
        boolean tag = ref.startsWith("refs/tags/");
        o.put("branch", tag ? "" : shortRef);
        o.put("ref", ref.startsWith("refs/") ? ref : "refs/heads/" + ref);
        o.put("message", run.event().message() == null ? "" : run.event().message());
        o.put("author", run.event().author() == null ? "" : run.event().author().replaceAll("\\s*<[^>]*>\\s*$", ""));
        o.put("sender", run.createdBy() == null ? "" : run.createdBy());
        ObjectNode variables = o.putObject("variables");
        try {
            JsonNode v = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.variables());
            v.fields().forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));
        } catch (java.io.IOException ignored) {
            // stored by the trigger as JSON; nothing to show otherwise
        }
        ArrayNode workflows = o.putArray("workflows");
        Map<String, ObjectNode> byName = new LinkedHashMap<>();
        List<CiStore.TaskRow> tasks = runs.tasks(run.id());
        Map<String, PipelineCompiler.Place> places = places(run);
        int pid = 1;
        for (CiStore.TaskRow t : tasks) {
            PipelineCompiler.Place place = places.get(t.name());
            String workflow;
            String step;
            if (place != null) {
                workflow = place.workflow().name();
                step = place.step().name();
            } else { // files that no longer read: the task's name says it
                int dot = t.name().indexOf('.');
                workflow = dot < 0 || run.definitionFile() == null || !run.definitionFile().endsWith("/")
                        ? WorkflowReader.nameOf(run.definitionFile() == null ? WoodpeckerFormat.PIPELINE : run.definitionFile())
                        : t.name().substring(0, dot);
                step = workflow.equals(t.name()) || dot < 0 || !t.name().startsWith(workflow + ".") ? t.name() : t.name().substring(dot + 1);
            }
            ObjectNode w = byName.computeIfAbsent(workflow, n -> {
                ObjectNode wn = workflows.addObject();
                wn.put("id", byName.size() + 1);
                wn.put("pipeline_id", run.id());
                // As Woodpecker: every workflow of a matrix has its file's name, and its values as environ.
                wn.put("name", place == null ? n : place.workflow().baseName());
                ObjectNode environ = wn.putObject("environ");
                if (place != null) {
                    place.workflow().matrix().forEach(environ::put);
                }
                wn.putArray("children");
                return wn;
            });
            ObjectNode s = ((ArrayNode) w.get("children")).addObject();
            s.put("id", pid);
            s.put("pid", pid++);
            s.put("ppid", w.get("id").asInt());
            s.put("pipeline_id", run.id());
            s.put("name", step);
            s.put("state", state(t.status()));
            s.put("exit_code", t.exitCode() == null ? 0 : t.exitCode());
            s.put("started", t.startedAt() == null ? 0 : t.startedAt() / 1000);
            s.put("finished", t.finishedAt() == null ? 0 : t.finishedAt() / 1000);
            s.put("type", place == null ? "commands" : place.step().service() ? "service"
                    : place.step().commands().isEmpty() && place.step().entrypoint().isEmpty() ? "plugin" : "commands");
        }
        for (ObjectNode w : byName.values()) {
            w.put("state", workflowState((ArrayNode) w.get("children")));
        }
        return o;
    }

    /** Where each task of the run is in its files, when they read (as written: the names do not depend on the run's values). */
    private static Map<String, PipelineCompiler.Place> places(CiStore.RunRow run) {
        if (run.definitionFile() == null || run.definition() == null) {
            return Map.of();
        }
        try {
            return PipelineCompiler.places(WorkflowSet.stored(run.definitionFile(), run.definition()).readAsWritten().workflows());
        } catch (RuntimeException unreadable) {
            return Map.of();
        }
    }

    private static String workflowState(ArrayNode steps) {
        List<String> states = new java.util.ArrayList<>();
        steps.forEach(s -> states.add(s.get("state").asText()));
        for (String s : List.of("running", "error", "failure", "killed", "pending")) {
            if (states.contains(s)) {
                return s;
            }
        }
        return states.stream().allMatch("skipped"::equals) ? "skipped" : "success";
    }
}
