package dev.slipway.ci.secret;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An output stream that hides secret values on their way to a log: every byte that belongs to an
 * occurrence of a secret is dropped, and each run of hidden bytes becomes one {@code ***}.
 * Everything else passes through byte for byte (no decoding, so non-UTF-8 output is untouched).
 *
 * <p>Streaming: a secret may be split across writes, so the masker holds back the shortest tail
 * that could still begin one (at most the longest pattern minus one byte); nothing else is
 * buffered. {@link #flush()} passes on only what is decided and never the held tail, or a secret
 * split across the flush would leak; {@link #close()} writes the tail. The output does not depend
 * on how the input was split into writes.
 *
 * <p>What is hidden, per secret (values shorter than {@value #MIN_LENGTH} bytes without surrounding
 * whitespace are not masked, since they would hide ordinary text; {@link Patterns#tooShort()}
 * names them for a warning):
 * the value; the value without surrounding whitespace; each line of a multi-line value (a tool may
 * print a key line by line or with CRLF); and the value's base64 at the three byte alignments
 * ({@code base64}, HTTP Basic headers, registry auth files), when at least 8 characters of the
 * encoding do not depend on neighbouring bytes. Overlapping occurrences merge into one
 * {@code ***}; adjacent ones give one each.
 *
 * <p>One masker per stream (stdout and stderr apart); not thread-safe. Build the {@link Patterns}
 * once per run and share them.
 */
public final class SecretMasker extends OutputStream {
    public static final int MIN_LENGTH = 4;
    /** Shorter base64 fragments would hide random text in logs too often. */
    static final int MIN_BASE64_LENGTH = 8;
    private static final byte[] MASK = "***".getBytes(StandardCharsets.US_ASCII);

    /** The byte patterns for a set of secrets, built once per run; immutable and shareable. */
    public static final class Patterns {
        private final MaskAutomaton automaton;
        private final List<String> tooShort;

        private Patterns(MaskAutomaton automaton, List<String> tooShort) {
            this.automaton = automaton;
            this.tooShort = List.copyOf(tooShort);
        }

        /** Names of secrets too short to mask; the run log should say so. */
        public List<String> tooShort() {
            return tooShort;
        }

        /** A masker in front of {@code out}; closing it closes {@code out}. */
        public SecretMasker wrap(OutputStream out) {
            return new SecretMasker(out, automaton, null);
        }
    }

    /** Patterns for {@code secrets} (name to value); the values are copied. */
    public static Patterns patterns(Map<String, byte[]> secrets) {
        Map<String, byte[]> unique = new LinkedHashMap<>();
        List<String> tooShort = new ArrayList<>();
        secrets.forEach((name, value) -> {
            if (!derive(unique, value)) {
                tooShort.add(name);
            }
        });
        return new Patterns(new MaskAutomaton(unique.values()), tooShort);
    }

    /**
     * Adds what hides {@code value} to {@code unique} (keyed by the pattern's bytes): the value, its
     * trimmed form, its lines and its base64 at the three alignments. False when the value is too
     * short to mask, and then nothing is added.
     */
    static boolean derive(Map<String, byte[]> unique, byte[] value) {
        if (!isMaskable(value)) {
            return false;
        }
        add(unique, value);
        add(unique, trim(value, 0, value.length));
        for (int start = 0, i = 0; i <= value.length; i++) {
            if (i == value.length || value[i] == '\n') {
                if (start > 0 || i < value.length) {
                    add(unique, trim(value, start, i));
                }
                start = i + 1;
            }
        }
        for (int shift = 0; shift < 3; shift++) {
            byte[] encoded = stableBase64(value, shift);
            if (encoded.length >= MIN_BASE64_LENGTH) {
                add(unique, encoded);
            }
        }
        return true;
    }

    /** False for values too short to mask without surrounding whitespace (as Woodpecker: "abc\n" or blanks would hide ordinary text). */
    public static boolean isMaskable(byte[] value) {
        return trim(value, 0, value.length).length >= MIN_LENGTH;
    }

    private static void add(Map<String, byte[]> unique, byte[] pattern) {
        if (pattern.length >= MIN_LENGTH) {
            unique.putIfAbsent(new String(pattern, StandardCharsets.ISO_8859_1), pattern);
        }
    }

    private static byte[] trim(byte[] v, int from, int to) {
        while (from < to && (v[from] == ' ' || v[from] == '\t' || v[from] == '\r' || v[from] == '\n')) {
            from++;
        }
        while (to > from && (v[to - 1] == ' ' || v[to - 1] == '\t' || v[to - 1] == '\r' || v[to - 1] == '\n')) {
            to--;
        }
        return Arrays.copyOfRange(v, from, to);
    }

    /**
     * The characters of base64(value) that are the same wherever the value sits in a longer
     * encoded text, given that it starts {@code shift} bytes after a 3-byte group boundary: the
     * first {@code shift} bytes are skipped (their characters mix in the bytes before), and a last
     * character that mixes in the bytes after is dropped.
     */
    static byte[] stableBase64(byte[] value, int shift) {
        int n = value.length - shift;
        if (n <= 0) {
            return new byte[0];
        }
        byte[] enc = Base64.getEncoder().withoutPadding().encode(Arrays.copyOfRange(value, shift, value.length));
        return n % 3 == 0 ? enc : Arrays.copyOf(enc, enc.length - 1);
    }

    /** A run of hidden bytes, [start, end) in stream positions; {@code shown} once its *** is written. */
    private static final class Hidden {
        final long start;
        final long end;
        boolean shown;

        Hidden(long start, long end, boolean shown) {
            this.start = start;
            this.end = end;
            this.shown = shown;
        }
    }

    private final OutputStream out;
    /** Where newer patterns come from ({@link Masks}), or null when they never change. */
    private final Supplier<MaskAutomaton> source;
    private MaskAutomaton automaton;
    /** Undecided bytes: carry[0] is stream position {@code decided}; carryLength bytes up to {@code position}. */
    private byte[] carry;
    private final ArrayDeque<Hidden> hidden = new ArrayDeque<>();
    private int carryLength;
    private int state;
    private long position;
    private long decided;
    private boolean closed;

    SecretMasker(OutputStream out, MaskAutomaton automaton, Supplier<MaskAutomaton> source) {
        this.out = Objects.requireNonNull(out);
        this.automaton = automaton;
        this.source = source;
        this.carry = new byte[Math.max(1, automaton.longest)];
    }

    /**
     * Switches to the source's newer patterns, if any. The bytes held back are scanned again with
     * them: every match in progress starts inside the held tail (that is why it is held), so
     * restarting the scan at its first byte loses none, and a newly added value found in it is
     * hidden too. Runs already found there are found again; runs that began in bytes already
     * passed on stay as they are.
     */
    private void follow() throws IOException {
        if (source == null) {
            return;
        }
        MaskAutomaton next = source.get();
        if (next == automaton) {
            return;
        }
        byte[] held = Arrays.copyOf(carry, carryLength);
        hidden.removeIf(h -> h.start >= decided);
        automaton = next;
        if (carry.length < next.longest) {
            carry = new byte[next.longest];
        }
        state = 0;
        position = decided;
        carryLength = 0;
        if (held.length > 0) {
            scan(held, 0, held.length);
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("secret masker is closed");
        }
        follow();
        if (len == 0) {
            return;
        }
        scan(b, off, len);
    }

    private void scan(byte[] b, int off, int len) throws IOException {
        long chunkStart = position;
        int[] root = automaton.root;
        int[] maskLength = automaton.maskLength;
        int s = state;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (s == 0) {
                while (i < end && root[b[i] & 0xff] == 0) {
                    i++;
                }
                if (i == end) {
                    break;
                }
                s = root[b[i] & 0xff];
            } else {
                s = automaton.next(s, b[i]);
            }
            int m = maskLength[s];
            if (m != 0) {
                long matchEnd = chunkStart + (i - off) + 1;
                hide(matchEnd - m, matchEnd);
            }
        }
        state = s;
        position = chunkStart + len;
        long settled = position - automaton.holdLength[s];
        emit(settled, b, off, chunkStart);
        // Keep [settled, position): the tail of the old carry (if settled falls in it) and of this chunk.
        int keep = (int) (position - settled);
        if (settled >= chunkStart) {
            System.arraycopy(b, off + (int) (settled - chunkStart), carry, 0, keep);
        } else {
            int fromCarry = (int) (chunkStart - settled);
            System.arraycopy(carry, carryLength - fromCarry, carry, 0, fromCarry);
            System.arraycopy(b, off, carry, fromCarry, len);
        }
        carryLength = keep;
        decided = settled;
    }

    /** Records a match; matches arrive in order of their end, so only the last runs can overlap it. */
    private void hide(long start, long end) {
        boolean shown = false;
        Hidden last = hidden.peekLast();
        while (last != null && start < last.end) {
            start = Math.min(start, last.start);
            shown |= last.shown;
            hidden.pollLast();
            last = hidden.peekLast();
        }
        hidden.addLast(new Hidden(start, end, shown));
    }

    /** Writes stream positions [decided, to): carried bytes first, then the current chunk. */
    private void emit(long to, byte[] chunk, int off, long chunkStart) throws IOException {
        long at = decided;
        while (at < to) {
            Hidden h = hidden.peekFirst();
            long plainEnd = h == null ? to : Math.min(to, h.start);
            if (at < plainEnd) {
                writePlain(at, plainEnd, chunk, off, chunkStart);
                at = plainEnd;
                continue;
            }
            if (!h.shown) {
                out.write(MASK);
                h.shown = true;
            }
            if (h.end <= to) {
                hidden.pollFirst();
                at = h.end;
            } else {
                at = to;
            }
        }
    }

    private void writePlain(long from, long to, byte[] chunk, int off, long chunkStart) throws IOException {
        if (from < chunkStart) {
            long stop = Math.min(to, chunkStart);
            out.write(carry, (int) (from - decided), (int) (stop - from));
            from = stop;
        }
        if (from < to) {
            out.write(chunk, off + (int) (from - chunkStart), (int) (to - from));
        }
    }

    /** Passes on what is decided; the held tail stays, so a secret split across the flush is still hidden. */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Writes the held tail (masking what is hidden in it) and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            follow();
            emit(position, carry, 0, decided);
        } finally {
            out.close();
        }
    }
}
