package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * skopeo against Slipway: OCI layouts written by {@link OciLayout} are copied in and back out
 * byte for byte, inspected, listed, deleted, copied as multi-platform indexes, and used to check
 * authorization (read-only tokens, anonymous access, public repositories).
 *
 * <p>One server serves the whole class; every test works under its own user and repository and
 * its own temporary directories, so tests do not depend on each other and run in random order.
 */
@TestMethodOrder(MethodOrderer.Random.class)
class SkopeoIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    static TestServer server;
    static String host;
    static Skopeo skopeo;

    @BeforeAll
    static void start() throws Exception {
        skopeo = Skopeo.isolated();
        server = TestServer.start();
        host = server.registryHost();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (skopeo != null) {
            skopeo.close();
        }
    }

    // ---- 1. copy in and back out

    @Test
    void copiesAnOciLayoutInAndBackOutByteForByte(@TempDir Path tmp) throws Exception {
        String token = user("copier");
        OciLayout src = OciLayout.create(tmp.resolve("src"));
        OciLayout.Image image = src.addImage("v1", "copy-round-trip", 4);
        String ref = "docker://" + host + "/copier/app:v1";

        Path digestFile = tmp.resolve("pushed.digest");
        skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "copier:" + token, "--digestfile", digestFile.toString(),
                "oci:" + src.dir() + ":v1", ref).ok();

        // What skopeo reports, what the registry stores and serves: the original digest and bytes.
        assertThat(Files.readString(digestFile).trim()).isEqualTo(image.digest());
        var row = server.slipway().registry().manifest("copier/app", "v1");
        assertThat(row.digest().toString()).isEqualTo(image.digest());
        assertThat(row.mediaType()).isEqualTo(OciLayout.MANIFEST);
        assertThat(server.slipway().registry().manifestContent(row.digest()))
                .isEqualTo(OciLayout.readBlob(src.dir(), image.digest()));

        Path back = tmp.resolve("back");
        skopeo("copy", "--src-tls-verify=false", "--src-creds", "copier:" + token, ref, "oci:" + back + ":v1").ok();

        assertThat(OciLayout.resolve(back, "v1").digest()).isEqualTo(image.digest());
        assertSameBlobs(src.dir(), back);
        assertThat(OciLayout.blobs(back)).containsKeys(image.blobs().stream().map(OciLayout.Descriptor::digest).toArray(String[]::new));
    }

    @Test
    void uncompressedLayersRoundTripWithPreservedDigests(@TempDir Path tmp) throws Exception {
        String token = user("plain");
        OciLayout src = OciLayout.create(tmp.resolve("src"));
        OciLayout.Image image = src.addImage("v1", "plain-tar", 3, OciLayout.Platform.LINUX_AMD64, OciLayout.Compression.NONE);
        assertThat(image.layers()).allSatisfy(l -> assertThat(l.mediaType()).isEqualTo(OciLayout.LAYER_TAR));
        String ref = "docker://" + host + "/plain/app:v1";

        skopeo("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", "plain:" + token,
                "oci:" + src.dir() + ":v1", ref).ok();
        assertThat(server.slipway().registry().manifest("plain/app", "v1").digest().toString()).isEqualTo(image.digest());

        Path back = tmp.resolve("back");
        skopeo("copy", "--preserve-digests", "--dest-oci-accept-uncompressed-layers", "--src-tls-verify=false",
                "--src-creds", "plain:" + token, ref, "oci:" + back + ":v1").ok();
        assertThat(OciLayout.resolve(back, "v1").digest()).isEqualTo(image.digest());
        assertSameBlobs(src.dir(), back);
    }

    @Test
    void copiesBetweenRepositoriesInsideTheRegistry(@TempDir Path tmp) throws Exception {
        String token = user("mover");
        String creds = "mover:" + token;
        OciLayout src = OciLayout.create(tmp.resolve("src"));
        OciLayout.Image image = src.addImage("v1", "move-me", 3);
        String from = "docker://" + host + "/mover/from:v1";
        String to = "docker://" + host + "/mover/to:v1";
        skopeo("copy", "--dest-tls-verify=false", "--dest-creds", creds, "oci:" + src.dir() + ":v1", from).ok();

        // Registry to registry: skopeo reuses the blobs already there (cross-repository mounts).
        skopeo("copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--src-creds", creds, "--dest-creds", creds, from, to).ok();
        assertThat(server.slipway().registry().manifest("mover/to", "v1").digest().toString()).isEqualTo(image.digest());
        Http http = Http.basic(server.baseUrl(), "mover", token);
        for (OciLayout.Descriptor blob : image.blobs()) {
            HttpResponse<byte[]> r = http.sendBytes(http.request("/v2/mover/to/blobs/" + blob.digest()).GET());
            assertThat(r.statusCode()).as("GET %s from mover/to", blob.digest()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(OciLayout.readBlob(src.dir(), blob.digest()));
        }
    }

    // ---- 2. inspect, list-tags, delete

    @Test
    void inspectListTagsAndDelete(@TempDir Path tmp) throws Exception {
        String token = user("inspector");
        String creds = "inspector:" + token;
        OciLayout src = OciLayout.create(tmp.resolve("src"));
        OciLayout.Image a = src.addImage("v1", "inspect-a", 3);
        src.addImage("v2", "inspect-a", 3); // the same image under a second tag
        OciLayout.Image b = src.addImage("v3", "inspect-b", 3);
        assertThat(b.digest()).isNotEqualTo(a.digest());
        String repo = "docker://" + host + "/inspector/tool";
        for (String tag : List.of("v1", "v2", "v3")) {
            skopeo("copy", "--dest-tls-verify=false", "--dest-creds", creds, "oci:" + src.dir() + ":" + tag, repo + ":" + tag).ok();
        }

        JsonNode inspect = json(skopeo("inspect", "--tls-verify=false", "--creds", creds, repo + ":v1").ok());
        assertThat(inspect.get("Digest").asText()).isEqualTo(a.digest());
        assertThat(texts(inspect.get("Layers"))).containsExactlyElementsOf(a.layers().stream().map(OciLayout.Descriptor::digest).toList());
        assertThat(inspect.get("Architecture").asText()).isEqualTo("amd64");
        assertThat(inspect.get("Os").asText()).isEqualTo("linux");
        assertThat(texts(inspect.get("Env"))).contains("SLIPWAY_SEED=inspect-a");

        String raw = skopeo("inspect", "--raw", "--tls-verify=false", "--creds", creds, repo + ":v1").ok().out();
        assertThat(raw.getBytes(StandardCharsets.UTF_8)).isEqualTo(OciLayout.readBlob(src.dir(), a.digest()));
        assertThat(OciLayout.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(a.digest());
        String rawConfig = skopeo("inspect", "--raw", "--config", "--tls-verify=false", "--creds", creds, repo + ":v1").ok().out();
        assertThat(rawConfig.getBytes(StandardCharsets.UTF_8)).isEqualTo(OciLayout.readBlob(src.dir(), a.config().digest()));

        JsonNode byDigest = json(skopeo("inspect", "--tls-verify=false", "--creds", creds, repo + "@" + b.digest()).ok());
        assertThat(byDigest.get("Digest").asText()).isEqualTo(b.digest());

        assertThat(texts(json(skopeo("list-tags", "--tls-verify=false", "--creds", creds, repo).ok()).get("Tags")))
                .containsExactlyInAnyOrder("v1", "v2", "v3");

        skopeo("delete", "--tls-verify=false", "--creds", creds, repo + "@" + b.digest()).ok();

        Tools.Result gone = skopeo("inspect", "--tls-verify=false", "--creds", creds, repo + ":v3");
        assertThat(gone.exit()).isNotZero();
        assertThat(gone.err()).containsIgnoringCase("manifest unknown");
        Tools.Result goneByDigest = skopeo("inspect", "--raw", "--tls-verify=false", "--creds", creds, repo + "@" + b.digest());
        assertThat(goneByDigest.exit()).isNotZero();
        assertThat(goneByDigest.err()).containsIgnoringCase("manifest unknown");
        assertThat(texts(json(skopeo("list-tags", "--tls-verify=false", "--creds", creds, repo).ok()).get("Tags")))
                .containsExactlyInAnyOrder("v1", "v2");
        // The other image is untouched.
        assertThat(json(skopeo("inspect", "--tls-verify=false", "--creds", creds, repo + ":v2").ok()).get("Digest").asText())
                .isEqualTo(a.digest());
    }

    // ---- 3. multi-platform index

    @Test
    void copiesAMultiPlatformIndexWithAll(@TempDir Path tmp) throws Exception {
        String token = user("multi");
        String creds = "multi:" + token;
        OciLayout src = OciLayout.create(tmp.resolve("src"));
        OciLayout.Index index = src.addIndex("multi", "multi-arch", 2,
                OciLayout.Platform.LINUX_AMD64, OciLayout.Platform.LINUX_ARM64);
        OciLayout.Image amd64 = index.manifests().get(0);
        OciLayout.Image arm64 = index.manifests().get(1);
        assertThat(amd64.config().digest()).isNotEqualTo(arm64.config().digest());
        String ref = "docker://" + host + "/multi/app:1";

        Path digestFile = tmp.resolve("pushed.digest");
        skopeo("copy", "--all", "--dest-tls-verify=false", "--dest-creds", creds, "--digestfile", digestFile.toString(),
                "oci:" + src.dir() + ":multi", ref).ok();
        assertThat(Files.readString(digestFile).trim()).isEqualTo(index.digest());

        Path back = tmp.resolve("back");
        skopeo("copy", "--all", "--src-tls-verify=false", "--src-creds", creds, ref, "oci:" + back + ":multi").ok();
        OciLayout.Descriptor top = OciLayout.resolve(back, "multi");
        assertThat(top.digest()).isEqualTo(index.digest());
        assertThat(top.mediaType()).isEqualTo(OciLayout.INDEX);
        assertThat(OciLayout.blobs(back)).containsKeys(index.digest(), amd64.digest(), arm64.digest(),
                amd64.config().digest(), arm64.config().digest());
        assertSameBlobs(src.dir(), back);

        // The registry serves the index by tag and each child by digest, with the right headers.
        Http http = Http.basic(server.baseUrl(), "multi", token);
        HttpResponse<byte[]> byTag = http.sendBytes(http.request("/v2/multi/app/manifests/1").GET());
        assertThat(byTag.statusCode()).isEqualTo(200);
        assertThat(byTag.headers().firstValue("Content-Type")).hasValue(OciLayout.INDEX);
        assertThat(byTag.headers().firstValue("Docker-Content-Digest")).hasValue(index.digest());
        assertThat(byTag.body()).isEqualTo(OciLayout.readBlob(src.dir(), index.digest()));
        for (OciLayout.Image child : index.manifests()) {
            HttpResponse<byte[]> r = http.sendBytes(http.request("/v2/multi/app/manifests/" + child.digest()).GET());
            assertThat(r.statusCode()).as("GET child %s (%s)", child.digest(), child.platform()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue(OciLayout.MANIFEST);
            assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(child.digest());
            assertThat(OciLayout.sha256(r.body())).isEqualTo(child.digest());
            assertThat(r.body()).isEqualTo(OciLayout.readBlob(src.dir(), child.digest()));
        }

        // skopeo picks the platform's child from the index.
        JsonNode arm = json(skopeo("--override-arch", "arm64", "--override-os", "linux", "inspect", "--tls-verify=false",
                "--creds", creds, ref).ok());
        assertThat(arm.get("Architecture").asText()).isEqualTo("arm64");
        assertThat(texts(arm.get("Layers"))).containsExactlyElementsOf(arm64.layers().stream().map(OciLayout.Descriptor::digest).toList());
        JsonNode rawIndex = json(skopeo("inspect", "--raw", "--tls-verify=false", "--creds", creds, ref).ok());
        assertThat(StreamSupport.stream(rawIndex.get("manifests").spliterator(), false).map(m -> m.get("digest").asText()).toList())
                .containsExactly(amd64.digest(), arm64.digest());
    }

    // ---- 4. authorization

    @Test
    void readTokensAnonymousAccessAndPublicRepositories(@TempDir Path tmp) throws Exception {
        String writeToken = user("owner");
        String readToken = server.token("owner", "read:package");
        OciLayout src = OciLayout.create(tmp.resolve("src"));
        OciLayout.Image v1 = src.addImage("v1", "auth-1", 2);
        src.addImage("v2", "auth-2", 2);
        String repo = "docker://" + host + "/owner/private";
        skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "owner:" + writeToken, "oci:" + src.dir() + ":v1", repo + ":v1").ok();

        // A read:package token reads but cannot push.
        JsonNode read = json(skopeo("inspect", "--tls-verify=false", "--creds", "owner:" + readToken, repo + ":v1").ok());
        assertThat(read.get("Digest").asText()).isEqualTo(v1.digest());
        Tools.Result push = skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "owner:" + readToken,
                "oci:" + src.dir() + ":v2", repo + ":v2");
        assertThat(push.exit()).isNotZero();
        assertThat(push.err()).containsIgnoringCase("denied");
        assertThat(server.slipway().registry().tags("owner/private", null, 100)).containsExactly("v1");

        // The repository is private: nobody else, and no anonymous client, may read it.
        Tools.Result anonymous = skopeo("inspect", "--tls-verify=false", "--no-creds", repo + ":v1");
        assertThat(anonymous.exit()).isNotZero();
        assertThat(anonymous.err()).containsIgnoringCase("unauthorized");
        assertThat(anonymous.err()).doesNotContain(v1.digest());
        String strangerToken = user("stranger");
        Tools.Result stranger = skopeo("inspect", "--tls-verify=false", "--creds", "stranger:" + strangerToken, repo + ":v1");
        assertThat(stranger.exit()).isNotZero();
        assertThat(stranger.err()).doesNotContain(v1.digest());

        // Made public, it can be read anonymously, but still not written.
        HttpResponse<String> patch = Http.token(server.baseUrl(), writeToken).patch("/api/v1/packages/owner/container/private",
                "application/json", "{\"visibility\":\"public\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
        assertThat(JSON.readTree(patch.body()).get("visibility").asText()).isEqualTo("public");

        JsonNode publicInspect = json(skopeo("inspect", "--tls-verify=false", "--no-creds", repo + ":v1").ok());
        assertThat(publicInspect.get("Digest").asText()).isEqualTo(v1.digest());
        Path back = tmp.resolve("back");
        skopeo("copy", "--src-tls-verify=false", "--src-no-creds", repo + ":v1", "oci:" + back + ":v1").ok();
        assertThat(OciLayout.resolve(back, "v1").digest()).isEqualTo(v1.digest());

        Tools.Result anonymousPush = skopeo("copy", "--dest-tls-verify=false", "--dest-no-creds",
                "oci:" + src.dir() + ":v2", repo + ":v2");
        assertThat(anonymousPush.exit()).isNotZero();
        Tools.Result strangerPush = skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "stranger:" + strangerToken,
                "oci:" + src.dir() + ":v2", repo + ":v2");
        assertThat(strangerPush.exit()).isNotZero();
        assertThat(server.slipway().registry().tags("owner/private", null, 100)).containsExactly("v1");
    }

    // ---- helpers

    /** Creates {@code name} and returns a write:package token for it. */
    private static String user(String name) {
        server.createUser(name, name + "-password-1");
        return server.token(name, "write:package");
    }

    private static Tools.Result skopeo(String... args) {
        return skopeo.run(args);
    }

    private static JsonNode json(Tools.Result r) throws Exception {
        return JSON.readTree(r.out());
    }

    private static List<String> texts(JsonNode array) {
        assertThat(array).as("expected a JSON array").isNotNull();
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** {@code copy} holds exactly the blobs of {@code original}, byte for byte, and every file in both matches its name. */
    private static void assertSameBlobs(Path original, Path copy) throws Exception {
        Map<String, String> before = OciLayout.blobs(original);
        Map<String, String> after = OciLayout.blobs(copy);
        before.forEach((name, content) -> assertThat(content).as("content of %s in %s", name, original).isEqualTo(name));
        after.forEach((name, content) -> assertThat(content).as("content of %s in %s", name, copy).isEqualTo(name));
        assertThat(after.keySet()).as("blobs of %s", copy).isEqualTo(before.keySet());
        for (String digest : before.keySet()) {
            assertThat(Files.mismatch(OciLayout.blobPath(original, digest), OciLayout.blobPath(copy, digest)))
                    .as("blob %s differs", digest).isEqualTo(-1L);
        }
    }
}
