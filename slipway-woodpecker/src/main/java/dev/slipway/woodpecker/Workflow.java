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
 */
record Workflow(String name, String file, List<When> when, List<String> dependsOn, List<Step> steps, boolean skipClone,
                String workspace, java.util.Map<String, String> labels, boolean runsOnFailure, List<Step> services) {
    Workflow {
        when = List.copyOf(when);
        dependsOn = List.copyOf(dependsOn);
        steps = List.copyOf(steps);
        services = List.copyOf(services);
        labels = java.util.Map.copyOf(labels);
    }
}
