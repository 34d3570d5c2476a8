package dev.slipway.registry.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The JSON body of an event: what the outbox stores and webhooks receive (documented in docs/events.md). */
final class EventJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventJson() {}

    static String write(RegistryEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", e.id());
        o.put("event", e.kind());
        o.put("timestamp", Instant.ofEpochMilli(e.at()).toString());
        o.put("repository", e.repository());
        o.put("owner", e.owner());
        o.put("actor", e.actor());
        switch (e) {
            case RegistryEvent.ManifestPushed p -> {
                o.put("tag", p.tag());
                o.put("digest", p.digest().toString());
                o.put("media_type", p.mediaType());
                o.put("size", p.size());
            }
            case RegistryEvent.TagDeleted t -> {
                o.put("tag", t.tag());
                o.put("digest", t.digest().toString());
            }
            case RegistryEvent.ManifestDeleted d -> {
                o.put("digest", d.digest().toString());
                ArrayNode tags = o.putArray("tags");
                d.tags().forEach(tags::add);
            }
        }
        return o.toString();
    }

    static RegistryEvent read(String payload) {
        JsonNode o;
        try {
            o = JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String id = o.path("id").asText();
        long at = Instant.parse(o.path("timestamp").asText()).toEpochMilli();
        String repository = o.path("repository").asText();
        String actor = o.path("actor").isNull() ? null : o.path("actor").asText(null);
        Digest digest = Digest.parse(o.path("digest").asText());
        String tag = o.path("tag").isNull() ? null : o.path("tag").asText(null);
        return switch (o.path("event").asText()) {
            case "manifest.pushed" -> new RegistryEvent.ManifestPushed(id, at, repository, actor, tag, digest,
                    o.path("media_type").asText(), o.path("size").asLong());
            case "tag.deleted" -> new RegistryEvent.TagDeleted(id, at, repository, actor, tag, digest);
            case "manifest.deleted" -> {
                List<String> tags = new ArrayList<>();
                o.path("tags").forEach(t -> tags.add(t.asText()));
                yield new RegistryEvent.ManifestDeleted(id, at, repository, actor, digest, tags);
            }
            default -> throw new IllegalArgumentException("unknown event kind in " + payload);
        };
    }
}
