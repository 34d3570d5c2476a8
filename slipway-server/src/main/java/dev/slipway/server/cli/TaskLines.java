package dev.slipway.server.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Several tasks' output on one terminal, each line prefixed with {@code [task] } ({@code slipway exec}
 * and {@code slipway run logs ID}); bytes pass through unchanged otherwise. Each stream of a task
 * (stdout, stderr) is cut into lines (at LF, and at CR so a progress bar still moves) before it is
 * printed, so a task's streams, and tasks running side by side, never end up inside each other's
 * lines.
 */
final class TaskLines {
    /** A line longer than this is printed in pieces rather than held. */
    private static final int MAX_HELD = 64 * 1024;

    private final PrintStream out;
    /** Bytes of a line not yet ended, per task and stream. */
    private final Map<String, ByteArrayOutputStream> partial = new HashMap<>();
    /** Whether a task's stream is at the start of a line (its next bytes get the prefix). */
    private final Map<String, Boolean> atLineStart = new HashMap<>();

    TaskLines(PrintStream out) {
        this.out = out;
    }

    /** Output of one stream ({@code out}, {@code err}, ...) of {@code task}, as it came. */
    synchronized void write(String task, String stream, byte[] b, int off, int len) {
        String key = task + "\0" + stream;
        ByteArrayOutputStream line = partial.computeIfAbsent(key, k -> new ByteArrayOutputStream());
        for (int i = off; i < off + len; i++) {
            line.write(b[i]);
            if (b[i] == '\n' || b[i] == '\r' || line.size() >= MAX_HELD) {
                emit(task, key, line);
            }
        }
        out.flush();
    }

    /** The end of a task's output: unfinished lines are printed and ended, so the next output starts on a line of its own. */
    synchronized void end(String task) {
        String prefix = task + "\0";
        for (var e : partial.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                emit(task, e.getKey(), e.getValue());
            }
        }
        for (var e : atLineStart.entrySet()) {
            if (e.getKey().startsWith(prefix) && !e.getValue()) {
                out.write('\n');
                e.setValue(true);
            }
        }
        out.flush();
    }

    /** A whole line about {@code task} (Slipway's own notes), after what the task printed so far. */
    synchronized void line(String task, String text) {
        end(task);
        out.println("[" + task + "] " + text);
        out.flush();
    }

    /** The line that closes a task's output: "[task] [slipway] failure (exit 2)". */
    void finished(String task, String status, Integer exitCode) {
        line(task, "[slipway] " + status + (exitCode != null ? " (exit " + exitCode + ")" : ""));
    }

    /** Prints a stream's pending bytes, prefixed when they start a line. */
    private void emit(String task, String key, ByteArrayOutputStream line) {
        if (line.size() == 0) {
            return;
        }
        byte[] bytes = line.toByteArray();
        line.reset();
        if (atLineStart.getOrDefault(key, true)) {
            byte[] prefix = ("[" + task + "] ").getBytes(StandardCharsets.UTF_8);
            out.write(prefix, 0, prefix.length);
        }
        out.write(bytes, 0, bytes.length);
        atLineStart.put(key, bytes[bytes.length - 1] == '\n');
    }
}
