package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Versions from commit messages end to end: bare repositories (file:// and over Debian's sshd with
 * a deploy key made through the API) whose last tag is v1.2.3, runs on the test dockerd, the
 * pushed tags checked with the git CLI.
 */
class VersionsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RELEASE = """
            version: { rules: conventional, tag: true }
            images: { box: local/busybox:1 }
            tasks:
              show:
                image: box
                network: none
                commands: [ "echo version=${SLIPWAY_VERSION} bump=$SLIPWAY_VERSION_BUMP previous=$SLIPWAY_PREVIOUS_VERSION" ]
            """;

    static TestServer server;
    static Http alice;
    static CiClient ci;
    static Sshd sshd;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        Tools.require("git");
        sshd = Sshd.start();
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = TestServer.start(Map.of("ci.max-concurrent-runs", "4"));
        server.createUser("alice", "alice-password");
        alice = Http.token(server.baseUrl(), server.token("alice", "write:repository"));
        ci = new CiClient(alice, "alice");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {server, sshd}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** A working repository with the pipeline, tagged v1.2.3 (annotated), and a bare clone of it: the remote Slipway uses. */
    record Remote(Path work, Path bare) {
        static Remote of(String pipeline) throws Exception {
            Path work = GitRepos.create(Map.of(".slipway/release.yml", pipeline, "README", "hello\n"));
            GitRepos.git(work, "tag", "-a", "v1.2.3", "-m", "Release v1.2.3 (patch)");
            Path bare = work.resolveSibling("bare.git");
            GitRepos.git(work, "clone", "-q", "--bare", work.toString(), bare.toString());
            return new Remote(work, bare);
        }

        /** Commits in the working repository and pushes the branch to the bare one; returns the commit. */
        String push(String message) throws Exception {
            String commit = GitRepos.commit(work, Map.of("change-" + System.nanoTime() + ".txt", message + "\n"), message);
            GitRepos.git(work, "push", "-q", bare.toString(), "main");
            return commit;
        }

        String git(String... args) {
            return GitRepos.git(bare, args).trim();
        }

        /** The tag's type, commit, tagger and message, as git prints them. */
        String tag(String name) {
            return git("for-each-ref", "refs/tags/" + name, "--format=%(objecttype) %(*objectname) %(taggername) %(contents)");
        }
    }

    static JsonNode version(JsonNode run) {
        return run.get("version");
    }

    @Test
    void aFeatureAfterV123IsReleasedAsV130AndTheAnnotatedTagIsPushedOverFileUrls() throws Exception {
        Remote remote = Remote.of(RELEASE);
        String commit = remote.push("feat: add x");
        ci.register("file-release", remote.bare());

        JsonNode run = ci.run("file-release", "{}");
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("success");
        assertThat(ci.log(run, "show")).contains("version=v1.3.0 bump=minor previous=v1.2.3");
        assertThat(version(run)).isEqualTo(JSON.readTree("""
                {"version":"v1.3.0","bump":"minor","previous":"v1.2.3","tag":true,"pushed":true,"error":null}"""));
        assertThat(remote.tag("v1.3.0")).isEqualTo("tag " + commit + " Slipway Release v1.3.0 (minor)");
        assertThat(remote.git("rev-parse", "v1.3.0^{commit}")).isEqualTo(commit);

        // A new run of the same commit gets the same version: the tag at the commit is the answer.
        JsonNode again = ci.run("file-release", "{}");
        assertThat(again.get("status").asText()).isEqualTo("success");
        assertThat(ci.log(again, "show")).contains("version=v1.3.0 bump=minor previous=v1.2.3");
        assertThat(version(again).get("pushed").asBoolean()).as(again.toString()).isTrue();
        assertThat(remote.git("tag", "-l")).isEqualTo("v1.2.3\nv1.3.0");

        // A run of a pipeline without 'version:' has no version and empty built-ins.
        GitRepos.commit(remote.work(), Map.of(".slipway/release.yml", RELEASE.replace("version: { rules: conventional, tag: true }\n", "")),
                "fix: no version any more");
        GitRepos.git(remote.work(), "push", "-q", remote.bare().toString(), "main");
        JsonNode plain = ci.run("file-release", "{}");
        assertThat(plain.get("version").isNull()).as(plain.toString()).isTrue();
        assertThat(ci.log(plain, "show")).contains("version= bump= previous=\n");
        assertThat(remote.git("tag", "-l")).isEqualTo("v1.2.3\nv1.3.0");
    }

    @Test
    void aFailingRunPushesNoTagAndItsRetryKeepsTheVersionAndPushesItWhenItSucceeds() throws Exception {
        Remote remote = Remote.of("""
                version: { rules: conventional, tag: true }
                images: { box: local/busybox:1 }
                tasks:
                  flaky:
                    image: box
                    network: none
                    caches: [ { name: attempts, path: /cache } ]
                    commands:
                      - echo "building ${SLIPWAY_VERSION}"
                      - test -f /cache/failed-once || { touch /cache/failed-once; exit 1; }
                """);
        String commit = remote.push("fix: y");
        ci.register("flaky-release", remote.bare());

        JsonNode failed = ci.run("flaky-release", "{}");
        assertThat(failed.get("status").asText()).as(failed.toString()).isEqualTo("failure");
        assertThat(ci.log(failed, "flaky")).contains("building v1.2.4");
        assertThat(version(failed)).isEqualTo(JSON.readTree("""
                {"version":"v1.2.4","bump":"patch","previous":"v1.2.3","tag":true,"pushed":false,"error":null}"""));
        assertThat(remote.git("tag", "-l")).as("a failed run pushes no tag").isEqualTo("v1.2.3");

        long id = failed.get("id").asLong();
        HttpResponse<String> retry = alice.post("/api/v1/runs/" + id + "/tasks/flaky/retry", "application/json", new byte[0]);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        JsonNode retried = ci.await(id);
        assertThat(retried.get("status").asText()).as(retried.toString()).isEqualTo("success");
        assertThat(version(retried).get("version").asText()).isEqualTo("v1.2.4");
        assertThat(version(retried).get("pushed").asBoolean()).isTrue();
        assertThat(remote.tag("v1.2.4")).isEqualTo("tag " + commit + " Slipway Release v1.2.4 (patch)");
    }

    @Test
    void twoRunsQueuedBackToBackOnOneBranchGetDifferentVersions() throws Exception {
        Remote remote = Remote.of(RELEASE.replace("commands: [", "commands: [ \"sleep 2\", "));
        ci.register("queued-release", remote.bare());
        String first = remote.push("feat: a");
        long one = ci.trigger("queued-release", "{\"ref\":\"main\"}").get("id").asLong();
        String second = remote.push("fix: b");
        long two = ci.trigger("queued-release", "{\"ref\":\"main\"}").get("id").asLong();

        JsonNode a = ci.await(one);
        JsonNode b = ci.await(two);
        assertThat(a.get("commit").asText()).isEqualTo(first);
        assertThat(b.get("commit").asText()).isEqualTo(second);
        assertThat(a.get("status").asText()).as(a.toString()).isEqualTo("success");
        assertThat(b.get("status").asText()).as(b.toString()).isEqualTo("success");
        assertThat(version(a)).isEqualTo(JSON.readTree("""
                {"version":"v1.3.0","bump":"minor","previous":"v1.2.3","tag":true,"pushed":true,"error":null}"""));
        assertThat(version(b)).as("computed after the first run pushed v1.3.0").isEqualTo(JSON.readTree("""
                {"version":"v1.3.1","bump":"patch","previous":"v1.3.0","tag":true,"pushed":true,"error":null}"""));
        assertThat(remote.git("rev-parse", "v1.3.0^{commit}")).isEqualTo(first);
        assertThat(remote.git("rev-parse", "v1.3.1^{commit}")).isEqualTo(second);
        // One after the other: the second started when the first had finished.
        assertThat(b.get("started_at").asText()).isGreaterThanOrEqualTo(a.get("finished_at").asText());
    }

    @Test
    void aPushTheForgeReportsIsTaggedAndAPullRequestGetsAVersionButNeverATag() throws Exception {
        String secret = "versions-hook-secret";
        ForgeHooks f = new ForgeHooks("alice/hooked-release", server.baseUrl(), secret, Map.of(".slipway/ci.yml",
                "on: { push: { branches: [main] }, pull_request: { branches: [main] } }\n" + RELEASE));
        assertThat(ci.registration("hooked-release", f.cloneUrl(), Map.of("webhook_secret", secret)).statusCode()).isEqualTo(201);
        GitRepos.git(f.work, "tag", "-a", "v1.2.3", "-m", "Release v1.2.3 (patch)");
        GitRepos.git(f.work, "push", "-q", "origin", "v1.2.3");
        String before = f.head();
        String feat = f.commitAndPush(Map.of("x.txt", "x\n"), "feat: add x");
        ForgeHooks.Answer pushed = f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/main", before, feat, "feat: add x"), null);
        JsonNode run = ci.await(pushed.body().at("/runs/0/id").asLong());
        assertThat(run.get("ref").asText()).isEqualTo("refs/heads/main");
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("success");
        assertThat(version(run)).isEqualTo(JSON.readTree("""
                {"version":"v1.3.0","bump":"minor","previous":"v1.2.3","tag":true,"pushed":true,"error":null}"""));
        assertThat(GitRepos.git(f.bare, "rev-parse", "v1.3.0^{commit}").trim()).isEqualTo(feat);

        GitRepos.git(f.work, "checkout", "-q", "-b", "feature");
        String head = GitRepos.commit(f.work, Map.of("y.txt", "y\n"), "feat!: a breaking proposal");
        GitRepos.git(f.work, "push", "-q", "origin", "HEAD:refs/pull/1/head"); // as the forge keeps a pull request's head
        ForgeHooks.Answer opened = f.deliver("gitea", "pull_request", "gitea-pull_request", Map.of("ACTION", "opened", "NUMBER", "1",
                "BASE_REF", "main", "BASE_SHA", feat, "HEAD_REF", "feature", "AFTER", head, "HEAD_REPO_ID", "140",
                "HEAD_FULL_NAME", "alice/hooked-release", "HEAD_IS_FORK", "false"), null);
        JsonNode pr = ci.await(opened.body().at("/runs/0/id").asLong());
        assertThat(pr.get("status").asText()).as(pr.toString()).isEqualTo("success");
        assertThat(ci.log(pr, "show")).contains("version=v2.0.0 bump=major previous=v1.3.0");
        assertThat(version(pr)).as("a pull request is no release").isEqualTo(JSON.readTree("""
                {"version":"v2.0.0","bump":"major","previous":"v1.3.0","tag":false,"pushed":false,"error":null}"""));
        assertThat(GitRepos.git(f.bare, "tag", "-l").trim()).isEqualTo("v1.2.3\nv1.3.0");
    }

    @Test
    void theTagIsPushedOverSshWithTheRegistrationsWriteDeployKeyAndARefusalIsRecordedWithoutFailingTheRun() throws Exception {
        Http login = Http.basic(server.baseUrl(), "alice", "alice-password"); // keys need a password login
        HttpResponse<String> key = login.postJson("/api/v1/keys", "{\"owner\":\"alice\",\"name\":\"release-deploy\"}");
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        JsonNode deployKey = JSON.readTree(key.body());
        sshd.authorize(deployKey.get("public_key").asText());

        Remote remote = Remote.of(RELEASE);
        String commit = remote.push("feat(api)!: a new API\n\nBREAKING CHANGE: the old one is gone");
        HttpResponse<String> registered = ci.registration("ssh-release", sshd.url(remote.bare()), Map.of("key", "release-deploy"));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        JsonNode run = ci.run("ssh-release", "{}");
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("success");
        assertThat(version(run)).isEqualTo(JSON.readTree("""
                {"version":"v2.0.0","bump":"major","previous":"v1.2.3","tag":true,"pushed":true,"error":null}"""));
        assertThat(remote.tag("v2.0.0")).isEqualTo("tag " + commit + " Slipway Release v2.0.0 (major)");
        assertThat(sshd.log()).contains("Accepted publickey for " + Sshd.user()).contains(deployKey.get("fingerprint").asText());

        // A server that refuses tags (a hook, as protected tags are): the run still succeeds, the refusal is recorded.
        Remote guarded = Remote.of(RELEASE);
        Path hook = guarded.bare().resolve("hooks/pre-receive");
        Files.writeString(hook, """
                #!/bin/sh
                while read old new ref; do
                  case "$ref" in refs/tags/*) echo "tags are protected here" >&2; exit 1;; esac
                done
                """);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        guarded.push("fix: z");
        assertThat(ci.registration("ssh-guarded", sshd.url(guarded.bare()), Map.of("key", "release-deploy")).statusCode()).isEqualTo(201);
        JsonNode refused = ci.run("ssh-guarded", "{}");
        assertThat(refused.get("status").asText()).as(refused.toString()).isEqualTo("success");
        JsonNode v = version(refused);
        assertThat(v.get("version").asText()).isEqualTo("v1.2.4");
        assertThat(v.get("pushed").asBoolean()).isFalse();
        assertThat(v.get("error").asText()).contains("the remote refused tag v1.2.4").contains("tags are protected here");
        assertThat(guarded.git("tag", "-l")).isEqualTo("v1.2.3");
    }
}
