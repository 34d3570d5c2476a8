package dev.slipway.server.it;

import dev.slipway.core.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Pushes over the raw OCI API, for tests that need content without a docker engine. */
public final class RegistryPushes {
    private RegistryPushes() {}

    /** Monolithic upload: POST then PUT with the whole body. */
    public static Digest pushBlob(Http http, String repository, byte[] content) {
        Digest digest = Digest.sha256(content);
        HttpResponse<String> post = http.post("/v2/" + repository + "/blobs/uploads/", "application/octet-stream", new byte[0]);
        if (post.statusCode() != 202) {
            throw new AssertionError("upload start failed: " + post.statusCode() + " " + post.body());
        }
        String location = post.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> put = http.put(location + (location.contains("?") ? "&" : "?") + "digest=" + digest,
                "application/octet-stream", content);
        if (put.statusCode() != 201) {
            throw new AssertionError("upload failed: " + put.statusCode() + " " + put.body());
        }
        return digest;
    }

    public static byte[] imageManifest(Digest config, long configSize, Digest layer, long layerSize) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":" + configSize + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layer + "\",\"size\":" + layerSize + "}]}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
