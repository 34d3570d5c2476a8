package dev.slipway.woodpecker;

import java.util.List;
import java.util.Map;

/**
 * One step of a workflow, as read.
 *
 * @param commands empty for a plugin (the image's own entrypoint runs, configured by {@code settings})
 * @param environment values as written, or {@code from_secret} references
 * @param secrets the older form: environment variables from secrets (variable to secret; a bare name's variable is its upper case)
 * @param dependsOn null when the step does not say: it then runs after the step before it
 * @param settings a plugin's settings, each as Woodpecker hands it to the plugin ({@code PLUGIN_<NAME>})
 * @param detach the step starts and the workflow goes on (a service is always detached); it is stopped when the workflow ends
 * @param directory where it starts: relative to the workspace, or an absolute path in the container; null for the workspace
 * @param service one of the workflow's {@code services}, not of its {@code steps}
 */
record Step(String name, String image, List<String> commands, List<String> entrypoint, Map<String, Value> environment,
            Map<String, String> secrets, Map<String, Value> settings, List<When> when, List<String> dependsOn, boolean failureIgnore,
            boolean detach, String directory, boolean pull, boolean service) {
    Step {
        commands = List.copyOf(commands);
        entrypoint = List.copyOf(entrypoint);
        environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
        secrets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(secrets));
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        when = List.copyOf(when);
        dependsOn = dependsOn == null ? null : List.copyOf(dependsOn);
    }

    boolean isPlugin() {
        return commands.isEmpty() && entrypoint.isEmpty();
    }

    /** A value of {@code environment} or {@code settings}: text (JSON for lists and maps), or a secret's value. */
    sealed interface Value {
        record Text(String text) implements Value {}

        record FromSecret(String secret) implements Value {}
    }
}
