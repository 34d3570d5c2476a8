package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Skip markers such as {@code [skip ci]} are for pushes and pull requests (docs/ci.md, "Skip
 * markers"; WebhooksIT): a run asked for through the API runs whatever the commit message says.
 */
class SkipCiIT {
    @Test
    void anApiTriggerRunsACommitMarkedSkipCi() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new java.util.HashMap<>(), "local/busybox:1");
        Path repo = GitRepos.create(Map.of(".slipway/ci.yml", """
                images: { box: { ref: local/busybox:1 } }
                tasks:
                  say: { image: box, commands: [ "cat note.txt" ] }
                """, "note.txt", "first\n"));
        GitRepos.commit(repo, Map.of("note.txt", "docs only\n"), "Fix a typo [skip ci]");
        try (TestServer server = TestServer.start()) {
            server.createUser("sam", "sam-password");
            CiClient ci = new CiClient(Http.token(server.baseUrl(), server.token("sam", "write:repository")), "sam");
            ci.register("notes", repo);

            JsonNode run = ci.run("notes", "{\"ref\":\"main\"}");
            assertThat(run.get("status").asText()).isEqualTo("success");
            assertThat(ci.log(run, "say")).contains("docs only");
        }
    }
}
