package dev.slipway.ci.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
    private static final String SECRET = "hunter2-correct-horse";

    @Test
    void hidesEveryOccurrenceAndPassesTheRestThrough() throws IOException {
        String in = "login with " + SECRET + " ok\n" + SECRET + SECRET + "\nend";
        assertThat(mask(Map.of("PW", b(SECRET)), b(in))).isEqualTo("login with *** ok\n******\nend");
    }

    @Test
    void aSecretSplitAtEveryPositionAcrossTwoOrThreeWritesIsHidden() throws IOException {
        byte[] in = b("before " + SECRET + " after");
        Map<String, byte[]> secrets = Map.of("PW", b(SECRET));
        String expected = "before *** after";
        for (int i = 0; i <= in.length; i++) {
            assertThat(mask(secrets, in, i)).as("split at %d", i).isEqualTo(expected);
            for (int j = i; j <= in.length; j++) {
                assertThat(mask(secrets, in, i, j)).as("split at %d and %d", i, j).isEqualTo(expected);
            }
        }
    }

    @Test
    void overlappingSecretsMergeIntoOneMaskAndAdjacentOnesDoNot() throws IOException {
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        secrets.put("A", b("abcdef"));
        secrets.put("B", b("defghi"));
        secrets.put("C", b("bcde"));
        assertThat(mask(secrets, b("xxabcdefghixx"))).isEqualTo("xx***xx");
        assertThat(mask(secrets, b("x abcdefdefghi x"))).isEqualTo("x ****** x");
        // A secret inside a longer one, and a prefix of a longer one that then diverges.
        assertThat(mask(secrets, b("abcdeX"))).isEqualTo("a***X");
        assertThat(mask(Map.of("L", b("abcdefgh"), "S", b("cdef")), b("abcdefgX abcdefgh"))).isEqualTo("ab***gX ***");
    }

    @Test
    void bytesThatAreNotUtf8PassThroughUntouched() throws IOException {
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        Map<String, byte[]> secrets = Map.of("PW", b(SECRET), "BIN", new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, 1});
        byte[] masked = maskBytes(secrets, noise, 100, 2000);
        assertThat(masked).isEqualTo(noise); // assumes neither secret occurs in the noise, which the seed ensures

        byte[] mixed = concat(new byte[] {(byte) 0xc3, (byte) 0x28}, b(SECRET), new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, 1, (byte) 0xa0});
        assertThat(maskBytes(secrets, mixed, 5)).isEqualTo(concat(new byte[] {(byte) 0xc3, (byte) 0x28}, b("******"), new byte[] {(byte) 0xa0}));
    }

    @Test
    void shortSecretsAreNamedForAWarningAndNotMasked() throws IOException {
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        secrets.put("PIN", b("123"));
        secrets.put("PW", b(SECRET));
        secrets.put("BLANKS", b("    \n"));
        secrets.put("NEWLINE", b("abc\n"));
        assertThat(SecretMasker.patterns(secrets).tooShort()).containsExactly("PIN", "BLANKS", "NEWLINE");
        assertThat(mask(Map.of("PIN", b("123")), b("code 123"))).isEqualTo("code 123");
    }

    @Test
    void flushKeepsBackOnlyWhatMayStillBeASecretAndCloseWritesIt() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SecretMasker m = SecretMasker.patterns(Map.of("PW", b(SECRET))).wrap(sink);
        m.write(b("progress 50% hunter"));
        m.flush();
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("progress 50% "); // "hunter" may begin the secret
        m.write(b("s are here"));
        m.flush();
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("progress 50% hunters are here");
        m.write(b(" hunter2-c"));
        m.close();
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("progress 50% hunters are here hunter2-c");
    }

    @Test
    void linesOfAMultiLineSecretAndItsBase64AreHiddenToo() throws IOException {
        String key = "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END KEY-----\n";
        String crlf = key.replace("\n", "\r\n");
        String out = mask(Map.of("KEY", b(key)), b(crlf));
        assertThat(out).doesNotContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC").doesNotContain("BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj");

        String password = "s3cret-passw0rd!";
        for (String prefix : List.of("", "u:", "us:", "use:")) {
            String basic = "Authorization: Basic " + Base64.getEncoder().encodeToString(b(prefix + password + "\n"));
            String masked = mask(Map.of("PW", b(password)), b(basic));
            assertThat(masked).as("prefix '%s'", prefix).contains("***").hasSizeLessThan(basic.length() - 12);
        }
        // A value that ends in a newline (read from a file) is also hidden without it.
        assertThat(mask(Map.of("T", b("tok-123456\n")), b("echo tok-123456 done"))).isEqualTo("echo *** done");
    }

    /** Random secrets and text over a three-letter alphabet, so matches overlap a lot; checked against a naive masker. */
    @Test
    void agreesWithANaiveMaskerOnRandomInputSplitAtRandom() throws IOException {
        Random r = new Random(42);
        for (int round = 0; round < 300; round++) {
            Map<String, byte[]> secrets = new LinkedHashMap<>();
            int count = 1 + r.nextInt(4);
            for (int k = 0; k < count; k++) {
                secrets.put("S" + k, randomText(r, 4 + r.nextInt(4)));
            }
            byte[] text = randomText(r, 1 + r.nextInt(400));
            List<Integer> cuts = new ArrayList<>();
            for (int c = r.nextInt(6); c > 0; c--) {
                cuts.add(r.nextInt(text.length + 1));
            }
            cuts.sort(null);
            byte[] expected = naive(secrets.values(), text);
            assertThat(maskBytes(secrets, text, cuts.stream().mapToInt(Integer::intValue).toArray()))
                    .as("round %d", round).isEqualTo(expected);
        }
    }

    /** 50 MB of log-like text with ten secrets in 64 KiB writes; prints the rate. */
    @Test
    void streamsFiftyMegabytesQuickly() throws IOException {
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        Random r = new Random(7);
        for (int i = 0; i < 10; i++) {
            secrets.put("S" + i, b(Long.toHexString(r.nextLong()) + "-" + Long.toString(r.nextLong(), 36)));
        }
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 64 * 1024) {
            sb.append("[").append(sb.length()).append("] Downloading https://repo.example.org/maven2/org/example/artifact-")
                    .append(r.nextInt(1000)).append(".jar (12 kB at 350 kB/s) \u001b[32mOK\u001b[0m\n");
        }
        byte[] chunk = b(sb.toString());
        long total = 0;
        long[] written = {0};
        OutputStream counter = new OutputStream() {
            @Override public void write(int b) { written[0]++; }
            @Override public void write(byte[] b, int off, int len) { written[0] += len; }
        };
        long start = System.nanoTime();
        try (SecretMasker m = SecretMasker.patterns(secrets).wrap(counter)) {
            while (total < 50L * 1024 * 1024) {
                m.write(chunk);
                total += chunk.length;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("SecretMasker: %d MB in %.2f s = %.0f MB/s%n", total >> 20, seconds, total / 1e6 / seconds);
        assertThat(written[0]).isEqualTo(total);
        assertThat(seconds).isLessThan(10);
    }

    private static byte[] naive(Iterable<byte[]> secrets, byte[] text) {
        boolean[] starts = new boolean[text.length + 1];
        int[] ends = new int[text.length + 1];
        List<int[]> intervals = new ArrayList<>();
        for (byte[] s : secrets) {
            for (int i = 0; i + s.length <= text.length; i++) {
                if (java.util.Arrays.equals(text, i, i + s.length, s, 0, s.length)) {
                    intervals.add(new int[] {i, i + s.length});
                }
            }
        }
        intervals.sort((a, c) -> Integer.compare(a[0], c[0]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        int k = 0;
        while (at < text.length) {
            if (k < intervals.size() && intervals.get(k)[0] <= at) {
                int end = intervals.get(k)[1];
                k++;
                while (k < intervals.size() && intervals.get(k)[0] < end) {
                    end = Math.max(end, intervals.get(k)[1]);
                    k++;
                }
                if (end > at) {
                    out.writeBytes(b("***"));
                    at = end;
                }
            } else {
                out.write(text[at++]);
            }
        }
        return out.toByteArray();
    }

    private static byte[] randomText(Random r, int n) {
        byte[] t = new byte[n];
        for (int i = 0; i < n; i++) {
            t[i] = (byte) ('a' + r.nextInt(3));
        }
        return t;
    }

    private static String mask(Map<String, byte[]> secrets, byte[] in, int... cuts) throws IOException {
        return new String(maskBytes(secrets, in, cuts), StandardCharsets.UTF_8);
    }

    /** Masks {@code in}, written in pieces split at {@code cuts} (ascending positions). */
    private static byte[] maskBytes(Map<String, byte[]> secrets, byte[] in, int... cuts) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (SecretMasker m = SecretMasker.patterns(secrets).wrap(sink)) {
            int from = 0;
            for (int cut : cuts) {
                m.write(in, from, cut - from);
                from = cut;
            }
            m.write(in, from, in.length - from);
        }
        return sink.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
