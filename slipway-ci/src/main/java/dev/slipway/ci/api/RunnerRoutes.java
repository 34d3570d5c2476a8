package dev.slipway.ci.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.registration.Registrations;
import dev.slipway.ci.runner.RunnerExecutor;
import dev.slipway.ci.runner.RunnerPlan;
import dev.slipway.ci.runner.Runners;
import dev.slipway.ci.runner.WorkspaceTar;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.json.RequestBody;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runners: registration tokens and registered runners for admins ({@code /api/v1/runners...}),
 * and the protocol runners speak ({@code /api/v1/runner/...}, authenticated by the runner's own
 * token in the {@code Slipway-Runner-Token} header). Plain HTTP/1.1 on the server's port, so it
 * passes through a reverse proxy. See docs/runners.md.
 */
public final class RunnerRoutes {
    public static final String TOKEN_HEADER = "Slipway-Runner-Token";
    private static final Duration MAX_POLL = Duration.ofSeconds(60);
    private static final RequestBody.Fields TOKEN = RequestBody.Fields.of("org", "repo");
    private static final RequestBody.Fields REGISTER = RequestBody.Fields.of("token", "name", "labels", "capacity", "local");
    private static final RequestBody.Fields DONE = RequestBody.Fields.of("attempt", "exit_code", "timed_out", "stopped", "size", "sha256", "error");

    private final Supplier<RunnerExecutor> executor;
    private final Registrations registrations;
    private final Function<Context, Principal> authenticate;
    private final ObjectMapper json = new ObjectMapper();

    public RunnerRoutes(Supplier<RunnerExecutor> executor, Registrations registrations, Function<Context, Principal> authenticate) {
        this.executor = executor;
        this.registrations = registrations;
        this.authenticate = authenticate;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/v1/runners/registration-tokens", this::createToken);
        routes.get("/api/v1/runners", this::list);
        routes.delete("/api/v1/runners/{name}", ctx -> {
            requireAdmin(ctx);
            executor.get().runners().remove(ctx.pathParam("name"));
            ctx.status(204);
        });
        routes.post("/api/v1/runners/register", this::registerRunner);
        routes.post("/api/v1/runner/poll", this::poll);
        routes.post("/api/v1/runner/leases/{lease}/log", this::log);
        routes.post("/api/v1/runner/leases/{lease}/done", this::done);
        routes.get("/api/v1/runner/leases/{lease}/workspace/{index}", this::workspace);
    }

    private Principal requireAdmin(Context ctx) {
        Principal p = authenticate.apply(ctx);
        if (!p.canAdminister()) {
            throw new SlipwayException.Forbidden("runners are managed by a site admin with a password or an admin-scoped token");
        }
        return p;
    }

    /**
     * {@code {}} for the site, {@code {"org": "acme"}} or {@code {"repo": "acme/app"}}: a site
     * admin creates any; a user creates one for a repository of their own.
     */
    private void createToken(Context ctx) {
        Principal p = authenticate.apply(ctx);
        RequestBody body = RequestBody.parse(ctx.bodyAsBytes().length == 0 ? "{}".getBytes() : ctx.bodyAsBytes(), TOKEN);
        String org = body.text("org");
        String repo = body.text("repo");
        if (org != null && repo != null) {
            throw new SlipwayException.BadRequest("give org or repo, not both");
        }
        String scope;
        if (repo != null) {
            String[] parts = repo.split("/", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new SlipwayException.BadRequest("repo is owner/name, not '" + repo + "'");
            }
            if (registrations.find(parts[0], parts[1]).isEmpty()) {
                throw new SlipwayException.NotFound("no CI repository " + repo + " is registered");
            }
            if (!p.canAdminister() && !(parts[0].equals(p.username()) && p.job() == null
                    && p.scopes().contains(dev.slipway.core.identity.Scope.ADMIN))) {
                throw new SlipwayException.Forbidden("a registration token for " + repo + " is created by its owner or a site admin, "
                        + "with a password or an admin-scoped token");
            }
            scope = "repo:" + repo;
        } else {
            requireAdmin(ctx);
            scope = org == null ? "site" : "org:" + org;
        }
        String token = executor.get().runners().createToken(scope, p.username());
        ObjectNode out = json.createObjectNode().put("token", token).put("scope", scope);
        respond(ctx, 201, out);
    }

    private void list(Context ctx) {
        requireAdmin(ctx);
        Map<Long, List<String>> tasks = executor.get().runners().leasedTasks();
        ArrayNode arr = json.createArrayNode();
        for (Runners.Runner r : executor.get().runners().list()) {
            arr.add(runnerJson(r, tasks.getOrDefault(r.id(), List.of())));
        }
        respond(ctx, 200, arr);
    }

