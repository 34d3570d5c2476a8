package dev.slipway.actions.workflow;

import dev.slipway.ci.definition.Problem;
import java.util.Objects;

/**
 * Where a value is written: the file as the user knows it ({@code .gitea/workflows/build.yaml}),
 * 1-based line and column. Every value of a {@link Workflow} keeps one, so that a problem found
 * when the job runs (a matrix that does not expand, an expression that fails) still points at the
 * file, line and column to fix. Line and column are 0 for the file as a whole.
 */
public record Position(String file, int line, int column) {
    public Position {
        Objects.requireNonNull(file, "file");
        if (line < 0 || column < 0 || (line == 0) != (column == 0)) {
            throw new IllegalArgumentException("bad position " + line + ":" + column);
        }
    }

    /** The file as a whole. */
    public static Position file(String file) {
        return new Position(file, 0, 0);
    }

    /** A problem here, in the form the native pipeline parser reports them. */
    public Problem problem(String message) {
        return new Problem(file, line, column, message);
    }

    /** {@code file:line:column}, the form compilers use, so editors and terminals can link it. */
    @Override
    public String toString() {
        return line == 0 ? file : file + ":" + line + ":" + column;
    }
}
