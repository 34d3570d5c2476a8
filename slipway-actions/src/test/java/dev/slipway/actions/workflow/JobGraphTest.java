package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Run order, ancestors for status functions, and what a re-run of failed jobs repeats. */
class JobGraphTest {
    /** version -> build-a, build-b -> publish -> notify; lint alone. */
    private static final JobGraph GRAPH = TestFiles.read("""
            on: push
            jobs:
              notify:
                needs: publish
                runs-on: x
                steps: [{run: make}]
              publish:
                needs: [build-a, build-b]
                runs-on: x
                steps: [{run: make}]
              build-b:
                needs: version
                runs-on: x
                steps: [{run: make}]
              build-a:
                needs: version
                runs-on: x
                steps: [{run: make}]
              lint:
                runs-on: x
                steps: [{run: make}]
              version:
                runs-on: x
                steps: [{run: make}]
            """).graph();

    @Test
    void jobsRunAfterWhatTheyNeedInFileOrderOtherwise() {
        assertThat(GRAPH.order()).containsExactly("lint", "version", "build-b", "build-a", "publish", "notify");
        assertThat(GRAPH.roots()).containsExactly("lint", "version");
    }

    @Test
    void needsAreDirectAncestorsAreAll() {
        assertThat(GRAPH.needs("notify")).containsExactly("publish");
        assertThat(GRAPH.ancestors("notify")).containsExactly("version", "build-b", "build-a", "publish");
        assertThat(GRAPH.ancestors("lint")).isEmpty();
        assertThat(GRAPH.dependents("build-a")).containsExactly("publish", "notify");
    }

    @Test
    void reRunningFailedJobsRepeatsThemAndWhatDependsOnThem() {
        assertThat(GRAPH.rerunFailed(Set.of("build-a"))).containsExactly("build-a", "publish", "notify");
        assertThat(GRAPH.rerunFailed(List.of("lint", "build-b"))).containsExactly("lint", "build-b", "publish", "notify");
        assertThat(GRAPH.rerunFailed(Set.of())).isEmpty();
        assertThatThrownBy(() -> GRAPH.rerunFailed(Set.of("deploy"))).hasMessage("no job 'deploy'");
    }
}
