package dev.slipway.actions.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.actions.expr.Scope;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code on:}: the events that start the workflow, with their filters. Only the events Slipway
 * acts on are here; others in the file are warnings. A null part means the event is not listed.
 */
public record On(Push push, PullRequest pullRequest, PullRequest pullRequestTarget, Dispatch workflowDispatch,
                 List<Schedule> schedules, Call workflowCall, Position at) {
    public On {
        schedules = List.copyOf(schedules);
    }

    /**
     * Why this workflow does not run for {@code event}, or empty when it does: the same kind of
     * reason the native pipelines' trigger selection gives, for the forge's delivery log.
     *
     * @param changedFiles the paths the push or pull request changes, asked only when a paths
     *                     filter needs them; an empty set (an empty commit) passes no paths filter
     */
    public Optional<String> whyNot(WorkflowEvent event, Supplier<Set<String>> changedFiles) {
        return EventMatcher.whyNot(this, event, changedFiles);
    }

    /** {@code push:} filters; lists are empty when not given. GitHub refuses a filter with its -ignore twin. */
    public record Push(List<String> branches, List<String> branchesIgnore, List<String> tags, List<String> tagsIgnore,
                       List<String> paths, List<String> pathsIgnore, Position at) {
        public Push {
            branches = List.copyOf(branches);
            branchesIgnore = List.copyOf(branchesIgnore);
            tags = List.copyOf(tags);
            tagsIgnore = List.copyOf(tagsIgnore);
            paths = List.copyOf(paths);
            pathsIgnore = List.copyOf(pathsIgnore);
        }
    }

    /**
     * {@code pull_request:} or {@code pull_request_target:} ({@code event} says which).
     * {@code types} is GitHub's default (opened, synchronize, reopened) when not given; branches
     * filter the base branch.
     */
    public record PullRequest(String event, List<String> types, List<String> branches, List<String> branchesIgnore,
                              List<String> paths, List<String> pathsIgnore, Position at) {
        public static final List<String> DEFAULT_TYPES = List.of("opened", "synchronize", "reopened");

        public PullRequest {
            types = List.copyOf(types);
            branches = List.copyOf(branches);
            branchesIgnore = List.copyOf(branchesIgnore);
            paths = List.copyOf(paths);
            pathsIgnore = List.copyOf(pathsIgnore);
        }
    }

    /** The types of {@code workflow_dispatch} and {@code workflow_call} inputs (the latter only string, boolean and number). */
    public enum InputType {
        STRING, BOOLEAN, NUMBER, CHOICE, ENVIRONMENT;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code workflow_dispatch:} with its inputs by name, in file order. */
    public record Dispatch(SequencedMap<String, Input> inputs, Position at) {
        public Dispatch {
            inputs = Ordered.copy(inputs);
        }

        /**
         * The {@code inputs} context of a run started with {@code given} (from the API, the CLI or
         * a form): each value checked against its input's type, defaults filled in (and '' for a
         * string, false for a boolean, 0 for a number that has none), in declaration order.
         *
         * @throws dev.slipway.core.SlipwayException.BadRequest naming every input that is unknown,
         *         missing though required, not one of a choice's options, or not a boolean or number
         */
        public ObjectNode inputs(Map<String, ? extends JsonNode> given) {
            return InputValues.dispatch(this, given);
        }

        /** {@code github.event.inputs}: the same values as text, as GitHub puts them in the event payload. */
        public static ObjectNode eventInputs(ObjectNode inputs) {
            return InputValues.asText(inputs);
        }
    }

    /**
     * One input of {@code workflow_dispatch}.
     *
     * @param defaultValue typed as the input is (a boolean, a number, text), or null
     * @param options the choices of a {@code choice} input; empty otherwise
     */
    public record Input(String name, String description, InputType type, boolean required, JsonNode defaultValue,
                        List<String> options, Position at) {
        public Input {
            options = List.copyOf(options);
        }
    }

    /** One entry of {@code schedule:}: a five-field cron expression, in UTC unless a time zone is named. */
    public record Schedule(String cron, String timezone, Position at) {}

    /** {@code workflow_call:}: what a reusable workflow takes and gives. */
    public record Call(SequencedMap<String, CallInput> inputs, SequencedMap<String, CallSecret> secrets,
                       SequencedMap<String, CallOutput> outputs, Position at) {
        public Call {
            inputs = Ordered.copy(inputs);
            secrets = Ordered.copy(secrets);
            outputs = Ordered.copy(outputs);
        }

        /**
         * The {@code inputs} context of a call whose {@code with:} evaluated to {@code given}:
         * checked and completed as {@link Dispatch#inputs} does; defaults may hold expressions
         * ({@code github}, {@code inputs}, {@code vars}), evaluated in {@code scope}.
         *
         * @throws IllegalArgumentException naming every input that is wrong
         */
        public ObjectNode inputs(Map<String, ? extends JsonNode> given, Scope scope) {
            return InputValues.call(this, given, scope);
        }

        /**
         * What is wrong with a job calling this workflow, found before it runs: {@code with:}
         * naming inputs this workflow does not take or missing required ones, {@code secrets:}
         * naming unknown secrets or missing required ones (unless {@code inherit}). Each message
         * is positioned in the caller's file.
         */
        public List<dev.slipway.ci.definition.Problem> check(Job.Call caller) {
            return InputValues.check(this, caller);
        }
    }

    /** @param defaultValue the default, or null; text that may hold expressions */
    public record CallInput(String name, String description, InputType type, boolean required, Value defaultValue, Position at) {}

    public record CallSecret(String name, String description, boolean required, Position at) {}

    /** @param value evaluated with the {@code jobs} context of the called workflow's jobs */
    public record CallOutput(String name, String description, Value value, Position at) {}
}
