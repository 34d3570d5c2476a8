package dev.slipway.ci.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.slipway.ci.model.Publish;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tag templates as a run resolves them, and the OCI labels a published image carries. */
class PublisherTest {
    private static final Map<String, String> VALUES = Map.of("SLIPWAY_COMMIT", "0123456789abcdef0123456789abcdef01234567",
            "SLIPWAY_COMMIT_SHORT", "01234567", "SLIPWAY_TAG", "", "SLIPWAY_BRANCH", "main", "CHANNEL", "stable");

    private static Publish publish(String... tags) {
        return new Publish("app", "admin/app", List.of(tags), null, null);
    }

    @Test
    void templatesResolveInOrderWithoutRepeats() throws Exception {
        assertThat(Publisher.tags("p", publish("${SLIPWAY_COMMIT_SHORT}", "latest", "${SLIPWAY_BRANCH}-${CHANNEL}", "latest"), VALUES))
                .containsExactly("01234567", "latest", "main-stable");
    }

    @Test
    void aTagThatIsInvalidForThisRunFailsTheTaskAndSaysWhy() {
        Publisher.PublishException e = catchThrowableOfType(Publisher.PublishException.class,
                () -> Publisher.tags("p", publish("${SLIPWAY_TAG}"), VALUES));
        assertThat(e).hasMessage("tag '${SLIPWAY_TAG}' of task 'p' is '' for this run, which is not a valid tag (letters, digits, '_',"
                + " '.' and '-', not starting with '.' or '-', at most 128 characters); SLIPWAY_TAG is empty for this run");
        e = catchThrowableOfType(Publisher.PublishException.class, () -> Publisher.tags("p", publish("v${SLIPWAY_COMMIT}${SLIPWAY_COMMIT}"
                + "${SLIPWAY_COMMIT}${SLIPWAY_COMMIT}"), VALUES));
        assertThat(e.getMessage()).contains("which is not a valid tag");
    }

    @Test
    void labelsNameTheCommitTheVersionWhenThereIsOneAndTheSourceWithoutCredentials() {
        Publisher publisher = new Publisher(null, null, new Publisher.Run("alice", "https://alice:s3cret@git.example/alice/app.git", false),
                name -> null, p -> { });
        Map<String, String> labels = publisher.labels(VALUES);
        assertThat(labels).containsEntry("org.opencontainers.image.revision", "0123456789abcdef0123456789abcdef01234567")
                .containsEntry("org.opencontainers.image.source", "https://git.example/alice/app.git")
                .containsKey("org.opencontainers.image.created")
                .doesNotContainKey("org.opencontainers.image.version");
        assertThat(labels.get("org.opencontainers.image.created")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        Map<String, String> withVersion = new java.util.HashMap<>(VALUES);
        withVersion.put("SLIPWAY_VERSION", "v1.3.0");
        assertThat(publisher.labels(withVersion)).containsEntry("org.opencontainers.image.version", "v1.3.0");
    }

    @Test
    void userInfoIsDroppedFromUrlsOnly() {
        assertThat(Publisher.withoutUserInfo("https://u:p@h/x.git")).isEqualTo("https://h/x.git");
        assertThat(Publisher.withoutUserInfo("https://h/team@x.git")).isEqualTo("https://h/team@x.git");
        assertThat(Publisher.withoutUserInfo("git@git.example:team/app.git")).isEqualTo("git@git.example:team/app.git");
        assertThat(Publisher.withoutUserInfo("ssh://git@h/x.git")).isEqualTo("ssh://h/x.git");
    }
}
