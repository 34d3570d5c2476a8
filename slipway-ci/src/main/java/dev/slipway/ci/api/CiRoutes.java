package dev.slipway.ci.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.artifact.RunArtifacts;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.registration.Registration;
import dev.slipway.ci.registration.Registrations;
import dev.slipway.ci.release.RunVersions;
import dev.slipway.ci.scheduler.RunJson;
import dev.slipway.ci.release.PublishedImages;
import dev.slipway.ci.release.Publisher;
import dev.slipway.ci.scheduler.RunLinks;
import dev.slipway.ci.scheduler.RunService;
import dev.slipway.ci.notify.Notifications;
import dev.slipway.ci.status.CommitStatuses;
import dev.slipway.ci.trigger.HookDeliveries;
import dev.slipway.ci.trigger.TriggerService;
import dev.slipway.ci.trigger.TriggerState;
import dev.slipway.ci.trigger.WebhookReceiver;
import dev.slipway.core.ChangeCounter;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.json.RequestBody;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.logs.LogChunk;
import dev.slipway.logs.LogHub;
import dev.slipway.logs.LogListener;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * The CI API under {@code /api/v1}: repositories, runs, tasks, logs (raw and live as
 * Server-Sent Events). See docs/api.md.
 */
public final class CiRoutes {
    private final Registrations registrations;
    private final TriggerService triggers;
    private final RunService runs;
    private final String externalUrl;
    private final WebhookReceiver hooks;
    private final LogHub hub;
    private final CommitStatuses statuses;
    private final Notifications notifications;
    private final PublishedImages publishedImages;
    private final Identity identity;
    private final Function<Context, Principal> auth;
    private final Function<Context, Principal> caller;
    private final ObjectMapper json = new ObjectMapper();
    private final RunVersions versions;

    /**
     * @param auth the authenticated principal, or Unauthorized (the server's request pipeline resolved it)
     * @param caller the principal, anonymous when the request carries no credentials (wrong ones are Unauthorized)
     * @param externalUrl the server's URL as forges reach it (webhook URLs name it)
     */
    public CiRoutes(Registrations registrations, TriggerService triggers, RunService runs, LogHub hub, CommitStatuses statuses,
                    Notifications notifications, PublishedImages publishedImages, Identity identity, Function<Context, Principal> auth,
                    Function<Context, Principal> caller, String externalUrl) {
        this.publishedImages = publishedImages;
        this.externalUrl = externalUrl.endsWith("/") ? externalUrl.substring(0, externalUrl.length() - 1) : externalUrl;
        this.hooks = new WebhookReceiver(triggers, new RunLinks(externalUrl)::run);
        this.statuses = statuses;
        this.notifications = notifications;
        this.registrations = registrations;
        this.triggers = triggers;
        this.runs = runs;
        this.versions = new RunVersions(runs.store().jdbi());
        this.hub = hub;
        this.identity = identity;
        this.auth = auth;
        this.caller = caller;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/v1/repos", this::registerRepository);
        routes.get("/api/v1/repos/{owner}", this::listRepositories);
        routes.get("/api/v1/repos/{owner}/{name}", this::getRepository);
        routes.patch("/api/v1/repos/{owner}/{name}", this::updateRepository);
        routes.delete("/api/v1/repos/{owner}/{name}", this::removeRepository);
        routes.post("/api/v1/repos/{owner}/{name}/runs", this::trigger);
        routes.get("/api/v1/repos/{owner}/{name}/runs", this::listRuns);
        routes.get("/api/v1/runs/{id}", this::getRun);
        routes.get("/api/v1/runs/{id}/events", this::runEvents);
        routes.delete("/api/v1/runs/{id}", this::deleteRun);
        routes.post("/api/v1/runs/{id}/cancel", this::cancel);
        routes.post("/api/v1/runs/{id}/approve", this::approve);
        routes.post("/api/v1/hooks", this::hook);
        routes.get("/api/v1/repos/{owner}/{name}/hooks/deliveries", this::deliveries);
        routes.post("/api/v1/runs/{id}/tasks/{task}/retry", this::retry);
        routes.post("/api/v1/runs/{id}/retry", this::retryRun);
        routes.get("/api/v1/runs/{id}/tasks/{task}/log", this::rawLog);
        routes.get("/api/v1/runs/{id}/tasks/{task}/log/stream", this::streamLog);
        routes.get("/api/v1/runs/{id}/artifacts", this::listArtifacts);
        routes.get("/api/v1/runs/{id}/artifacts/{name}", this::downloadArtifact);
    }

