package dev.slipway.registry.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventJsonTest {
    static final Digest D = Digest.sha256("manifest");

    @Test
    void everyKindSurvivesTheOutboxRoundTrip() {
        List<RegistryEvent> events = List.of(
                new RegistryEvent.ManifestPushed("e1", 1_700_000_000_123L, "alice/web", "alice", "v1", D,
                        "application/vnd.oci.image.manifest.v1+json", 430),
                new RegistryEvent.ManifestPushed("e2", 1_700_000_000_124L, "org/a/b", null, null, D, "x", 1),
                new RegistryEvent.TagDeleted("e3", 1_700_000_000_125L, "alice/web", "bob", "v1", D),
                new RegistryEvent.ManifestDeleted("e4", 1_700_000_000_126L, "alice/web", "alice", D, List.of("v2", "v3")));
        for (RegistryEvent e : events) {
            assertThat(EventJson.read(EventJson.write(e))).isEqualTo(e);
        }
    }

    @Test
    void theWireFormatIsTheDocumentedOne() {
        String json = EventJson.write(new RegistryEvent.ManifestPushed("e1", 1_700_000_000_123L, "org/a/b", "alice", "v1", D,
                "application/vnd.oci.image.manifest.v1+json", 430));
        assertThat(json).isEqualTo("{\"id\":\"e1\",\"event\":\"manifest.pushed\",\"timestamp\":\"2023-11-14T22:13:20.123Z\","
                + "\"repository\":\"org/a/b\",\"owner\":\"org\",\"actor\":\"alice\",\"tag\":\"v1\",\"digest\":\"" + D + "\","
                + "\"media_type\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":430}");
    }

    @Test
    void signaturesAreHmacSha256AndRetriesBackOffToACap() {
        // RFC 4231, test case 2.
        assertThat(WebhookDispatcher.signature("Jefe", "what do ya want for nothing?".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assertThat(WebhookDispatcher.backoffMillis(1)).isEqualTo(1_000);
        assertThat(WebhookDispatcher.backoffMillis(2)).isEqualTo(2_000);
        assertThat(WebhookDispatcher.backoffMillis(10)).isEqualTo(512_000);
        assertThat(WebhookDispatcher.backoffMillis(11)).isEqualTo(900_000);
        assertThat(WebhookDispatcher.backoffMillis(40)).isEqualTo(900_000);
    }
}
