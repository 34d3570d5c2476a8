package dev.slipway.woodpecker;

import java.util.List;

/**
 * One Woodpecker file: a workflow of the pipeline.
 *
 * @param name the file's base name without extension ({@code .woodpecker/deploy.yml} is {@code deploy})
 * @param dependsOn other workflows of the pipeline that must succeed first
 * @param labels the runner labels it asks for ({@code labels}; one server runs everything for now)
 * @param runsOnFailure {@code runs_on: [failure]}: it runs when a workflow it depends on failed
 * @param services containers started before the first step, reached by their names; stopped when the workflow ends
 * @param matrix the values of its matrix combination (empty without a matrix); with several
 *               combinations, {@code name} says them: {@code test (GO_VERSION=1.22 DB=mysql:8)}
 */
record Workflow(String name, String file, List<When> when, List<String> dependsOn, List<Step> steps, boolean skipClone,
                String workspace, java.util.Map<String, String> labels, boolean runsOnFailure, List<Step> services,
                java.util.Map<String, String> matrix) {
    Workflow {
        when = List.copyOf(when);
        dependsOn = List.copyOf(dependsOn);
        steps = List.copyOf(steps);
        services = List.copyOf(services);
        labels = java.util.Map.copyOf(labels);
        matrix = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(matrix));
    }

    /** The name Woodpecker gives every workflow of the file ({@code CI_WORKFLOW_NAME}), what {@code depends_on} names. */
    String baseName() {
        return WorkflowReader.nameOf(file);
    }

    /** The workflow of one matrix combination. */
    Workflow withMatrix(String name, java.util.Map<String, String> matrix) {
        return new Workflow(name, file, when, dependsOn, steps, skipClone, workspace, labels, runsOnFailure, services, matrix);
    }

    /** {@code K=V K=V}, as Woodpecker writes a matrix combination. */
    static String pairs(java.util.Map<String, String> matrix) {
        return String.join(" ", matrix.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
