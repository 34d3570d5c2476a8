package dev.slipway.actions.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * A file of workflow cases: each starts with {@code ### name}, holds a workflow, and ends with
 * {@code --- errors} or {@code --- warnings} followed by the expected lines
 * ({@code line:column: message}). Lines before the first case starting with '#' are comments.
 */
record CaseFile(List<Case> cases) {
    record Case(String name, int line, String yaml, String kind, List<String> expected) {}

    static CaseFile parse(String text) {
        List<Case> cases = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int i = 0;
        while (i < lines.length && !lines[i].startsWith("### ")) {
            i++;
        }
        while (i < lines.length) {
            String name = lines[i].substring(4).strip();
            int start = i + 1;
            StringBuilder yaml = new StringBuilder();
            i++;
            while (i < lines.length && !lines[i].startsWith("--- ")) {
                yaml.append(lines[i]).append('\n');
                i++;
            }
            if (i == lines.length) {
                throw new IllegalStateException("case '" + name + "' at line " + start + " has no '--- errors' or '--- warnings'");
            }
            String kind = lines[i].substring(4).strip();
            i++;
            List<String> expected = new ArrayList<>();
            while (i < lines.length && !lines[i].startsWith("### ")) {
                if (!lines[i].isBlank()) {
                    expected.add(lines[i]);
                }
                i++;
            }
            cases.add(new Case(name, start, yaml.toString(), kind, expected));
        }
        return new CaseFile(cases);
    }
}
