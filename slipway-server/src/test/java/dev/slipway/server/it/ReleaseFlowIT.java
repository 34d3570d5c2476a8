package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's acceptance example, unchanged but for the ntfy URL: versions, a real publish task to
 * Slipway's own registry, the tag pushed back, the notification; and when the test fails, nothing
 * published and no tag.
 */
class ReleaseFlowIT {
    static final String ACCEPTANCE = """
            on:
              push: { branches: [main] }
            version:
              rules: conventional      # or: simple (seed 000's table)
              tag: true                # push the new version tag to the repository when the run succeeds
            images:
              box: local/busybox:1
              app:
                build: { context: ., dockerfile: Dockerfile }
            tasks:
              test:
                image: box
                commands: [ "echo testing $SLIPWAY_VERSION" ]
              publish:
                depends_on: [test]
                publish:
                  image: app
                  to: admin/app        # Slipway's own registry; host/owner/name for another registry
                  tags: [ "${SLIPWAY_COMMIT_SHORT}", latest, "${SLIPWAY_VERSION}" ]
                  keep: 10             # afterwards keep the newest 10 tags of admin/app (latest is always kept)
              on-failure:
                image: box
                when: { status: [failure] }
                commands: [ "echo something failed" ]
            notify:
              - ntfy:
                  url: %s/gitea-ci
                  title: "Images built: ${SLIPWAY_REPO}"
                  priority: default
                  tags: [white_check_mark, docker]
                  message: "Version: ${SLIPWAY_VERSION}"
                when: [success]
            """;

    static TestServer server;
    static CiClient admin;
    static Http registry;
    static WebhookReceiver ntfy;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = TestServer.start();
        admin = new CiClient(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD), "admin");
        registry = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        ntfy = WebhookReceiver.start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {ntfy, server}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** A bare repository whose last tag is v1.2.3 (annotated), then a commit {@code feat: add x} with {@code pipeline}. */
    static Path remote(String pipeline) throws Exception {
        Path work = GitRepos.create(Map.of(".slipway/release.yml", pipeline, "Dockerfile", "FROM local/busybox:1\nRUN echo app > /app\n"));
        GitRepos.git(work, "tag", "-a", "v1.2.3", "-m", "Release v1.2.3 (patch)");
        GitRepos.commit(work, Map.of("x.txt", "x\n"), "feat: add x");
        Path bare = work.resolveSibling("bare.git");
        GitRepos.git(work, "clone", "-q", "--bare", work.toString(), bare.toString());
        return bare;
    }

    @Test
    void theAcceptanceExamplePublishesTagsAndNotifies() throws Exception {
        Path bare = remote(ACCEPTANCE.formatted(ntfy.baseUrl()));
        String commit = GitRepos.git(bare, "rev-parse", "main").trim();
        admin.register("app", bare);
        JsonNode run = admin.run("app", "{\"ref\":\"main\"}");
        assertThat(run.get("status").asText()).as(admin.log(run, "publish")).isEqualTo("success");
        assertThat(CiClient.tasks(run).get("on-failure").get("status").asText()).isEqualTo("skipped");

        // admin/app has <sha8>, latest and v1.3.0, all one digest, and docker pulls it.
        String digest = run.get("published").get(0).get("digest").asText();
        assertThat(run.get("published").get(0).get("tags")).extracting(JsonNode::asText)
                .containsExactly(commit.substring(0, 8), "latest", "v1.3.0");
        for (String tag : List.of(commit.substring(0, 8), "latest", "v1.3.0")) {
            assertThat(PublishIT.digestOf(registry, "admin/app", tag)).isEqualTo(digest);
        }
        String image = server.registryHost() + "/admin/app:v1.3.0";
        Map<String, String> env = Map.of("DOCKER_CONFIG", Files.createTempDirectory("docker-config-").toString());
        Tools.runWithInput(env, null, server.token("admin", "read:package"), "docker", "login", server.registryHost(), "-u", "admin",
                "--password-stdin").ok();
        Tools.run(env, null, "docker", "pull", image).ok();
        try {
            assertThat(Tools.run(env, null, "docker", "inspect", "-f", "{{index .Config.Labels \"org.opencontainers.image.version\"}}",
                    image).ok().out().strip()).isEqualTo("v1.3.0");
        } finally {
            Tools.run(env, null, "docker", "rmi", image);
        }

        // The annotated tag at that commit, and seed 000's ntfy request.
        assertThat(GitRepos.git(bare, "for-each-ref", "refs/tags/v1.3.0", "--format=%(objecttype) %(*objectname) %(contents)").trim())
                .isEqualTo("tag " + commit + " Release v1.3.0 (minor)");
        List<WebhookReceiver.Delivery> posts = ntfy.await(d -> d.path().equals("/gitea-ci"), 1, Duration.ofMinutes(2));
        assertThat(posts).hasSize(1);
        assertThat(posts.getFirst().header("Title")).isEqualTo("Images built: admin/app");
        assertThat(posts.getFirst().header("Priority")).isEqualTo("default");
        assertThat(posts.getFirst().header("Tags")).isEqualTo("white_check_mark,docker");
        assertThat(posts.getFirst().body()).isEqualTo("Version: v1.3.0");
    }

    @Test
    void whenTheTestFailsNothingIsPublishedAndNoTagIsPushed() throws Exception {
        // The one change: a test that fails.
        Path bare = remote(ACCEPTANCE.formatted(ntfy.baseUrl()).replace("\"echo testing $SLIPWAY_VERSION\"", "\"exit 1\""));
        String commit = GitRepos.git(bare, "rev-parse", "main").trim();
        admin.register("broken", bare);
        JsonNode run = admin.run("broken", "{\"ref\":\"main\"}");
        assertThat(run.get("status").asText()).isEqualTo("failure");
        var tasks = CiClient.tasks(run);
        assertThat(tasks.get("on-failure").get("status").asText()).isEqualTo("success");
        assertThat(admin.log(run, "on-failure")).contains("something failed");
        assertThat(tasks.get("publish").get("status").asText()).isEqualTo("skipped");
        assertThat(run.get("published")).isEmpty();
        assertThat(GitRepos.git(bare, "tag", "-l").trim()).isEqualTo("v1.2.3");
        assertThat(registry.get("/v2/admin/app/manifests/" + commit.substring(0, 8)).statusCode()).isEqualTo(404);
    }
}
