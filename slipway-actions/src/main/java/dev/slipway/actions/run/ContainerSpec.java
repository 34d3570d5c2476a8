package dev.slipway.actions.run;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A container to run beside the job's, for a Docker action: it sees the job's workspace at
 * {@link #WORKSPACE} (its working directory, as in GitHub) and the job's temp directory where the
 * job sees it, so the file commands in {@code env} work as for any step.
 *
 * @param image the image to run: built from a Dockerfile, or a reference
 * @param entrypoint the executable to run, or null for the image's own ENTRYPOINT
 * @param args its arguments (the image's CMD is replaced by them, as {@code docker run image args} does)
 * @param env the step's environment, as the action sees it
 */
public record ContainerSpec(Image image, String entrypoint, List<String> args, Map<String, String> env) {
    /** Where a Docker action sees the workspace, as GitHub mounts it. */
    public static final String WORKSPACE = "/github/workspace";

    public ContainerSpec {
        Objects.requireNonNull(image, "image");
        args = List.copyOf(args);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /** {@code with.args} of a Docker action as GitHub's runner splits it: at spaces, double quotes group, backslashes escape them. */
    public static List<String> args(String line) {
        return Shell.split(line);
    }

    /** Which image. */
    public sealed interface Image permits Build, Pull {}

    /**
     * Build {@code dockerfile} (relative to {@code context}, a directory on this machine); the
     * image is tagged {@code tag}, and an image of that tag already there is reused.
     */
    public record Build(Path context, String dockerfile, String tag) implements Image {
        public Build {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(dockerfile, "dockerfile");
            Objects.requireNonNull(tag, "tag");
        }
    }

    /** An image by reference ({@code alpine:3.21}), pulled when it is not there. */
    public record Pull(String reference) implements Image {
        public Pull {
            Objects.requireNonNull(reference, "reference");
        }
    }
}
