package dev.slipway.ci.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.slipway.ci.model.Pipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadAllTest {
    private static final String OK = "images: { box: alpine }\ntasks: { t: { image: box, commands: [x] } }\n";

    @TempDir
    Path checkout;

    private final PipelineParser parser = new PipelineParser();

    private void write(String name, String text) throws IOException {
        Files.createDirectories(checkout.resolve(".slipway"));
        Files.writeString(checkout.resolve(".slipway").resolve(name), text);
    }

    @Test
    void everyYmlAndYamlFileIsOnePipelineNamedAfterIt() throws IOException {
        write("release.yaml", OK);
        write("build.yml", PipelineParserTest.ACCEPTANCE);
        write("notes.txt", "not a pipeline");
        write("build.yml~", "an editor's backup");
        Files.createDirectories(checkout.resolve(".slipway/sub.yml"));

        assertThat(parser.loadAll(checkout)).extracting(Pipeline::name).containsExactly("build", "release");
    }

    @Test
    void noSlipwayDirectoryMeansNoPipelines() throws IOException {
        assertThat(parser.loadAll(checkout)).isEmpty();
    }

    @Test
    void problemsOfEveryFileAreReportedTogether() throws IOException {
        write("a.yml", "tasks: { t: { image: box, commands: [x] } }\n");
        write("b.yml", OK);
        write("b.yaml", OK);
        write("c.yml", "images: { box: alpine }\ntasks: { t: { image: box, commands: [x], timeout: soon } }\n");
        Files.write(checkout.resolve(".slipway/d.yml"), new byte[] {'a', ':', ' ', (byte) 0xff, '\n'});
        Files.writeString(checkout.resolve(".slipway/e.yml"), "x".repeat(PipelineParser.MAX_FILE_BYTES + 1), StandardCharsets.UTF_8);

        PipelineDefinitionException e = catchThrowableOfType(PipelineDefinitionException.class, () -> parser.loadAll(checkout));

        assertThat(e.problems()).extracting(Problem::toString).containsExactly(
                ".slipway/a.yml:1:22: task 't' uses undeclared image 'box' (declare it under 'images')",
                ".slipway/b.yml: defines pipeline 'b' again; .slipway/b.yaml defines it already",
                ".slipway/c.yml:2:51: 'timeout' of task 't' must be a duration such as 30s, 10m or 1h30m, not 'soon'",
                ".slipway/d.yml: is not valid UTF-8",
                ".slipway/e.yml: is larger than 1 MiB");
    }

    @Test
    void symbolicLinksAreNotFollowed() throws IOException {
        Path secret = Files.writeString(checkout.resolve("secret.txt"), "password: hunter2\n");
        write("ok.yml", OK);
        Files.createSymbolicLink(checkout.resolve(".slipway/leak.yml"), secret);

        PipelineDefinitionException e = catchThrowableOfType(PipelineDefinitionException.class, () -> parser.loadAll(checkout));

        assertThat(e.getMessage()).isEqualTo(".slipway/leak.yml: is a symbolic link; pipeline files are not followed through links")
                .doesNotContain("hunter2");
    }

    @Test
    void aSymbolicLinkedDirectoryIsNotFollowedEither() throws IOException {
        Path elsewhere = Files.createDirectories(checkout.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("x.yml"), OK);
        Files.createSymbolicLink(checkout.resolve(".slipway"), elsewhere);

        PipelineDefinitionException e = catchThrowableOfType(PipelineDefinitionException.class, () -> parser.loadAll(checkout));

        assertThat(e.getMessage()).isEqualTo(".slipway: is not a directory (symbolic links are not followed)");
    }
}
