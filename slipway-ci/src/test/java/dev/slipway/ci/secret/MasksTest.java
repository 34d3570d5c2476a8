package dev.slipway.ci.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Masks whose values grow while output is written (GitHub Actions' ::add-mask::). */
class MasksTest {
    @Test
    void aValueAddedMidStreamIsHiddenInLaterOutputAndNotInEarlierOutput() throws IOException {
        Masks masks = Masks.of(Map.of());
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SecretMasker m = masks.wrap(sink);
        m.write(b("token=abc12345 printed before\n"));
        assertThat(masks.add("abc12345")).isTrue();
        m.write(b("and after: abc12345!\n"));
        m.close();
        assertThat(s(sink)).isEqualTo("token=abc12345 printed before\nand after: ***!\n");
    }

    @Test
    void bytesHeldBackWhenAValueIsAddedAreScannedAgainWithIt() throws IOException {
        // "long-secret" is known; "long-s" is held back as its possible start. Then "long-sword" is
        // added, and the rest of it arrives: the held bytes must be masked as part of the new value.
        Masks masks = Masks.of(Map.of("KNOWN", b("long-secret")));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SecretMasker m = masks.wrap(sink);
        m.write(b("x long-s"));
        m.flush();
        assertThat(s(sink)).isEqualTo("x ");
        masks.add("long-sword");
        m.write(b("word long-secret y"));
        m.close();
        assertThat(s(sink)).isEqualTo("x *** *** y");
    }

    @Test
    void aNewValueSplitAcrossWritesIsHiddenAtEveryCut() throws IOException {
        byte[] after = b("before PASS-9876-XYZ after");
        for (int cut = 0; cut <= after.length; cut++) {
            Masks masks = Masks.of(Map.of("OLD", b("something-else")));
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try (SecretMasker m = masks.wrap(sink)) {
                m.write(b("PASS-9876-XYZ early\n"));
                masks.add("PASS-9876-XYZ");
                m.write(after, 0, cut);
                m.write(after, cut, after.length - cut);
            }
            assertThat(s(sink)).as("cut at %d", cut).isEqualTo("PASS-9876-XYZ early\nbefore *** after");
        }
    }

    @Test
    void aMaskerOfAnotherStreamPicksUpTheValueAtItsNextWrite() throws IOException {
        Masks masks = Masks.of(Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SecretMasker stdout = masks.wrap(out);
        SecretMasker stderr = masks.wrap(err);
        stderr.write(b("err: "));
        stdout.write(b("::add-mask::hidden-value\n"));
        masks.add("hidden-value");
        stderr.write(b("hidden-value\n"));
        stdout.close();
        stderr.close();
        assertThat(s(err)).isEqualTo("err: ***\n");
    }

    @Test
    void shortValuesAreRefusedAndLinesAndBase64OfAddedValuesAreHidden() throws IOException {
        Masks masks = Masks.of(Map.of("PIN", b("12"), "UNSET", b("")));
        assertThat(masks.tooShort()).as("an empty value has nothing to hide").containsExactly("PIN");
        assertThat(masks.add("abc")).isFalse();
        assertThat(masks.mask("abc 12")).isEqualTo("abc 12");
        assertThat(masks.add("first-line\nsecond-line")).isTrue();
        assertThat(masks.mask("x second-line y")).isEqualTo("x *** y");
        String encoded = java.util.Base64.getEncoder().encodeToString(b("first-line\nsecond-line"));
        assertThat(masks.mask("auth " + encoded)).doesNotContain(encoded.substring(0, 12));
    }

    /** With nothing added, a masker of Masks writes what SecretMasker.Patterns' masker writes, however the input is cut. */
    @Test
    void withoutAdditionsItMasksLikeTheFixedMasker() throws IOException {
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            Map<String, byte[]> secrets = new LinkedHashMap<>();
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                secrets.put("S" + k, text(r, 4 + r.nextInt(4)));
            }
            byte[] in = text(r, 1 + r.nextInt(300));
            List<Integer> cuts = new ArrayList<>();
            for (int c = r.nextInt(5); c > 0; c--) {
                cuts.add(r.nextInt(in.length + 1));
            }
            cuts.sort(null);
            ByteArrayOutputStream fixed = new ByteArrayOutputStream();
            ByteArrayOutputStream growing = new ByteArrayOutputStream();
            write(SecretMasker.patterns(secrets).wrap(fixed), in, cuts);
            write(Masks.of(secrets).wrap(growing), in, cuts);
            assertThat(growing.toByteArray()).isEqualTo(fixed.toByteArray());
        }
    }

    /**
     * Adding a value at a random point: what was passed on before stays exactly as the masker of
     * the known values passed it on, and nothing written after (held bytes included) shows either value.
     */
    @Test
    void anAdditionAtAnyPointHidesTheValueInAllThatWasNotPassedOnYet() throws IOException {
        Random r = new Random(11);
        for (int round = 0; round < 500; round++) {
            byte[] known = text(r, 5);
            byte[] added = text(r, 4 + r.nextInt(3));
            byte[] first = text(r, r.nextInt(40));
            byte[] second = text(r, 1 + r.nextInt(40));
            ByteArrayOutputStream before = new ByteArrayOutputStream();
            SecretMasker fixed = SecretMasker.patterns(Map.of("K", known)).wrap(before);
            fixed.write(first);
            fixed.flush();
            String passedOn = s(before);

            Masks masks = Masks.of(Map.of("K", known));
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try (SecretMasker m = masks.wrap(sink)) {
                m.write(first);
                masks.add(added);
                m.write(second);
            }
            String out = s(sink);
            assertThat(out).as("round %d", round).startsWith(passedOn);
            String rest = out.substring(passedOn.length());
            assertThat(rest).as("round %d", round)
                    .doesNotContain(new String(added, StandardCharsets.UTF_8))
                    .doesNotContain(new String(known, StandardCharsets.UTF_8));
        }
    }

    private static void write(SecretMasker m, byte[] in, List<Integer> cuts) throws IOException {
        try (m) {
            int from = 0;
            for (int cut : cuts) {
                m.write(in, from, cut - from);
                from = cut;
            }
            m.write(in, from, in.length - from);
        }
    }

    private static byte[] text(Random r, int n) {
        byte[] t = new byte[n];
        for (int i = 0; i < n; i++) {
            t[i] = (byte) ('a' + r.nextInt(3));
        }
        return t;
    }

    private static String s(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
