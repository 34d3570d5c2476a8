package dev.slipway.ci.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.ci.model.Task;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DagTest {
    static Task task(String name, String... dependsOn) {
        return new Task(name, "box", List.of("true"), Arrays.asList(dependsOn), Map.of(), List.of(), List.of(), List.of(),
                Task.NetworkPolicy.DEFAULT, null, null, Task.Resources.NONE);
    }

    //        setup
    //        /    \
    //     build   lint
    //      |   \
    //     test  docs
    //       \   /
    //      deploy       (and 'other', unrelated)
    private static final List<Task> DIAMOND = List.of(
            task("deploy", "test", "docs"), task("test", "build"), task("docs", "build"), task("build", "setup"),
            task("lint", "setup"), task("setup"), task("other"));

    @Test
    void topologicalOrderPutsEveryTaskAfterItsDependenciesAndOtherwiseKeepsFileOrder() {
        Dag dag = Dag.of(DIAMOND);

        assertThat(dag.topologicalOrder()).containsExactly("setup", "build", "test", "docs", "deploy", "lint", "other");
        assertThat(dag.roots()).containsExactly("setup", "other");
    }

    @Test
    void dependentsAreWhatARetryReruns() {
        Dag dag = Dag.of(DIAMOND);

        assertThat(dag.dependents("build")).containsExactly("test", "docs", "deploy");
        assertThat(dag.dependents("setup")).containsExactly("build", "test", "docs", "deploy", "lint");
        assertThat(dag.dependents("deploy")).isEmpty();
        assertThat(dag.dependencies("deploy")).containsExactly("setup", "build", "test", "docs");
        assertThat(dag.dependencies("setup")).isEmpty();
        assertThatThrownBy(() -> dag.dependents("nope")).isInstanceOf(IllegalArgumentException.class).hasMessage("no task 'nope'");
    }

    @Test
    void ofThePipelineTheParserReturns() {
        Dag dag = Dag.of(new PipelineParser().parse(".slipway/build.yml", PipelineParserTest.ACCEPTANCE));

        assertThat(dag.topologicalOrder()).containsExactly("build", "check");
        assertThat(dag.dependents("build")).containsExactly("check");
    }

    @Test
    void refusesWhatTheParserWouldRefuse() {
        assertThatThrownBy(() -> Dag.of(List.of(task("a", "b"), task("b", "a"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("depends_on forms a cycle: a -> b -> a");
        assertThatThrownBy(() -> Dag.of(List.of(task("a", "nope"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("task 'a' depends on unknown task 'nope'");
        assertThatThrownBy(() -> Dag.of(List.of(task("a"), task("a"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("two tasks are named 'a'");
    }

    @Test
    void cyclesOneForEachKnotSpelledInRunOrderFromTheFirstTaskInTheFile() {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        edges.put("root", List.of());
        edges.put("x", List.of("z"));        // x needs z
        edges.put("y", List.of("x"));        // y needs x
        edges.put("z", List.of("y", "ghost")); // z needs y; unknown names are ignored here
        edges.put("behind", List.of("y"));  // blocked by the cycle but not in it
        edges.put("self", List.of("self"));

        assertThat(Dag.cycles(edges)).containsExactly(List.of("x", "y", "z", "x"), List.of("self", "self"));
        assertThat(Dag.cycles(Map.of("a", List.of()))).isEmpty();
    }
}
