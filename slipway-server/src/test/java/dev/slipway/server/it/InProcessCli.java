package dev.slipway.server.it;

import dev.slipway.server.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * The {@code slipway} command line run inside the test's JVM, as {@link Main#main} runs it: the same
 * command tree, error handler and exit codes ({@link Main#commandLine()}), with the call's own
 * standard input, output and error. A JVM per command costs one to two seconds on the test machine,
 * and the CLI tests make hundreds of calls; the subject of most is what a command does to the
 * server's state, which the server (a {@link ServerProcess}) sees the same either way.
 * {@link ServerProcess#cliProcess} runs the jar as a process where that is the point (its entry
 * point, environment variables, a second server).
 *
 * <p>What a command prints, also through logging, goes to {@code System.out} and {@code System.err};
 * here they route what the calling thread, and the threads it starts, write to the call's buffers
 * (an inheritable thread-local), and everything else where it went before, so a server running in
 * this JVM meanwhile neither lands in a command's output nor loses its own.
 */
final class InProcessCli {
    private InProcessCli() {}

    /** These run until stopped, or install signal handlers and shutdown hooks: processes only. */
    private static final Set<String> PROCESS_ONLY = Set.of("server", "exec");

    private static final class Capture {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        volatile boolean done;
    }

    private static final InheritableThreadLocal<Capture> CAPTURE = new InheritableThreadLocal<>();

    static {
        System.setOut(routed(System.out, c -> c.out));
        System.setErr(routed(System.err, c -> c.err));
    }

    private static PrintStream routed(PrintStream original, Function<Capture, ByteArrayOutputStream> part) {
        OutputStream byThread = new OutputStream() {
            private OutputStream target() {
                Capture c = CAPTURE.get();
                return c == null || c.done ? original : part.apply(c); // a thread a command left behind writes where it did before
            }

            @Override
            public void write(int b) throws java.io.IOException {
                target().write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                target().write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        return new PrintStream(byThread, true, original.charset());
    }

    /** Runs {@code slipway args...} with {@code stdin} (null: none, as a process given a closed one) as its standard input. */
    static synchronized Tools.Result run(String stdin, String... args) {
        if (args.length > 0 && PROCESS_ONLY.contains(args[0])) {
            throw new IllegalArgumentException("'slipway " + args[0] + "' runs as a process: use ServerProcess.cliProcess");
        }
        Capture capture = new Capture();
        InputStream in = System.in;
        CAPTURE.set(capture);
        System.setIn(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8)));
        int exit;
        try {
            CommandLine cli = Main.commandLine();
            exit = cli.execute(args);
            cli.getOut().flush();
            cli.getErr().flush();
        } finally {
            capture.done = true;
            CAPTURE.remove();
            System.setIn(in);
        }
        // As Tools.run reads a process's output.
        return new Tools.Result(exit, capture.out.toString(StandardCharsets.UTF_8), capture.err.toString(StandardCharsets.UTF_8));
    }
}
