package dev.slipway.actions.run;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A JobLog that keeps everything, in order, and lets a test wait for a text to appear. */
public final class RecordingLog implements JobLog {
    /** One write: stream 'o' (stdout), 'e' (stderr) or 's' (system line). */
    record Entry(char stream, String text) {}

    private final List<Entry> entries = new ArrayList<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final List<StepResult> finished = new ArrayList<>();
    private final List<String> started = new ArrayList<>();

    @Override
    public synchronized void stdout(byte[] bytes, int off, int len) {
        stdout.write(bytes, off, len);
        entries.add(new Entry('o', new String(bytes, off, len, StandardCharsets.UTF_8)));
        notifyAll();
    }

    @Override
    public synchronized void stderr(byte[] bytes, int off, int len) {
        stderr.write(bytes, off, len);
        entries.add(new Entry('e', new String(bytes, off, len, StandardCharsets.UTF_8)));
        notifyAll();
    }

    @Override
    public synchronized void system(String line) {
        if (line.contains("\n")) {
            throw new AssertionError("a system line holds a line break: " + line);
        }
        entries.add(new Entry('s', line));
        notifyAll();
    }

    @Override
    public synchronized void stepStarted(int number, StepResult.Phase phase, String name) {
        started.add(number + " " + phase + " " + name);
    }

    @Override
    public synchronized void stepFinished(StepResult result) {
        finished.add(result);
    }

    public synchronized String stdout() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    public synchronized String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    public synchronized List<String> system() {
        return entries.stream().filter(e -> e.stream() == 's').map(Entry::text).toList();
    }

    synchronized List<String> started() {
        return List.copyOf(started);
    }

    synchronized List<StepResult> finished() {
        return List.copyOf(finished);
    }

    /** The whole log as one text: stdout and stderr as written, system lines as {@code [s] line}. */
    public synchronized String text() {
        StringBuilder out = new StringBuilder();
        for (Entry e : entries) {
            if (e.stream() == 's') {
                if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
                    out.append('\n');
                }
                out.append("[s] ").append(e.text()).append('\n');
            } else {
                out.append(e.text());
            }
        }
        return out.toString();
    }

    /** Blocks until a step's stdout holds {@code text}; fails after a minute (a test that hangs says what it waited for). */
    synchronized void await(String text) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!stdout().contains(text)) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the log never showed '" + text + "':\n" + text());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
