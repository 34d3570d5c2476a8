package dev.slipway.ci.secret;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Secret values whose set grows while a log is written: GitHub Actions' {@code ::add-mask::}
 * makes a value secret from that point on. Maskers made by {@link #wrap} pick up values added
 * later at their next write and scan the bytes they still hold back again, so a new value is
 * hidden from the first byte not yet passed on; what was passed on before stays as it was.
 * Values are hidden as {@link SecretMasker} hides secrets (the value, its lines, its base64), and
 * the same minimum length applies.
 *
 * <p>Thread-safe: a job's stdout and stderr are written, and values added, from different threads.
 * Each masker is still for one stream.
 */
public final class Masks {
    private final Map<String, byte[]> patterns = new LinkedHashMap<>(); // guarded by this
    private final List<String> tooShort;
    private volatile MaskAutomaton automaton;

    private Masks(Map<String, byte[]> secrets) {
        java.util.ArrayList<String> shortOnes = new java.util.ArrayList<>();
        secrets.forEach((name, value) -> {
            if (value.length > 0 && !SecretMasker.derive(patterns, value.clone())) { // an empty value shows nothing to hide
                shortOnes.add(name);
            }
        });
        this.tooShort = List.copyOf(shortOnes);
        this.automaton = new MaskAutomaton(patterns.values());
    }

    /** Masks starting with {@code secrets} (name to value). */
    public static Masks of(Map<String, byte[]> secrets) {
        return new Masks(secrets);
    }

    /** Names of the initial secrets too short to mask; the log should say so. */
    public List<String> tooShort() {
        return tooShort;
    }

    /** Hides {@code value} from now on; false (and nothing changes) when it is too short to mask. */
    public boolean add(byte[] value) {
        synchronized (this) {
            int before = patterns.size();
            if (!SecretMasker.derive(patterns, value.clone())) {
                return false;
            }
            if (patterns.size() != before) {
                automaton = new MaskAutomaton(patterns.values());
            }
            return true;
        }
    }

    public boolean add(String value) {
        return add(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A masker in front of {@code out} that follows values added later; closing it closes {@code out}. */
    public SecretMasker wrap(OutputStream out) {
        return new SecretMasker(out, automaton, () -> automaton);
    }

    /** {@code text} with what is secret now hidden, for text that is complete (a line of Slipway's own). */
    public byte[] mask(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length);
        try (SecretMasker m = new SecretMasker(out, automaton, null)) {
            m.write(text, 0, text.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return out.toByteArray();
    }

    public String mask(String text) {
        return new String(mask(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
