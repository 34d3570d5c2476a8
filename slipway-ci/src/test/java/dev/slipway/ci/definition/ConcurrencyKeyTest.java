package dev.slipway.ci.definition;

import static dev.slipway.ci.definition.PipelineValidationTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.model.Concurrency;
import dev.slipway.ci.model.Pipeline;
import org.junit.jupiter.api.Test;

/** The top-level {@code concurrency:} key: a group, or a group and {@code cancel-in-progress}; problems at their nodes. */
class ConcurrencyKeyTest {
    private static final String F = ".slipway/build.yml:";
    private static final String TASKS = """
            variables: { TARGET: staging }
            images: { box: local/busybox:1 }
            tasks:
              t: { image: box, commands: [ "echo" ] }
            """;

    static Pipeline parse(String concurrency) {
        return new PipelineParser().parse(".slipway/build.yml", concurrency + TASKS);
    }

    @Test
    void aGroupOrAGroupThatCancelsTheRunningRun() {
        assertThat(parse("concurrency: deploy-${SLIPWAY_BRANCH}\n").concurrency())
                .isEqualTo(new Concurrency("deploy-${SLIPWAY_BRANCH}", false));
        assertThat(parse("concurrency: { group: \"deploy-${TARGET}\", cancel-in-progress: true }\n").concurrency())
                .isEqualTo(new Concurrency("deploy-${TARGET}", true));
        assertThat(parse("").concurrency()).isNull();
    }

    @Test
    void problemsAreAtTheirNodes() {
        assertThat(problems("concurrency: { group: deploy, cancel-in-progres: true }\n" + TASKS)).containsExactly(
                F + "1:31: unknown key 'cancel-in-progres' in 'concurrency' (did you mean 'cancel-in-progress'?)");
        assertThat(problems("concurrency: { cancel-in-progress: yes }\n" + TASKS)).contains(
                F + "1:36: 'cancel-in-progress' of 'concurrency' must be true or false, not 'yes'");
        assertThat(problems("concurrency: deploy-${TARGTE}\n" + TASKS)).hasSize(1).first().asString()
                .contains("undeclared variable 'TARGTE'").contains("did you mean 'TARGET'");
        assertThat(problems("concurrency: \" \"\n" + TASKS)).containsExactly(
                F + "1:14: the concurrency group needs a name, such as deploy-${SLIPWAY_BRANCH}");
    }
}
