package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job token and the way back to Slipway, from inside real task containers with busybox's
 * wget: the task reaches the server's API and registry with {@code SLIPWAY_TOKEN} at
 * {@code SLIPWAY_SERVER}, reaches no other port of the host, cannot push to another owner, and
 * the token (and registry tokens obtained with it) stop working when the run ends.
 */
class JobTokenIT {
    static final ObjectMapper JSON = new ObjectMapper();

    static TestServer server;
    static CiClient alice;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        server.createUser("bob", "bob-password");
        alice = new CiClient(Http.token(server.baseUrl(), server.token("alice", "write:repository")), "alice");
        alice.register("other", GitRepos.create(Map.of("README", "another repository of alice\n")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** What a task wrote to {@code out/<file>} (a declared output), read from the run's directory after the run. */
    static String output(long run, String repo, String task, String file) throws Exception {
        return Files.readString(server.config().ciDir().resolve("runs").resolve(Long.toString(run)).resolve("tasks").resolve(task)
                .resolve("outputs").resolve(repo).resolve("out").resolve(file), StandardCharsets.UTF_8);
    }

    @Test
    void aTaskReachesSlipwayWithItsTokenAndNothingElseOnTheHost() throws Exception {
        try (HostService other = new HostService()) {
            String pipeline = """
                    images: { box: local/busybox:1 }
                    tasks:
                      probe:
                        image: box
                        outputs: [out]
                        commands: |
                          mkdir -p out
                          printf %%s "$SLIPWAY_TOKEN" > out/token
                          echo "the token is $SLIPWAY_TOKEN"
                          echo "server $SLIPWAY_SERVER registry $SLIPWAY_REGISTRY"
                          # The CI API: this run, with the token.
                          wget -q -O run.json --header "Authorization: token $SLIPWAY_TOKEN" "$SLIPWAY_SERVER/api/v1/runs/$SLIPWAY_RUN_ID"
                          grep -q "\\"id\\":$SLIPWAY_RUN_ID," run.json && echo API-REACHED
                          if wget -q -O - --header "Authorization: token $SLIPWAY_TOKEN" "$SLIPWAY_SERVER/api/v1/repos/alice/other/runs"; then echo OTHER-REPO-READ; exit 1; fi
                          # The registry: Basic with any user name, as docker login sends it.
                          AUTH=$(printf 'ci:%%s' "$SLIPWAY_TOKEN" | base64 | tr -d '\\n')
                          wget -q -O /dev/null --post-data '' --header "Authorization: Basic $AUTH" "http://$SLIPWAY_REGISTRY/v2/alice/probe/blobs/uploads/" && echo OWN-PUSH-STARTED
                          if wget -q -O /dev/null --post-data '' --header "Authorization: Basic $AUTH" "http://$SLIPWAY_REGISTRY/v2/bob/probe/blobs/uploads/"; then echo FOREIGN-PUSH-STARTED; exit 1; fi
                          echo foreign-push-refused
                          wget -q -O out/jwt.json --header "Authorization: Basic $AUTH" "http://$SLIPWAY_REGISTRY/v2/token?service=slipway&scope=repository:alice/probe:pull,push"
                          JWT=$(sed -n 's/.*"token":"\\([^"]*\\)".*/\\1/p' out/jwt.json)
                          wget -q -O /dev/null --post-data '' --header "Authorization: Bearer $JWT" "http://$SLIPWAY_REGISTRY/v2/alice/probe/blobs/uploads/" && echo JWT-PUSH-STARTED
                          # Any other port of the host stays closed.
                          HOST=${SLIPWAY_REGISTRY%%:*}
                          if timeout 3 wget -q -O - "http://$HOST:%d/"; then echo HOST-REACHABLE; exit 1; fi
                          echo host-blocked
                    """.formatted(other.port());
            alice.register("probe", GitRepos.create(Map.of(".slipway/ci.yml", pipeline)));
            JsonNode run = alice.run("probe", "{}");
            long id = run.get("id").asLong();
            String log = alice.log(run, "probe");
            assertThat(run.get("status").asText()).as(log).isEqualTo("success");
            assertThat(log).contains("API-REACHED", "OWN-PUSH-STARTED", "foreign-push-refused", "JWT-PUSH-STARTED", "host-blocked")
                    .doesNotContain("HOST-REACHABLE");
            assertThat(log).containsPattern("server http://[0-9.]+:" + java.net.URI.create(server.baseUrl()).getPort()
                    + " registry [0-9.]+:[0-9]+");

            // A secret: masked wherever it appears (the echo, and sh -x's trace of each command).
            String token = output(id, "probe", "probe", "token");
            assertThat(token).startsWith("slwj_").hasSizeGreaterThan(40);
            assertThat(log).doesNotContain(token).contains("the token is ***");

            // The run has ended: the token, and the registry token it got, no longer work.
            HttpResponse<String> api = Http.token(server.baseUrl(), token).get("/api/v1/runs/" + id);
            assertThat(api.statusCode()).as(api.body()).isEqualTo(401);
            assertThat(Http.basic(server.baseUrl(), "ci", token).get("/v2/").statusCode()).isEqualTo(401);
            String jwt = JSON.readTree(output(id, "probe", "probe", "jwt.json")).get("token").asText();
            HttpResponse<String> registry = Http.bearer(server.baseUrl(), jwt).get("/v2/alice/probe/tags/list");
            assertThat(registry.statusCode()).isEqualTo(401);
            assertThat(registry.body()).contains("run " + id + " of alice/probe, which has ended");
        }
    }

    @Test
    void permissionsNarrowTheToken() throws Exception {
        String pipeline = """
                permissions: { packages: read }
                images: { box: local/busybox:1 }
                tasks:
                  probe:
                    image: box
                    commands: |
                      if wget -q -O - --header "Authorization: token $SLIPWAY_TOKEN" "$SLIPWAY_SERVER/api/v1/runs/$SLIPWAY_RUN_ID"; then echo RUN-READ; exit 1; fi
                      echo run-refused
                      AUTH=$(printf 'ci:%s' "$SLIPWAY_TOKEN" | base64 | tr -d '\\n')
                      if wget -q -O /dev/null --post-data '' --header "Authorization: Basic $AUTH" "http://$SLIPWAY_REGISTRY/v2/alice/narrow/blobs/uploads/"; then echo PUSH-STARTED; exit 1; fi
                      echo push-refused
                      wget -q -O - --header "Authorization: Basic $AUTH" "http://$SLIPWAY_REGISTRY/v2/" && echo REGISTRY-LOGIN
                """;
        alice.register("narrow", GitRepos.create(Map.of(".slipway/ci.yml", pipeline)));
        JsonNode run = alice.run("narrow", "{}");
        String log = alice.log(run, "probe");
        assertThat(run.get("status").asText()).as(log).isEqualTo("success");
        assertThat(log).contains("run-refused", "push-refused", "REGISTRY-LOGIN");
    }
}
