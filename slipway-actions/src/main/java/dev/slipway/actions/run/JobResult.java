package dev.slipway.actions.run;

import dev.slipway.actions.expr.Status.Conclusion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a job ended.
 *
 * @param result success, failure or cancelled ({@code needs.<job>.result}); a job that timed out is cancelled, as in GitHub
 * @param outputs the job's {@code outputs}, evaluated at its end (values that hold a secret are left out, as in GitHub)
 * @param steps every step in the order it ran or was skipped
 * @param annotations the job's own (a timeout, an error in its env or outputs); {@link #allAnnotations()} adds the steps'
 */
public record JobResult(Conclusion result, Map<String, String> outputs, List<StepResult> steps, List<Annotation> annotations,
                        Instant started, Instant ended) {
    public JobResult {
        Objects.requireNonNull(result, "result");
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        steps = List.copyOf(steps);
        annotations = List.copyOf(annotations);
    }

    /** Every step's annotations in step order, then the job's own. */
    public List<Annotation> allAnnotations() {
        List<Annotation> all = new ArrayList<>();
        for (StepResult s : steps) {
            all.addAll(s.annotations());
        }
        all.addAll(annotations);
        return all;
    }
}