    /** A runner as the API and {@code slipway runners list} show it: online when it asked for work within the last minute. */
    public static ObjectNode runnerJson(Runners.Runner r, List<String> tasks) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("id", r.id());
        o.put("name", r.name());
        ArrayNode labels = o.putArray("labels");
        r.labels().forEach(labels::add);
        o.put("scope", r.scope());
        o.put("capacity", r.capacity());
        o.put("local", r.hostPaths());
        boolean online = r.lastContact() != null && System.currentTimeMillis() - r.lastContact() < 60_000;
        o.put("state", r.lastContact() == null ? "never seen" : online ? (tasks.isEmpty() ? "idle" : "busy") : "offline");
        o.put("last_contact", r.lastContact() == null ? null : Instant.ofEpochMilli(r.lastContact()).toString());
        ArrayNode t = o.putArray("tasks");
        tasks.forEach(t::add);
        return o;
    }

    private void registerRunner(Context ctx) {
        RequestBody body = RequestBody.parse(ctx.bodyAsBytes(), REGISTER);
        List<String> labels = new ArrayList<>();
        JsonNode l = body.get("labels");
        if (l != null && !l.isNull()) {
            if (!l.isArray()) {
                throw new SlipwayException.BadRequest("labels is a list of strings");
            }
            l.forEach(x -> labels.add(x.asText()));
        }
        JsonNode c = body.get("capacity");
        int capacity = c == null || c.isNull() ? 1 : c.asInt(0);
        boolean local = body.has("local") && body.get("local").asBoolean();
        if (local && !labels.contains("local")) {
            labels.add("local");
        }
        Runners.Registered r = executor.get().runners().register(body.requireText("token"), body.requireText("name"), labels, capacity, local);
        ObjectNode out = runnerJson(r.runner(), List.of());
        out.put("token", r.token());
        respond(ctx, 201, out);
    }

    private Runners.Runner runner(Context ctx) {
        Optional<Runners.Runner> r = executor.get().runners().authenticate(ctx.header(TOKEN_HEADER));
        return r.orElseThrow(() -> new SlipwayException.Unauthorized("this runner is not registered here (its token is unknown or it was "
                + "removed); register it again with a registration token"));
    }

    private void poll(Context ctx) {
        Runners.Runner runner = runner(ctx);
        Duration wait = Duration.ofSeconds(30);
        String w = ctx.queryParam("wait");
        if (w != null) {
            try {
                wait = Duration.ofSeconds(Math.max(0, Math.min(MAX_POLL.toSeconds(), Long.parseLong(w))));
            } catch (NumberFormatException e) {
                throw new SlipwayException.BadRequest("wait is a number of seconds, not '" + w + "'");
            }
        }
        Optional<RunnerPlan> plan = executor.get().poll(runner, wait);
        if (plan.isEmpty()) {
            ctx.status(204);
            return;
        }
        try {
            ctx.status(200).contentType("application/json").result(RunnerPlan.JSON.writeValueAsString(plan.get()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private long lease(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("lease"));
        } catch (NumberFormatException e) {
            throw new SlipwayException.BadRequest("a lease id is a number");
        }
    }

    private void log(Context ctx) {
        runner(ctx);
        long offset;
        try {
            offset = Long.parseLong(ctx.queryParam("offset") == null ? "" : ctx.queryParam("offset"));
        } catch (NumberFormatException e) {
            throw new SlipwayException.BadRequest("offset (the byte offset of this piece in the task's output) is required");
        }
        String attempt = ctx.queryParam("attempt");
        if (attempt == null) {
            throw new SlipwayException.BadRequest("attempt (the lease's attempt id) is required");
        }
        ack(ctx, executor.get().append(lease(ctx), attempt, offset, ctx.bodyAsBytes()));
    }

    private void done(Context ctx) {
        runner(ctx);
        RequestBody body = RequestBody.parse(ctx.bodyAsBytes(), DONE);
        JsonNode code = body.get("exit_code");
        JsonNode size = body.get("size");
        if (code == null || !code.canConvertToInt() || size == null || !size.canConvertToLong()) {
            throw new SlipwayException.BadRequest("exit_code and size are required numbers");
        }
        Executor.Exit exit = new Executor.Exit(code.asInt(), body.has("timed_out") && body.get("timed_out").asBoolean(),
                body.has("stopped") && body.get("stopped").asBoolean());
        ack(ctx, executor.get().done(lease(ctx), body.requireText("attempt"), exit, size.asLong(), body.text("sha256"),
                body.text("error")));
    }

    private void ack(Context ctx, RunnerExecutor.Ack ack) {
        ObjectNode out = json.createObjectNode().put("length", ack.length()).put("cancel", ack.cancel());
        if (ack.message() != null) {
            out.put("message", ack.message());
        }
        respond(ctx, ack.status(), out);
    }

    private void workspace(Context ctx) throws IOException {
        runner(ctx);
        int index;
        try {
            index = Integer.parseInt(ctx.pathParam("index"));
        } catch (NumberFormatException e) {
            throw new SlipwayException.BadRequest("a workspace index is a number");
        }
        List<Path> layers = executor.get().workspace(lease(ctx), ctx.queryParam("attempt"), index);
        if (layers == null) {
            throw new SlipwayException.NotFound("lease " + ctx.pathParam("lease") + " has no workspace " + index + " for this attempt");
        }
        ctx.status(200).contentType("application/x-tar");
        try (OutputStream out = ctx.outputStream()) {
            WorkspaceTar.write(layers, out);
        }
    }

    private static void respond(Context ctx, int status, JsonNode node) {
        ctx.status(status).contentType("application/json").result(node.toString());
    }
}
