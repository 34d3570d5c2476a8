package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The docker CLI against Slipway: login with a token, push, pull by tag and digest, run. */
class DockerClientIT {
    static TestServer server;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        server = TestServer.start();
        Path config = Files.createTempDirectory("docker-config-");
        env = new HashMap<>();
        env.put("DOCKER_CONFIG", config.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void loginPushPullRunWithAToken() throws Exception {
        server.createUser("alice", "alice-password");
        String token = server.token("alice", "write:package");
        String host = server.registryHost();
        String image = host + "/alice/busybox:1";

        Tools.runWithInput(env, null, token, "docker", "login", host, "-u", "alice", "--password-stdin").ok();
        TestImages.buildBusybox(env, image);
        Tools.Result push = Tools.run(env, null, "docker", "push", image).ok();
        String digest = push.out().replaceAll("(?s).*digest: (sha256:[0-9a-f]{64}).*", "$1");
        assertThat(digest).startsWith("sha256:");

        Tools.run(env, null, "docker", "rmi", "-f", image).ok();
        Tools.run(env, null, "docker", "pull", image).ok();
        assertThat(Tools.run(env, null, "docker", "run", "--rm", "--network", "none", image, "echo", "pulled-and-ran").ok().out())
                .contains("pulled-and-ran");

        String byDigest = host + "/alice/busybox@" + digest;
        Tools.run(env, null, "docker", "rmi", "-f", image).ok();
        Tools.run(env, null, "docker", "pull", byDigest).ok();
        assertThat(Tools.run(env, null, "docker", "run", "--rm", "--network", "none", byDigest, "sh", "-c", "echo by-digest").ok().out())
                .contains("by-digest");
        Tools.run(env, null, "docker", "rmi", "-f", byDigest).ok();
    }

    @Test
    void readOnlyTokenCannotPush() throws Exception {
        server.createUser("reader", "reader-password");
        String readToken = server.token("reader", "read:package");
        String host = server.registryHost();
        String image = host + "/reader/app:1";
        Map<String, String> readerEnv = new HashMap<>(env);
        readerEnv.put("DOCKER_CONFIG", Files.createTempDirectory("docker-config-").toString());
        Tools.runWithInput(readerEnv, null, readToken, "docker", "login", host, "-u", "reader", "--password-stdin").ok();
        TestImages.buildBusybox(readerEnv, image);
        Tools.Result push = Tools.run(readerEnv, null, "docker", "push", image);
        assertThat(push.exit()).isNotZero();
        assertThat(push.out() + push.err()).containsIgnoringCase("denied");
        assertThat(server.slipway().registry().repository("reader/app")).isEmpty();
        Tools.run(readerEnv, null, "docker", "rmi", "-f", image);
    }
}
