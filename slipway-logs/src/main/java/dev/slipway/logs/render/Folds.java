package dev.slipway.logs.render;

import dev.slipway.logs.LogStream;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Recognises the fold markers of {@link Fold} in a line's plain text. */
final class Folds {
    /** A workflow command {@code ::name key=value,...::data}, for the two names that fold. */
    private static final Pattern COMMAND = Pattern.compile("::(group|endgroup)(?: [^:]*)?::(.*)", Pattern.DOTALL);

    private Folds() {}

    static Optional<Fold> of(Line line) {
        if (line.runs().isEmpty()) {
            return Optional.empty();
        }
        String text = line.text();
        int i = 0;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        if (text.startsWith("##[", i)) {
            return runnerMarker(text.substring(i + 3), line);
        }
        if (!text.startsWith("::", i)) {
            return Optional.empty();
        }
        Matcher m = COMMAND.matcher(text).region(i, text.length());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(m.group(1).equals("group") ? new Fold.GroupStart(m.group(2)) : new Fold.GroupEnd());
    }

    private static Optional<Fold> runnerMarker(String rest, Line line) {
        if (rest.startsWith("group]")) {
            return Optional.of(new Fold.GroupStart(rest.substring(6)));
        }
        if (rest.startsWith("endgroup]")) {
            return Optional.of(new Fold.GroupEnd());
        }
        boolean system = line.runs().stream().allMatch(r -> r.stream() == LogStream.SYSTEM);
        if (system && rest.startsWith("step]")) {
            return Optional.of(new Fold.StepStart(rest.substring(5)));
        }
        if (system && rest.startsWith("endstep]")) {
            return Optional.of(new Fold.StepEnd(rest.substring(8)));
        }
        return Optional.empty();
    }
}