    // ---- permissions

    /**
     * The caller, if it may read (or {@code write}) {@code owner}'s repository {@code name}, or
     * {@code owner}'s repositories as a whole when {@code name} is null. A job token reaches only
     * its own run's repository. A public repository's runs and logs are readable by everyone,
     * signed in or not; a private one is a 404 to everyone outside its namespace, so a stranger
     * cannot tell it from one that does not exist.
     */
    private Principal require(Context ctx, String owner, String name, boolean write) {
        Principal p = caller(ctx);
        if (p.job() == null && !identity.inNamespace(p, owner)) {
            if (name != null && !registrations.find(owner, name).map(Registration::isPublic).orElse(false)) {
                throw new SlipwayException.NotFound("repository " + owner + "/" + name + " does not exist, or you cannot see it");
            }
            if (!write && name != null) {
                return p; // a public repository
            }
            if (p.isAnonymous()) {
                auth.apply(ctx); // 401, asking for credentials
            }
        }
        RepositoryAccess.require(identity, p, owner, name, write);
        return p;
    }

    /** The caller; anonymous when the request carries no credentials at all (wrong ones are still a 401). */
    private Principal caller(Context ctx) {
        return caller.apply(ctx);
    }

    private static long runId(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new SlipwayException.NotFound("no run '" + ctx.pathParam("id") + "'");
        }
    }

    private CiStore.RunRow run(Context ctx, boolean write) {
        long id = runId(ctx);
        CiStore.RunRow r = runs.require(id);
        require(ctx, r.owner(), r.repo(), write);
        return r;
    }

    // ---- repositories and runs

    private static final RequestBody.Fields REGISTRATION_FIELDS = RequestBody.Fields.of("owner", "name", "clone_url", "default_branch", "key",
            "credentials", "webhook_secret", "poll_interval", "forge", "forge_url", "forge_repository", "status_token", "visibility")
            .alias("branch", "default_branch").alias("url", "clone_url").alias("secret", "webhook_secret");

    private void registerRepository(Context ctx) {
        RequestBody b = RequestBody.parse(ctx.bodyAsBytes(), REGISTRATION_FIELDS);
        String owner = b.text("owner");
        if (owner == null || identity.ownerKind(owner).isEmpty()) {
            throw new SlipwayException.BadRequest("'owner' must name an existing user or organization");
        }
        require(ctx, owner, null, true);
        Registrations.Registered r = registrations.register(owner, b.text("name"), settings(b, false));
        ObjectNode o = repoJson(r.registration());
        o.put("webhook_secret", r.webhookSecret()); // shown this once
        ctx.status(201).contentType("application/json").result(o.toString());
    }

    /**
     * The settings a body gives. On a change (PATCH), JSON null clears key, credentials and the
     * forge fields, and returns poll_interval to the server's default.
     */
    private static Registrations.Settings settings(RequestBody b, boolean change) {
        Integer poll = null;
        if (b.has("poll_interval")) {
            var v = b.get("poll_interval");
            if (v.isNull()) {
                poll = change ? -1 : null;
            } else if (v.isIntegralNumber() && v.canConvertToInt()) {
                poll = v.asInt();
                if (poll < 0) {
                    throw new SlipwayException.BadRequest("poll_interval must be 0 (no polling) or a number of seconds, got " + poll);
                }
            } else {
                throw new SlipwayException.BadRequest("poll_interval must be a whole number of seconds (0: no polling)");
            }
        }
        boolean rotate = false;
        if (b.has("rotate_webhook_secret")) {
            if (!b.get("rotate_webhook_secret").isBoolean()) {
                throw new SlipwayException.BadRequest("rotate_webhook_secret must be true or false");
            }
            rotate = b.get("rotate_webhook_secret").asBoolean();
        }
        return new Registrations.Settings(b.text("clone_url"), b.text("default_branch"), clearable(b, "key"), clearable(b, "credentials"),
                b.text("webhook_secret"), rotate, poll, clearable(b, "forge"), clearable(b, "forge_url"), clearable(b, "forge_repository"),
                clearable(b, "status_token"), visibility(b));
    }

    /** {@code "visibility": "public"|"private"}: true, false, or null when absent. */
    private static Boolean visibility(RequestBody b) {
        if (!b.has("visibility")) {
            return null;
        }
        String v = b.get("visibility").isTextual() ? b.get("visibility").asText() : null;
        if (!"public".equals(v) && !"private".equals(v)) {
            throw new SlipwayException.BadRequest("visibility must be \"public\" or \"private\"");
        }
        return v.equals("public");
    }

    private void getRepository(Context ctx) {
        String owner = ctx.pathParam("owner");
        Principal p = require(ctx, owner, ctx.pathParam("name"), false);
        Registration r = registrations.require(owner, ctx.pathParam("name"));
        ctx.contentType("application/json").result((member(p, owner) ? repoJson(r) : publicRepoJson(r)).toString());
    }

    /** The owner's repositories; to those outside its namespace, its public ones. */
    private void listRepositories(Context ctx) {
        String owner = ctx.pathParam("owner");
        Principal p = caller(ctx);
        boolean all = identity.inNamespace(p, owner) && p.job() == null;
        if (all) {
            require(ctx, owner, null, false);
        }
        ArrayNode arr = json.createArrayNode();
        registrations.of(owner).stream().filter(r -> all || r.isPublic()).forEach(r -> arr.add(all ? repoJson(r) : publicRepoJson(r)));
        ctx.contentType("application/json").result(arr.toString());
    }

    /** Fields present change (null or "" clears key, credentials and the forge fields); absent fields stay. */
    private void updateRepository(Context ctx) {
        String owner = ctx.pathParam("owner");
        require(ctx, owner, ctx.pathParam("name"), true);
        RequestBody b = RequestBody.parse(ctx.bodyAsBytes(), RequestBody.Fields.of("clone_url", "default_branch", "key", "credentials",
                "webhook_secret", "rotate_webhook_secret", "poll_interval", "forge", "forge_url", "forge_repository", "status_token",
                "visibility").alias("branch", "default_branch").alias("url", "clone_url").alias("rotate", "rotate_webhook_secret"));
        Registrations.Registered r = registrations.update(owner, ctx.pathParam("name"), settings(b, true));
        ObjectNode o = repoJson(r.registration());
        if (r.webhookSecret() != null) {
            o.put("webhook_secret", r.webhookSecret()); // a new one: shown this once
        }
        ctx.contentType("application/json").result(o.toString());
    }

    /** A field's text, "" when it is present and null (to clear it), null when absent. */
    private static String clearable(RequestBody b, String field) {
        return b.has(field) && b.get(field).isNull() ? "" : b.text(field);
    }

    private void removeRepository(Context ctx) {
        String owner = ctx.pathParam("owner");
        require(ctx, owner, ctx.pathParam("name"), true);
        registrations.remove(owner, ctx.pathParam("name"));
        ctx.status(204);
    }

    /** Whether the caller belongs to the owner's namespace (sees settings, deliveries and notifications, not only runs). */
    private boolean member(Principal p, String owner) {
        return identity.inNamespace(p, owner);
    }

    /** What everyone may see of a public repository: not its keys, secrets' names, triggers or deliveries. */
    private ObjectNode publicRepoJson(Registration r) {
        ObjectNode o = json.createObjectNode();
        o.put("id", r.id());
        o.put("owner", r.owner());
        o.put("name", r.name());
        o.put("full_name", r.fullName());
        o.put("clone_url", r.cloneUrl());
        o.put("default_branch", r.defaultBranch());
        o.put("visibility", r.isPublic() ? "public" : "private");
        return o;
    }

    private ObjectNode repoJson(Registration r) {
        ObjectNode o = publicRepoJson(r);
        o.put("key", r.keyName());
        o.put("credentials", r.credentialsName());
        o.put("webhook_url", externalUrl + "/api/v1/hooks");
        Registration.Triggers t = r.triggers();
        TriggerState.Status st = triggers.state().status(r);
        o.put("poll_interval", st.pollInterval());
        o.put("forge", t.forge());
        o.put("forge_url", t.forgeUrl());
        o.put("forge_repository", t.forgeRepository());
        o.put("status_token", t.statusToken());
        putTime(o, "last_poll", st.lastPoll());
        o.put("last_poll_error", st.lastPollError());
        ObjectNode d = st.lastDelivery() == null ? null : o.putObject("last_delivery");
        if (d != null) {
            d.put("forge", st.lastDelivery().forge());
            d.put("id", st.lastDelivery().deliveryId());
            d.put("event", st.lastDelivery().event());
            putTime(d, "received_at", st.lastDelivery().receivedAt());
            d.put("status", st.lastDelivery().status());
            d.put("summary", st.lastDelivery().summary());
        } else {
            o.putNull("last_delivery");
        }
        o.set("commit_statuses", statuses.json(r));
        return o;
    }

    private void trigger(Context ctx) {
        String owner = ctx.pathParam("owner");
        Principal p = require(ctx, owner, ctx.pathParam("name"), true);
        RequestBody b = RequestBody.parse(ctx.bodyAsBytes(), RequestBody.Fields.of("ref", "pipeline", "variables", "workflow", "inputs")
                .alias("branch", "ref").alias("tag", "ref").alias("commit", "ref").alias("sha", "ref").alias("vars", "variables"));
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (String field : List.of("variables", "inputs")) { // a pipeline's variables, a workflow's inputs: one map
            JsonNode v = b.get(field);
            if (v != null && !v.isNull()) {
                if (!v.isObject()) {
                    throw new SlipwayException.BadRequest("'" + field + "' must be an object of names and values");
                }
                v.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
            }
        }
        long id = triggers.trigger(owner, ctx.pathParam("name"), b.text("ref"), b.text("pipeline"), b.text("workflow"), values, p.username(), "api");
        ctx.status(201).contentType("application/json").result(runJson(runs.require(id)).toString());
    }

    private void listRuns(Context ctx) {
        String owner = ctx.pathParam("owner");
        boolean member = member(require(ctx, owner, ctx.pathParam("name"), false), owner);
        ArrayNode arr = json.createArrayNode();
        runs.runsOf(owner, ctx.pathParam("name"), limit(ctx, 50)).forEach(r -> arr.add(runJson(r, member)));
        ctx.contentType("application/json").result(arr.toString());
    }

    /** Longest {@code ?wait=} a client may ask for, and the keep-alive period of the event stream. */
    private static final int MAX_WAIT_SECONDS = 600;
    private static final long KEEPALIVE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(15);

    /**
     * The run; with {@code ?wait=N} (seconds, at most 600) the answer waits until the run has
     * finished or N seconds pass, whichever comes first (a long poll: scripts need no loop).
     */
    private void getRun(Context ctx) throws InterruptedException {
        CiStore.RunRow r = run(ctx, false);
        boolean member = member(caller(ctx), r.owner());
        String wait = ctx.queryParam("wait");
        if (wait != null) {
            int seconds;
            try {
                seconds = Integer.parseInt(wait.endsWith("s") ? wait.substring(0, wait.length() - 1) : wait);
            } catch (NumberFormatException e) {
                throw new SlipwayException.BadRequest("wait must be a number of seconds (0-" + MAX_WAIT_SECONDS + ")");
            }
            if (seconds < 0 || seconds > MAX_WAIT_SECONDS) {
                throw new SlipwayException.BadRequest("wait must be a number of seconds (0-" + MAX_WAIT_SECONDS + ")");
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
            ChangeCounter changes = runs.changes();
            long seen = changes.version();
            // Read again after the version: a run that finished between the first read and it would
            // otherwise wait for a change that already happened, the whole N seconds.
            r = runs.require(r.id());
            while (!CiStore.isFinished(r.status()) && System.nanoTime() < deadline) {
                seen = changes.await(seen, deadline - System.nanoTime());
                r = runs.require(r.id());
            }
        }
        ctx.contentType("application/json").result(runJson(r, member).toString());
    }

    /**
     * Server-Sent Events of one run: {@code event: run} with the run's JSON (as {@code GET
     * /runs/{id}}) now and after every change, then {@code event: end} once it has finished. A
     * comment line every 15 s keeps proxies from closing an idle stream.
     */
    private void runEvents(Context ctx) throws Exception {
        CiStore.RunRow r = run(ctx, false);
        boolean member = member(caller(ctx), r.owner());
        ctx.status(200);
        ctx.contentType("text/event-stream");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        ChangeCounter changes = runs.changes();
        long seen = changes.version();
        String last = null;
        while (true) {
            String now = runJson(r, member).toString();
            if (!now.equals(last)) {
                send(out, "run", now);
                last = now;
            }
            if (CiStore.isFinished(r.status())) {
                send(out, "end", "{\"status\":\"" + r.status() + "\"}");
                return;
            }
            long before = seen;
            seen = changes.await(seen, KEEPALIVE_NANOS);
            if (seen == before) {
                out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush(); // fails once the client has gone, which ends this handler
            }
            r = runs.require(r.id());
        }
    }

    private void deleteRun(Context ctx) {
        CiStore.RunRow r = run(ctx, true);
        runs.deleteRun(r.id());
        ctx.status(204);
    }

    private void cancel(Context ctx) {
        CiStore.RunRow r = run(ctx, true);
        runs.cancel(r.id());
        ctx.status(202).contentType("application/json").result(runJson(runs.require(r.id())).toString());
    }

    private void approve(Context ctx) {
        CiStore.RunRow r = run(ctx, true);
        runs.approve(r.id(), auth.apply(ctx).username());
        ctx.status(202).contentType("application/json").result(runJson(runs.require(r.id())).toString());
    }

    /** Forges deliver here without a token: the registration's webhook secret signs each delivery instead. */
    private void hook(Context ctx) {
        WebhookReceiver.Answer a = hooks.receive(ctx::header, ctx.bodyAsBytes());
        ctx.status(a.status()).contentType("application/json").result(a.body());
    }

    private void deliveries(Context ctx) {
        String owner = ctx.pathParam("owner");
        Principal p = require(ctx, owner, ctx.pathParam("name"), false);
        if (!member(p, owner)) {
            if (p.isAnonymous()) {
                auth.apply(ctx); // 401, asking for credentials
            }
            throw new SlipwayException.Forbidden("webhook deliveries are shown to " + owner + "'s namespace only");
        }
        Registration r = registrations.require(owner, ctx.pathParam("name"));
        ArrayNode arr = json.createArrayNode();
        for (HookDeliveries.Delivery d : triggers.state().deliveries(r, limit(ctx, 50))) {
            ObjectNode o = arr.addObject();
            o.put("forge", d.forge());
            o.put("id", d.deliveryId());
            o.put("event", d.event());
            putTime(o, "received_at", d.receivedAt());
            o.put("status", d.status());
            o.put("summary", d.summary());
            try {
                o.set("response", json.readTree(d.response()));
            } catch (IOException e) {
                o.put("response", d.response());
            }
        }
        ctx.contentType("application/json").result(arr.toString());
    }

    private static int limit(Context ctx, int fallback) {
        String l = ctx.queryParam("limit");
        if (l == null) {
            return fallback;
        }
        try {
            return Math.max(1, Math.min(500, Integer.parseInt(l)));
        } catch (NumberFormatException e) {
            throw new SlipwayException.BadRequest("limit must be a number");
        }
    }

    private void retry(Context ctx) {
        CiStore.RunRow r = run(ctx, true);
        runs.retry(r.id(), ctx.pathParam("task"));
        ctx.status(202).contentType("application/json").result(runJson(runs.require(r.id())).toString());
    }

    /** The failed tasks and what depends on them ({@code ?all=true}: every task), as GitHub's re-runs. */
    private void retryRun(Context ctx) {
        CiStore.RunRow r = run(ctx, true);
        String all = ctx.queryParam("all");
        if (all != null && !all.equals("true") && !all.equals("false")) {
            throw new SlipwayException.BadRequest("all must be true or false, not '" + all + "'");
        }
        runs.retryRun(r.id(), "true".equals(all));
        ctx.status(202).contentType("application/json").result(runJson(runs.require(r.id())).toString());
    }

    private ObjectNode runJson(CiStore.RunRow r) {
        return runJson(r, true);
    }

    /** A run; to those outside its namespace (a public repository's) without what was told to whom (statuses, notifications). */
    private ObjectNode runJson(CiStore.RunRow r, boolean member) {
        // version: of the pipeline, once the run started
        ObjectNode o = RunJson.of(r, runs.tasks(r.id()), versions.find(r.id()).orElse(null), runs.taskDetails(r.id()));
        if (member) {
            o.set("commit_statuses", statuses.json(r)); // what the forge was told, or why nothing
            o.set("notifications", notifications.json(r)); // who was told that it ended, or is still to be
        } else {
            o.putNull("commit_statuses");
            o.putArray("notifications");
        }
        ArrayNode published = o.putArray("published"); // what its publish tasks pushed
        for (Publisher.Published p : publishedImages.of(r.id())) {
            ObjectNode pn = published.addObject().put("task", p.task()).put("image", p.image());
            p.tags().forEach(pn.putArray("tags")::add);
            pn.put("digest", p.digest());
        }
        return o;
    }

    private static void putTime(ObjectNode o, String field, Long millis) {
        RunJson.time(o, field, millis);
    }

    // ---- logs

    private String logId(Context ctx, CiStore.RunRow r) {
        String task = ctx.pathParam("task");
        CiStore.TaskRow t = runs.tasks(r.id()).stream().filter(x -> x.name().equals(task)).findFirst()
                .orElseThrow(() -> new SlipwayException.NotFound("run " + r.id() + " has no task '" + task + "'"));
        return RunService.logId(r.id(), task, t.attempt());
    }

    private void rawLog(Context ctx) throws IOException {
        CiStore.RunRow r = run(ctx, false);
        String id = logId(ctx, r);
        ctx.contentType("application/octet-stream");
        if (!runs.logs().exists(id)) {
            ctx.result(new byte[0]);
            return;
        }
        try (InputStream in = runs.logs().raw(id)) {
            OutputStream out = ctx.res().getOutputStream();
            in.transferTo(out);
            out.flush();
        }
    }

    /** GitHub's list of a run's artifacts: {@code total_count} and {@code artifacts} with name, size, download URL and time. */
    private void listArtifacts(Context ctx) {
        CiStore.RunRow r = run(ctx, false);
        List<RunArtifacts.Artifact> list = runs.artifacts().list(r.id());
        ObjectNode body = json.createObjectNode();
        body.put("total_count", list.size());
        ArrayNode items = body.putArray("artifacts");
        for (RunArtifacts.Artifact a : list) {
            items.add(artifactJson(r.id(), a));
        }
        ctx.json(body);
    }

    private ObjectNode artifactJson(long run, RunArtifacts.Artifact a) {
        ObjectNode o = json.createObjectNode();
        o.put("name", a.name()).put("size_in_bytes", a.sizeInBytes()).put("files", a.files())
                .put("archive_download_url", externalUrl + "/api/v1/runs/" + run + "/artifacts/"
                        + java.net.URLEncoder.encode(a.name(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"))
                .put("expired", a.expired(java.time.Instant.now())).put("created_at", a.createdAt().toString())
                .put("expires_at", a.expiresAt() == null ? null : a.expiresAt().toString());
        return o;
    }

    /** An artifact as a zip archive ({@code <name>.zip}), as GitHub's archive download gives it. */
    private void downloadArtifact(Context ctx) throws IOException {
        CiStore.RunRow r = run(ctx, false);
        String name = ctx.pathParam("name");
        RunArtifacts.Download artifact = runs.artifacts().require(r.id(), name); // 404 before any byte
        ctx.contentType("application/zip");
        ctx.header("Content-Disposition", "attachment; filename=\"" + name.replace("\"", "") + ".zip\"");
        OutputStream out = ctx.res().getOutputStream();
        artifact.zip(out);
        out.flush();
    }

    /**
     * Server-Sent Events from the first byte (or from {@code Last-Event-ID}): {@code event: chunk}
     * with {@code {"offset","ts","stream","data_base64"}} per chunk (base64 keeps every byte; with
     * {@code ?text=1} also {@code text}, a lossy UTF-8 rendering for convenience) and {@code id:} the offset after it,
     * then {@code event: end} with {@code {"exit_code"}}. A subscriber who joins late gets the
     * backlog first.
     */
    private void streamLog(Context ctx) throws Exception {
        CiStore.RunRow r = run(ctx, false);
        String task = ctx.pathParam("task");
        ctx.status(200);
        ctx.contentType("text/event-stream");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        // The task may not have started: wait for its log to exist (or for the run to end without it).
        String id = logId(ctx, r);
        while (!runs.logs().exists(id)) {
            CiStore.RunRow now = runs.require(r.id());
            CiStore.TaskRow t = runs.tasks(r.id()).stream().filter(x -> x.name().equals(task)).findFirst().orElseThrow();
            id = RunService.logId(r.id(), task, Math.max(1, t.attempt()));
            if (runs.logs().exists(id)) {
                break;
            }
            if (!now.status().equals("queued") && !now.status().equals("running") && !t.status().equals("pending") && !t.status().equals("running")) {
                send(out, "end", "{\"exit_code\":null,\"status\":\"" + t.status() + "\"}");
                return;
            }
            out.write(": waiting for the task to start\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(200);
        }
        CountDownLatch done = new CountDownLatch(1);
        boolean withText = "1".equals(ctx.queryParam("text")) || "true".equals(ctx.queryParam("text"));
        long from = 0;
        String lastEventId = ctx.header("Last-Event-ID");
        if (lastEventId != null && lastEventId.matches("\\d{1,18}")) {
            from = Long.parseLong(lastEventId);
        }
        LogHub.Subscription sub = hub.follow(id, from, new LogListener() {
            @Override
            public void onChunks(java.util.List<LogChunk> page) throws IOException {
                // One event per page; its id is the byte offset after it, so Last-Event-ID resumes exactly.
                for (LogChunk c : page) {
                    ObjectNode o = json.createObjectNode();
                    o.put("offset", c.offset());
                    o.put("ts", c.timestampMillis());
                    o.put("stream", c.stream().name().toLowerCase(java.util.Locale.ROOT));
                    o.put("data_base64", Base64.getEncoder().encodeToString(c.bytes()));
                    if (withText) {
                        o.put("text", new String(c.bytes(), StandardCharsets.UTF_8));
                    }
                    out.write(("id: " + c.end() + "\nevent: chunk\ndata: " + o + "\n\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            }

            @Override
            public void onEnd(int exitCode) {
                try {
                    send(out, "end", "{\"exit_code\":" + exitCode + "}");
                } catch (IOException ignored) {
                    // client gone
                }
                done.countDown();
            }

            @Override
            public void onError(Exception failure) {
                done.countDown();
            }
        });
        try {
            done.await();
        } finally {
            sub.cancel();
        }
    }

    private static void send(OutputStream out, String event, String data) throws IOException {
        out.write(("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
