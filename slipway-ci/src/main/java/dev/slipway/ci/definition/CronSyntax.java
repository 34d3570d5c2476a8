package dev.slipway.ci.definition;

/**
 * The cron grammar of native pipelines' {@code on.cron}, for readers of other formats (GitHub
 * Actions' {@code on.schedule}), so that one grammar decides what every format accepts and the
 * scheduler fires.
 */
public final class CronSyntax {
    private CronSyntax() {}

    /** What is wrong with the expression, or null when it is valid. */
    public static String problem(String expression) {
        return Cron.check(expression) instanceof Cron.Result.Invalid invalid ? invalid.reason() : null;
    }
}
