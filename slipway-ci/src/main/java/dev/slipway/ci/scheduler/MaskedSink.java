package dev.slipway.ci.scheduler;

import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.secret.SecretMasker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** A task's output with its secrets masked: each stream gets its own masker; closing the sink writes what they held back. */
public final class MaskedSink {
    private MaskedSink() {}

    public static Executor.OutputSink of(Executor.OutputSink raw, SecretMasker.Patterns patterns) {
        SecretMasker out = patterns.wrap(stream(raw, false));
        SecretMasker err = patterns.wrap(stream(raw, true));
        return new Executor.OutputSink() {
            @Override
            public void stdout(byte[] b, int off, int len) {
                write(out, b, off, len);
            }

            @Override
            public void stderr(byte[] b, int off, int len) {
                write(err, b, off, len);
            }

            @Override
            public void close() {
                try {
                    out.close();
                    err.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static void write(SecretMasker m, byte[] b, int off, int len) {
        try {
            m.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OutputStream stream(Executor.OutputSink sink, boolean stderr) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (stderr) {
                    sink.stderr(b, off, len);
                } else {
                    sink.stdout(b, off, len);
                }
            }
        };
    }
}
