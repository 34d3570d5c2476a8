package dev.slipway.actions.workflow;

import java.util.SequencedMap;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads one workflow file: the top level here, {@code on:} in {@link OnReader}, jobs in
 * {@link JobReader} and their steps in {@link StepReader}.
 */
final class WorkflowReader {
    private static final Keys KEYS = Keys.of("name", "run-name", "on", "env", "defaults", "permissions", "concurrency", "jobs",
            "description");

    private final Doc doc;
    private final ValueReader values;
    private final CommonReader common;

    WorkflowReader(Doc doc) {
        this.doc = doc;
        this.values = new ValueReader(doc);
        this.common = new CommonReader(doc, values);
    }

    /** The workflow, or null when the file has errors (all reported to the doc). */
    Workflow read() {
        Node root = doc.compose();
        if (root == null) {
            if (!doc.hasErrors()) {
                doc.error(Position.file(doc.file), "the file is empty; a workflow needs 'on' and 'jobs'");
            }
            return null;
        }
        Mapping top = doc.mapping(root, root, "the workflow", KEYS);
        if (!top.isMapping()) {
            return null;
        }
        String name = top.get("name") == null ? null : values.literal(top.get("name"), "name");
        if (top.get("description") != null) {
            values.literal(top.get("description"), "description");
        }
        Value runName = common.optional(top, "run-name", Place.RUN_NAME, "run-name");
        On on = null;
        if (top.has("on")) {
            on = new OnReader(doc, values, common).read(top.entry("on"));
        } else {
            doc.error(root, "a workflow needs 'on': the events that start it, such as 'on: push'");
        }
        SequencedMap<String, Value> env = values.values(top.get("env"), top.keyNode("env"), Place.WORKFLOW_ENV, "env");
        RunDefaults defaults = common.defaults(top, Place.LITERAL, "defaults");
        Permissions permissions = common.permissions(top, "permissions");
        Concurrency concurrency = common.concurrency(top, Place.WORKFLOW_CONCURRENCY, "concurrency");
        SequencedMap<String, Job> jobs = new JobReader(doc, values, common).read(top);
        if (doc.hasErrors()) {
            return null;
        }
        return new Workflow(doc.file, name, runName, on, env, defaults, permissions, concurrency, jobs, doc.warnings());
    }
}
