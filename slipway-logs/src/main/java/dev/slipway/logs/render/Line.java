package dev.slipway.logs.render;

import java.util.List;
import java.util.Optional;

/**
 * One line of a rendered log: its number (0-based, in order of the log) and its styled runs, as a
 * terminal with scrollback would show it. An empty line has no runs.
 */
public record Line(int number, List<Run> runs) {
    public Line {
        if (number < 0) {
            throw new IllegalArgumentException("negative line number");
        }
        runs = List.copyOf(runs);
    }

    /** The line's plain text, for search and copy: the runs' texts joined (invalid bytes as their escapes). */
    public String text() {
        if (runs.size() == 1) {
            return runs.getFirst().text();
        }
        StringBuilder sb = new StringBuilder();
        for (Run r : runs) {
            sb.append(r.text());
        }
        return sb.toString();
    }

    public boolean isEmpty() {
        return runs.isEmpty();
    }

    /** Whether this line opens or closes a foldable group or step. */
    public Optional<Fold> fold() {
        return Folds.of(this);
    }
}
