package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pull-through cache against a real upstream: Debian's docker-registry (CNCF distribution) on
 * loopback, seen through a {@link CountingFront} that counts what the cache asks it; and a second
 * Slipway for the Bearer token flow.
 */
class ProxyIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger OWNERS = new AtomicInteger();
    static TestServer server;
    static Http admin;
    static Http puller;

    PeerRegistry peer;
    CountingFront front;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServer.start();
        admin = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        server.createUser("pia", "pia-password");
        puller = Http.basic(server.baseUrl(), "pia", server.token("pia", "read:package"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void startUpstream() throws Exception {
        peer = PeerRegistry.start();
        front = CountingFront.start(peer.url());
    }

    @AfterEach
    void stopUpstream() throws Exception {
        if (front != null) {
            front.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    /** Configures a new proxy owner through the admin API; returns its name. */
    static String proxy(String url, String ttl, String extraJson) {
        String owner = "cache" + OWNERS.incrementAndGet();
        HttpResponse<String> r = admin.postJson("/api/v1/admin/registry/proxies",
                "{\"owner\":\"" + owner + "\",\"url\":\"" + url + "\",\"ttl\":\"" + ttl + "\"" + extraJson + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return owner;
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static void assertManifest(Http http, String path, RegistryPush.Image image) {
        HttpResponse<byte[]> r = http.sendBytes(http.request(path).GET());
        assertThat(r.statusCode()).as(path + ": " + new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.body()).isEqualTo(image.manifest());
        assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(image.digest());
    }

    static void assertBlob(Http http, String repository, String digest, byte[] content) {
        HttpResponse<byte[]> r = http.sendBytes(http.request("/v2/" + repository + "/blobs/" + digest).GET());
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(RegistryPush.sha256(r.body())).isEqualTo(digest);
        assertThat(r.body()).isEqualTo(content);
    }

    static String errorCode(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("errors").path(0).path("code").asText();
    }

    static HttpResponse<java.io.InputStream> openBlob(String repository, String digest) throws Exception {
        return puller.client().send(puller.request("/v2/" + repository + "/blobs/" + digest).timeout(java.time.Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void aMissIsStreamedToEveryClientWhileItArrives() throws Exception {
        byte[] layer = randomBytes(2_000_000, 7);
        RegistryPush.Image image = peer.push().imageWithPutUploads("library/stream", "1", "stream", layer);
        String repo = proxy(front.url(), "1h", "") + "/library/stream";
        CountDownLatch resume = new CountDownLatch(1);
        front.pauseBlobBodies(1_000_000, resume);
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            // The upstream sends half the blob and holds the rest: the client already gets that half.
            HttpResponse<java.io.InputStream> first = openBlob(repo, image.layerDigest());
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValueAsLong("Content-Length")).hasValue(layer.length);
            assertThat(first.headers().firstValue("Docker-Content-Digest")).contains(image.layerDigest());
            java.io.InputStream a = first.body();
            assertThat(pool.submit(() -> a.readNBytes(1_000_000)).get(60, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo(java.util.Arrays.copyOf(layer, 1_000_000));
            // A second client joins the same fetch.
            HttpResponse<java.io.InputStream> second = openBlob(repo, image.layerDigest());
            assertThat(second.statusCode()).isEqualTo(200);
            var secondBody = pool.submit(() -> second.body().readAllBytes());
            resume.countDown();
            assertThat(a.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(layer, 1_000_000, layer.length));
            assertThat(secondBody.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(layer);
        }
        // Fetched once, then stored: the next pull is served locally.
        assertBlob(puller, repo, image.layerDigest(), layer);
        assertThat(front.count("GET", "/v2/library/stream/blobs/" + image.layerDigest())).isEqualTo(1);
    }

    @Test
    void aCorruptUpstreamBlobIsCutShortAndNotStored() throws Exception {
        byte[] layer = randomBytes(500_000, 8);
        RegistryPush.Image image = peer.push().imageWithPutUploads("library/corrupt", "1", "corrupt", layer);
        String repo = proxy(front.url(), "1h", "") + "/library/corrupt";
        front.corruptBlobs(true);
        HttpResponse<java.io.InputStream> r = openBlob(repo, image.layerDigest());
        assertThat(r.statusCode()).isEqualTo(200);
        // The client never gets the whole (wrong) blob: the answer ends before its last byte.
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        try (java.io.InputStream in = r.body()) {
            in.transferTo(got);
            throw new AssertionError("the whole body arrived (" + got.size() + " bytes)");
        } catch (java.io.IOException cut) {
            assertThat(got.size()).isLessThan(layer.length);
        }
        assertThat(puller.head("/v2/" + repo + "/blobs/" + image.layerDigest()).statusCode()).isEqualTo(200); // HEAD asks upstream
        assertThat(server.storedBlobs()).noneMatch(p -> p.endsWith(image.layerDigest().substring(7)));
        // Once the upstream is right again, the blob is fetched again and stored.
        front.corruptBlobs(false);
        assertBlob(puller, repo, image.layerDigest(), layer);
        assertThat(front.count("GET", "/v2/library/corrupt/blobs/" + image.layerDigest())).isEqualTo(2);
    }

    @Test
    void aMissIsFetchedOnceAndThenServedLocally() throws Exception {
        byte[] layer = randomBytes(300_000, 1);
        RegistryPush.Image image = peer.push().imageWithPutUploads("library/app", "3", "miss", layer);
        String owner = proxy(front.url(), "1h", "");
        String repo = owner + "/library/app";

        assertManifest(puller, "/v2/" + repo + "/manifests/3", image);
        assertBlob(puller, repo, image.layerDigest(), layer);
        HttpResponse<String> config = puller.get("/v2/" + repo + "/blobs/" + image.configDigest());
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(front.count("GET", "/v2/library/app/manifests/3")).isEqualTo(1);
        assertThat(front.count("GET", "/v2/library/app/blobs/" + image.layerDigest())).isEqualTo(1);

        // Served like pushed content: in the catalog of repositories, by digest, with ranges.
        assertThat(server.slipway().registry().repository(repo)).isPresent();
        assertManifest(puller, "/v2/" + repo + "/manifests/" + image.digest(), image);
        HttpResponse<byte[]> range = puller.sendBytes(puller.request("/v2/" + repo + "/blobs/" + image.layerDigest())
                .header("Range", "bytes=10-19").GET());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(layer, 10, 20));

        // Within the TTL, pulls never reach the upstream, even once its content is gone.
        assertThat(peer.push().http().delete("/v2/library/app/manifests/" + image.digest()).statusCode()).isEqualTo(202);
        assertThat(peer.push().http().delete("/v2/library/app/blobs/" + image.layerDigest()).statusCode()).isEqualTo(202);
        var before = front.counts();
        assertManifest(puller, "/v2/" + repo + "/manifests/3", image);
        assertBlob(puller, repo, image.layerDigest(), layer);
        assertThat(front.counts()).isEqualTo(before);
    }

    @Test
    void anIndexIsCachedAndItsChildrenAreFetchedByDigestWhenAskedFor() throws Exception {
        RegistryPush push = peer.push();
        RegistryPush.Image amd = push.imageWithPutUploads("multi/app", "amd", "amd", "amd-layer".getBytes(StandardCharsets.UTF_8));
        RegistryPush.Image arm = push.imageWithPutUploads("multi/app", "arm", "arm", "arm-layer".getBytes(StandardCharsets.UTF_8));
        byte[] index = RegistryPush.index(amd.manifestDescriptor(), arm.manifestDescriptor());
        String indexDigest = push.manifest("multi/app", "1", RegistryPush.OCI_INDEX, index);
        String repo = proxy(front.url(), "1h", "") + "/multi/app";

        HttpResponse<byte[]> r = puller.sendBytes(puller.request("/v2/" + repo + "/manifests/1").GET());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(index);
        assertThat(r.headers().firstValue("Content-Type")).contains(RegistryPush.OCI_INDEX);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(indexDigest);
        assertThat(front.count("GET", "/v2/multi/app/manifests/" + amd.digest())).isZero();

        assertManifest(puller, "/v2/" + repo + "/manifests/" + arm.digest(), arm);
        assertThat(front.count("GET", "/v2/multi/app/manifests/" + arm.digest())).isEqualTo(1);
        assertManifest(puller, "/v2/" + repo + "/manifests/" + arm.digest(), arm);
        assertThat(front.count("GET", "/v2/multi/app/manifests/" + arm.digest())).isEqualTo(1);
    }

    @Test
    void theCachedCopyIsServedWhenTheUpstreamFailsOrIsStopped() throws Exception {
        byte[] layer = randomBytes(50_000, 2);
        RegistryPush.Image image = peer.push().imageWithPutUploads("library/tool", "1", "down", layer);
        String owner = proxy(front.url(), "0s", ""); // every pull revalidates
        String repo = owner + "/library/tool";
        assertManifest(puller, "/v2/" + repo + "/manifests/1", image);
        assertBlob(puller, repo, image.layerDigest(), layer);

        // Up but failing: 503 on everything.
        front.failWith(503);
        int heads = front.count("HEAD", "/v2/library/tool/manifests/1");
        assertManifest(puller, "/v2/" + repo + "/manifests/1", image);
        assertThat(front.count("HEAD", "/v2/library/tool/manifests/1")).isEqualTo(heads + 1);
        assertBlob(puller, repo, image.layerDigest(), layer);
        // What was never cached cannot be served: a clear 502 in the OCI format, not a 500.
        HttpResponse<String> missing = puller.get("/v2/" + owner + "/library/other/manifests/1");
        assertThat(missing.statusCode()).isEqualTo(502);
        assertThat(errorCode(missing)).isEqualTo("UNAVAILABLE");
        assertThat(missing.body()).contains("503");

        // Stopped: connections are refused.
        front.close();
        peer.stop();
        assertManifest(puller, "/v2/" + repo + "/manifests/1", image);
        assertBlob(puller, repo, image.layerDigest(), layer);
        HttpResponse<String> head = puller.head("/v2/" + repo + "/manifests/1");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Docker-Content-Digest")).contains(image.digest());
        HttpResponse<String> missingBlob = puller.get("/v2/" + repo + "/blobs/" + RegistryPush.sha256("never pushed"));
        assertThat(missingBlob.statusCode()).isEqualTo(502);
        assertThat(errorCode(missingBlob)).isEqualTo("UNAVAILABLE");
        front = null;
    }

    @Test
    void aTagIsRevalidatedWithAHeadAfterItsTtlAndNotBefore() throws Exception {
        RegistryPush push = peer.push();
        RegistryPush.Image old = push.imageWithPutUploads("library/base", "3", "old", "old-layer".getBytes(StandardCharsets.UTF_8));
        String always = proxy(front.url(), "0s", "") + "/library/base";
        String hourly = proxy(front.url(), "1h", "") + "/library/base";
        assertManifest(puller, "/v2/" + always + "/manifests/3", old);
        assertManifest(puller, "/v2/" + hourly + "/manifests/3", old);
        int gets = front.count("GET", "/v2/library/base/manifests/3");
        assertThat(gets).isEqualTo(2);

        // Past the TTL and unchanged upstream: one HEAD, no GET.
        assertManifest(puller, "/v2/" + always + "/manifests/3", old);
        assertThat(front.count("HEAD", "/v2/library/base/manifests/3")).isEqualTo(1);
        assertThat(front.count("GET", "/v2/library/base/manifests/3")).isEqualTo(gets);

        // The upstream moves the tag.
        RegistryPush.Image moved = push.imageWithPutUploads("library/base", "3", "new", "new-layer".getBytes(StandardCharsets.UTF_8));
        assertThat(moved.digest()).isNotEqualTo(old.digest());
        assertManifest(puller, "/v2/" + always + "/manifests/3", moved);
        assertBlob(puller, always, moved.layerDigest(), "new-layer".getBytes(StandardCharsets.UTF_8));
        // Within its TTL the other proxy still serves the old image and asks nothing.
        var before = front.counts();
        assertManifest(puller, "/v2/" + hourly + "/manifests/3", old);
        assertThat(front.counts()).isEqualTo(before);
        // The old manifest stays reachable by digest in the revalidated repository.
        assertManifest(puller, "/v2/" + always + "/manifests/" + old.digest(), old);
    }

    @Test
    void concurrentPullsOfOneMissingBlobFetchItFromTheUpstreamOnce() throws Exception {
        byte[] layer = randomBytes(4 << 20, 3);
        RegistryPush.Image image = peer.push().imageWithPutUploads("library/big", "1", "big", layer);
        String repo = proxy(front.url(), "1h", "") + "/library/big";
        assertManifest(puller, "/v2/" + repo + "/manifests/1", image);

        int clients = 8;
        // Without single-flight every client would reach the upstream while the first download is held.
        front.holdBlobs(clients, 3_000);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<HttpResponse<byte[]>>> results = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return puller.sendBytes(puller.request("/v2/" + repo + "/blobs/" + image.layerDigest()).GET());
            }));
        }
        go.countDown();
        for (Future<HttpResponse<byte[]>> f : results) {
            HttpResponse<byte[]> r = f.get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(RegistryPush.sha256(r.body())).isEqualTo(image.layerDigest());
        }
        pool.shutdown();
        assertThat(front.count("GET", "/v2/library/big/blobs/" + image.layerDigest())).isEqualTo(1);
        // The download went to disk through an upload session, which is gone now.
        assertThat(server.slipway().registry().store().uploads().toList()).isEmpty();
    }

    @Test
    void basicCredentialsAreSentWhenTheUpstreamAsksForThem() throws Exception {
        RegistryPush.Image image = peer.push().imageWithPutUploads("team/app", "1", "basic", "basic-layer".getBytes(StandardCharsets.UTF_8));
        front.requireBasic("robot", "robot-secret");
        String good = proxy(front.url(), "1h", ",\"username\":\"robot\",\"password\":\"robot-secret\"");
        String bad = proxy(front.url(), "1h", ",\"username\":\"robot\",\"password\":\"wrong\"");
        String none = proxy(front.url(), "1h", "");

        assertManifest(puller, "/v2/" + good + "/team/app/manifests/1", image);
        assertBlob(puller, good + "/team/app", image.layerDigest(), "basic-layer".getBytes(StandardCharsets.UTF_8));
        for (String owner : List.of(bad, none)) {
            HttpResponse<String> r = puller.get("/v2/" + owner + "/team/app/manifests/1");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
            assertThat(errorCode(r)).isEqualTo("MANIFEST_UNKNOWN");
            assertThat(r.body()).contains("refused access").contains("credentials");
        }
        // The password is never shown.
        HttpResponse<String> list = admin.get("/api/v1/admin/registry/proxies");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains(good).contains("robot").doesNotContain("robot-secret");
        String stored = server.slipway().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT password FROM registry_proxies WHERE owner = :o").bind("o", good).mapTo(String.class).one());
        assertThat(stored).startsWith("v1:").doesNotContain("robot-secret");
    }

    @Test
    void blobRedirectsToAnotherHostAreFollowedWithoutTheCredentials() throws Exception {
        byte[] layer = randomBytes(100_000, 4);
        RegistryPush.Image image = peer.push().imageWithPutUploads("team/cdn", "1", "cdn", layer);
        try (CountingFront storage = CountingFront.start(peer.url())) {
            front.requireBasic("robot", "robot-secret");
            front.redirectBlobsTo(storage.url().replace("127.0.0.1", "localhost")); // another host, as a CDN would be
            String repo = proxy(front.url(), "1h", ",\"username\":\"robot\",\"password\":\"robot-secret\"") + "/team/cdn";
            assertManifest(puller, "/v2/" + repo + "/manifests/1", image);
            assertBlob(puller, repo, image.layerDigest(), layer);
            assertThat(front.count("GET", "/v2/team/cdn/blobs/" + image.layerDigest())).isEqualTo(1); // Basic sent up front since the manifest's challenge
            assertThat(storage.count("GET", "/v2/team/cdn/blobs/" + image.layerDigest())).isEqualTo(1);
            assertThat(storage.withAuthorization()).isZero();
            assertThat(front.withAuthorization()).isPositive();
        }
    }

    @Test
    void bearerTokensFromTheUpstreamsRealmWithCredentialsOrAnonymous() throws Exception {
        try (TestServer upstream = TestServer.start()) {
            upstream.createUser("origin", "origin-password");
            String token = upstream.token("origin", "write:package");
            RegistryPush.Image image = new RegistryPush(Http.basic(upstream.baseUrl(), "origin", token)).image("origin/app", "v1", "bearer");
            String withCredentials = proxy(upstream.baseUrl(), "1h", ",\"username\":\"origin\",\"password\":\"" + token + "\"");
            String anonymous = proxy(upstream.baseUrl(), "1h", "");

            assertManifest(puller, "/v2/" + withCredentials + "/origin/app/manifests/v1", image);
            assertBlob(puller, withCredentials + "/origin/app", image.layerDigest(), "layer-bytes-for-bearer".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> denied = puller.get("/v2/" + anonymous + "/origin/app/manifests/v1");
            assertThat(denied.statusCode()).as(denied.body()).isEqualTo(404);
            assertThat(denied.body()).contains("refused access");

            // Public upstream repository: the anonymous token flow (what Docker Hub does).
            upstream.slipway().registry().setPublic("origin/app", true);
            assertManifest(puller, "/v2/" + anonymous + "/origin/app/manifests/v1", image);
        }
    }

    @Test
    void pushesAreRefusedAndPullsNeedAUserUnlessTheProxyIsPublic() throws Exception {
        RegistryPush.Image image = peer.push().imageWithPutUploads("library/pub", "1", "pub", "pub-layer".getBytes(StandardCharsets.UTF_8));
        String owner = proxy(front.url(), "1h", "");
        String open = proxy(front.url(), "1h", ",\"public\":true");

        HttpResponse<String> upload = admin.post("/v2/" + owner + "/library/pub/blobs/uploads/", "application/octet-stream", new byte[0]);
        assertThat(upload.statusCode()).isEqualTo(403);
        assertThat(errorCode(upload)).isEqualTo("DENIED");
        assertThat(upload.body()).contains("pull-through cache");
        HttpResponse<String> put = admin.put("/v2/" + owner + "/library/pub/manifests/1", RegistryPush.OCI_MANIFEST, image.manifest());
        assertThat(put.statusCode()).isEqualTo(403);

        Http anonymous = Http.anonymous(server.baseUrl());
        assertThat(anonymous.get("/v2/" + owner + "/library/pub/manifests/1").statusCode()).isEqualTo(401);
        assertManifest(anonymous, "/v2/" + open + "/library/pub/manifests/1", image);
        // The docker flow: an anonymous token for the public proxy grants pull and nothing more.
        HttpResponse<String> t = anonymous.get("/v2/token?service=x&scope=repository:" + open + "/library/pub:pull,push");
        String jwt = JSON.readTree(t.body()).path("token").asText();
        assertManifest(Http.bearer(server.baseUrl(), jwt), "/v2/" + open + "/library/pub/manifests/1", image);
        assertThat(Http.bearer(server.baseUrl(), jwt).post("/v2/" + open + "/library/pub/blobs/uploads/", "application/octet-stream",
                new byte[0]).statusCode()).isEqualTo(403);
    }

    @Test
    void adminApiValidatesAndRemovesProxies() throws Exception {
        HttpResponse<String> bad = admin.postJson("/api/v1/admin/registry/proxies", "{\"owner\":\"x1\",\"url\":\"ftp://example\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(admin.postJson("/api/v1/admin/registry/proxies", "{\"owner\":\"pia\",\"url\":\"" + front.url() + "\"}").statusCode())
                .as("a user cannot become a proxy").isEqualTo(409);
        assertThat(puller.postJson("/api/v1/admin/registry/proxies", "{\"owner\":\"x2\",\"url\":\"" + front.url() + "\"}").statusCode())
                .isEqualTo(403);
        String owner = proxy(front.url(), "10m", "");
        JsonNode list = JSON.readTree(admin.get("/api/v1/admin/registry/proxies").body());
        JsonNode mine = null;
        for (JsonNode p : list) {
            if (p.path("owner").asText().equals(owner)) {
                mine = p;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.path("ttl").asText()).isEqualTo("10m");
        assertThat(mine.path("url").asText()).isEqualTo(front.url());
        assertThat(admin.delete("/api/v1/admin/registry/proxies/" + owner).statusCode()).isEqualTo(204);
        assertThat(admin.delete("/api/v1/admin/registry/proxies/" + owner).statusCode()).isEqualTo(404);
    }

    @Test
    void dockerPullsThroughTheProxy() throws Exception {
        Tools.require("docker");
        java.util.Map<String, String> env = new java.util.HashMap<>();
        env.put("DOCKER_CONFIG", java.nio.file.Files.createTempDirectory("docker-config-").toString());
        String upstreamImage = peer.host() + "/library/busybox:1";
        TestImages.buildBusybox(env, upstreamImage);
        Tools.run(env, null, "docker", "push", upstreamImage).ok();
        Tools.run(env, null, "docker", "rmi", "-f", upstreamImage).ok();

        String owner = proxy(front.url(), "1h", "");
        String image = server.registryHost() + "/" + owner + "/library/busybox:1";
        Tools.runWithInput(env, null, server.token("pia", "read:package"), "docker", "login", server.registryHost(), "-u", "pia",
                "--password-stdin").ok();
        try {
            Tools.run(env, null, "docker", "pull", image).ok();
            assertThat(Tools.run(env, null, "docker", "run", "--rm", "--network", "none", image, "echo", "through-the-cache").ok().out())
                    .contains("through-the-cache");
            assertThat(front.count("GET", "/v2/library/busybox/manifests/1")).isEqualTo(1);
        } finally {
            Tools.run(env, null, "docker", "rmi", "-f", image);
        }
    }
}
