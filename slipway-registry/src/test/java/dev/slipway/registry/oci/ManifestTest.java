package dev.slipway.registry.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestTest {
    static final String D1 = "sha256:" + "1".repeat(64);
    static final String D2 = "sha256:" + "2".repeat(64);

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesAnImageManifestWithSubject() {
        Manifest m = Manifest.parse(b("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.example.sbom","digest":"%s","size":2},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":10}],
                 "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":5},
                 "annotations":{"org.example":"x"}}""".formatted(D1, D2, D1)), null);
        assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(m.blobs()).hasSize(2);
        assertThat(m.artifactType()).isEqualTo("application/vnd.example.sbom");
        assertThat(m.subject().digest().toString()).isEqualTo(D1);
        assertThat(m.annotations()).containsEntry("org.example", "x");
    }

    @Test
    void parsesIndexesAndInfersTypes() {
        Manifest m = Manifest.parse(b("""
                {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":7,
                 "platform":{"os":"linux","architecture":"amd64"}}]}""".formatted(D1)), "application/vnd.oci.image.index.v1+json");
        assertThat(m.isIndex()).isTrue();
        assertThat(m.children()).hasSize(1);
    }

    @Test
    void rejectsInvalidManifests() {
        String[] bad = {
                "not json", "[]", "{}", "{\"schemaVersion\":1,\"config\":{}}",
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}",
                "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:abc\",\"size\":1},\"layers\":[]}",
                "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" + D1 + "\",\"size\":-1},\"layers\":[]}",
                "{\"schemaVersion\":2,\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" + D1 + "\",\"size\":1},\"layers\":[]}",
                "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" + D1 + "\",\"size\":1},\"layers\":[]} trailing",
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+json\"}",
        };
        for (String s : bad) {
            assertThatThrownBy(() -> Manifest.parse(b(s), null)).as(s).isInstanceOf(RegistryException.class)
                    .extracting(e -> ((RegistryException) e).error()).isEqualTo(OciError.MANIFEST_INVALID);
        }
        // Content-Type and mediaType must agree.
        assertThatThrownBy(() -> Manifest.parse(b("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}"),
                MediaTypes.OCI_MANIFEST)).hasMessageContaining("does not match");
    }
}
