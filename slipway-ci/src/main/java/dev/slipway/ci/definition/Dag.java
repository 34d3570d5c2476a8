package dev.slipway.ci.definition;

import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SequencedMap;
import java.util.SequencedSet;
import java.util.Set;

/**
 * The tasks of a pipeline as a graph: the order to run them in, and what a retry must rerun.
 * Every ordering is deterministic: among tasks that are ready together, file order decides.
 *
 * <p>A task waits for the tasks in its {@code depends_on}. A task that runs after failures
 * ({@code when: { status: [failure] }}, or both statuses) and has no {@code depends_on} waits
 * for the whole <em>main line</em> instead: every task without a status condition that does not
 * depend, directly or not, on one that has one. That is GitHub's {@code if: failure()} at the end
 * of a workflow, and it adds no cycle: the main line's own waits never lead back to such a task.
 */
public final class Dag {
    private final List<String> order;
    private final Map<String, Integer> position;
    private final Map<String, List<String>> dependencies;
    private final Map<String, List<String>> dependents = new LinkedHashMap<>();

    private Dag(Map<String, List<String>> dependencies, List<String> order) {
        this.dependencies = dependencies;
        this.order = List.copyOf(order);
        this.position = indexes(order);
        dependencies.keySet().forEach(name -> dependents.put(name, new ArrayList<>()));
        dependencies.forEach((name, deps) -> deps.forEach(dep -> dependents.get(dep).add(name)));
    }

    public static Dag of(Pipeline pipeline) {
        return of(pipeline.tasks());
    }

