package dev.slipway.ci.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One commit status to post, as the outbox keeps it. Where it goes (forge, API URL, repository on
 * the forge) and the token are looked up when it is sent, so a fixed setting or a rotated token
 * applies to statuses still waiting.
 */
record Posting(long run, String owner, String repo, String sha, String context, String state, String description, String targetUrl) {
    private static final ObjectMapper JSON = new ObjectMapper();

    String write() {
        return JSON.createObjectNode().put("run", run).put("owner", owner).put("repo", repo).put("sha", sha).put("context", context)
                .put("state", state).put("description", description).put("target_url", targetUrl).toString();
    }

    static Posting read(String payload) {
        try {
            JsonNode n = JSON.readTree(payload);
            return new Posting(n.path("run").asLong(), n.path("owner").asText(), n.path("repo").asText(), n.path("sha").asText(),
                    n.path("context").asText(), n.path("state").asText(), n.path("description").asText(), n.path("target_url").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable commit status in the outbox: " + payload, e);
        }
    }

    /** Statuses of one commit and context reach the forge one at a time, in order: a success never overtakes its pending. */
    String orderingKey() {
        return "commit-status:" + owner + "/" + repo + ":" + sha + ":" + context;
    }
}
