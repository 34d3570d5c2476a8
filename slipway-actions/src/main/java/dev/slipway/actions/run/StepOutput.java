package dev.slipway.actions.run;

import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.secret.Masks;
import dev.slipway.ci.secret.SecretMasker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A step's output on its way to the log: each stream is cut into lines only as far as workflow
 * commands need it. A line that starts (after blanks) with {@code ::} is held until its line
 * break and handed to the {@link Handler}, which consumes it or lets it through; every other byte
 * passes on at once, so progress bars and partial lines stream as they come. What passes goes
 * through the stream's masker (which follows {@code ::add-mask::}), and each complete line is
 * also given to the handler for problem matchers.
 *
 * <p>One thread per stream, as the session delivers them; the handler serialises what the two
 * share. {@link #close()} handles a last line without a line break and writes what the maskers
 * held back.
 */
final class StepOutput implements Executor.OutputSink {
    /** A line this long without a line break is output, not a command (a runaway {@code ::} line must not hold the log). */
    static final int COMMAND_LIMIT = 1 << 20;
    /** Problem matchers see at most this much of a line. */
    static final int MATCH_LIMIT = 64 * 1024;

    enum Disposition {
        /** The runner consumed the command: it is not shown. */
        CONSUMED,
        /** Regular output: shown and given to problem matchers. */
        OUTPUT,
        /** Shown as written ({@code ::group::}, echoed commands), not matched. */
        SHOWN
    }

    interface Handler {
        /** A complete line that looks like a workflow command (without its line break). */
        Disposition command(String line, boolean stderr);

        /** A complete line of regular output, for problem matchers (without its line break). */
        void line(String text);
    }

    private final Handler handler;
    private final Stream out;
    private final Stream err;

    StepOutput(Handler handler, Masks masks, JobLog log) {
        this.handler = handler;
        this.out = new Stream(false, masks.wrap(sink(log, false)));
        this.err = new Stream(true, masks.wrap(sink(log, true)));
    }

    @Override
    public void stdout(byte[] bytes, int off, int len) {
        out.write(bytes, off, len);
    }

    @Override
    public void stderr(byte[] bytes, int off, int len) {
        err.write(bytes, off, len);
    }

    @Override
    public void close() {
        out.close();
        err.close();
    }

    private static OutputStream sink(JobLog log, boolean stderr) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (stderr) {
                    log.stderr(b, off, len);
                } else {
                    log.stdout(b, off, len);
                }
            }
        };
    }

    private enum Mode { START, COLON, COMMAND, PLAIN }

    private final class Stream {
        private final boolean stderr;
        private final SecretMasker masker;
        /** Bytes of a line that may still be a command. */
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();
        /** The current line's text so far, for the matchers (up to MATCH_LIMIT). */
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private Mode mode = Mode.START;
        private boolean closed;

        Stream(boolean stderr, SecretMasker masker) {
            this.stderr = stderr;
            this.masker = masker;
        }

        void write(byte[] b, int off, int len) {
            int end = off + len;
            int i = off;
            while (i < end) {
                switch (mode) {
                    case START, COLON -> {
                        byte c = b[i];
                        if (mode == Mode.START && (c == ' ' || c == '\t')) {
                            held.write(c);
                            i++;
                        } else if (c == ':') {
                            held.write(c);
                            mode = mode == Mode.START ? Mode.COLON : Mode.COMMAND;
                            i++;
                        } else {
                            release();
                            mode = Mode.PLAIN;
                        }
                    }
                    case COMMAND -> {
                        int lf = indexOf(b, i, end);
                        if (lf >= 0) {
                            held.write(b, i, lf - i);
                            i = lf + 1;
                            command(true);
                            mode = Mode.START;
                        } else {
                            held.write(b, i, end - i);
                            i = end;
                            if (held.size() > COMMAND_LIMIT) {
                                release();
                                mode = Mode.PLAIN;
                            }
                        }
                    }
                    case PLAIN -> {
                        int lf = indexOf(b, i, end);
                        int stop = lf >= 0 ? lf + 1 : end;
                        plain(b, i, stop - i);
                        i = stop;
                        if (lf >= 0) {
                            endOfLine();
                            mode = Mode.START;
                        }
                    }
                }
            }
        }

        /** A held line is complete (terminated: it ended with a line break, which was not added to {@code held}). */
        private void command(boolean terminated) {
            byte[] bytes = held.toByteArray();
            held.reset();
            String text = new String(bytes, StandardCharsets.UTF_8);
            switch (handler.command(text, stderr)) {
                case CONSUMED -> {}
                case SHOWN -> {
                    show(bytes, terminated);
                    line.reset();
                }
                case OUTPUT -> {
                    show(bytes, terminated);
                    endOfLine();
                }
            }
        }

        private void show(byte[] bytes, boolean terminated) {
            plain(bytes, 0, bytes.length);
            if (terminated) {
                plain(new byte[] {'\n'}, 0, 1);
            }
        }

        /** What was held is not a command: it passes on as output. */
        private void release() {
            if (held.size() > 0) {
                byte[] bytes = held.toByteArray();
                held.reset();
                plain(bytes, 0, bytes.length);
            }
        }

        private void plain(byte[] b, int off, int len) {
            int room = MATCH_LIMIT - line.size();
            if (room > 0) {
                line.write(b, off, Math.min(room, len));
            }
            try {
                masker.write(b, off, len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void endOfLine() {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.endsWith("\n")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            handler.line(text);
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (mode == Mode.COMMAND) {
                command(false);
            } else {
                release();
            }
            if (line.size() > 0) {
                endOfLine();
            }
            try {
                masker.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static int indexOf(byte[] b, int from, int to) {
            for (int i = from; i < to; i++) {
                if (b[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }
}
