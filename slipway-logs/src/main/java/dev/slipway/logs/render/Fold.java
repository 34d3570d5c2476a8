package dev.slipway.logs.render;

import java.util.Objects;

/**
 * A line that opens or closes a foldable section. The line stays in the log (the viewer shows it
 * as the section's header, or hides an end marker); only its annotation tells the viewer to fold.
 *
 * <p>Groups come from the program's own output, as GitHub Actions defines them: a line
 * {@code ::group::Title} or {@code ::endgroup::} (workflow commands, leading whitespace allowed),
 * or the runner's {@code ##[group]Title} / {@code ##[endgroup]}. Steps come only from Slipway
 * itself: {@code ##[step]Name} and {@code ##[endstep]Outcome} on the system stream, so that a
 * program printing the same text cannot fake a step.
 */
public sealed interface Fold {

    record GroupStart(String title) implements Fold {
        public GroupStart {
            Objects.requireNonNull(title, "title");
        }
    }

    record GroupEnd() implements Fold {}

    record StepStart(String name) implements Fold {
        public StepStart {
            Objects.requireNonNull(name, "name");
        }
    }

    /** @param outcome free text after the marker, such as {@code success 3.2s}; may be empty */
    record StepEnd(String outcome) implements Fold {
        public StepEnd {
            Objects.requireNonNull(outcome, "outcome");
        }
    }
}
