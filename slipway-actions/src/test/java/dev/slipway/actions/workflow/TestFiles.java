package dev.slipway.actions.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test resources of this package, and reading workflows written in a test. */
final class TestFiles {
    private TestFiles() {}

    static String resource(String name) {
        try (InputStream in = TestFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A workflow of the given text, read as {@code .github/workflows/test.yml}. */
    static Workflow read(String yaml) {
        return Workflows.read(".github/workflows/test.yml", yaml);
    }

    /** The problems of a workflow that must not read, as {@code line:column: message} lines. */
    static String problems(String yaml) {
        try {
            read(yaml);
        } catch (WorkflowException e) {
            return String.join("\n", e.problems().stream().map(p -> p.line() + ":" + p.column() + ": " + p.message()).toList());
        }
        throw new AssertionError("the workflow was read without problems:\n" + yaml);
    }

    /** The warnings of a workflow that reads, as {@code line:column: message} lines. */
    static String warnings(String yaml) {
        return String.join("\n", read(yaml).warnings().stream().map(p -> p.line() + ":" + p.column() + ": " + p.message()).toList());
    }
}
