package dev.slipway.actions.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a step writes to talk to the runner (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE and
 * GITHUB_PATH), read as GitHub's runner reads them. Lines end at LF only (a CR stays part of
 * the value, as on the runner's Linux build).
 */
final class FileCommands {
    private FileCommands() {}

    /**
     * {@code NAME=value} lines and {@code NAME<<DELIMITER} blocks, whose value is every line up to
     * the line that is exactly the delimiter (the line break before the delimiter is not part of
     * the value). Whichever of {@code =} and {@code <<} comes first decides the form; empty lines
     * are skipped; a later value of a name wins.
     *
     * @throws IllegalArgumentException with the runner's message for a malformed file
     */
    static Map<String, String> keyValues(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int[] index = {0};
        String line = readLine(text, index);
        while (line != null) {
            if (!line.isEmpty()) {
                int eq = line.indexOf('=');
                int heredoc = line.indexOf("<<");
                if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
                    String name = line.substring(0, eq);
                    if (name.isEmpty()) {
                        throw new IllegalArgumentException("Invalid format '" + line + "'. Name must not be empty");
                    }
                    out.put(name, line.substring(eq + 1));
                } else if (heredoc >= 0) {
                    String name = line.substring(0, heredoc);
                    String delimiter = line.substring(heredoc + 2);
                    if (name.isEmpty() || delimiter.isEmpty()) {
                        throw new IllegalArgumentException("Invalid format '" + line + "'. Name must not be empty and delimiter must not be empty");
                    }
                    int start = index[0];
                    int end = start;
                    String value = readLine(text, index);
                    while (!delimiter.equals(value)) {
                        if (value == null) {
                            throw new IllegalArgumentException("Invalid value. Matching delimiter not found '" + delimiter + "'");
                        }
                        if (index[0] > text.length() || text.charAt(index[0] - 1) != '\n') {
                            throw new IllegalArgumentException("Invalid value. EOF marker missing new line.");
                        }
                        end = index[0] - 1;
                        value = readLine(text, index);
                    }
                    out.put(name, end > start ? text.substring(start, end) : "");
                } else {
                    throw new IllegalArgumentException("Invalid format '" + line + "'");
                }
            }
            line = readLine(text, index);
        }
        return out;
    }

    /** GITHUB_PATH: one directory per line, empty lines skipped. */
    static List<String> paths(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\r?\n", -1)) {
            if (!line.isEmpty()) {
                out.add(line);
            }
        }
        return out;
    }

    /** The line at index[0] without its LF (index moves past it), or null at the end of the text. */
    private static String readLine(String text, int[] index) {
        int from = index[0];
        if (from >= text.length()) {
            return null;
        }
        int lf = text.indexOf('\n', from);
        if (lf < 0) {
            index[0] = text.length();
            return text.substring(from);
        }
        index[0] = lf + 1;
        return text.substring(from, lf);
    }
}
