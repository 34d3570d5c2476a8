package dev.slipway.web.view;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Text for times, durations, commits and refs, the same on every page (scripts refine times to local ones). */
public final class Format {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Format() {}

    /** {@code 1h 2m}, {@code 3m 4s}, {@code 5.2s}, {@code 120ms}. */
    public static String duration(long millis) {
        if (millis < 0) {
            millis = 0;
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long s = millis / 1000;
        if (s < 60) {
            return millis < 10_000 ? String.format(Locale.ROOT, "%.1fs", millis / 1000.0) : s + "s";
        }
        if (s < 3600) {
            return s % 60 == 0 ? s / 60 + "m" : s / 60 + "m " + s % 60 + "s";
        }
        return s % 3600 / 60 == 0 ? s / 3600 + "h" : s / 3600 + "h " + s % 3600 / 60 + "m";
    }

    /** ISO-8601, for {@code <time datetime>}. */
    public static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /** A readable UTC time, what a page shows before its script turns it into local time. */
    public static String utc(long millis) {
        return UTC.format(Instant.ofEpochMilli(millis));
    }

    public static String shortCommit(String commit) {
        return commit == null ? "" : commit.length() > 8 ? commit.substring(0, 8) : commit;
    }

    /** {@code refs/heads/main} as {@code main}, {@code refs/tags/v1} as {@code v1}; other refs as they are. */
    public static String shortRef(String ref) {
        if (ref == null) {
            return "";
        }
        for (String p : new String[] {"refs/heads/", "refs/tags/", "refs/pull/"}) {
            if (ref.startsWith(p)) {
                return ref.substring(p.length());
            }
        }
        return ref;
    }

    /** The first line of a commit message. */
    public static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    /** A commit author's name without the address ({@code Ann <ann@example.org>} as {@code Ann}). */
    public static String person(String author) {
        if (author == null) {
            return "";
        }
        int lt = author.indexOf('<');
        String name = lt > 0 ? author.substring(0, lt).strip() : author.strip();
        return name.isEmpty() ? author.strip() : name;
    }

    /** A run or task status as a word for people ({@code approval} reads "waiting for approval"). */
    public static String status(String status) {
        return switch (status) {
            case "approval" -> "waiting for approval";
            case "error" -> "error";
            default -> status;
        };
    }
}
