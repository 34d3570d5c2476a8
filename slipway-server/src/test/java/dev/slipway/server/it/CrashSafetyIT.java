package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a real server process in the middle of large uploads, then a restart on the same data:
 * nothing partial is visible and everything pushed before is still served intact.
 */
class CrashSafetyIT {
    @Test
    void killDuringLargeUploadsLosesNothingAndExposesNothingPartial() throws Exception {
        Path data = Files.createTempDirectory("slipway-crash-");
        ServerProcess server = new ServerProcess(data).start();
        Http http = Http.basic(server.baseUrl(), "admin", ServerProcess.ADMIN_PASSWORD);

        byte[] layer = "layer pushed before the crash\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        RegistryPush push = new RegistryPush(http);
        Digest layerDigest = Digest.parse(push.blob("admin/app", layer));
        String configDigest = push.blob("admin/app", config);
        byte[] manifest = RegistryPush.imageManifest(RegistryPush.descriptor(RegistryPush.OCI_CONFIG, configDigest, config.length),
                RegistryPush.descriptor(RegistryPush.OCI_LAYER, layerDigest.toString(), layer.length));
        assertThat(http.put("/v2/admin/app/manifests/v1", "application/vnd.oci.image.manifest.v1+json", manifest).statusCode()).isEqualTo(201);

        // Two large uploads in flight: a chunked PATCH and a monolithic POST ?digest=, each stalled halfway.
        AtomicLong sentChunked = new AtomicLong();
        AtomicLong sentMonolithic = new AtomicLong();
        HttpResponse<String> started = http.post("/v2/admin/app/blobs/uploads/", "application/octet-stream", new byte[0]);
        String location = started.headers().firstValue("Location").orElseThrow();
        Thread chunked = Thread.ofVirtual().start(() -> sendQuietly(http, http.request(location)
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new StallingStream(64 << 20, 32 << 20, sentChunked)))));
        String bogus = "sha256:" + "ab".repeat(32);
        Thread monolithic = Thread.ofVirtual().start(() -> sendQuietly(http, http.request("/v2/admin/app/blobs/uploads/?digest=" + bogus)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new StallingStream(64 << 20, 24 << 20, sentMonolithic)))));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while ((sentChunked.get() < (32 << 20) || sentMonolithic.get() < (24 << 20)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(sentChunked.get()).isGreaterThanOrEqualTo(32 << 20);
        Thread.sleep(500); // let the server write what it received
        server.kill();
        chunked.join(10_000);
        monolithic.join(10_000);

        try (ServerProcess restarted = new ServerProcess(data, server).start()) {
            // Everything acknowledged before the crash is served, byte for byte.
            HttpResponse<byte[]> m = http.sendBytes(http.request("/v2/admin/app/manifests/v1")
                    .header("Accept", "application/vnd.oci.image.manifest.v1+json").GET());
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.body()).isEqualTo(manifest);
            HttpResponse<byte[]> l = http.sendBytes(http.request("/v2/admin/app/blobs/" + layerDigest).GET());
            assertThat(l.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(l.body())).isEqualTo(layerDigest);

            // Nothing partial is visible: every committed file's content matches its digest name,
            // and the repository still has exactly the blobs pushed before.
            Path blobs = data.resolve("registry").resolve("blobs");
            List<String> mismatched = new ArrayList<>();
            try (Stream<Path> files = Files.walk(blobs)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String algorithm = blobs.relativize(f).getName(0).toString();
                    Digest actual = Digest.fromMessageDigest(algorithm, hash(f, algorithm));
                    if (!actual.hex().equals(f.getFileName().toString())) {
                        mismatched.add(f.toString());
                    }
                }
            }
            assertThat(mismatched).isEmpty();
            assertThat(http.head("/v2/admin/app/blobs/" + bogus).statusCode()).isEqualTo(404);

            // The registry still accepts new pushes after the crash.
            String after = push.blob("admin/app", "after the crash".getBytes(StandardCharsets.UTF_8));
            assertThat(http.head("/v2/admin/app/blobs/" + after).statusCode()).isEqualTo(200);
        }
    }

    private static java.security.MessageDigest hash(Path f, String algorithm) throws IOException {
        var md = Digest.newMessageDigest(algorithm);
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return md;
    }

    private static void sendQuietly(Http http, HttpRequest.Builder b) {
        try {
            http.send(b);
        } catch (RuntimeException expected) {
            // the server was killed mid-request
        }
    }

    /** {@code total} pseudo-random bytes that stop flowing (block) after {@code stallAt} bytes. */
    static final class StallingStream extends InputStream {
        private final long total;
        private final long stallAt;
        private final AtomicLong sent;
        private long state = 42;

        StallingStream(long total, long stallAt, AtomicLong sent) {
            this.total = total;
            this.stallAt = stallAt;
            this.sent = sent;
        }

        @Override
        public int read() {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long pos = sent.get();
            if (pos >= total) {
                return -1;
            }
            if (pos >= stallAt) {
                try {
                    Thread.sleep(Duration.ofMinutes(5)); // the server dies while we wait
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
            int n = (int) Math.min(len, Math.min(stallAt - pos, 1 << 16));
            for (int i = 0; i < n; i++) {
                state = state * 6364136223846793005L + 1442695040888963407L;
                b[off + i] = (byte) (state >>> 56);
            }
            sent.addAndGet(n);
            return n;
        }
    }
}
