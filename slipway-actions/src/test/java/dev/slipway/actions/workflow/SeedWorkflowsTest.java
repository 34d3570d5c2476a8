package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Seeds 000 and 001: their workflows are what must run, so they must read cleanly first. */
class SeedWorkflowsTest {
    @Test
    void seed000BuildPushReads() {
        Workflow w = Workflows.read(".gitea/workflows/build-push.yaml", TestFiles.resource("seeds/build-push.yaml"));
        assertThat(w.warnings()).isEmpty();
        assertThat(w.jobs().keySet()).containsExactly("determine-version", "build");
    }

    @Test
    void seed001BuildReads() {
        Workflow w = Workflows.read(".github/workflows/build.yml", TestFiles.resource("seeds/build.yml"));
        assertThat(w.warnings()).isEmpty();
        assertThat(w.jobs().keySet()).containsExactly("build", "deploy");
    }
}
