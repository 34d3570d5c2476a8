package dev.slipway.woodpecker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.definition.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class WorkflowReaderTest {
    /** Seed 001's .woodpecker/deploy.yml, as it is in the seed (a plugin notify step aside: see docs/woodpecker.md). */
    static final String DEPLOY = """
            when:
              event: manual

            steps:
              deploy:
                image: bitnami/kubectl:latest
                commands:
                  - "kubectl set image deployment/app app=${IMAGE_NAME}:${IMAGE_TAG} -n apps"
                  - "kubectl rollout status deployment/app -n apps --timeout=300s"
              notify:
                image: alpine
                commands:
                  - echo "deploy of $CI_REPO ended"
                when:
                  status: [success, failure]
            """;

    private static Path fixtures(String kind) {
        return Path.of("src/test/resources/linter", kind);
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> woodpeckersValidLinterCasesRead() throws IOException {
        return files(fixtures("valid")).stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            WorkflowReader.Read r = WorkflowReader.read(".woodpecker/" + f.getFileName(), Files.readString(f, StandardCharsets.UTF_8));
            assertThat(r.problems()).isEmpty();
            assertThat(r.workflow().steps()).isNotEmpty();
        }));
    }

    @TestFactory
    Stream<DynamicTest> woodpeckersInvalidLinterCasesAreRefusedWithTheirMessage() throws IOException {
        return files(fixtures("invalid")).stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            String expected = text.lines().findFirst().orElseThrow().replaceFirst("^# expect: ", "");
            WorkflowReader.Read r = WorkflowReader.read(".woodpecker/" + f.getFileName(), text);
            assertThat(r.workflow()).isNull();
            assertThat(r.problems()).extracting(Problem::toString).anySatisfy(p -> assertThat(p).contains(expected));
            assertThat(r.problems()).allSatisfy(p -> assertThat(p.toString()).startsWith(".woodpecker/" + f.getFileName()));
        }));
    }

    @Test
    void seedDeployFileReadsWithItsFilters() {
        WorkflowReader.Read r = WorkflowReader.read(".woodpecker/deploy.yml", DEPLOY);
        assertThat(r.problems()).isEmpty();
        Workflow w = r.workflow();
        assertThat(w.name()).isEqualTo("deploy");
        assertThat(w.when()).singleElement().satisfies(when -> assertThat(when.events()).containsExactly("manual"));
        assertThat(w.steps()).extracting(Step::name).containsExactly("deploy", "notify");
        assertThat(w.steps().get(1).when().getFirst().status()).containsExactly("success", "failure");
    }

    @Test
    void problemsNameFileLineAndColumn() {
        WorkflowReader.Read r = WorkflowReader.read(".woodpecker/x.yml", "steps:\n  a:\n    image: alpine\n    commands: [x]\n    colour: red\n");
        assertThat(r.problems()).extracting(Problem::toString)
                .containsExactly(".woodpecker/x.yml:5:5: step 'a': unknown key 'colour' (known: " + String.join(", ", WorkflowReader.STEP_KEYS) + ")");
    }

    @Test
    void ignoredOptionsAreWarnings() {
        WorkflowReader.Read r = WorkflowReader.read(".woodpecker/x.yml",
                "steps:\n  a:\n    image: alpine\n    commands: [x]\n    backend_options:\n      kubernetes: {}\n");
        assertThat(r.problems()).isEmpty();
        assertThat(r.warnings()).extracting(Problem::toString).containsExactly(".woodpecker/x.yml:6:7: step 'a': backend_options are ignored");
    }

    @Test
    void theSeedsUnquotedGotchaSaysToQuote() {
        String unquoted = "steps:\n  deploy:\n    image: alpine\n    commands:\n      - kubectl set image app=${IMAGE_NAME}:${IMAGE_TAG}\n";
        WorkflowSet set = WorkflowSet.of(Map.of(".woodpecker/deploy.yml", unquoted));
        assertThat(set.readAsWritten().problems()).isEmpty();
        WorkflowSet.Read empty = set.read(Map.of());
        assertThat(empty.problems()).singleElement().satisfies(p -> assertThat(p.toString())
                .startsWith(".woodpecker/deploy.yml:5:9: step 'deploy': commands: this command is a YAML mapping")
                .contains("quote the command"));
        assertThat(set.read(Map.of("IMAGE_NAME", "app", "IMAGE_TAG", "1")).problems()).isEmpty();
    }

    @Test
    void substitutionErrorsPointAtTheirPlace() {
        WorkflowSet set = WorkflowSet.of(Map.of(".woodpecker.yml", "steps:\n  a:\n    image: alpine\n    commands: [echo ${A@Q}]\n"));
        assertThat(set.read(Map.of()).problems()).extracting(Problem::toString)
                .containsExactly(".woodpecker.yml:4:21: '${A@Q}' is not a substitution Woodpecker knows (write $${...} for a literal ${...})");
    }

    @Test
    void workflowDependenciesMustExistAndNotCycle() {
        String a = "depends_on: [b]\nsteps:\n  x:\n    image: alpine\n    commands: [x]\n";
        String b = "depends_on: [a]\nsteps:\n  x:\n    image: alpine\n    commands: [x]\n";
        WorkflowSet.Read r = WorkflowSet.of(Map.of(".woodpecker/a.yml", a, ".woodpecker/b.yml", b)).readAsWritten();
        assertThat(r.describeProblems()).startsWith(".woodpecker/: depends_on between workflows:");
    }
}
