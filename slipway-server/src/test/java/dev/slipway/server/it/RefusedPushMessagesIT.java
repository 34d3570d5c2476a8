package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docker and skopeo users see when a push is refused: the reason (an immutable tag, the
 * owner's quota, the registry's blob and image size limits), not just "denied". The clients print
 * the OCI error's {@code message}, so that is where the reason must be. Nothing of a refused
 * upload stays behind.
 */
class RefusedPushMessagesIT {
    private static final String GENERIC_DENIED = "requested access to the resource is denied";

    static TestServer server;
    static String host;
    static Skopeo skopeo;
    /** Docker configurations of the users below. */
    static Path home;
    /** busybox, built once; the images below add layers on top. */
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        skopeo = Skopeo.isolated();
        server = TestServer.start(Map.of("registry.max-blob-size", "3MiB", "registry.max-image-size", "5MiB"));
        host = server.registryHost();
        home = Files.createTempDirectory("refusals-docker-");
        base = "slipway-test/refusals-busybox:" + ProcessHandle.current().pid();
        TestImages.buildBusybox(Map.of(), base);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (base != null) {
            Tools.run(Map.of(), null, "docker", "rmi", "-f", base);
        }
        if (home != null) {
            Tools.deleteTree(home);
        }
        if (skopeo != null) {
            skopeo.close();
        }
    }

    // ---- docker

    @Test
    void dockerPushOverAnImmutableTagSaysTheTagIsImmutable() throws Exception {
        Map<String, String> env = dockerLogin("imm");
        LifecycleApi.addRule(Http.basic(server.baseUrl(), "imm", "imm-password-1"), "imm", null, "v*");
        String image = host + "/imm/app:v1";
        try {
            Tools.run(env, null, "docker", "tag", base, image).ok();
            Tools.run(env, null, "docker", "push", image).ok();
            TestImages.buildWithFiles(env, image, base, Map.of("changed", TestImages.randomBytes(1000, 1)));
            assertThat(refusedPush(env, image)).contains("denied: tag 'v1' in imm/app is immutable")
                    .contains("('v*' on every repository of imm)").doesNotContain(GENERIC_DENIED);
        } finally {
            Tools.run(env, null, "docker", "rmi", "-f", image);
            forgetDigests(env, host + "/imm/app");
        }
    }

    @Test
    void dockerPushOverTheOwnersQuotaSaysWhichQuotaAndHowMuch() throws Exception {
        Map<String, String> env = dockerLogin("quota");
        server.slipway().identity().setOwnerQuota("quota", 1L << 20);
        String image = host + "/quota/app:1";
        try {
            TestImages.buildWithFiles(env, image, base, Map.of("data", TestImages.randomBytes(2 << 20, 2)));
            assertThat(refusedPush(env, image)).contains("denied: quota of 1.0 MiB for owner quota exceeded:")
                    .contains("used + this blob of").doesNotContain(GENERIC_DENIED);
            assertThat(server.slipway().registry().metadata().ownerUsage("quota")).isLessThanOrEqualTo(1L << 20);
        } finally {
            Tools.run(env, null, "docker", "rmi", "-f", image);
        }
    }

    @Test
    void dockerPushOfAnImageOverTheImageSizeLimitSaysBothSizes() throws Exception {
        Map<String, String> env = dockerLogin("wide");
        String image = host + "/wide/app:1";
        try {
            // busybox (1 MB) and two layers of 2.2 MB: every blob under 3 MiB, the image over 5 MiB.
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("a", TestImages.randomBytes(2_200_000, 3));
            files.put("b", TestImages.randomBytes(2_200_000, 4));
            TestImages.buildWithFiles(env, image, base, files);
            assertThat(refusedPush(env, image)).containsPattern("denied: image of 5\\.\\d MiB \\(\\d+ bytes\\) exceeds this registry's "
                    + "maximum image size of 5\\.0 MiB \\(5242880 bytes\\)").doesNotContain(GENERIC_DENIED);
            assertThat(Http.basic(server.baseUrl(), "wide", "wide-password-1").get("/v2/wide/app/tags/list").body())
                    .contains("\"tags\":[]");
        } finally {
            Tools.run(env, null, "docker", "rmi", "-f", image);
        }
    }

    /**
     * Docker retries a layer upload that failed with SIZE_INVALID (5 attempts, 50 s of waiting
     * between them) before it prints the reason; each attempt is refused at the limit.
     */
    @Test
    void dockerPushOfALayerOverTheBlobSizeLimitSaysTheLimit() throws Exception {
        Map<String, String> env = dockerLogin("big");
        String image = host + "/big/app:1";
        Set<String> blobsBefore = server.storedBlobs();
        List<Path> uploadsBefore = uploads();
        try {
            TestImages.buildWithFiles(env, image, base, Map.of("data", TestImages.randomBytes(3_600_000, 5)));
            assertThat(refusedPush(env, image)).contains("size invalid: blob exceeds this registry's maximum blob size of "
                    + "3.0 MiB (3145728 bytes): more than that was sent");
            assertThat(uploads()).as("upload sessions left behind").isSubsetOf(uploadsBefore);
            // Only busybox's layer and the config went in, none over the limit.
            for (String blob : server.storedBlobs()) {
                if (!blobsBefore.contains(blob)) {
                    assertThat(Files.size(server.config().blobsDir().resolve("blobs").resolve(blob))).isLessThanOrEqualTo(3L << 20);
                }
            }
        } finally {
            Tools.run(env, null, "docker", "rmi", "-f", image);
        }
    }

    // ---- skopeo

    @Test
    void skopeoCopyOverAnImmutableTagSaysTheTagIsImmutable(@TempDir Path tmp) throws Exception {
        String token = user("simm");
        LifecycleApi.addRule(Http.basic(server.baseUrl(), "simm", "simm-password-1"), "simm", "simm/app", "v*");
        OciLayout layout = OciLayout.create(tmp.resolve("layout"));
        layout.addImage("first", "immutable-first", 1);
        layout.addImage("second", "immutable-second", 1);
        String dest = "docker://" + host + "/simm/app:v1";
        skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "simm:" + token, "oci:" + layout.dir() + ":first", dest).ok();
        Tools.Result moved = skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "simm:" + token,
                "oci:" + layout.dir() + ":second", dest);
        assertThat(moved.exit()).isNotZero();
        assertThat(moved.err()).contains("denied: tag 'v1' in simm/app is immutable").contains("('v*' on simm/app)")
                .doesNotContain(GENERIC_DENIED);
    }

    @Test
    void skopeoCopyOfALayerOverTheBlobSizeLimitIsRefusedAtTheLimitAndLeavesNothing(@TempDir Path tmp) throws Exception {
        String token = user("sbig");
        OciLayout layout = OciLayout.create(tmp.resolve("layout"));
        OciLayout.Image image = layout.addLargeImage("v1", "too-big", 1, 3_600_000);
        Set<String> blobsBefore = server.storedBlobs();
        List<Path> uploadsBefore = uploads();
        Tools.Result copy = skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "sbig:" + token,
                "oci:" + layout.dir() + ":v1", "docker://" + host + "/sbig/app:v1");
        assertThat(copy.exit()).isNotZero();
        assertThat(copy.err()).contains("size invalid: blob exceeds this registry's maximum blob size of 3.0 MiB (3145728 bytes)");
        assertThat(uploads()).as("upload sessions left behind").isSubsetOf(uploadsBefore);
        assertThat(server.storedBlobs()).doesNotContain(blobFile(image.layers().getFirst().digest()));
        assertThat(server.storedBlobs().size()).isLessThanOrEqualTo(blobsBefore.size() + 1); // at most the config
    }

    @Test
    void skopeoCopyOfAnImageOverTheImageSizeLimitSaysBothSizes(@TempDir Path tmp) throws Exception {
        String token = user("swide");
        OciLayout layout = OciLayout.create(tmp.resolve("layout"));
        layout.addLargeImage("v1", "too-wide", 3, 2_000_000);
        Tools.Result copy = skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "swide:" + token,
                "oci:" + layout.dir() + ":v1", "docker://" + host + "/swide/app:v1");
        assertThat(copy.exit()).isNotZero();
        assertThat(copy.err()).containsPattern("denied: image of 5\\.\\d MiB \\(\\d+ bytes\\) exceeds this registry's maximum image size "
                + "of 5\\.0 MiB \\(5242880 bytes\\)");
        assertThat(server.slipway().registry().metadata().manifestByTag("swide/app", "v1")).isEmpty();
    }

    // ---- helpers

    private static String user(String name) {
        server.createUser(name, name + "-password-1");
        return server.token(name, "write:package");
    }

    /** A new user and a docker configuration logged in as them (with a token). */
    private static Map<String, String> dockerLogin(String name) throws Exception {
        String token = user(name);
        Map<String, String> env = new HashMap<>();
        env.put("DOCKER_CONFIG", Files.createTempDirectory(home, "docker-" + name + "-").toString());
        Tools.runWithInput(env, null, token, "docker", "login", host, "-u", name, "--password-stdin").ok();
        return env;
    }

    /**
     * Removes the engine's {@code repository@digest} references: the first push left one on busybox,
     * whose tag then moved to the refused image. Only the references go; the image stays (other
     * tests build the same one).
     */
    private static void forgetDigests(Map<String, String> env, String repository) {
        Tools.Result refs = Tools.run(env, null, "docker", "images", "--digests", "--format", "{{.Repository}}@{{.Digest}}", repository);
        refs.out().lines().filter(ref -> ref.contains("@sha256:")).forEach(ref -> Tools.run(env, null, "docker", "rmi", ref));
    }

    /** {@code docker push}, which must fail; its output. */
    private static String refusedPush(Map<String, String> env, String image) {
        Tools.Result push = Tools.run(env, null, "docker", "push", image);
        assertThat(push.exit()).as(push.out()).isNotZero();
        return push.out() + push.err();
    }

    private static Tools.Result skopeo(String... args) {
        return skopeo.run(args);
    }

    private static List<Path> uploads() throws Exception {
        try (Stream<Path> s = Files.list(server.config().blobsDir().resolve("uploads"))) {
            return s.toList();
        }
    }

    private static String blobFile(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return Path.of(digest.substring(0, digest.indexOf(':')), hex.substring(0, 2), hex).toString();
    }
}
