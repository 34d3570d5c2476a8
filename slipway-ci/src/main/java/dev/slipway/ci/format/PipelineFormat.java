package dev.slipway.ci.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.ci.model.Triggers;
import dev.slipway.ci.scheduler.RunProgram;
import dev.slipway.ci.trigger.Event;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A pipeline format besides Slipway's own {@code .slipway/*.yml}: GitHub Actions workflows
 * ({@code .gitea/workflows}, {@code .forgejo/workflows}, {@code .github/workflows}), and later
 * Woodpecker files. A format reads its definitions from a checkout and says which events start
 * them (the trigger service asks it beside the native pipelines), and runs them ({@link #program}).
 * Runs, tasks, logs, secrets, caches and the registry are the same for every format.
 */
public interface PipelineFormat {
    /** The name runs record ({@code actions}); never {@code slipway}. */
    String name();

    /** The definitions of a checkout: each one read, or invalid with the reason. */
    Definitions read(Path checkout) throws IOException;

    /** Runs this format's runs. */
    RunProgram program();

    /**
     * What a checkout holds in this format.
     *
     * @param notes files found and not read, and why (for the trigger's notes)
     */
    record Definitions(List<Definition> definitions, List<String> notes) {
        public Definitions {
            definitions = List.copyOf(definitions);
            notes = List.copyOf(notes);
        }
    }

    /** One definition (one workflow file). */
    interface Definition {
        /** The run's pipeline name: what the API and CLI name it by ({@code build.yaml}). Unique in the format. */
        String name();

        /** The file, from the checkout's root ({@code .gitea/workflows/build.yaml}). */
        String file();

        /** The file's text, stored with the run. */
        String text();

        /** Why the definition cannot run (every problem, with file, line and column), or empty when it can. */
        Optional<String> invalid();

        /**
         * Why {@code event} does not start it, or empty when it does. A manual or API event names
         * this definition itself, and is refused here only when the format requires the
         * definition to allow it (GitHub's {@code workflow_dispatch}).
         *
         * @param changedFiles the paths the push or pull request changes, asked only when a filter needs them
         */
        Optional<String> whyNot(Event event, Supplier<Set<String>> changedFiles);

        /** The tasks a run has when it is created, in order (GitHub Actions: the job ids). */
        List<String> tasks();

        /** Its schedules ({@code on: schedule}); the cron scheduler fires them as for native pipelines. */
        List<Triggers.Schedule> schedules();

        /**
         * The run's variables for values given by hand (a dispatch's inputs), as the JSON object the
         * run stores: checked against what the definition declares, defaults filled in.
         *
         * @throws dev.slipway.core.SlipwayException.BadRequest naming every value that is wrong
         */
        String variables(Map<String, JsonNode> given);
    }

    /** Finds the format of a run, by its name. */
    static Optional<PipelineFormat> find(List<PipelineFormat> formats, String name) {
        return formats.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
