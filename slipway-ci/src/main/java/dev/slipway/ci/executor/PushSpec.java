package dev.slipway.ci.executor;

import java.util.List;
import java.util.Map;

/**
 * A publish task's push, compiled: which local image goes where, under which tags, with which
 * labels and credentials. Like {@link TaskSpec}, no YAML, no secrets lookup: the executor only
 * labels, tags, pushes and cleans up.
 *
 * @param image the image to push, as the engine names it (pulled first when missing, with {@code pullAuth})
 * @param pullAlways pull {@code image} even when present
 * @param pullAuth how to authenticate that pull, or null
 * @param repository where it goes, {@code host[:port]/path/name}, as the engine reaches the registry
 * @param tags the tags to push, each valid
 * @param labels labels the pushed image carries (OCI annotations such as org.opencontainers.image.revision)
 * @param auth the push's credentials, or null for a registry that takes anonymous pushes
 */
public record PushSpec(String image, boolean pullAlways, TaskSpec.PullAuth pullAuth, String repository, List<String> tags,
                       Map<String, String> labels, Auth auth) {
    public PushSpec {
        tags = List.copyOf(tags);
        labels = Map.copyOf(labels);
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("a push needs at least one tag");
        }
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
