package dev.slipway.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.Suggestions;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON object an API request sends, read once for every handler: an empty body is {@code {}},
 * anything but an object is a 400, and a field the request does not take is a 400 that names it
 * (with the field meant, when it is close or a known alias), so a typo never silently falls back
 * to a default.
 */
public final class RequestBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode node;

    private RequestBody(ObjectNode node) {
        this.node = node;
    }

    /**
     * The fields a request takes, and names people send by mistake with the field they meant
     * ({@code branch} for {@code ref}).
     */
    public record Fields(Set<String> names, Map<String, String> aliases) {
        public Fields {
            names = Set.copyOf(names);
            aliases = Map.copyOf(aliases);
        }

        public static Fields of(String... names) {
            return new Fields(new LinkedHashSet<>(List.of(names)), Map.of());
        }

        /** The same fields, with {@code mistaken} answered by "did you mean '{@code meant}'?". */
        public Fields alias(String mistaken, String meant) {
            Map<String, String> more = new java.util.HashMap<>(aliases);
            more.put(mistaken, meant);
            return new Fields(names, more);
        }
    }

    /** Reads {@code body} and refuses fields outside {@code fields}. */
    public static RequestBody parse(byte[] body, Fields fields) {
        RequestBody b = parse(body);
        for (var it = b.node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.names().contains(f)) {
                String meant = fields.aliases().get(f);
                String hint = meant != null ? " (did you mean '" + meant + "'?)" : Suggestions.didYouMean(f, fields.names());
                throw new SlipwayException.BadRequest("unknown field '" + f + "'" + hint + (fields.names().isEmpty()
                        ? "; this request takes no fields" : "; this request takes " + String.join(", ", fields.names().stream().sorted().toList())));
            }
        }
        return b;
    }

    public static RequestBody parse(byte[] body, String... fields) {
        return parse(body, Fields.of(fields));
    }

    private static RequestBody parse(byte[] body) {
        if (body == null || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return new RequestBody(JSON.createObjectNode());
        }
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new SlipwayException.BadRequest("request body is not valid JSON: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (n instanceof ObjectNode o) {
            return new RequestBody(o);
        }
        throw new SlipwayException.BadRequest("request body must be a JSON object");
    }

    public boolean has(String field) {
        return node.has(field);
    }

    /** The field's value, or null when absent (a JSON null is returned as a NullNode). */
    public JsonNode get(String field) {
        return node.get(field);
    }

    /** A string field, or null when absent or null; 400 when it is not a string. */
    public String text(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new SlipwayException.BadRequest("'" + field + "' must be a string");
        }
        return v.asText();
    }

    /** A string field that must be there and not blank. */
    public String requireText(String field) {
        String v = text(field);
        if (v == null || v.isBlank()) {
            throw new SlipwayException.BadRequest("'" + field + "' is required");
        }
        return v;
    }

    public ObjectNode node() {
        return node;
    }
}
