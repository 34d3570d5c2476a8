package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The case files: workflows refused with their exact problems and positions (invalid.txt), and
 * workflows read with their exact warnings (warnings.txt).
 */
class CaseFilesTest {
    @TestFactory
    Stream<DynamicTest> invalidWorkflows() {
        return cases("invalid.txt", "errors");
    }

    @TestFactory
    Stream<DynamicTest> warnings() {
        return cases("warnings.txt", "warnings");
    }

    private static Stream<DynamicTest> cases(String file, String kind) {
        List<CaseFile.Case> cases = CaseFile.parse(TestFiles.resource(file)).cases();
        assertThat(cases).isNotEmpty();
        return cases.stream().map(c -> DynamicTest.dynamicTest(file + ":" + c.line() + " " + c.name(), () -> {
            assertThat(c.kind()).as("the kind of case").isEqualTo(kind);
            String actual = kind.equals("errors") ? TestFiles.problems(c.yaml()) : TestFiles.warnings(c.yaml());
            assertThat(actual).isEqualTo(String.join("\n", c.expected()));
        }));
    }
}
