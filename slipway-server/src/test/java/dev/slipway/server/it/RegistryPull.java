package dev.slipway.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Pulls an image the way a client does (manifest, then every manifest an index lists, then every
 * blob) and checks each piece against its digest, computed here. Returns the problems instead of
 * failing, so concurrent tests can collect them.
 */
public final class RegistryPull {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCEPT = String.join(",", RegistryPush.OCI_MANIFEST, RegistryPush.OCI_INDEX,
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json");

    private RegistryPull() {}

    /** Everything wrong with pulling {@code reference} (a tag or digest): empty if it pulls completely and verifies. */
    public static List<String> problems(Http http, String repository, String reference) {
        List<String> problems = new ArrayList<>();
        pullManifest(http, repository, reference, null, problems);
        return problems;
    }

    private static void pullManifest(Http http, String repository, String reference, String expectedDigest, List<String> problems) {
        HttpResponse<byte[]> r = http.sendBytes(http.request("/v2/" + repository + "/manifests/" + reference).header("Accept", ACCEPT).GET());
        String where = repository + "/manifests/" + reference;
        if (r.statusCode() != 200) {
            problems.add(where + ": " + r.statusCode() + " " + new String(r.body()));
            return;
        }
        String digest = RegistryPush.sha256(r.body());
        if (expectedDigest != null && !expectedDigest.equals(digest)) {
            problems.add(where + ": content has digest " + digest);
        }
        if (!r.headers().firstValue("Docker-Content-Digest").orElse("").equals(digest)) {
            problems.add(where + ": Docker-Content-Digest " + r.headers().firstValue("Docker-Content-Digest") + " but content is " + digest);
        }
        JsonNode m;
        try {
            m = JSON.readTree(r.body());
        } catch (IOException e) {
            problems.add(where + ": not JSON");
            return;
        }
        for (JsonNode child : m.path("manifests")) {
            pullManifest(http, repository, child.path("digest").asText(), child.path("digest").asText(), problems);
        }
        List<JsonNode> blobs = new ArrayList<>();
        if (m.has("config")) {
            blobs.add(m.get("config"));
        }
        m.path("layers").forEach(blobs::add);
        for (JsonNode b : blobs) {
            String blobDigest = b.path("digest").asText();
            HttpResponse<byte[]> br = http.sendBytes(http.request("/v2/" + repository + "/blobs/" + blobDigest).GET());
            if (br.statusCode() != 200) {
                problems.add(where + ": blob " + blobDigest + ": " + br.statusCode() + " " + new String(br.body()));
            } else if (!RegistryPush.sha256(br.body()).equals(blobDigest) || br.body().length != b.path("size").asLong()) {
                problems.add(where + ": blob " + blobDigest + " has the wrong content (" + br.body().length + " bytes)");
            }
        }
    }
}
