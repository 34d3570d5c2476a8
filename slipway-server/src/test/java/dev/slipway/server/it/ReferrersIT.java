package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OCI 1.1 referrers API with a signature-like and an SBOM-like artifact attached to an image:
 * listed with their artifact types and annotations, filtered, deleted; and referrers pushed before
 * their subject.
 */
class ReferrersIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SIGNATURE = "application/vnd.dev.cosign.artifact.sig.v1+json";
    static final String SBOM = "application/spdx+json";

    static TestServer server;
    static Http alice;
    static RegistryPush push;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        alice = Http.basic(server.baseUrl(), "alice", server.token("alice", "write:package"));
        push = new RegistryPush(alice);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static JsonNode referrers(String repository, String digest, String query) throws Exception {
        HttpResponse<String> r = alice.get("/v2/" + repository + "/referrers/" + digest + (query == null ? "" : "?" + query));
        assertThat(r.statusCode()).as("referrers: %s", r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith(RegistryPush.OCI_INDEX));
        JsonNode index = JSON.readTree(r.body());
        assertThat(index.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.path("mediaType").asText()).isEqualTo(RegistryPush.OCI_INDEX);
        assertThat(index.path("manifests").isArray()).isTrue();
        if (query != null && query.startsWith("artifactType=") && query.length() > "artifactType=".length()) {
            assertThat(r.headers().firstValue("OCI-Filters-Applied")).contains("artifactType");
        } else {
            assertThat(r.headers().firstValue("OCI-Filters-Applied")).isEmpty();
        }
        return index;
    }

    static List<String> digests(JsonNode index) {
        List<String> out = new ArrayList<>();
        index.path("manifests").forEach(m -> out.add(m.path("digest").asText()));
        return out;
    }

    static String filter(String artifactType) {
        return "artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8);
    }

    @Test
    void signatureAndSbomAreListedFilteredAndDeleted() throws Exception {
        String repo = "alice/signed";
        RegistryPush.Image image = push.image(repo, "v1", "signed-image");
        String sig = push.artifact(repo, image.manifestDescriptor(), SIGNATURE, "signature-bytes".getBytes(StandardCharsets.UTF_8),
                "{\"dev.cosignproject.cosign/signature\":\"MEUCIQ\",\"org.opencontainers.image.created\":\"2026-11-22T10:00:00Z\"}");
        String sbom = push.artifact(repo, image.manifestDescriptor(), SBOM, "{\"spdxVersion\":\"SPDX-2.3\"}".getBytes(StandardCharsets.UTF_8),
                "{\"org.example.sbom.format\":\"spdx\"}");

        JsonNode all = referrers(repo, image.digest(), null);
        assertThat(digests(all)).containsExactlyInAnyOrder(sig, sbom);
        for (JsonNode d : all.path("manifests")) {
            assertThat(d.path("mediaType").asText()).isEqualTo(RegistryPush.OCI_MANIFEST);
            // The descriptor's size is the referrer manifest's size, as pulled.
            HttpResponse<byte[]> m = alice.sendBytes(alice.request("/v2/" + repo + "/manifests/" + d.path("digest").asText()).GET());
            assertThat(d.path("size").asLong()).isEqualTo(m.body().length);
            if (d.path("digest").asText().equals(sig)) {
                assertThat(d.path("artifactType").asText()).isEqualTo(SIGNATURE);
                assertThat(d.path("annotations").path("dev.cosignproject.cosign/signature").asText()).isEqualTo("MEUCIQ");
                assertThat(d.path("annotations").path("org.opencontainers.image.created").asText()).isEqualTo("2026-11-22T10:00:00Z");
            } else {
                assertThat(d.path("artifactType").asText()).isEqualTo(SBOM);
                assertThat(d.path("annotations").path("org.example.sbom.format").asText()).isEqualTo("spdx");
            }
        }

        assertThat(digests(referrers(repo, image.digest(), filter(SBOM)))).containsExactly(sbom);
        assertThat(digests(referrers(repo, image.digest(), filter(SIGNATURE)))).containsExactly(sig);
        assertThat(digests(referrers(repo, image.digest(), filter("application/vnd.example.none")))).isEmpty();
        // The referrers do not show up as referrers of anything else, nor in another repository.
        assertThat(digests(referrers(repo, sig, null))).isEmpty();
        push.image("alice/other", "v1", "signed-image");
        assertThat(digests(referrers("alice/other", image.digest(), null))).isEmpty();
        // The image itself still pulls, and the artifacts are not tags.
        assertThat(RegistryPull.problems(alice, repo, "v1")).isEmpty();
        assertThat(alice.get("/v2/" + repo + "/tags/list").body()).contains("\"v1\"").doesNotContain("sha256");

        assertThat(alice.delete("/v2/" + repo + "/manifests/" + sig).statusCode()).isEqualTo(202);
        assertThat(digests(referrers(repo, image.digest(), null))).containsExactly(sbom);
        assertThat(digests(referrers(repo, image.digest(), filter(SIGNATURE)))).isEmpty();
        assertThat(alice.delete("/v2/" + repo + "/manifests/" + sbom).statusCode()).isEqualTo(202);
        assertThat(digests(referrers(repo, image.digest(), null))).isEmpty();
    }

    @Test
    void referrersMayBePushedBeforeTheirSubject() throws Exception {
        String repo = "alice/early";
        // The subject's descriptor is known (computed here) but the image is not pushed yet.
        RegistryPush.Image later = push.image("alice/elsewhere", "v1", "pushed-later");
        String subject = later.manifestDescriptor();
        assertThat(alice.get("/v2/" + repo + "/manifests/" + later.digest()).statusCode()).isEqualTo(404);
        assertThat(digests(referrers(repo, later.digest(), null))).isEmpty();

        String sig = push.artifact(repo, subject, SIGNATURE, "early-signature".getBytes(StandardCharsets.UTF_8), null);
        JsonNode listed = referrers(repo, later.digest(), null);
        assertThat(digests(listed)).containsExactly(sig);
        assertThat(listed.path("manifests").path(0).path("artifactType").asText()).isEqualTo(SIGNATURE);
        assertThat(listed.path("manifests").path(0).has("annotations")).isFalse();

        // Pushing the subject afterwards changes nothing about its referrers.
        push.image(repo, "v1", "pushed-later");
        assertThat(alice.get("/v2/" + repo + "/manifests/v1").headers().firstValue("Docker-Content-Digest")).contains(later.digest());
        assertThat(digests(referrers(repo, later.digest(), null))).containsExactly(sig);
    }

    @Test
    void anIndexCanBeAReferrerAndAnImageWithoutArtifactTypeIsListedByItsConfigType() throws Exception {
        String repo = "alice/kinds";
        RegistryPush.Image image = push.image(repo, "v1", "kinds-image");
        // An image manifest with a subject but no artifactType: its config media type is its artifact type.
        RegistryPush.Image attached = push.image(repo, "tmp", "kinds-attached");
        byte[] plain = ("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":" + attached.configDescriptor()
                + ",\"layers\":[" + attached.layerDescriptor() + "],\"subject\":" + image.manifestDescriptor() + "}").getBytes(StandardCharsets.UTF_8);
        String plainDigest = push.manifest(repo, RegistryPush.sha256(plain), RegistryPush.OCI_MANIFEST, plain);
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_INDEX + "\",\"artifactType\":\"application/vnd.example.bundle\","
                + "\"manifests\":[" + attached.manifestDescriptor() + "],\"subject\":" + image.manifestDescriptor()
                + ",\"annotations\":{\"kind\":\"bundle\"}}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> put = push.putManifest(repo, RegistryPush.sha256(index), RegistryPush.OCI_INDEX, index);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("OCI-Subject")).contains(image.digest());

        JsonNode all = referrers(repo, image.digest(), null);
        assertThat(digests(all)).containsExactlyInAnyOrder(plainDigest, RegistryPush.sha256(index));
        for (JsonNode d : all.path("manifests")) {
            if (d.path("digest").asText().equals(plainDigest)) {
                assertThat(d.path("artifactType").asText()).isEqualTo(RegistryPush.OCI_CONFIG);
            } else {
                assertThat(d.path("mediaType").asText()).isEqualTo(RegistryPush.OCI_INDEX);
                assertThat(d.path("artifactType").asText()).isEqualTo("application/vnd.example.bundle");
                assertThat(d.path("annotations").path("kind").asText()).isEqualTo("bundle");
            }
        }
        assertThat(digests(referrers(repo, image.digest(), filter("application/vnd.example.bundle"))))
                .containsExactly(RegistryPush.sha256(index));
    }

    @Test
    void referrersNeedPullRightsAndAValidDigest() throws Exception {
        String repo = "alice/private-refs";
        RegistryPush.Image image = push.image(repo, "v1", "private-refs");
        HttpResponse<String> anonymous = Http.anonymous(server.baseUrl()).get("/v2/" + repo + "/referrers/" + image.digest());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> bad = alice.get("/v2/" + repo + "/referrers/sha256:nothex");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(AuthorizationIT.code(bad)).isEqualTo("DIGEST_INVALID");
        // An empty artifactType filter is no filter.
        push.artifact(repo, image.manifestDescriptor(), SIGNATURE, "x".getBytes(StandardCharsets.UTF_8), null);
        assertThat(digests(referrers(repo, image.digest(), "artifactType="))).hasSize(1);
    }
}
