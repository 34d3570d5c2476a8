package dev.slipway.ci.definition;

import java.util.Comparator;
import java.util.Objects;

/**
 * One thing wrong with a pipeline file, at the YAML node that caused it.
 *
 * @param file the file as the user knows it, such as {@code .slipway/build.yml}
 * @param line 1-based, or 0 when the problem concerns the whole file (it could not be read)
 * @param column 1-based, or 0 together with {@code line}
 */
public record Problem(String file, int line, int column, String message) {
    /** File, then position: the order an editor lists them in. */
    static final Comparator<Problem> ORDER = Comparator.comparing(Problem::file)
            .thenComparingInt(Problem::line).thenComparingInt(Problem::column);

    public Problem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        if (line < 0 || column < 0 || (line == 0) != (column == 0)) {
            throw new IllegalArgumentException("bad position " + line + ":" + column);
        }
    }

    /** {@code file:line:column: message}, the form compilers use, so editors and terminals can link it. */
    @Override
    public String toString() {
        return line == 0 ? file + ": " + message : file + ":" + line + ":" + column + ": " + message;
    }
}
