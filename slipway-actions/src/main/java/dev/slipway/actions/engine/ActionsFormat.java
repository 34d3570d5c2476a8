package dev.slipway.actions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.actions.workflow.On;
import dev.slipway.actions.workflow.Workflow;
import dev.slipway.actions.workflow.WorkflowEvent;
import dev.slipway.actions.workflow.WorkflowFiles;
import dev.slipway.actions.workflow.Workflows;
import dev.slipway.ci.definition.Problem;
import dev.slipway.ci.format.PipelineFormat;
import dev.slipway.ci.model.Triggers;
import dev.slipway.ci.scheduler.RunProgram;
import dev.slipway.ci.trigger.Event;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * GitHub Actions workflows as a pipeline format: the workflow files of a checkout (see
 * {@link WorkflowFiles}: {@code .forgejo/workflows}, {@code .gitea/workflows} or
 * {@code .github/workflows}), which events start each ({@code on:}), and the {@link WorkflowProgram}
 * that runs them. A run's pipeline name is the workflow's file name ({@code build.yaml}), as
 * GitHub's API names workflows; its tasks are the jobs (a matrix job becomes one task per
 * combination when it starts).
 */
public final class ActionsFormat implements PipelineFormat {
    public static final String NAME = "actions";
    /** A schedule's occurrence, as the cron scheduler writes it: {@code <cron>@<slot>[@...]}. */
    private static final Pattern OCCURRENCE = Pattern.compile("^(.*?)@\\d+(?:@.*)?$");

    private final WorkflowProgram program;

    public ActionsFormat(WorkflowProgram program) {
        this.program = program;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunProgram program() {
        return program;
    }

    @Override
    public Definitions read(Path checkout) throws IOException {
        WorkflowFiles files = WorkflowFiles.scan(checkout);
        List<Definition> definitions = new ArrayList<>();
        for (Workflows.Loaded loaded : Workflows.load(checkout)) {
            definitions.add(new WorkflowDefinition(loaded, text(checkout.resolve(loaded.file()))));
        }
        return new Definitions(definitions, files.notes());
    }

    /** The file's text as stored with a run; empty for one the reader refused to read (a link, not UTF-8, too large). */
    private static String text(Path file) {
        try {
            if (Files.isSymbolicLink(file) || Files.size(file) > (1 << 20)) {
                return "";
            }
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** GitHub's event for a Slipway event, or null for one no workflow trigger describes. */
    static WorkflowEvent workflowEvent(Event e, boolean target) {
        return switch (e.kind()) {
            case PUSH, TAG -> new WorkflowEvent.Push(e.ref());
            case PULL_REQUEST -> new WorkflowEvent.PullRequest(target, e.action() == null ? "opened" : e.action(), e.pullRequest().baseRef());
            case MANUAL, API -> new WorkflowEvent.Dispatch();
            case CRON -> {
                Matcher m = OCCURRENCE.matcher(e.occurrence() == null ? "" : e.occurrence());
                yield new WorkflowEvent.Schedule(m.matches() ? m.group(1) : "");
            }
        };
    }

    private record WorkflowDefinition(Workflows.Loaded loaded, String text) implements Definition {
        @Override
        public String name() {
            String file = loaded.file();
            return file.substring(file.lastIndexOf('/') + 1);
        }

        @Override
        public String file() {
            return loaded.file();
        }

        @Override
        public Optional<String> invalid() {
            if (loaded instanceof Workflows.Loaded.Invalid invalid) {
                return Optional.of(invalid.problems().stream().map(Problem::toString).collect(Collectors.joining("\n")));
            }
            return Optional.empty();
        }

        private Workflow workflow() {
            return ((Workflows.Loaded.Valid) loaded).workflow();
        }

        @Override
        public Optional<String> whyNot(Event event, Supplier<Set<String>> changedFiles) {
            On on = workflow().on();
            Optional<String> why = on.whyNot(workflowEvent(event, false), changedFiles);
            if (why.isPresent() && event.kind() == Event.Kind.PULL_REQUEST && on.pullRequestTarget() != null) {
                return on.whyNot(workflowEvent(event, true), changedFiles);
            }
            return why;
        }

        @Override
        public List<String> tasks() { // an invalid workflow's run has no tasks: it is an error that names the problems
            return loaded instanceof Workflows.Loaded.Valid v ? v.workflow().graph().order() : List.of();
        }

        @Override
        public List<Triggers.Schedule> schedules() {
            return loaded instanceof Workflows.Loaded.Valid v
                    ? v.workflow().on().schedules().stream().map(s -> new Triggers.Schedule(s.cron(), null, s.timezone())).toList()
                    : List.of();
        }

        @Override
        public String variables(Map<String, JsonNode> given) {
            On.Dispatch dispatch = workflow().on().workflowDispatch();
            if (dispatch == null) {
                if (!given.isEmpty()) {
                    throw new SlipwayException.BadRequest(file() + " takes no inputs: it has no workflow_dispatch trigger");
                }
                return "{}";
            }
            return dispatch.inputs(given).toString();
        }
    }
}
