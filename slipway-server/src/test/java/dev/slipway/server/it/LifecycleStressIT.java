package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.Digest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Garbage collection and retention running in loops while several clients push images that
 * share layers (uploading, or skipping blobs a HEAD finds, or mounting them from the other
 * repository) and others pull. The gc grace period is one second and some clients wait longer
 * than that between their blobs and their manifest, so blobs a push is about to reference are
 * collected under it: the race that makes other registries stop pushes during gc.
 *
 * <p>What must hold: no 5xx and no unexpected status anywhere; a push either succeeds or fails
 * cleanly with MANIFEST_BLOB_UNKNOWN (and then succeeds when retried, as clients do); at the end
 * every tag pulls completely, every stored file matches its digest, and the database references
 * only content that exists.
 */
class LifecycleStressIT {
    static final int PUSHERS = 4;
    static final int IMAGES_PER_PUSHER = 25;
    static final long PUSH_MILLIS = 20_000;
    static final String[] REPOS = {"stress/app-0", "stress/app-1"};
    static final ObjectMapper JSON = new ObjectMapper();

    /** Content shared between images: one base layer everyone uses, and a few middle layers. */
    static final byte[] BASE = filler("base", 256 * 1024);
    static final byte[][] MIDDLE = {filler("mid-0", 64 * 1024), filler("mid-1", 64 * 1024), filler("mid-2", 64 * 1024)};

    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicInteger cleanRefusals = new AtomicInteger();
    final AtomicInteger pushed = new AtomicInteger();
    final AtomicInteger gcRuns = new AtomicInteger();
    final AtomicInteger retentionRuns = new AtomicInteger();

    static byte[] filler(String seed, int size) {
        byte[] b = new byte[size];
        new Random(seed.hashCode()).nextBytes(b);
        return b;
    }

    @Test
    void pushesPullsGcAndRetentionTogetherLoseNothing() throws Exception {
        try (TestServer server = TestServer.start(Map.of("registry.gc-grace", "1s", "registry.gc-interval", "0",
                "registry.retention-interval", "0"))) {
            server.createUser("stress", "stress-password");
            Http password = Http.basic(server.baseUrl(), "stress", "stress-password");
            Http admin = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
            LifecycleApi.setPolicy(password, "stress", "\"keep_last\":4,\"untagged_older_than\":\"0s\"");

            AtomicBoolean pushing = new AtomicBoolean(true);
            long deadline = System.currentTimeMillis() + PUSH_MILLIS;
            List<Thread> pushers = new ArrayList<>();
            for (int t = 0; t < PUSHERS; t++) {
                int id = t;
                Http http = Http.basic(server.baseUrl(), "stress", server.token("stress", "write:package"));
                pushers.add(Thread.ofPlatform().name("pusher-" + t).start(() -> guarded(() -> pushLoop(http, id, deadline))));
            }
            List<Thread> background = new ArrayList<>();
            background.add(Thread.ofPlatform().name("gc").start(() -> guarded(() -> {
                while (pushing.get()) {
                    check(admin.post("/api/v1/admin/registry/gc", "application/json", new byte[0]), "gc", 200);
                    gcRuns.incrementAndGet();
                }
            })));
            background.add(Thread.ofPlatform().name("retention").start(() -> guarded(() -> {
                while (pushing.get()) {
                    check(admin.post("/api/v1/admin/registry/retention", "application/json", new byte[0]), "retention", 200);
                    retentionRuns.incrementAndGet();
                }
            })));
            Http reader = Http.basic(server.baseUrl(), "stress", server.token("stress", "read:package"));
            background.add(Thread.ofPlatform().name("puller").start(() -> guarded(() -> {
                while (pushing.get()) {
                    pullWhatIsThere(reader);
                }
            })));
            for (Thread t : pushers) {
                t.join();
            }
            pushing.set(false);
            for (Thread t : background) {
                t.join();
            }
            System.out.printf("[%s] stress: %d images pushed, %d manifest PUTs refused cleanly and retried, %d gc runs, %d retention runs%n",
                    TestServer.database(), pushed.get(), cleanRefusals.get(), gcRuns.get(), retentionRuns.get());
            assertThat(failures).isEmpty();
            assertThat(pushed.get()).isGreaterThanOrEqualTo(PUSHERS);
            assertThat(gcRuns.get()).isPositive();
            assertThat(retentionRuns.get()).isPositive();

            verifyEverything(server, reader);
            // Once more after a quiet gc and retention: what they keep still pulls.
            check(admin.post("/api/v1/admin/registry/retention", "application/json", new byte[0]), "retention", 200);
            check(admin.post("/api/v1/admin/registry/gc", "application/json", new byte[0]), "gc", 200);
            verifyEverything(server, reader);
            assertThat(failures).isEmpty();
        }
    }

