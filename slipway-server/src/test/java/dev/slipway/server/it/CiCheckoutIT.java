package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.ci.workspace.HttpCredentials;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.Test;

/**
 * Checkout over ssh (Debian's sshd) and git's smart HTTP(S) protocol (git http-backend behind
 * Basic authentication, and a private CA for HTTPS), end to end: deploy keys and secrets made
 * through the API, repositories registered with ssh and https clone URLs, pipelines run on the
 * test dockerd.
 */
class CiCheckoutIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TRIVIAL = """
            images: { box: local/busybox:1 }
            tasks:
              show: { image: box, network: none, commands: [ "cat marker.txt" ] }
            """;
    static final String HTTP_PASSWORD = "http-password-5821";
    static final String HTTP_TOKEN = "http-token-7c1f0d";
    static final String HTTPS_PASSWORD = "https-password-03b2";

    static TestServer server;
    static Http alice;
    static CiClient ci;
    static Sshd sshd;
    static GitHttpServer git;
    /** HTTPS with a certificate from a private CA that the server trusts through ci.git-ca-file. */
    static GitHttpServer https;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        sshd = Sshd.start();
        git = GitHttpServer.http(Map.of("alice-git", HTTP_PASSWORD, HttpCredentials.TOKEN_USER, HTTP_TOKEN));
        Path tls = Files.createTempDirectory("slipway-tls-");
        https = GitHttpServer.https(Map.of("ci-bot", HTTPS_PASSWORD), tls);
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = TestServer.start(Map.of("ci.git-ca-file", tls.resolve("ca.pem").toString()));
        server.createUser("alice", "alice-password");
        alice = Http.basic(server.baseUrl(), "alice", "alice-password");
        ci = new CiClient(Http.token(server.baseUrl(), server.token("alice", "write:repository")), "alice");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {server, sshd, git, https}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** Creates a deploy key of alice through the API; returns the JSON (public_key, fingerprint). */
    static JsonNode deployKey(Http http, String owner, String name) throws Exception {
        HttpResponse<String> r = http.postJson("/api/v1/keys", "{\"owner\":\"" + owner + "\",\"name\":\"" + name + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    static void secret(Http http, String scopePath, String name, String value) {
        HttpResponse<String> r = http.put(scopePath + "/actions/secrets/" + name, "application/json",
                JSON.createObjectNode().put("data", value).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isIn(201, 204);
    }

    static Path repo(String marker) throws Exception {
        return GitRepos.create(Map.of(".slipway/ci.yml", TRIVIAL, "marker.txt", marker + "\n"));
    }

    static void registered(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    Path knownHosts() {
        return server.config().ciDir().resolve("worktrees/.ssh/known_hosts");
    }

    @Test
    void sshChecksOutWithTheDeployKeyEachEntryNames() throws Exception {
        JsonNode appKey = deployKey(alice, "alice", "app-deploy");
        JsonNode libKey = deployKey(alice, "alice", "lib-deploy");
        sshd.authorize(appKey.get("public_key").asText());
        sshd.authorize(libKey.get("public_key").asText());
        Path lib = GitRepos.create(Map.of("lib.txt", "lib over ssh\n"));
        String libCommit = GitRepos.git(lib, "rev-parse", "HEAD").trim();
        Path app = GitRepos.create(Map.of("app.txt", "app over ssh\n", ".slipway/ci.yml", """
                images: { box: local/busybox:1 }
                repositories:
                  - { url: "%s", revision: %s, mutable: false, key: lib-deploy, name: lib }
                tasks:
                  show: { image: box, network: none, commands: [ "cat app.txt /src/lib/lib.txt" ] }
                """.formatted(sshd.url(lib), libCommit)));
        registered(ci.registration("ssh-app", sshd.url(app), Map.of("key", "app-deploy")));

        JsonNode run = ci.run("ssh-app", "{}");
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("success");
        assertThat(ci.log(run, "show")).contains("app over ssh").contains("lib over ssh");
        // sshd saw each key it accepted: the registration's for the app, the entry's for lib.
        assertThat(sshd.log()).contains("Accepted publickey for " + Sshd.user() + " from 127.0.0.1")
                .contains(appKey.get("fingerprint").asText()).contains(libKey.get("fingerprint").asText());
        // The host key was recorded on first use, in OpenSSH's format.
        assertThat(Files.readString(knownHosts())).contains("[127.0.0.1]:" + sshd.port() + " " + sshd.hostKey());
    }

    @Test
    void anUnauthorizedOrMissingKeyFailsWithTheUrlInsteadOfHanging() throws Exception {
        deployKey(alice, "alice", "stranger"); // never authorized
        Path repo = repo("unreachable");
        String url = sshd.url(repo);
        registered(ci.registration("stranger-app", url, Map.of("key", "stranger")));
        HttpResponse<String> refused = ci.tryTrigger("stranger-app", "{}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("cannot fetch " + url + ": authentication failed: the server did not accept deploy key "
                + "'stranger' of alice").doesNotContain("private/stranger");

        registered(ci.registration("keyless-app", url, Map.of()));
        HttpResponse<String> keyless = ci.tryTrigger("keyless-app", "{}");
        assertThat(keyless.statusCode()).as(keyless.body()).isEqualTo(400);
        assertThat(keyless.body()).contains("cannot fetch " + url + ": authentication failed: the server wants a key, and the "
                + "repository names no deploy key");

        // A pipeline's extra entry is checked out when the run starts: the run ends in error, saying why.
        ci.register("stranger-entry", GitRepos.create(Map.of(".slipway/ci.yml", """
                images: { box: local/busybox:1 }
                repositories:
                  - { url: "%s", revision: main, key: stranger, name: other }
                tasks:
                  show: { image: box, network: none, commands: [ "ls /src/other" ] }
                """.formatted(url))));
        JsonNode run = ci.run("stranger-entry", "{}");
        assertThat(run.get("status").asText()).isEqualTo("error");
        assertThat(run.get("status_message").asText()).contains("cannot fetch " + url + ": authentication failed");

        HttpResponse<String> unknownKey = ci.registration("no-such-key", url, Map.of("key", "../etc"));
        assertThat(unknownKey.statusCode()).isEqualTo(400);
    }

    @Test
    void aChangedHostKeyIsRefusedAndTheRecordedKeyKept() throws Exception {
        try (Sshd moving = Sshd.start()) {
            moving.authorize(deployKey(alice, "alice", "moving-deploy").get("public_key").asText());
            String url = moving.url(repo("first host key"));
            registered(ci.registration("moving-host", url, Map.of("key", "moving-deploy")));
            assertThat(ci.run("moving-host", "{}").get("status").asText()).isEqualTo("success");
            String recorded = moving.hostKey();
            String recordedFingerprint = moving.hostKeyFingerprint();

            moving.restartWithNewHostKey();
            HttpResponse<String> refused = ci.tryTrigger("moving-host", "{}");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            String pattern = "[127.0.0.1]:" + moving.port();
            assertThat(refused.body()).contains(url).contains("the host key of " + pattern + " has changed: it is now "
                            + moving.hostKeyFingerprint()).contains(" records " + recordedFingerprint)
                    .contains("ssh-keygen -R '" + pattern + "'");
            List<String> lines = Files.readAllLines(knownHosts()).stream().filter(l -> l.startsWith(pattern + " ")).toList();
            assertThat(lines).containsExactly(pattern + " " + recorded);
        }
    }

    @Test
    void httpsCredentialsComeFromASecretAndAreSentOnlyToTheirServer() throws Exception {
        Path lib = GitRepos.create(Map.of("lib.txt", "lib over http\n"));
        String libUrl = git.serve("http-lib", lib);
        Path app = GitRepos.create(Map.of("app.txt", "app over http\n", ".slipway/ci.yml", """
                images: { box: local/busybox:1 }
                repositories:
                  - { url: "%s", revision: main, credentials: LIB_TOKEN, name: lib }
                tasks:
                  show: { image: box, network: none, commands: [ "cat app.txt /src/lib/lib.txt" ] }
                """.formatted(libUrl)));
        String appUrl = git.serve("http-app", app);
        // user:password for the repository itself, a bare token (owner-wide) for the library.
        secret(alice, "/api/v1/repos/alice/http-app", "GIT_CREDENTIALS", "alice-git:" + HTTP_PASSWORD);
        secret(alice, "/api/v1/user", "LIB_TOKEN", HTTP_TOKEN + "\n");
        registered(ci.registration("http-app", appUrl, Map.of("credentials", "GIT_CREDENTIALS")));

        JsonNode run = ci.run("http-app", "{}");
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("success");
        assertThat(ci.log(run, "show")).contains("app over http").contains("lib over http");
        assertThat(git.authorized()).contains("alice-git", HttpCredentials.TOKEN_USER);
        JsonNode registration = JSON.readTree(ci.http().get("/api/v1/repos/alice/http-app").body());
        assertThat(registration.get("credentials").asText()).isEqualTo("GIT_CREDENTIALS");

        // Without credentials, with wrong ones, or with a secret that is not set: a clear 4xx, never a hang or a 500.
        registered(ci.registration("http-anon", appUrl, Map.of()));
        HttpResponse<String> anonymous = ci.tryTrigger("http-anon", "{}");
        assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(400);
        assertThat(anonymous.body()).contains("cannot fetch " + appUrl + ": authentication failed: the server wants credentials, and "
                + "the repository names none");

        secret(alice, "/api/v1/repos/alice/http-wrong", "GIT_CREDENTIALS", "alice-git:not-the-password");
        registered(ci.registration("http-wrong", appUrl, Map.of("credentials", "GIT_CREDENTIALS")));
        HttpResponse<String> wrong = ci.tryTrigger("http-wrong", "{}");
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(400);
        assertThat(wrong.body()).contains("cannot fetch " + appUrl + ": authentication failed: the server did not accept the "
                + "credentials of secret 'GIT_CREDENTIALS' (user 'alice-git')").doesNotContain("not-the-password");

        registered(ci.registration("http-unset", appUrl, Map.of("credentials", "NOT_SET")));
        HttpResponse<String> unset = ci.tryTrigger("http-unset", "{}");
        assertThat(unset.statusCode()).as(unset.body()).isEqualTo(422);
        assertThat(unset.body()).contains("credentials for " + appUrl + ": secret 'NOT_SET' is not set; searched repo:alice/http-unset, "
                + "owner:alice, global");

        // A deploy key on an https URL, or credentials on an ssh URL, is refused rather than ignored.
        HttpResponse<String> keyOnHttps = ci.registration("http-key", appUrl, Map.of("key", "app-deploy"));
        assertThat(keyOnHttps.statusCode()).isEqualTo(400);
        assertThat(keyOnHttps.body()).contains("'key' is for ssh URLs");
        HttpResponse<String> credentialsOnSsh = ci.registration("ssh-credentials", sshd.url(app), Map.of("credentials", "GIT_CREDENTIALS"));
        assertThat(credentialsOnSsh.statusCode()).isEqualTo(400);
        assertThat(credentialsOnSsh.body()).contains("'credentials' is for http(s) URLs");
    }

    @Test
    void onlyTheDeployKeyIsOfferedNeverTheUsersKeysOrAgent() throws Exception {
        // The user's home, as JGit sees it, has a key that sshd accepts, named in ~/.ssh/config along
        // with an ssh-agent that holds another accepted key.
        Path home = Files.createTempDirectory("slipway-home-");
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Path socket = home.resolve("agent.sock");
        Tools.run(Map.of(), ssh, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "id_ed25519").ok();
        Tools.run(Map.of(), ssh, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "agent_key").ok();
        Files.writeString(ssh.resolve("config"), "Host *\n  IdentityFile ~/.ssh/id_ed25519\n  IdentityAgent " + socket + "\n");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        File previousHome = FS.DETECTED.userHome();
        try {
            for (int i = 0; i < 200 && !Files.exists(socket); i++) {
                Thread.sleep(25);
            }
            Tools.run(Map.of("SSH_AUTH_SOCK", socket.toString()), ssh, "ssh-add", "-q", "agent_key").ok();
            List<String> decoys = List.of(Sshd.fingerprint(ssh.resolve("id_ed25519.pub")),
                    Sshd.fingerprint(ssh.resolve("agent_key.pub")));
            sshd.authorize(Files.readString(ssh.resolve("id_ed25519.pub")));
            sshd.authorize(Files.readString(ssh.resolve("agent_key.pub")));
            FS.DETECTED.setUserHome(home.toFile());

            JsonNode key = deployKey(alice, "alice", "late-deploy");
            String url = sshd.url(repo("no decoys"));
            registered(ci.registration("decoys", url, Map.of("key", "late-deploy")));
            registered(ci.registration("decoys-keyless", url, Map.of()));
            HttpResponse<String> refused = ci.tryTrigger("decoys", "{}");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("the server did not accept deploy key 'late-deploy'");
            HttpResponse<String> keyless = ci.tryTrigger("decoys-keyless", "{}");
            assertThat(keyless.statusCode()).as(keyless.body()).isEqualTo(400);
            // sshd logs every key offered to it: the deploy key was, the decoys (which it would accept) never.
            assertThat(sshd.log()).contains("Failed publickey for " + Sshd.user() + " from 127.0.0.1")
                    .contains(key.get("fingerprint").asText());
            for (String decoy : decoys) {
                assertThat(sshd.log()).doesNotContain(decoy);
            }

            sshd.authorize(key.get("public_key").asText());
            JsonNode run = ci.run("decoys", "{}");
            assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("success");
            assertThat(ci.log(run, "show")).contains("no decoys");
        } finally {
            FS.DETECTED.setUserHome(previousHome);
            agent.destroy();
            agent.waitFor();
        }
    }

    @Test
    void httpsToAPrivateCaWorksWhenTheCaIsConfiguredAndFailsClearlyOtherwise() throws Exception {
        String url = https.serve("tls-app", repo("over tls"));
        secret(alice, "/api/v1/repos/alice/tls-app", "GIT_CREDENTIALS", "ci-bot:" + HTTPS_PASSWORD);
        registered(ci.registration("tls-app", url, Map.of("credentials", "GIT_CREDENTIALS")));
        JsonNode run = ci.run("tls-app", "{}");
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("success");
        assertThat(ci.log(run, "show")).contains("over tls");
        assertThat(https.authorized()).contains("ci-bot");

        // A server whose certificate no configured CA signed.
        try (GitHttpServer stranger = GitHttpServer.https(Map.of("ci-bot", HTTPS_PASSWORD), Files.createTempDirectory("slipway-tls-"))) {
            String strangerUrl = stranger.serve("tls-other", repo("unseen"));
            secret(alice, "/api/v1/repos/alice/tls-untrusted", "GIT_CREDENTIALS", "ci-bot:" + HTTPS_PASSWORD);
            registered(ci.registration("tls-untrusted", strangerUrl, Map.of("credentials", "GIT_CREDENTIALS")));
            HttpResponse<String> untrusted = ci.tryTrigger("tls-untrusted", "{}");
            assertThat(untrusted.statusCode()).as(untrusted.body()).isEqualTo(400);
            assertThat(untrusted.body()).contains("cannot fetch " + strangerUrl + ": TLS failed: ").contains("ci.git-ca-file");
            assertThat(stranger.authorized()).isEmpty();
        }
    }
}
