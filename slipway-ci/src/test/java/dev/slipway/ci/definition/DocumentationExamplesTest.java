package dev.slipway.ci.definition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.model.ImageSpec;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.model.Triggers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every pipeline shown in docs/pipelines.md parses, so the documentation cannot drift from the parser. */
class DocumentationExamplesTest {
    /** A yaml block whose first line names its file is a whole pipeline. */
    private static final Pattern EXAMPLE = Pattern.compile("```yaml\n# (\\.slipway/[a-z0-9_-]+\\.ya?ml)\n(.*?)```", Pattern.DOTALL);

    static Map<String, String> examples() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "pipelines.md"));
        Map<String, String> examples = new LinkedHashMap<>();
        Matcher m = EXAMPLE.matcher(doc);
        while (m.find()) {
            examples.put(m.group(1), m.group(2));
        }
        return examples;
    }

    @Test
    void everyExampleParses() throws IOException {
        Map<String, String> examples = examples();
        PipelineParser parser = new PipelineParser();

        assertThat(examples.keySet()).containsExactly(".slipway/build.yml", ".slipway/everything.yml", ".slipway/versioned.yml",
                ".slipway/anchors.yml", ".slipway/publish.yml", ".slipway/containers.yml",
                ".slipway/release.yml", ".slipway/images.yml", ".slipway/deploy.yml",
                ".slipway/nightly.yml");
        examples.forEach((file, text) -> assertThat(parser.parse(file, text).name()).isEqualTo(PipelineParser.pipelineName(file)));
    }

    @Test
    void theFirstExampleIsTheAcceptanceFile() throws IOException {
        assertThat(examples().get(".slipway/build.yml")).isEqualTo(PipelineParserTest.ACCEPTANCE);
    }

    @Test
    void seed004Experiment01() throws IOException {
        Pipeline p = new PipelineParser().parse(".slipway/publish.yml", examples().get(".slipway/publish.yml"));

        assertThat(p.triggers()).isEqualTo(new Triggers(null, true, List.of()));
        assertThat(p.images()).isEqualTo(Map.of("rsync", new ImageSpec.Reference("local/rsync:1", ImageSpec.PullPolicy.IF_NOT_PRESENT)));
        assertThat(p.repositories()).isEmpty();
        Task publish = p.task("publish");
        assertThat(publish.network()).isEqualTo(Task.NetworkPolicy.NONE);
        assertThat(publish.deployTarget()).isEqualTo(new Task.DeployMount("sites", "/deploy"));
        assertThat(publish.secrets()).isEmpty();
        // The worktree is a git checkout: its history stays out of the web root (PublishExampleIT runs it).
        assertThat(publish.commands()).containsExactly("rsync -a --delete --exclude .git --exclude .slipway /src/websperiments/ /deploy/");
    }
}
