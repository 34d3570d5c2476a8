package dev.slipway.ci.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.secret.Environment;
import dev.slipway.ci.secret.EnvironmentApprovals;
import dev.slipway.ci.secret.Environments;
import dev.slipway.ci.secret.SecretScope;
import dev.slipway.ci.secret.Variable;
import dev.slipway.ci.secret.Variables;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.json.RequestBody;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Configuration variables in Gitea's Actions variables shape, and deployment environments in
 * GitHub's, under {@code /api/v1}. Unlike secrets, variable values are readable. Permissions are
 * the secrets' ({@link ScopeAccess}).
 *
 * <p>Variables: {@code GET .../actions/variables} lists, {@code GET .../{name}} reads,
 * {@code POST .../{name}} with {@code {"value", "description"}} creates (201; 409 if it exists),
 * {@code PUT .../{name}} with {@code {"value", "name", "description"}} changes (204; 404 if it does
 * not exist), {@code DELETE .../{name}} deletes (204). Each variable is Gitea's
 * {@code ActionVariable} ({@code owner_id}, {@code repo_id}, {@code name}, {@code data},
 * {@code description}) plus Slipway's {@code scope}, {@code created_at} and {@code updated_at}.
 *
 * <p>Pending deployments (GitHub's): {@code GET /repos/{owner}/{repo}/actions/runs/{run}/pending_deployments}
 * lists the environments a run's jobs wait for; {@code POST} with
 * {@code {"environments": ["production"], "state": "approved"|"rejected", "comment"}} decides, by one
 * of each environment's reviewers.
 */
public final class VariableRoutes {
    /** Gitea's paging: 30 a page unless {@code limit} says otherwise, at most 50. */
    private static final int DEFAULT_LIMIT = 30;
    private static final int MAX_LIMIT = 50;
    /** Gitea's fields; Gitea's and Forgejo's Go SDKs also send the name, which must then be the path's. */
    private static final RequestBody.Fields CREATE = RequestBody.Fields.of("value", "description", "name").alias("data", "value");
    private static final RequestBody.Fields UPDATE = RequestBody.Fields.of("value", "name", "description").alias("data", "value");
    private static final RequestBody.Fields ENVIRONMENT = RequestBody.Fields.of("url", "reviewers")
            .alias("required_reviewers", "reviewers").alias("environment_url", "url");
    private static final RequestBody.Fields DECISION = RequestBody.Fields.of("environments", "state", "comment")
            .alias("environment_ids", "environments").alias("environment", "environments");

    private final Variables variables;
    private final Environments environments;
    private final EnvironmentApprovals approvals;
    private final ScopeAccess access;
    private final ObjectMapper json = new ObjectMapper();

    /** @param authenticate the API's authentication: the caller, or a 401 when there are no credentials */
    public VariableRoutes(Variables variables, Environments environments, EnvironmentApprovals approvals, Identity identity,
                          Function<Context, Principal> authenticate) {
        this.variables = variables;
        this.environments = environments;
        this.approvals = approvals;
        this.access = new ScopeAccess(identity, environments, authenticate);
    }

    public void register(RoutesConfig routes) {
        access.collections("variables").forEach((path, scope) -> {
            routes.get(path, ctx -> list(ctx, scope.apply(ctx)));
            routes.get(path + "/{name}", ctx -> get(ctx, scope.apply(ctx)));
            routes.post(path + "/{name}", ctx -> create(ctx, scope.apply(ctx)));
            routes.put(path + "/{name}", ctx -> update(ctx, scope.apply(ctx)));
            routes.delete(path + "/{name}", ctx -> delete(ctx, scope.apply(ctx)));
        });

        String environment = "/api/v1/repos/{owner}/{repo}/environments";
        routes.get(environment, this::listEnvironments);
        routes.get(environment + "/{environment}", ctx -> respond(ctx, 200, environmentJson(access.environmentOf(ctx))));
        routes.put(environment + "/{environment}", this::putEnvironment);
        routes.delete(environment + "/{environment}", this::deleteEnvironment);

        String pending = "/api/v1/repos/{owner}/{repo}/actions/runs/{run}/pending_deployments";
        routes.get(pending, this::pendingDeployments);
        routes.post(pending, this::decide);
    }

    // ---- variables

    private void list(Context ctx, SecretScope scope) {
        List<Variable> all = variables.list(scope);
        List<Variable> page = all;
        if (ctx.queryParam("page") != null || ctx.queryParam("limit") != null) {
            int limit = Math.min(positive(ctx, "limit", DEFAULT_LIMIT), MAX_LIMIT);
            long from = (long) (positive(ctx, "page", 1) - 1) * limit;
            page = from >= all.size() ? List.of() : all.subList((int) from, (int) Math.min(all.size(), from + limit));
        }
        ArrayNode arr = json.createArrayNode();
        page.forEach(v -> arr.add(variableJson(v)));
        ctx.header("X-Total-Count", Integer.toString(all.size()));
        respond(ctx, 200, arr);
    }

    private void get(Context ctx, SecretScope scope) {
        respond(ctx, 200, variableJson(variables.get(scope, ctx.pathParam("name"))));
    }

    private void create(Context ctx, SecretScope scope) {
        RequestBody body = RequestBody.parse(ctx.bodyAsBytes(), CREATE);
        String name = ctx.pathParam("name");
        String named = body.text("name");
        if (named != null && !Variables.canonicalName(named).equals(Variables.canonicalName(name))) {
            throw new SlipwayException.BadRequest("the body names variable '" + named + "' but the path '" + name
                    + "': POST creates the variable the path names (rename with PUT)");
        }
        variables.create(scope, name, value(body), body.text("description"));
        ctx.status(201);
    }

    private void update(Context ctx, SecretScope scope) {
        RequestBody body = RequestBody.parse(ctx.bodyAsBytes(), UPDATE);
        variables.update(scope, ctx.pathParam("name"), body.text("name"), value(body), body.text("description"));
        ctx.status(204);
    }

    private void delete(Context ctx, SecretScope scope) {
        variables.delete(scope, ctx.pathParam("name"));
        ctx.status(204);
    }

    private static String value(RequestBody body) {
        String v = body.text("value");
        if (v == null) {
            throw new SlipwayException.BadRequest("send {\"value\": \"<value>\"} (and optionally \"description\")");
        }
        return v;
    }

    /** Gitea's ActionVariable. Slipway has no numeric owner and repository ids: owner_id and repo_id are 0, scope says where it applies. */
    private ObjectNode variableJson(Variable v) {
        return json.createObjectNode().put("owner_id", 0).put("repo_id", 0).put("name", v.name()).put("data", v.value())
                .put("description", v.description()).put("scope", v.scope().wireName())
                .put("created_at", Instant.ofEpochMilli(v.createdAt()).toString())
                .put("updated_at", Instant.ofEpochMilli(v.updatedAt()).toString());
    }

    private static int positive(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        try {
            int n = v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
            return n < 1 ? fallback : n;
        } catch (NumberFormatException e) {
            throw new SlipwayException.BadRequest(name + " must be a positive integer, got '" + v + "'");
        }
    }

    // ---- environments

    private void listEnvironments(Context ctx) {
        SecretScope.Repository repo = access.repository(ctx);
        List<Environment> all = environments.list(repo.owner(), repo.name());
        ObjectNode out = json.createObjectNode().put("total_count", all.size());
        ArrayNode arr = out.putArray("environments");
        all.forEach(e -> arr.add(environmentJson(e)));
        respond(ctx, 200, out);
    }

    /** GitHub's PUT: creates or replaces (a field left out is cleared) and answers 200 with the environment either way. */
    private void putEnvironment(Context ctx) {
        SecretScope.Repository repo = access.repository(ctx);
        RequestBody body = RequestBody.parse(ctx.bodyAsBytes(), ENVIRONMENT);
        String name = ctx.pathParam("environment");
        environments.put(repo.owner(), repo.name(), name, body.text("url"), reviewers(body.get("reviewers")));
        respond(ctx, 200, environmentJson(environments.require(repo.owner(), repo.name(), name)));
    }

    private void deleteEnvironment(Context ctx) {
        SecretScope.Repository repo = access.repository(ctx);
        environments.delete(repo.owner(), repo.name(), ctx.pathParam("environment"));
        ctx.status(204);
    }

    /** User names, as strings or as GitHub's reviewer objects with a login ({"type": "User", "login": "alice"}). */
    private static List<String> reviewers(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new SlipwayException.BadRequest("'reviewers' must be a list of user names, such as [\"alice\", \"bob\"]");
        }
        for (JsonNode r : node) {
            if (r.isTextual()) {
                out.add(r.asText());
            } else if (r.isObject() && r.path("login").isTextual() && (!r.has("type") || r.path("type").asText().equals("User"))) {
                out.add(r.get("login").asText());
            } else {
                throw new SlipwayException.BadRequest("reviewer " + r + " is not a user name: send \"reviewers\": [\"alice\", \"bob\"] "
                        + "(Slipway's reviewers are users, named by login; GitHub's numeric ids and teams are not taken)");
            }
        }
        return out;
    }

    /** GitHub's environment, with its required_reviewers rule, plus the reviewers' names and the URL as plain fields. */
    private ObjectNode environmentJson(Environment e) {
        ObjectNode o = json.createObjectNode().put("name", e.name());
        if (e.url() == null) {
            o.putNull("url");
        } else {
            o.put("url", e.url());
        }
        ArrayNode names = o.putArray("reviewers");
        e.reviewers().forEach(names::add);
        ArrayNode rules = o.putArray("protection_rules");
        if (e.requiresApproval()) {
            ObjectNode rule = rules.addObject().put("type", "required_reviewers");
            ArrayNode people = rule.putArray("reviewers");
            e.reviewers().forEach(r -> people.addObject().put("type", "User").putObject("reviewer").put("login", r));
        }
        o.put("created_at", Instant.ofEpochMilli(e.createdAt()).toString());
        o.put("updated_at", Instant.ofEpochMilli(e.updatedAt()).toString());
        return o;
    }

    // ---- pending deployments

    private void pendingDeployments(Context ctx) {
        SecretScope.Repository repo = access.repository(ctx);
        String user = access.requireAdminScope(ctx).username();
        ArrayNode arr = json.createArrayNode();
        for (EnvironmentApprovals.Deployment d : approvals.waiting(repo.owner(), repo.name(), runId(ctx))) {
            ObjectNode o = arr.addObject();
            o.putObject("environment").put("name", d.environment());
            o.put("wait_timer", 0);
            o.put("current_user_can_approve", d.reviewers().contains(user));
            ArrayNode people = o.putArray("reviewers");
            d.reviewers().forEach(r -> people.addObject().put("type", "User").putObject("reviewer").put("login", r));
        }
        respond(ctx, 200, arr);
    }

    /** Any caller with a password or an admin-scoped token; {@link EnvironmentApprovals#decide} checks that they are a reviewer. */
    private void decide(Context ctx) {
        String user = access.requireAdminScope(ctx).username();
        SecretScope.Repository repo = new SecretScope.Repository(ctx.pathParam("owner"), ctx.pathParam("repo"));
        long run = runId(ctx);
        RequestBody body = RequestBody.parse(ctx.bodyAsBytes(), DECISION);
        String state = body.text("state");
        if (state == null || !(state.equals("approved") || state.equals("rejected"))) {
            throw new SlipwayException.BadRequest("send \"state\": \"approved\" or \"rejected\", with \"environments\": [\"<name>\"]");
        }
        JsonNode named = body.get("environments");
        List<String> names = new ArrayList<>();
        if (named != null && named.isTextual()) {
            names.add(named.asText());
        } else if (named != null && named.isArray() && named.size() > 0) {
            for (JsonNode n : named) {
                if (!n.isTextual()) {
                    throw new SlipwayException.BadRequest("environment " + n + " is not a name: send \"environments\": [\"production\"] "
                            + "(Slipway names environments; GitHub's numeric ids are not taken)");
                }
                names.add(n.asText());
            }
        } else {
            throw new SlipwayException.BadRequest("send \"environments\": [\"<name>\", ...], the environments to decide on");
        }
        ArrayNode arr = json.createArrayNode();
        for (String name : names) {
            EnvironmentApprovals.Deployment d = approvals.decide(repo.owner(), repo.name(), run, name, user, state.equals("approved"),
                    body.text("comment"));
            arr.addObject().put("environment", d.environment()).put("state", d.state()).put("decided_by", d.decidedBy());
        }
        respond(ctx, 200, arr);
    }

    private static long runId(Context ctx) {
        String run = ctx.pathParam("run");
        try {
            return Long.parseLong(run);
        } catch (NumberFormatException e) {
            throw new SlipwayException.BadRequest("invalid run id '" + run + "': use the run's number");
        }
    }

    private static void respond(Context ctx, int status, JsonNode node) {
        ctx.status(status).contentType("application/json").result(node.toString());
    }
}
