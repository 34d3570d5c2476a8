package dev.slipway.logs.render;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.slipway.logs.LogStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helpers: feeding terminals and reading what they show. */
final class Render {
    static final String ESC = "\u001b";
    static final String CSI = "\u001b[";

    private Render() {}

    static byte[] utf8(String s) {
        return s.getBytes(UTF_8);
    }

    /** Bytes given as ints (0-255), for invalid UTF-8. */
    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A terminal fed {@code s} on stdout, not finished. */
    static Terminal fed(String s) {
        return fed(utf8(s));
    }

    static Terminal fed(byte[] b) {
        Terminal t = new Terminal();
        t.feed(LogStream.STDOUT, b);
        return t;
    }

    /** The lines of {@code s} rendered whole and finished. */
    static List<Line> render(String s) {
        return render(utf8(s));
    }

    static List<Line> render(byte[] b) {
        Terminal t = fed(b);
        t.finish();
        return held(t);
    }

    /** The plain texts of {@code s} rendered and finished. */
    static List<String> texts(String s) {
        return texts(render(s));
    }

    static List<String> texts(List<Line> lines) {
        return lines.stream().map(Line::text).toList();
    }

    /** Every line the terminal holds. */
    static List<Line> held(Terminal t) {
        List<Line> lines = new ArrayList<>();
        for (int n = t.firstLine(); n < t.lineCount(); n++) {
            lines.add(t.line(n));
        }
        return lines;
    }

    /** The one line of {@code s}. */
    static Line line(String s) {
        List<Line> lines = render(s);
        if (lines.size() != 1) {
            throw new AssertionError("expected one line, got " + texts(lines));
        }
        return lines.getFirst();
    }

    /** The run of a line that contains {@code text}. */
    static Run run(Line line, String text) {
        return line.runs().stream().filter(r -> r.text().contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no run with " + text + " in " + line));
    }

    /**
     * Asserts that feeding {@code log} in two pieces, cut at every point, and byte by byte, gives the
     * same lines (text, styles, streams, links) as feeding it whole.
     */
    static void assertEveryCutRendersTheSame(byte[] log) {
        List<Line> whole = render(log);
        for (int cut = 0; cut <= log.length; cut++) {
            Terminal t = new Terminal();
            t.feed(LogStream.STDOUT, log, 0, cut);
            t.feed(LogStream.STDOUT, log, cut, log.length - cut);
            t.finish();
            if (!held(t).equals(whole)) {
                throw new AssertionError("cut at byte " + cut + " renders " + texts(held(t)) + ", whole " + texts(whole));
            }
        }
        Terminal bytewise = new Terminal();
        for (int i = 0; i < log.length; i++) {
            bytewise.feed(LogStream.STDOUT, log, i, 1);
        }
        bytewise.finish();
        if (!held(bytewise).equals(whole)) {
            throw new AssertionError("byte by byte renders " + texts(held(bytewise)) + ", whole " + texts(whole));
        }
    }

    /** Asserts that {@code rounds} random cuttings of {@code log} into pieces of 1 to 64 bytes render as the whole does. */
    static void assertRandomChunkingsRenderTheSame(byte[] log, long seed, int rounds) {
        List<Line> whole = render(log);
        Random random = new Random(seed);
        for (int round = 0; round < rounds; round++) {
            Terminal t = new Terminal();
            StringBuilder cuts = new StringBuilder();
            for (int at = 0; at < log.length; ) {
                int n = Math.min(1 + random.nextInt(64), log.length - at);
                t.feed(LogStream.STDOUT, log, at, n);
                at += n;
                cuts.append(at).append(' ');
            }
            t.finish();
            if (!held(t).equals(whole)) {
                throw new AssertionError("pieces ending at " + cuts + "render differently from the whole");
            }
        }
    }

    /** A corpus fixture's bytes. */
    static byte[] fixture(String name) {
        try (InputStream in = Render.class.getResourceAsStream("corpus/" + name)) {
            if (in == null) {
                throw new AssertionError("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
