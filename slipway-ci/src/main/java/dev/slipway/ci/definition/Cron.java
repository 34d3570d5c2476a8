package dev.slipway.ci.definition;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the five-field cron syntax ({@code minute hour day-of-month month day-of-week}) that
 * GitHub Actions and crontab(5) share, so a typo fails at push time instead of never firing.
 * Quartz extensions ({@code ?}, {@code L}, {@code W}, {@code #}) and a seconds field are refused:
 * the trigger package implements exactly this grammar.
 */
final class Cron {
    private record Field(String name, int min, int max, List<String> names) {}

    private static final List<Field> FIELDS = List.of(
            new Field("minute", 0, 59, List.of()),
            new Field("hour", 0, 23, List.of()),
            new Field("day-of-month", 1, 31, List.of()),
            new Field("month", 1, 12, List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
            // 7 is Sunday too, as in crontab(5).
            new Field("day-of-week", 0, 7, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")));

    /** crontab(5)'s nicknames, stored expanded so the trigger package sees five fields only. */
    private static final Map<String, String> NICKNAMES = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

    /** What was wrong, or the normalized expression (five fields, single spaces). */
    sealed interface Result {
        record Valid(String expression) implements Result {}
        record Invalid(String reason) implements Result {}
    }

    private Cron() {}

    static Result check(String expression) {
        String trimmed = expression.strip();
        String nickname = NICKNAMES.get(trimmed.toLowerCase(Locale.ROOT));
        if (nickname != null) {
            return new Result.Valid(nickname);
        }
        String[] parts = trimmed.split("\\s+");
        if (parts.length != FIELDS.size()) {
            return new Result.Invalid(parts.length + (parts.length == 1 ? " field" : " fields")
                    + ", expected 5: minute hour day-of-month month day-of-week (or @hourly, @daily, @weekly, @monthly, @yearly)");
        }
        for (int i = 0; i < parts.length; i++) {
            String reason = checkField(parts[i], FIELDS.get(i));
            if (reason != null) {
                return new Result.Invalid(reason);
            }
        }
        return new Result.Valid(String.join(" ", parts));
    }

    private static String checkField(String text, Field field) {
        for (String item : text.split(",", -1)) {
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                String step = item.substring(slash + 1);
                if (!step.matches("\\d{1,2}") || Integer.parseInt(step) == 0) {
                    return field.name() + " step '" + step + "' must be a number from 1 to 99";
                }
            }
            if (range.equals("*")) {
                continue;
            }
            int dash = range.indexOf('-');
            String low = dash < 0 ? range : range.substring(0, dash);
            String high = dash < 0 ? null : range.substring(dash + 1);
            Integer a = value(low, field);
            Integer b = high == null ? a : value(high, field);
            if (a == null || b == null) {
                String bad = a == null ? low : high;
                return field.name() + " '" + bad + "' is not " + (field.names().isEmpty() ? "" : "a name or ")
                        + "a number from " + field.min() + " to " + field.max();
            }
            if (a > b) {
                return field.name() + " range '" + range + "' runs backwards";
            }
        }
        return null;
    }

    private static Integer value(String text, Field field) {
        int named = field.names().indexOf(text.toUpperCase(Locale.ROOT));
        if (named >= 0) {
            return field.min() == 0 ? named : named + 1;
        }
        if (!text.matches("\\d{1,2}")) {
            return null;
        }
        int n = Integer.parseInt(text);
        return n >= field.min() && n <= field.max() ? n : null;
    }
}