    interface Step {
        void run() throws Exception;
    }

    void guarded(Step step) {
        try {
            step.run();
        } catch (Throwable e) {
            failures.add(Thread.currentThread().getName() + ": " + e);
        }
    }

    /** Records a failure unless the status is one of {@code allowed}; returns the status. */
    int check(HttpResponse<?> r, String what, int... allowed) {
        for (int a : allowed) {
            if (r.statusCode() == a) {
                return a;
            }
        }
        Object body = r.body() instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : r.body();
        failures.add(what + ": " + r.request().method() + " " + r.request().uri().getPath() + " -> " + r.statusCode() + " " + body);
        return r.statusCode();
    }

    void pushLoop(Http http, int id, long deadline) throws Exception {
        RegistryPush push = new RegistryPush(http);
        Random random = new Random(id);
        for (int i = 0; i < IMAGES_PER_PUSHER && System.currentTimeMillis() < deadline && failures.isEmpty(); i++) {
            String repo = REPOS[(id + i) % REPOS.length];
            byte[] unique = filler("unique-" + id + "-" + i, 8 * 1024 + random.nextInt(8 * 1024));
            byte[] middle = MIDDLE[random.nextInt(MIDDLE.length)];
            byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"pusher\":" + id + ",\"image\":" + i + "}")
                    .getBytes(StandardCharsets.UTF_8);
            List<byte[]> layers = List.of(BASE, middle, unique);
            StringBuilder descriptors = new StringBuilder();
            for (byte[] layer : layers) {
                descriptors.append(descriptors.isEmpty() ? "" : ",").append(RegistryPush.descriptor(RegistryPush.OCI_LAYER, RegistryPush.sha256(layer), layer.length));
            }
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":"
                    + RegistryPush.descriptor(RegistryPush.OCI_CONFIG, RegistryPush.sha256(config), config.length) + ",\"layers\":[" + descriptors + "]}")
                    .getBytes(StandardCharsets.UTF_8);
            String tag = i % 5 == 4 ? "latest" : "p" + id + "-" + i;
            for (int attempt = 1; ; attempt++) {
                List<byte[]> blobs = new ArrayList<>(layers);
                blobs.add(config);
                for (byte[] blob : blobs) {
                    upload(push, repo, blob, random);
                }
                if (attempt == 1 && random.nextInt(4) == 0) {
                    Thread.sleep(1200); // a slow client: its blobs outlive the grace period before the manifest arrives
                }
                HttpResponse<String> r = push.putManifest(repo, tag, RegistryPush.OCI_MANIFEST, manifest);
                if (r.statusCode() == 201) {
                    pushed.incrementAndGet();
                    break;
                }
                if (r.statusCode() == 400 && r.body().contains("MANIFEST_BLOB_UNKNOWN") && attempt < 30) {
                    cleanRefusals.incrementAndGet(); // gc took a blob this push relied on; push again
                    continue;
                }
                check(r, "manifest PUT attempt " + attempt, 201);
                return;
            }
        }
    }

    /** Uploads a blob the way clients do: skip it if HEAD finds it, else mount, monolithic or chunked upload. */
    void upload(RegistryPush push, String repo, byte[] blob, Random random) {
        Http http = push.http();
        String digest = RegistryPush.sha256(blob);
        int mode = random.nextInt(4);
        if (mode == 0 && check(http.head("/v2/" + repo + "/blobs/" + digest), "HEAD blob", 200, 404) == 200) {
            return;
        }
        if (mode == 1) {
            String other = REPOS[0].equals(repo) ? REPOS[1] : REPOS[0];
            HttpResponse<String> mount = http.post("/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + other,
                    "application/octet-stream", new byte[0]);
            if (check(mount, "mount", 201, 202) == 201) {
                return;
            }
            String location = mount.headers().firstValue("Location").orElseThrow();
            check(push.finish(URI.create(location).getPath(), digest, blob), "upload after a failed mount", 201);
            return;
        }
        if (mode == 2) {
            String location = push.startUpload(repo);
            int half = blob.length / 2;
            HttpResponse<String> p1 = push.patch(location, java.util.Arrays.copyOfRange(blob, 0, half), null);
            check(p1, "PATCH", 202);
            check(push.finish(p1.headers().firstValue("Location").orElse(location), digest,
                    java.util.Arrays.copyOfRange(blob, half, blob.length)), "closing PUT", 201);
            return;
        }
        check(push.postBlob(repo, digest, blob), "monolithic upload", 201);
    }

    /** Pulls whatever the tag lists show; content may vanish meanwhile (404) but what arrives must be right. */
    void pullWhatIsThere(Http reader) throws Exception {
        for (String repo : REPOS) {
            HttpResponse<String> list = reader.get("/v2/" + repo + "/tags/list");
            if (check(list, "tags/list", 200, 404) != 200) {
                continue;
            }
            List<String> tags = new ArrayList<>();
            JSON.readTree(list.body()).path("tags").forEach(t -> tags.add(t.asText()));
            Collections.shuffle(tags);
            for (String tag : tags.subList(0, Math.min(3, tags.size()))) {
                HttpResponse<byte[]> m = reader.sendBytes(reader.request("/v2/" + repo + "/manifests/" + tag).GET());
                if (check(m, "manifest GET", 200, 404) != 200) {
                    continue;
                }
                if (!m.headers().firstValue("Docker-Content-Digest").orElse("").equals(RegistryPush.sha256(m.body()))) {
                    failures.add("manifest " + repo + ":" + tag + " does not match its digest");
                }
                for (JsonNode layer : JSON.readTree(m.body()).path("layers")) {
                    String d = layer.path("digest").asText();
                    HttpResponse<byte[]> b = reader.sendBytes(reader.request("/v2/" + repo + "/blobs/" + d).GET());
                    if (check(b, "blob GET", 200, 404) == 200 && !RegistryPush.sha256(b.body()).equals(d)) {
                        failures.add("blob " + d + " in " + repo + " does not match its digest");
                    }
                }
            }
        }
    }

    /** Every tag pulls; every stored file matches its name; the database names only content that exists. */
    void verifyEverything(TestServer server, Http reader) throws Exception {
        int tags = 0;
        for (String repo : REPOS) {
            HttpResponse<String> list = reader.get("/v2/" + repo + "/tags/list");
            assertThat(list.statusCode()).isEqualTo(200);
            for (JsonNode t : JSON.readTree(list.body()).path("tags")) {
                assertThat(RegistryPull.problems(reader, repo, t.asText())).as(repo + ":" + t.asText()).isEmpty();
                tags++;
            }
        }
        assertThat(tags).as("retention keeps the newest tags of each repository").isPositive();

        Path blobs = server.config().blobsDir().resolve("blobs");
        try (Stream<Path> files = Files.walk(blobs)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String algorithm = blobs.relativize(f).getName(0).toString();
                MessageDigest md = MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
                try (InputStream in = Files.newInputStream(f)) {
                    md.update(in.readAllBytes());
                }
                assertThat(HexFormat.of().formatHex(md.digest())).as("content of %s", f).isEqualTo(f.getFileName().toString());
            }
        }

        var store = server.slipway().registry().store();
        server.slipway().database().jdbi().useHandle(h -> {
            for (String d : h.createQuery("SELECT digest FROM blobs UNION SELECT digest FROM manifests").mapTo(String.class).list()) {
                assertThat(store.size(Digest.parse(d))).as("stored file of %s", d).isGreaterThanOrEqualTo(0);
            }
            assertThat(h.createQuery("SELECT mr.repository || ' ' || mr.child_digest FROM manifest_references mr WHERE mr.kind = 'blob' "
                    + "AND NOT EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.repository = mr.repository AND rb.digest = mr.child_digest)")
                    .mapTo(String.class).list()).as("blobs manifests use but their repository lost").isEmpty();
            assertThat(h.createQuery("SELECT mr.repository || ' ' || mr.child_digest FROM manifest_references mr WHERE mr.kind = 'manifest' "
                    + "AND NOT EXISTS (SELECT 1 FROM manifests m WHERE m.repository = mr.repository AND m.digest = mr.child_digest)")
                    .mapTo(String.class).list()).as("index children that are gone").isEmpty();
            assertThat(h.createQuery("SELECT t.repository || ':' || t.name FROM tags t "
                    + "WHERE NOT EXISTS (SELECT 1 FROM manifests m WHERE m.repository = t.repository AND m.digest = t.digest)")
                    .mapTo(String.class).list()).as("tags pointing at nothing").isEmpty();
        });
    }
}