    /** @throws IllegalArgumentException for a duplicate name, an unknown dependency or a cycle */
    public static Dag of(List<Task> tasks) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        for (Task t : tasks) {
            if (edges.put(t.name(), List.copyOf(new LinkedHashSet<>(t.dependsOn()))) != null) {
                throw new IllegalArgumentException("two tasks are named '" + t.name() + "'");
            }
        }
        check(edges);
        List<String> mainLine = mainLine(tasks, edges);
        for (Task t : tasks) {
            if (t.when().runsOnFailure() && t.dependsOn().isEmpty()) {
                edges.put(t.name(), mainLine);
            }
        }
        return new Dag(edges, topologicalOrder(edges));
    }

    /**
     * Any graph of named nodes (GitHub Actions jobs and their {@code needs} use it too): each name
     * in file order with the names it depends on.
     *
     * @throws IllegalArgumentException for an unknown dependency or a cycle
     */
    public static Dag of(SequencedMap<String, ? extends Collection<String>> dependencies) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        dependencies.forEach((name, deps) -> edges.put(name, List.copyOf(new LinkedHashSet<>(deps))));
        check(edges);
        return new Dag(edges, topologicalOrder(edges));
    }

    private static void check(Map<String, List<String>> edges) {
        edges.forEach((name, deps) -> deps.stream().filter(d -> !edges.containsKey(d)).findFirst().ifPresent(d -> {
            throw new IllegalArgumentException("task '" + name + "' depends on unknown task '" + d + "'");
        }));
        List<List<String>> cycles = cycles(edges);
        if (!cycles.isEmpty()) {
            throw new IllegalArgumentException("depends_on forms a cycle: " + String.join(" -> ", cycles.getFirst()));
        }
    }

    /** The tasks without a status condition that depend on no task with one, in file order. */
    private static List<String> mainLine(List<Task> tasks, Map<String, List<String>> edges) {
        Set<String> conditioned = new HashSet<>();
        tasks.stream().filter(t -> t.when().runsOnFailure()).forEach(t -> conditioned.add(t.name()));
        Map<String, Boolean> onMainLine = new HashMap<>();
        for (String name : topologicalOrder(edges)) { // a task's dependencies are decided before it
            onMainLine.put(name, !conditioned.contains(name) && edges.get(name).stream().allMatch(onMainLine::get));
        }
        return tasks.stream().map(Task::name).filter(onMainLine::get).toList();
    }

    /** Every task, each after all it depends on. */
    public List<String> topologicalOrder() {
        return order;
    }

    /** What {@code task} waits for before it starts: its {@code depends_on}, or the main line (see above). */
    public List<String> waitsFor(String task) {
        List<String> waits = dependencies.get(task);
        if (waits == null) {
            throw new IllegalArgumentException("no task '" + task + "'");
        }
        return waits;
    }

    /** The tasks that depend on nothing: a run starts with these. */
    public List<String> roots() {
        return order.stream().filter(t -> dependencies.get(t).isEmpty()).toList();
    }

    /** The tasks {@code task} waits for, directly or not, in run order, without itself. */
    public SequencedSet<String> dependencies(String task) {
        return reachable(task, dependencies);
    }

    /**
     * The tasks that need {@code task}, directly or not, in run order, without itself: retrying
     * {@code task} reruns it and these, and reuses the outputs of everything else.
     */
    public SequencedSet<String> dependents(String task) {
        return reachable(task, dependents);
    }

    private SequencedSet<String> reachable(String task, Map<String, List<String>> edges) {
        if (!edges.containsKey(task)) {
            throw new IllegalArgumentException("no task '" + task + "'");
        }
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(edges.get(task));
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(edges.get(next));
            }
        }
        SequencedSet<String> sorted = new LinkedHashSet<>();
        seen.stream().sorted(Comparator.comparing(position::get)).forEach(sorted::add);
        return Collections.unmodifiableSequencedSet(sorted);
    }

    /** Kahn's algorithm, taking ready tasks in file order; leaves out tasks in or behind a cycle. */
    private static List<String> topologicalOrder(Map<String, List<String>> edges) {
        List<String> names = new ArrayList<>(edges.keySet());
        Map<String, Integer> index = indexes(names);
        int[] waitingFor = new int[names.size()];
        List<List<Integer>> after = new ArrayList<>();
        names.forEach(n -> after.add(new ArrayList<>()));
        for (int i = 0; i < names.size(); i++) {
            for (String dep : new LinkedHashSet<>(edges.get(names.get(i)))) {
                waitingFor[i]++;
                after.get(index.get(dep)).add(i);
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < names.size(); i++) {
            if (waitingFor[i] == 0) {
                ready.add(i);
            }
        }
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            int next = ready.poll();
            order.add(names.get(next));
            for (int dependent : after.get(next)) {
                if (--waitingFor[dependent] == 0) {
                    ready.add(dependent);
                }
            }
        }
        return order;
    }

    private static Map<String, Integer> indexes(List<String> names) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        return index;
    }

    /**
     * One cycle for each group of tasks that cannot run because of a cycle, spelled in run order
     * and closed ({@code build -> test -> build}: test needs build, build needs test), starting at
     * the task that comes first in the file. Dependencies on unknown tasks are ignored.
     */
    public static List<List<String>> cycles(Map<String, List<String>> edges) {
        Set<String> blocked = new LinkedHashSet<>(edges.keySet());
        topologicalOrder(known(edges)).forEach(blocked::remove);
        // Each blocked task depends on another blocked task, so following those dependencies
        // from any of them must come back to a task on the path (a new cycle) or reach a task
        // seen before (a cycle already found).
        Map<String, Integer> fileOrder = indexes(new ArrayList<>(edges.keySet()));
        List<List<String>> cycles = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        for (String start : blocked) {
            List<String> path = new ArrayList<>();
            String at = start;
            while (!visited.contains(at)) {
                visited.add(at);
                path.add(at);
                at = edges.get(at).stream().filter(blocked::contains).findFirst().orElseThrow();
            }
            int from = path.indexOf(at);
            if (from >= 0) {
                List<String> cycle = new ArrayList<>(path.subList(from, path.size()));
                Collections.reverse(cycle); // dependency order to run order
                int first = cycle.indexOf(cycle.stream().min(Comparator.comparing(fileOrder::get)).orElseThrow());
                Collections.rotate(cycle, -first);
                cycle.add(cycle.getFirst());
                cycles.add(List.copyOf(cycle));
            }
        }
        return cycles;
    }

    private static Map<String, List<String>> known(Map<String, List<String>> edges) {
        Map<String, List<String>> known = new LinkedHashMap<>();
        edges.forEach((name, deps) -> known.put(name, deps.stream().filter(edges::containsKey).toList()));
        return known;
    }
}
