package dev.slipway.actions.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;

/**
 * What the run a job belongs to says about itself: the values of the {@code github} context and
 * of the {@code GITHUB_*} environment variables. Build it with {@link #builder()}; values left out
 * are derived where GitHub derives them ({@code ref_name} and {@code ref_type} from {@code ref},
 * the owner from the repository, the API URLs from the server URL as Gitea has them).
 *
 * @param event the event's payload: the forge's webhook body ({@code github.event}), written to GITHUB_EVENT_PATH
 * @param token the run's job token: {@code secrets.GITHUB_TOKEN}, {@code secrets.GITEA_TOKEN} and
 *              {@code github.token}; never put into a step's environment unless the workflow does
 * @param debug the run is a re-run with debug logging (as if ACTIONS_STEP_DEBUG were true)
 */
public record RunInfo(String serverUrl, String apiUrl, String graphqlUrl, String repository, String repositoryOwner,
                      String sha, String ref, String refName, String refType, String headRef, String baseRef,
                      String eventName, JsonNode event, String runId, long runNumber, int runAttempt, String actor,
                      String triggeringActor, String workflow, String workflowRef, String token, boolean debug) {
    public RunInfo {
        serverUrl = strip(orEmpty(serverUrl));
        apiUrl = apiUrl == null ? serverUrl + "/api/v1" : apiUrl;
        graphqlUrl = graphqlUrl == null ? serverUrl + "/api/graphql" : graphqlUrl;
        repository = orEmpty(repository);
        repositoryOwner = repositoryOwner == null
                ? (repository.contains("/") ? repository.substring(0, repository.indexOf('/')) : repository)
                : repositoryOwner;
        sha = orEmpty(sha);
        ref = orEmpty(ref);
        refName = refName == null ? refName(ref) : refName;
        refType = refType == null ? refType(ref) : refType;
        headRef = orEmpty(headRef);
        baseRef = orEmpty(baseRef);
        eventName = eventName == null ? "push" : eventName;
        event = event == null ? JsonNodeFactory.instance.objectNode() : event;
        runId = orEmpty(runId);
        if (runNumber < 1 || runAttempt < 1) {
            throw new IllegalArgumentException("run number and attempt start at 1");
        }
        actor = orEmpty(actor);
        triggeringActor = triggeringActor == null ? actor : triggeringActor;
        workflow = orEmpty(workflow);
        workflowRef = orEmpty(workflowRef);
        token = orEmpty(token);
    }

    /**
     * The {@code github} context (also {@code gitea} and {@code forgejo}) of a job of this run.
     *
     * @param job the job's id, or "" for values of the workflow level (a job's {@code if}, its matrix)
     * @param workspace GITHUB_WORKSPACE as the job sees it, or ""
     * @param eventPath where the job finds the event payload, or ""
     */
    public com.fasterxml.jackson.databind.node.ObjectNode github(String job, String workspace, String eventPath) {
        com.fasterxml.jackson.databind.node.ObjectNode g = JsonNodeFactory.instance.objectNode();
        g.put("action", "");
        g.put("action_path", "");
        g.put("action_ref", "");
        g.put("action_repository", "");
        g.put("actor", actor);
        g.put("api_url", apiUrl);
        g.put("base_ref", baseRef);
        g.put("env", "");
        g.set("event", event);
        g.put("event_name", eventName);
        g.put("event_path", eventPath);
        g.put("graphql_url", graphqlUrl);
        g.put("head_ref", headRef);
        g.put("job", job);
        g.put("path", "");
        g.put("ref", ref);
        g.put("ref_name", refName);
        g.put("ref_type", refType);
        g.put("repository", repository);
        g.put("repository_owner", repositoryOwner);
        g.put("run_attempt", String.valueOf(runAttempt));
        g.put("run_id", runId);
        g.put("run_number", String.valueOf(runNumber));
        g.put("server_url", serverUrl);
        g.put("sha", sha);
        g.put("token", token);
        g.put("triggering_actor", triggeringActor);
        g.put("workflow", workflow);
        g.put("workflow_ref", workflowRef);
        g.put("workspace", workspace);
        return g;
    }

    public static Builder builder() {
        return new Builder();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String refName(String ref) {
        for (String prefix : new String[] {"refs/heads/", "refs/tags/", "refs/pull/"}) {
            if (ref.startsWith(prefix)) {
                return ref.substring(prefix.length());
            }
        }
        return ref;
    }

    private static String refType(String ref) {
        return ref.startsWith("refs/tags/") ? "tag" : ref.isEmpty() ? "" : "branch";
    }

    /** Sets the values one at a time; run number and attempt default to 1, the event to push. */
    public static final class Builder {
        private String serverUrl;
        private String apiUrl;
        private String graphqlUrl;
        private String repository;
        private String repositoryOwner;
        private String sha;
        private String ref;
        private String refName;
        private String refType;
        private String headRef;
        private String baseRef;
        private String eventName;
        private JsonNode event;
        private String runId;
        private long runNumber = 1;
        private int runAttempt = 1;
        private String actor;
        private String triggeringActor;
        private String workflow;
        private String workflowRef;
        private String token;
        private boolean debug;

        private Builder() {}

        public Builder serverUrl(String v) { serverUrl = v; return this; }
        public Builder apiUrl(String v) { apiUrl = v; return this; }
        public Builder graphqlUrl(String v) { graphqlUrl = v; return this; }
        public Builder repository(String v) { repository = v; return this; }
        public Builder repositoryOwner(String v) { repositoryOwner = v; return this; }
        public Builder sha(String v) { sha = v; return this; }
        public Builder ref(String v) { ref = v; return this; }
        public Builder refName(String v) { refName = v; return this; }
        public Builder refType(String v) { refType = v; return this; }
        public Builder headRef(String v) { headRef = v; return this; }
        public Builder baseRef(String v) { baseRef = v; return this; }
        public Builder event(String name, JsonNode payload) { eventName = Objects.requireNonNull(name); event = payload; return this; }
        public Builder runId(String v) { runId = v; return this; }
        public Builder runNumber(long v) { runNumber = v; return this; }
        public Builder runAttempt(int v) { runAttempt = v; return this; }
        public Builder actor(String v) { actor = v; return this; }
        public Builder triggeringActor(String v) { triggeringActor = v; return this; }
        public Builder workflow(String v) { workflow = v; return this; }
        public Builder workflowRef(String v) { workflowRef = v; return this; }
        public Builder token(String v) { token = v; return this; }
        public Builder debug(boolean v) { debug = v; return this; }

        public RunInfo build() {
            return new RunInfo(serverUrl, apiUrl, graphqlUrl, repository, repositoryOwner, sha, ref, refName, refType, headRef,
                    baseRef, eventName, event, runId, runNumber, runAttempt, actor, triggeringActor, workflow, workflowRef, token, debug);
        }
    }
}
