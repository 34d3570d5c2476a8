package dev.slipway.actions.run;

import java.util.Locale;
import java.util.Objects;

/**
 * A message about the code or the run: from {@code ::error::}, {@code ::warning::} and
 * {@code ::notice::}, from a problem matcher, or from the runtime itself (a deprecated command, a
 * job that timed out). Secrets are masked in its texts. Positions are 1-based; file paths are
 * relative to the workspace when the file is in it.
 *
 * @param title the annotation's title, or null
 * @param file the file it is about, or null
 * @param code a problem matcher's {@code code} (a rule or error number), or null
 */
public record Annotation(Level level, String message, String title, String file, Integer line, Integer endLine, Integer column,
                         Integer endColumn, String code) {
    public Annotation {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
    }

    /** An annotation with only a message. */
    public static Annotation of(Level level, String message) {
        return new Annotation(level, message, null, null, null, null, null, null, null);
    }

    public enum Level {
        ERROR, WARNING, NOTICE;

        /** {@code error}, {@code warning} or {@code notice}: the workflow command's name. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
