package dev.slipway.ci.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.ci.model.Condition;
import dev.slipway.ci.model.Task;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DagTest {
    static Task task(String name, String... dependsOn) {
        return new Task(name, "box", List.of("true"), Arrays.asList(dependsOn), Map.of(), List.of(), List.of(), List.of(),
                Task.NetworkPolicy.DEFAULT, null, null, Task.Resources.NONE);
    }

    /** A task with a status condition ({@code when: { status: [...] }}). */
    static Task on(Set<Condition.Status> status, String name, String... dependsOn) {
        return new Task(name, "box", List.of("true"), Arrays.asList(dependsOn), Map.of(), List.of(), List.of(), List.of(),
                Task.NetworkPolicy.DEFAULT, null, null, Task.Resources.NONE, new Condition(status, List.of(), List.of(), List.of(), Map.of()));
    }

    static final Set<Condition.Status> FAILURE = Set.of(Condition.Status.FAILURE);
    static final Set<Condition.Status> ALWAYS = Set.of(Condition.Status.SUCCESS, Condition.Status.FAILURE);

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

    /**
     * A failure or always task without depends_on waits for the main line: the tasks without a
     * status condition that depend on none (cleanup depends on one, so on-failure does not wait
     * for it, which would be a cycle). With depends_on, a task waits for what it names only.
     */
    @Test
    void tasksThatRunOnFailureWithoutDependsOnWaitForTheMainLine() {
        Dag dag = Dag.of(List.of(task("build"), task("test", "build"), on(FAILURE, "on-failure"), task("cleanup", "on-failure"),
                task("lint"), on(ALWAYS, "always"), on(FAILURE, "report", "test"), on(Set.of(Condition.Status.SUCCESS), "plain")));

        assertThat(dag.waitsFor("on-failure")).containsExactly("build", "test", "lint", "plain");
        assertThat(dag.waitsFor("always")).containsExactly("build", "test", "lint", "plain");
        assertThat(dag.waitsFor("report")).containsExactly("test");
        assertThat(dag.waitsFor("cleanup")).containsExactly("on-failure");
        assertThat(dag.waitsFor("plain")).isEmpty();
        assertThat(dag.roots()).containsExactly("build", "lint", "plain");
        assertThat(dag.topologicalOrder()).containsExactly("build", "test", "lint", "report", "plain", "on-failure", "cleanup", "always");
        // Retrying a main line task reruns what handles its failure.
        assertThat(dag.dependents("lint")).containsExactly("on-failure", "cleanup", "always");
        assertThat(dag.dependencies("cleanup")).containsExactly("build", "test", "lint", "plain", "on-failure");

        // Only tasks that run on failure: nothing to wait for.
        assertThat(Dag.of(List.of(on(FAILURE, "a"), on(ALWAYS, "b"))).roots()).containsExactly("a", "b");
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
