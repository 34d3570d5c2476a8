package dev.slipway.woodpecker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.definition.Dag;
import dev.slipway.ci.definition.Problem;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Woodpecker files of a checkout, which together are one pipeline: every
 * {@code .woodpecker/*.yml|yaml} (each a workflow, in name order), else {@code .woodpecker.yaml} or
 * {@code .woodpecker.yml}, as Woodpecker looks for them. A run stores their texts (one file as
 * itself, several as a JSON object of path to text) and reads them again when it starts, with the
 * run's values substituted.
 */
final class WorkflowSet {
    static final String DIRECTORY = ".woodpecker";
    private static final long MAX_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The files by path from the checkout's root, in the order Woodpecker runs them. */
    private final Map<String, String> files;

    private WorkflowSet(Map<String, String> files) {
        this.files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    static WorkflowSet of(Map<String, String> files) {
        return new WorkflowSet(files);
    }

    /** The files of a checkout; notes say which were not read and why. */
    static WorkflowSet scan(Path checkout, List<String> notes) throws IOException {
        Map<String, String> found = new LinkedHashMap<>();
        Path dir = checkout.resolve(DIRECTORY);
        if (Files.isDirectory(dir) && !Files.isSymbolicLink(dir)) {
            List<Path> listed;
            try (Stream<Path> s = Files.list(dir)) {
                listed = s.filter(p -> p.getFileName().toString().matches("[^.].*\\.ya?ml")).sorted().toList();
            }
            for (Path p : listed) {
                read(checkout, p, found, notes);
            }
        } else {
            for (String single : List.of(".woodpecker.yaml", ".woodpecker.yml")) {
                Path p = checkout.resolve(single);
                if (Files.exists(p)) {
                    read(checkout, p, found, notes);
                    break;
                }
            }
        }
        return new WorkflowSet(found);
    }

    private static void read(Path checkout, Path p, Map<String, String> found, List<String> notes) throws IOException {
        String rel = checkout.relativize(p).toString();
        if (Files.isSymbolicLink(p) || !Files.isRegularFile(p)) {
            notes.add(rel + ": not read, it is not a regular file");
            return;
        }
        if (Files.size(p) > MAX_BYTES) {
            notes.add(rel + ": not read, it is larger than 1 MiB");
            return;
        }
        try {
            found.put(rel, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(p))).toString());
        } catch (CharacterCodingException e) {
            notes.add(rel + ": not read, it is not UTF-8");
        }
    }

    boolean isEmpty() {
        return files.isEmpty();
    }

    Map<String, String> files() {
        return files;
    }

    /** What a run records as its definition file: the one file, or the directory. */
    String file() {
        return files.size() == 1 ? files.keySet().iterator().next() : DIRECTORY + "/";
    }

    /** What a run stores: the one file's text, or a JSON object of the files. */
    String text() {
        if (files.size() == 1) {
            return files.values().iterator().next();
        }
        ObjectNode o = JSON.createObjectNode();
        files.forEach(o::put);
        return o.toString();
    }

    /** The set a run stored ({@link #file()}, {@link #text()}). */
    static WorkflowSet stored(String file, String text) {
        if (!file.endsWith("/")) {
            return new WorkflowSet(Map.of(file, text));
        }
        try {
            Map<String, String> files = new LinkedHashMap<>();
            JsonNode o = JSON.readTree(text);
            o.fields().forEachRemaining(e -> files.put(e.getKey(), e.getValue().asText()));
            return new WorkflowSet(files);
        } catch (IOException e) {
            throw new IllegalStateException("the run's stored Woodpecker files cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Every workflow as written (before a run's values are known: what the trigger checks and
     * lists), with the substitutions' syntax checked.
     */
    Read readAsWritten() {
        return read(null);
    }

    /**
     * Every workflow read with {@code values} substituted; problems of all files, and of the
     * workflows' depends_on. A file with a {@code matrix} is a workflow per combination, read with
     * the combination's values substituted too (they win over the others, as in Woodpecker).
     */
    Read read(Map<String, String> values) {
        List<Workflow> workflows = new ArrayList<>();
        java.util.Set<Problem> problems = new java.util.LinkedHashSet<>();
        java.util.Set<Problem> warnings = new java.util.LinkedHashSet<>();
        for (var f : files.entrySet()) {
            List<Map<String, String>> combinations = WorkflowReader.combinations(f.getKey(), f.getValue());
            for (Map<String, String> combination : combinations.isEmpty() ? List.<Map<String, String>>of(Map.of()) : combinations) {
                Map<String, String> with = values;
                if (values != null && !combination.isEmpty()) {
                    with = new LinkedHashMap<>(values);
                    with.putAll(combination);
                }
                WorkflowReader.Read r = readOne(f.getKey(), f.getValue(), with);
                if (with != null && r.workflow() != null && r.workflow().workspace() != null
                        && !r.workflow().workspace().equals(with.get("CI_WORKSPACE"))) {
                    // A workflow with a workspace of its own: ${CI_WORKSPACE} in it is that one.
                    Map<String, String> own = new LinkedHashMap<>(with);
                    own.put("CI_WORKSPACE", r.workflow().workspace());
                    r = readOne(f.getKey(), f.getValue(), own);
                }
                problems.addAll(r.problems());
                warnings.addAll(r.warnings());
                if (r.workflow() != null) {
                    Workflow w = r.workflow();
                    workflows.add(combinations.size() > 1 ? w.withMatrix(w.baseName() + " (" + Workflow.pairs(combination) + ")", combination)
                            : w.withMatrix(w.name(), combination));
                }
            }
        }
        if (problems.isEmpty()) {
            LinkedHashMap<String, List<String>> edges = new LinkedHashMap<>();
            for (Workflow w : workflows) { // the workflows of a matrix are one name for depends_on
                List<String> deps = edges.computeIfAbsent(w.baseName(), k -> new ArrayList<>());
                w.dependsOn().stream().filter(d -> !deps.contains(d)).forEach(deps::add);
            }
            try {
                Dag.of(edges);
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(file(), 0, 0, "depends_on between workflows: " + e.getMessage()));
            }
        }
        return new Read(problems.isEmpty() ? workflows : List.of(), List.copyOf(problems), List.copyOf(warnings));
    }

    /**
     * One file with the values substituted. When the substituted text no longer reads but the file
     * as written does, the problem says which values made it so (seed 001's gotcha).
     */
    private static WorkflowReader.Read readOne(String file, String text, Map<String, String> values) {
        String substituted;
        try {
            substituted = Envsubst.eval(text, values == null ? Map.of() : values);
            if (values == null) {
                return WorkflowReader.read(file, text);
            }
        } catch (Envsubst.BadSubstitution e) {
            int line = 1;
            int column = 1;
            for (int i = 0; i < e.offset && i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            return new WorkflowReader.Read(null, List.of(new Problem(file, line, column, e.getMessage())), List.of());
        }
        WorkflowReader.Read r = WorkflowReader.read(file, substituted);
        if (r.problems().isEmpty() || substituted.equals(text)) {
            return r;
        }
        WorkflowReader.Read asWritten = WorkflowReader.read(file, text);
        if (!asWritten.problems().isEmpty()) {
            return asWritten;
        }
        List<Problem> explained = r.problems().stream().map(p -> p.message().contains("quote") ? p : new Problem(p.file(), p.line(),
                p.column(), p.message() + " (after substituting ${...} values; the file as written reads: quote values that contain ${...}, "
                + "e.g. \"${A}:${B}\")")).toList();
        return new WorkflowReader.Read(null, explained, r.warnings());
    }

    /** @param workflows in file order; empty when there are problems */
    record Read(List<Workflow> workflows, List<Problem> problems, List<Problem> warnings) {
        String describeProblems() {
            return String.join("\n", problems.stream().map(Problem::toString).toList());
        }
    }
}
