package dev.slipway.ci.definition;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The five-field cron grammar ({@code minute hour day-of-month month day-of-week}) that GitHub
 * Actions and crontab(5) share: the one parser for both the pipeline reader (a typo fails at push
 * time instead of never firing) and the cron scheduler in the trigger package, which asks a parsed
 * expression which minutes, hours and days it names. Quartz extensions ({@code ?}, {@code L},
 * {@code W}, {@code #}) and a seconds field are refused.
 *
 * <p>Days follow cron(8): when both day-of-month and day-of-week are restricted (neither field
 * starts with {@code *}), a day matches if <em>either</em> matches; otherwise both must. So
 * {@code 0 0 1 * MON} fires on the 1st and on every Monday, and {@code 0 0 *}{@code /2 * MON}
 * (day-of-month starting with {@code *}) on Mondays that fall on odd days.
 */
public final class Cron {
    private record Field(String name, int min, int max, List<String> names) {}

    private static final Field MINUTE = new Field("minute", 0, 59, List.of());
    private static final Field HOUR = new Field("hour", 0, 23, List.of());
    private static final Field DAY_OF_MONTH = new Field("day-of-month", 1, 31, List.of());
    private static final Field MONTH = new Field("month", 1, 12,
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"));
    // 7 is Sunday too, as in crontab(5).
    private static final Field DAY_OF_WEEK = new Field("day-of-week", 0, 7, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"));
    private static final List<Field> FIELDS = List.of(MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK);
    /** The most days each month can have (February in a leap year). */
    private static final int[] MONTH_DAYS = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    /** crontab(5)'s nicknames, stored expanded so the scheduler sees five fields only. */
    private static final Map<String, String> NICKNAMES = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

    /** What was wrong, or the normalized expression (five fields, single spaces). */
    sealed interface Result {
        record Valid(String expression) implements Result {}
        record Invalid(String reason) implements Result {}
    }

    private final String expression;
    // One bit per value: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 0-6 (Sunday 0).
    private final long minutes;
    private final long hours;
    private final long daysOfMonth;
    private final long months;
    private final long daysOfWeek;
    private final boolean dayOfMonthStar;
    private final boolean dayOfWeekStar;

    private Cron(String expression, long[] bits, boolean dayOfMonthStar, boolean dayOfWeekStar) {
        this.expression = expression;
        this.minutes = bits[0];
        this.hours = bits[1];
        this.daysOfMonth = bits[2];
        this.months = bits[3];
        // Sunday may be written 0 or 7.
        this.daysOfWeek = (bits[4] | (bits[4] >>> 7)) & 0x7F;
        this.dayOfMonthStar = dayOfMonthStar;
        this.dayOfWeekStar = dayOfWeekStar;
    }

    /**
     * Parses a five-field expression or a nickname ({@code @daily} ...).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Cron parse(String expression) {
        String trimmed = expression.strip();
        String nickname = NICKNAMES.get(trimmed.toLowerCase(Locale.ROOT));
        String[] parts = (nickname != null ? nickname : trimmed).split("\\s+");
        if (parts.length != FIELDS.size()) {
            throw new IllegalArgumentException(parts.length + (parts.length == 1 ? " field" : " fields")
                    + ", expected 5: minute hour day-of-month month day-of-week (or @hourly, @daily, @weekly, @monthly, @yearly)");
        }
        long[] bits = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bits[i] = field(parts[i], FIELDS.get(i));
        }
        boolean domStar = parts[2].startsWith("*");
        boolean dowStar = parts[4].startsWith("*");
        if (!domStar && dowStar) {
            checkSomeMonthHasTheDay(bits[2], bits[3]);
        }
        return new Cron(String.join(" ", parts), bits, domStar, dowStar);
    }

    static Result check(String expression) {
        try {
            return new Result.Valid(parse(expression).expression());
        } catch (IllegalArgumentException e) {
            return new Result.Invalid(e.getMessage());
        }
    }

    /** The expression as five fields with single spaces (nicknames expanded). */
    public String expression() {
        return expression;
    }

    public boolean minute(int minute) {
        return (minutes & (1L << minute)) != 0;
    }

    public boolean hour(int hour) {
        return (hours & (1L << hour)) != 0;
    }

    /** Whether the expression names this day: its month, and its day of month or of week (cron(8)'s rule above). */
    public boolean day(LocalDate date) {
        if ((months & (1L << date.getMonthValue())) == 0) {
            return false;
        }
        boolean dom = (daysOfMonth & (1L << date.getDayOfMonth())) != 0;
        boolean dow = (daysOfWeek & (1L << (date.getDayOfWeek().getValue() % 7))) != 0;
        return dayOfMonthStar || dayOfWeekStar ? dom && dow : dom || dow;
    }

    @Override
    public String toString() {
        return expression;
    }

    /** A day-of-month that no chosen month has ({@code 0 0 30 2 *}) would never fire: refused. */
    private static void checkSomeMonthHasTheDay(long days, long months) {
        for (int m = 1; m <= 12; m++) {
            if ((months & (1L << m)) != 0 && Long.numberOfTrailingZeros(days) <= MONTH_DAYS[m - 1]) {
                return;
            }
        }
        throw new IllegalArgumentException("no chosen month has a day " + Long.numberOfTrailingZeros(days)
                + (Long.bitCount(days) > 1 ? " or later" : "") + ", so the schedule would never fire");
    }

    /** The values a field names, as bits; {@code a/n} means {@code a} to the field's end in steps of n. */
    private static long field(String text, Field field) {
        long bits = 0;
        for (String item : text.split(",", -1)) {
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                String s = item.substring(slash + 1);
                if (!s.matches("\\d{1,2}") || Integer.parseInt(s) == 0) {
                    throw new IllegalArgumentException(field.name() + " step '" + s + "' must be a number from 1 to 99");
                }
                step = Integer.parseInt(s);
            }
            // Sunday is 0 for ranges that run to the end (*, a/n); 7 is only an alias written out.
            int end = field == DAY_OF_WEEK ? 6 : field.max();
            int low;
            int high;
            if (range.equals("*")) {
                low = field.min();
                high = end;
            } else {
                int dash = range.indexOf('-');
                String lowText = dash < 0 ? range : range.substring(0, dash);
                String highText = dash < 0 ? null : range.substring(dash + 1);
                Integer a = value(lowText, field);
                Integer b = highText == null ? (slash >= 0 ? Integer.valueOf(Math.max(end, a)) : a) : value(highText, field);
                if (a == null || b == null) {
                    String bad = a == null ? lowText : highText;
                    throw new IllegalArgumentException(field.name() + " '" + bad + "' is not " + (field.names().isEmpty() ? "" : "a name or ")
                            + "a number from " + field.min() + " to " + field.max());
                }
                if (a > b) {
                    throw new IllegalArgumentException(field.name() + " range '" + range + "' runs backwards");
                }
                low = a;
                high = b;
            }
            for (int v = low; v <= high; v += step) {
                bits |= 1L << v;
            }
        }
        return bits;
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
