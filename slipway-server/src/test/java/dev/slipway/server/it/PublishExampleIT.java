package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Seed 004's experiment 01 exactly as docs/pipelines.md shows it: the rsync image built by the
 * documented script from Debian's rsync package, and the documented pipeline publishing a site
 * into a deploy target, without the repository's .git.
 */
class PublishExampleIT {
    private static final Path DOC = Path.of("..", "docs", "pipelines.md");

    @Test
    void theDocumentedPipelinePublishesTheSiteWithoutGit() throws Exception {
        Tools.require("docker");
        Tools.requireExecutable(Path.of("/usr/bin/rsync"), "rsync");
        TestImages.busybox();
        String doc = Files.readString(DOC);
        String pipeline = block(doc, "```yaml\n# .slipway/publish.yml\n");
        String imageScript = block(doc, "```sh\n# local/rsync:1 from Debian's rsync package\n");
        Tools.run(Map.of(), null, "bash", "-euc", imageScript).ok();

        Path repo = GitRepos.create(Map.of(".slipway/publish.yml", pipeline, "index.html", "<h1>websperiments</h1>\n",
                "css/site.css", "h1 { color: teal }\n"));
        Path site = Files.createTempDirectory("slipway-sites-");
        Files.writeString(site.resolve("gone.html"), "a page the site no longer has\n");
        try (TestServer server = TestServer.start()) {
            server.createUser("mikael-lovqvist", "mikael-password");
            server.slipway().deployTargets().add("sites", site, List.of("mikael-lovqvist/websperiments@main"));
            CiClient ci = new CiClient(Http.token(server.baseUrl(), server.token("mikael-lovqvist", "write:repository")), "mikael-lovqvist");
            ci.register("websperiments", repo);

            JsonNode run = ci.run("websperiments", "{}");
            assertThat(run.get("status").asText()).as(ci.log(run, "publish")).isEqualTo("success");
        }
        try (Stream<Path> files = Files.walk(site)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> site.relativize(p).toString()))
                    .containsExactlyInAnyOrder("index.html", "css/site.css");
        }
        assertThat(Files.readString(site.resolve("index.html"))).isEqualTo("<h1>websperiments</h1>\n");
        assertThat(site.resolve(".git")).doesNotExist();
    }

    /** The text of the fenced block that starts with {@code opening} (its first line stays, as a comment). */
    private static String block(String doc, String opening) {
        Matcher m = Pattern.compile(Pattern.quote(opening) + "(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("docs/pipelines.md has a block starting with " + opening).isTrue();
        return opening.substring(opening.indexOf('\n') + 1) + m.group(1);
    }
}
