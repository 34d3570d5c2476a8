package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The corpus of valid workflows (see corpus/README.md): each reads without a problem or a warning. */
class CorpusTest {
    @TestFactory
    Stream<DynamicTest> everyWorkflowReadsCleanly() throws IOException, URISyntaxException {
        Path dir = Path.of(CorpusTest.class.getResource("corpus").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(15);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String name = ".github/workflows/" + file.getFileName();
            Workflow w;
            try {
                w = Workflows.read(name, Files.readString(file));
            } catch (WorkflowException e) {
                throw new AssertionError("problems:\n" + e.getMessage(), e);
            }
            assertThat(w.warnings()).isEmpty();
            assertThat(w.jobs()).isNotEmpty();
            assertThat(w.graph().order()).hasSameSizeAs(w.jobs().keySet());
        }));
    }
}
