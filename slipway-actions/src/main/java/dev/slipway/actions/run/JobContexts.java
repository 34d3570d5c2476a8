package dev.slipway.actions.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contexts a job's expressions see that the scheduler knows before the job starts.
 *
 * @param vars configuration variables ({@code vars})
 * @param secrets the job's secrets ({@code secrets}); all of them are masked in the log. The run's
 *                job token is added as GITHUB_TOKEN and GITEA_TOKEN unless given here.
 * @param inputs {@code inputs} (workflow_dispatch or workflow_call), an object
 * @param matrix this job's {@code matrix} combination, an object (empty without a matrix)
 * @param strategy {@code strategy}: fail-fast, job-index, job-total, max-parallel
 * @param needs {@code needs}: per job it needs, {@code result} and {@code outputs}
 * @param container {@code job.container} ({@code id}, {@code network}), or null without one
 * @param services {@code job.services}, an object (empty without services)
 */
public record JobContexts(Map<String, String> vars, Map<String, String> secrets, JsonNode inputs, JsonNode matrix,
                          JsonNode strategy, JsonNode needs, JsonNode container, JsonNode services) {
    public static final JobContexts EMPTY = new JobContexts(null, null, null, null, null, null, null, null);

    public JobContexts {
        vars = copy(vars);
        secrets = copy(secrets);
        inputs = object(inputs);
        matrix = object(matrix);
        strategy = object(strategy);
        needs = object(needs);
        services = object(services);
    }

    /** These secrets and variables, everything else empty. */
    public static JobContexts of(Map<String, String> secrets, Map<String, String> vars) {
        return new JobContexts(vars, secrets, null, null, null, null, null, null);
    }

    private static Map<String, String> copy(Map<String, String> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map == null ? Map.of() : map));
    }

    private static JsonNode object(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
    }
}
