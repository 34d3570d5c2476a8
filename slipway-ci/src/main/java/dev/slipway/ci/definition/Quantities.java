package dev.slipway.ci.definition;

import dev.slipway.core.Sizes;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations, memory sizes and CPU counts as written in a pipeline; each returns null for text it refuses. */
final class Quantities {
    private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,6})h)?(?:(\\d{1,6})m)?(?:(\\d{1,6})s)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([A-Za-z]*)");

    /** Docker refuses a memory limit below 6 MiB; saying so here beats a failed container start. */
    static final long MIN_MEMORY = 6L << 20;

    private Quantities() {}

    /** {@code 30s}, {@code 10m}, {@code 1h30m}: Go's units, as Woodpecker and GitHub users write them; must be positive. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            return null;
        }
        Duration d = Duration.ofHours(number(m.group(1))).plusMinutes(number(m.group(2))).plusSeconds(number(m.group(3)));
        return d.isZero() ? null : d;
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }

    /**
     * Bytes, in the units of the server's own configuration ({@link Sizes}: {@code 512MiB},
     * {@code 2GB}, plain bytes); null when not a size, not positive, or too large for a long.
     */
    static Long bytes(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        try {
            // Sizes.parse does not check for overflow: parse the unit alone, multiply exactly.
            long unit = Sizes.parse("1" + m.group(2));
            long bytes = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
            return bytes > 0 ? bytes : null;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return null;
        }
    }

    /** A decimal CPU count such as {@code 1.5}, at least Docker's minimum of 0.01. */
    static Double cpus(String text) {
        try {
            double cpus = Double.parseDouble(text);
            return Double.isFinite(cpus) && cpus >= 0.01 && text.matches("\\d+(\\.\\d+)?") ? cpus : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
