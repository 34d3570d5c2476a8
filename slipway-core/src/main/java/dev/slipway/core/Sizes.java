package dev.slipway.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints byte sizes such as {@code 10GiB}, {@code 512MB}, {@code 1048576} or {@code -1} (unlimited). */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]i?b?|b)?", Pattern.CASE_INSENSITIVE);

    private Sizes() {}

    public static long parse(String text) {
        String t = text.trim();
        if (t.equals("-1") || t.equalsIgnoreCase("unlimited")) {
            return -1;
        }
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "' (examples: 1048576, 512MiB, 10GB, -1 for unlimited)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        boolean binary = unit.contains("i");
        long base = binary ? 1024 : 1000;
        return switch (unit.charAt(0)) {
            case 'k' -> n * base;
            case 'm' -> n * base * base;
            case 'g' -> n * base * base * base;
            case 't' -> n * base * base * base * base;
            default -> n;
        };
    }

    public static String format(long bytes) {
        if (bytes < 0) {
            return "unlimited";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
