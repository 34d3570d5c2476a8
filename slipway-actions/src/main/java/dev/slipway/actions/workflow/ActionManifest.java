package dev.slipway.actions.workflow;

import dev.slipway.ci.definition.Problem;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * An action's {@code action.yml} (or {@code action.yaml}): its inputs and outputs and how it runs.
 * Read with the workflow reader's machinery, so every problem has its file, line and column, and
 * expressions are checked against the contexts GitHub allows in an action (no {@code secrets}:
 * an action gets what the workflow passes in {@code with}).
 *
 * @param file the file as messages name it ({@code actions/hello@v1/action.yml})
 * @param name {@code name:}, or null
 * @param warnings what Slipway reads but does not act on, each at its position
 */
public record ActionManifest(String file, String name, String description, SequencedMap<String, Input> inputs,
                             SequencedMap<String, Output> outputs, Runs runs, List<Problem> warnings) {
    public ActionManifest {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(runs, "runs");
        inputs = Ordered.copy(inputs);
        outputs = Ordered.copy(outputs);
        warnings = List.copyOf(warnings);
    }

    /**
     * Reads an action's metadata file.
     *
     * @param file the file as the user should see it in messages ({@code actions/hello@v1/action.yml})
     * @throws WorkflowException with every problem, each at its file, line and column
     */
    public static ActionManifest read(String file, String text) {
        return Doc.read(file, text, doc -> new ActionReader(doc).read());
    }

    /**
     * An input the action declares.
     *
     * @param defaultValue {@code default:}, evaluated in the step's scope when the workflow does not give the input; null for none
     * @param deprecationMessage said as a warning when the workflow gives the input; null when it is not deprecated
     */
    public record Input(String description, Value defaultValue, boolean required, String deprecationMessage) {}

    /** An output; {@code value} (composite actions) maps it from their steps, null elsewhere. */
    public record Output(String description, Value value) {}

    /** {@code runs:}: how the action runs. */
    public sealed interface Runs permits Composite, Node, Docker {
        /** {@code using:} as written. */
        String using();
    }

    /** {@code using: composite}: steps run in the job's session, one after another. */
    public record Composite(List<Step> steps) implements Runs {
        public Composite {
            steps = List.copyOf(steps);
        }

        @Override
        public String using() {
            return "composite";
        }
    }

    /**
     * {@code using: node12 | node16 | node20 | node24}: a JavaScript file run with {@code node}.
     *
     * @param main the file of the main step, relative to the action's directory
     * @param pre the pre step's file, or null
     * @param preIf {@code pre-if}; {@code always()} when not given
     * @param post the post step's file, or null
     * @param postIf {@code post-if}; {@code always()} when not given
     */
    public record Node(String using, String main, String pre, Conditional preIf, String post, Conditional postIf) implements Runs {
        public Node {
            Objects.requireNonNull(using, "using");
            Objects.requireNonNull(main, "main");
        }
    }

    /**
     * {@code using: docker}: a container of {@code image} ({@code Dockerfile}, a Dockerfile's path in
     * the action, or {@code docker://image}) runs beside the job's, sharing its workspace.
     *
     * @param entrypoint overrides the image's ENTRYPOINT, or null
     * @param args the container's arguments, each may use {@code inputs}
     * @param env more variables for the container, each may use {@code inputs}
     * @param preEntrypoint the pre step's entrypoint, or null; {@code postEntrypoint} likewise
     */
    public record Docker(String image, String entrypoint, List<Value> args, SequencedMap<String, Value> env, String preEntrypoint,
                         Conditional preIf, String postEntrypoint, Conditional postIf) implements Runs {
        public Docker {
            Objects.requireNonNull(image, "image");
            args = List.copyOf(args);
            env = Ordered.copy(env);
        }

        @Override
        public String using() {
            return "docker";
        }

        /** {@code docker://image}: an image to pull rather than a Dockerfile to build. */
        public boolean isImageReference() {
            return image.startsWith("docker://");
        }
    }
}
