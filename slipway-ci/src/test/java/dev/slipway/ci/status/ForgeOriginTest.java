package dev.slipway.ci.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Where a webhook payload says the forge's API is, for the payload shapes Gitea, Forgejo and GitHub send. */
class ForgeOriginTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode payload(String repository) throws Exception {
        return JSON.readTree("{\"ref\": \"refs/heads/main\", \"repository\": " + repository + "}");
    }

    @Test
    void giteaNamesItsApiInTheRepositoryUrl() throws Exception {
        // Gitea's and Forgejo's repository object (modules/structs/repo.go): url is the API resource.
        JsonNode p = payload("""
                {"id": 1, "full_name": "gitea/webhooks", "html_url": "https://git.example/sub/gitea/webhooks",
                 "url": "https://git.example/sub/api/v1/repos/gitea/webhooks", "clone_url": "https://git.example/sub/gitea/webhooks.git"}""");
        ForgeOrigin o = ForgeOrigin.fromPayload("gitea", p, 7).orElseThrow();
        assertThat(o).isEqualTo(new ForgeOrigin("gitea", "https://git.example/sub/api/v1", "gitea/webhooks", 7));
        assertThat(ForgeOrigin.fromPayload("forgejo", p, 7).orElseThrow().forge()).isEqualTo("forgejo");
    }

    @Test
    void gitHubPushPayloadsNameTheApiInStatusesUrl() throws Exception {
        // In push events GitHub's repository.url is the web address; statuses_url is the API's.
        JsonNode p = payload("""
                {"full_name": "Codertocat/Hello-World", "html_url": "https://github.com/Codertocat/Hello-World",
                 "url": "https://github.com/Codertocat/Hello-World",
                 "statuses_url": "https://api.github.com/repos/Codertocat/Hello-World/statuses/{sha}"}""");
        assertThat(ForgeOrigin.fromPayload("github", p, 1).orElseThrow().apiUrl()).isEqualTo("https://api.github.com");
    }

    @Test
    void withOnlyAWebAddressTheApiIsWhereEachForgeKeepsIt() throws Exception {
        assertThat(ForgeOrigin.fromPayload("github", payload("""
                {"full_name": "o/r", "html_url": "https://github.com/o/r"}"""), 1).orElseThrow().apiUrl()).isEqualTo("https://api.github.com");
        assertThat(ForgeOrigin.fromPayload("github", payload("""
                {"full_name": "o/r", "html_url": "https://ghe.example/o/r"}"""), 1).orElseThrow().apiUrl()).isEqualTo("https://ghe.example/api/v3");
        assertThat(ForgeOrigin.fromPayload("gitea", payload("""
                {"full_name": "o/r", "html_url": "http://127.0.0.1:3000/o/r/"}"""), 1).orElseThrow().apiUrl()).isEqualTo("http://127.0.0.1:3000/api/v1");
    }

    @Test
    void aPayloadWithoutUrlsStillNamesTheRepositoryAndNothingIsGuessedFromOddOnes() throws Exception {
        ForgeOrigin bare = ForgeOrigin.fromPayload("gitea", payload("{\"full_name\": \"o/r\"}"), 1).orElseThrow();
        assertThat(bare.apiUrl()).isNull();
        assertThat(bare.repository()).isEqualTo("o/r");
        assertThat(ForgeOrigin.fromPayload("gitea", payload("{\"full_name\": \"o/r\", \"url\": \"ftp://x/repos/o/r\"}"), 1).orElseThrow().apiUrl())
                .isNull();
        assertThat(ForgeOrigin.fromPayload("gitea", payload("{\"full_name\": \"not a name\"}"), 1)).isEmpty();
        assertThat(ForgeOrigin.fromPayload("gitlab", payload("{\"full_name\": \"o/r\"}"), 1)).isEmpty();
    }
}
