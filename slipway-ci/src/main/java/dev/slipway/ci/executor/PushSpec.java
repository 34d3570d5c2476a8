package dev.slipway.ci.executor;

import java.util.List;
import java.util.Map;

/**
 * A publish task's push, compiled: which local image goes where, under which tags, with which
 * labels and credentials. Like {@link TaskSpec}, no YAML, no secrets lookup: the executor only
 * labels, tags, pushes and cleans up.
 *
 * @param source the image to push: an image the engine has or pulls, or a Dockerfile it builds
 * @param repository where it goes, {@code host[:port]/path/name}, as the engine reaches the registry
 * @param tags the tags to push, each valid
 * @param labels labels the pushed image carries (OCI annotations such as org.opencontainers.image.revision)
 * @param auth the push's credentials, or null for a registry that takes anonymous pushes
 */
public record PushSpec(Source source, String repository, List<String> tags, Map<String, String> labels, Auth auth) {
    public PushSpec {
        tags = List.copyOf(tags);
        labels = Map.copyOf(labels);
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("a push needs at least one tag");
        }
    }

    /** Where the image comes from. */
    public sealed interface Source {
        /**
         * An image by reference (pulled first when missing or {@code pullAlways}, with
         * {@code pullAuth}); the labels are added by a derived image.
         */
        record Image(String ref, boolean pullAlways, TaskSpec.PullAuth pullAuth) implements Source {}

        /**
         * Built from {@code dockerfile} (a path under {@code context}, or outside it) with the
         * labels, as {@code docker build --label} sets them: no second image. {@code buildArgs}
         * and {@code target} as {@code docker build --build-arg} and {@code --target} take them
         * (null: the last stage).
         */
        record Build(java.nio.file.Path context, java.nio.file.Path dockerfile, Map<String, String> buildArgs, String target,
                     List<CacheImage> cacheFrom) implements Source {
            public Build {
                buildArgs = Map.copyOf(buildArgs);
                cacheFrom = List.copyOf(cacheFrom);
            }

            public Build(java.nio.file.Path context, java.nio.file.Path dockerfile, Map<String, String> buildArgs, String target) {
                this(context, dockerfile, buildArgs, target, List.of());
            }

            public Build(java.nio.file.Path context, java.nio.file.Path dockerfile) {
                this(context, dockerfile, Map.of(), null);
            }
        }

        /**
         * An image whose layers a build may reuse ({@code docker build --cache-from}): pulled first
         * with {@code auth} (null: anonymously); one that cannot be pulled is said and skipped, as
         * a cache that is not there yet.
         */
        record CacheImage(String reference, Auth auth) {}
    }

    /** Credentials for the registry of {@code repository}, as the engine's {@code X-Registry-Auth} carries them. */
    public sealed interface Auth {
        String registry();

        /** A bearer token the registry issued (Slipway's own registry). */
        record Token(String registry, String token) implements Auth {
            @Override
            public String toString() {
                return "Token[" + registry + ", token hidden]";
            }
        }

        /** A user name and password or token, which the engine exchanges at the registry's token realm. */
        record Password(String registry, String username, String password) implements Auth {
            @Override
            public String toString() {
                return "Password[" + registry + ", " + username + ", password hidden]";
            }
        }
    }

    /** What became of a push. */
    public sealed interface Outcome {
        /** Every tag was pushed; {@code digest} is the manifest's, as the registry answered it. */
        record Pushed(String digest) implements Outcome {}

        /** The registry (or the engine on its behalf) refused: {@code message} is its reason. */
        record Refused(String tag, String message) implements Outcome {}
    }
}
