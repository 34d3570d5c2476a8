package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.actions.workflow.Runners.Runner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** runs-on labels to a container image or the host, and the message when nothing matches. */
class RunnersTest {
    private static Runners runners(boolean hostAllowed) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("ubuntu-latest", "local/runner:bookworm");
        labels.put("ubuntu-22.04", "docker://local/runner:jammy");
        labels.put("linux", "local/runner:bookworm");
        return Runners.of(labels, hostAllowed);
    }

    @Test
    void aLabelNamesItsImageIgnoringCase() {
        assertThat(runners(false).choose(List.of("ubuntu-latest")))
                .isEqualTo(new Runner.Container("local/runner:bookworm", "ubuntu-latest"));
        assertThat(runners(false).choose(List.of("Ubuntu-22.04")))
                .isEqualTo(new Runner.Container("local/runner:jammy", "ubuntu-22.04"));
    }

    @Test
    void everyLabelMustBeKnownAndTheFirstWithATargetDecides() {
        assertThat(runners(true).choose(List.of("self-hosted", "linux"))).isEqualTo(new Runner.Host("self-hosted"));
        assertThat(runners(true).choose(List.of("linux", "self-hosted")))
                .isEqualTo(new Runner.Container("local/runner:bookworm", "linux"));
        assertThat(runners(true).choose(List.of("self-hosted", "x64"))).isEqualTo(new Runner.Unavailable(
                "no runner has the label 'x64' (runs-on [self-hosted, x64]); the labels are: ubuntu-latest, ubuntu-22.04, linux,"
                        + " self-hosted (the host); add it to ci.actions.labels with an image, for example 'x64: node:20-bookworm'"));
    }

    @Test
    void aJobNoRunnerTakesFailsWithTheLabelsThereAre() {
        assertThat(runners(false).choose(List.of("windows-latest"))).isEqualTo(new Runner.Unavailable(
                "no runner has the label 'windows-latest' (runs-on 'windows-latest'); the labels are: ubuntu-latest, ubuntu-22.04,"
                        + " linux; add it to ci.actions.labels with an image, for example 'windows-latest: node:20-bookworm'"));
        assertThat(Runners.of(Map.of(), false).choose(List.of("ubuntu-latest"))).isEqualTo(new Runner.Unavailable(
                "no runner has the label 'ubuntu-latest' (runs-on 'ubuntu-latest'); no labels are configured (ci.actions.labels);"
                        + " add it to ci.actions.labels with an image, for example 'ubuntu-latest: node:20-bookworm'"));
        assertThat(runners(false).choose(List.of())).isEqualTo(new Runner.Unavailable(
                "runs-on names no label; the labels are: ubuntu-latest, ubuntu-22.04, linux"));
    }

    @Test
    void theHostOnlyWhenAllowed() {
        assertThat(runners(true).choose(List.of("host"))).isEqualTo(new Runner.Host("host"));
        assertThat(runners(false).choose(List.of("self-hosted"))).isEqualTo(new Runner.Unavailable(
                "runs-on 'self-hosted' means running on the host, which this server does not allow; give 'self-hosted' an image in"
                        + " ci.actions.labels, or name a label that has one; the labels are: ubuntu-latest, ubuntu-22.04, linux"));
        // Configured otherwise, self-hosted is an image like any label.
        assertThat(Runners.of(Map.of("self-hosted", "local/runner:bookworm"), false).choose(List.of("self-hosted")))
                .isEqualTo(new Runner.Container("local/runner:bookworm", "self-hosted"));
        assertThat(Runners.of(Map.of("big", "host"), true).choose(List.of("big"))).isEqualTo(new Runner.Host("big"));
    }

    @Test
    void actRunnersLabelSyntax() {
        assertThat(Runners.parseLabel("ubuntu-latest:docker://node:20-bookworm"))
                .isEqualTo(Map.entry("ubuntu-latest", "docker://node:20-bookworm"));
        assertThat(Runners.parseLabel("self-hosted:host")).isEqualTo(Map.entry("self-hosted", "host"));
        assertThatThrownBy(() -> Runners.parseLabel("ubuntu-latest")).hasMessage("'ubuntu-latest' is not LABEL:docker://IMAGE or LABEL:host");
        assertThatThrownBy(() -> Runners.of(Map.of("x", "docker://"), false)).hasMessage("ci.actions.labels: 'x' names no image after docker://");
    }

    @Test
    void runsOnExpressionsEvaluateToLabels() {
        Job.Steps job = (Job.Steps) TestFiles.read("""
                on: push
                jobs:
                  build:
                    runs-on: [self-hosted, "${{ matrix.os }}", "${{ fromJSON('[\\"x64\\",\\"gpu\\"]') }}"]
                    strategy: {matrix: {os: [linux]}}
                    steps: [{run: make}]
                """).job("build");
        Combination linux = job.expand(dev.slipway.actions.expr.Scope.of(Map.of())).combinations().getFirst();
        assertThat(job.runsOn().evaluate(dev.slipway.actions.expr.Scope.of(Map.of("matrix", linux.context()))))
                .containsExactly("self-hosted", "linux", "x64", "gpu");
    }
}
