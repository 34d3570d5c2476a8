package dev.slipway.ci.release;

import dev.slipway.ci.model.Versioning;
import java.util.regex.Pattern;

/**
 * The bump one commit message asks for, by the pipeline's {@code rules}.
 *
 * <p>{@code conventional} reads Conventional Commits as svu does: the type is in the title (the
 * first line) and matched without regard to case; {@code feat} is a minor change; a {@code !}
 * right before the title's colon ({@code feat!:}, {@code fix(api)!:}) or a {@code BREAKING CHANGE:}
 * or {@code BREAKING-CHANGE:} footer line (upper case, as the specification requires) is a major
 * one. Unlike svu, which finds {@code feat:} anywhere in the title (so {@code defeat: x} counts),
 * the type must start the title; and every other message is a patch, where svu would leave the
 * version as it is (svu's {@code --always}).
 *
 * <p>{@code simple} is seed 000's table, read as its {@code grep -qiE} reads the message: without
 * regard to case, a line starting with {@code major:} or {@code BREAKING CHANGE} anywhere is major,
 * a line starting with {@code minor:}, {@code feat:} or {@code feature:} is minor, anything else
 * is a patch.
 */
final class CommitRules {
    private static final Pattern BREAKING_TITLE = Pattern.compile("^\\w[\\w-]*(\\([^()\\r\\n]*\\))?!:", Pattern.CASE_INSENSITIVE);
    private static final Pattern FEATURE_TITLE = Pattern.compile("^feat(\\([^()\\r\\n]*\\))?:", Pattern.CASE_INSENSITIVE);
    private static final Pattern BREAKING_FOOTER = Pattern.compile("^BREAKING[ -]CHANGE:", Pattern.MULTILINE);

    private static final Pattern SIMPLE_MAJOR = Pattern.compile("^major:|BREAKING CHANGE", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
    private static final Pattern SIMPLE_MINOR = Pattern.compile("^(minor:|feat:|feature:)", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);

    private CommitRules() {}

    static Bump bump(Versioning.Rules rules, String message) {
        return switch (rules) {
            case CONVENTIONAL -> conventional(message);
            case SIMPLE -> SIMPLE_MAJOR.matcher(message).find() ? Bump.MAJOR
                    : SIMPLE_MINOR.matcher(message).find() ? Bump.MINOR : Bump.PATCH;
        };
    }

    private static Bump conventional(String message) {
        int nl = message.indexOf('\n');
        String title = nl < 0 ? message : message.substring(0, nl);
        String body = nl < 0 ? "" : message.substring(nl + 1);
        if (BREAKING_TITLE.matcher(title).find() || BREAKING_FOOTER.matcher(body).find()) {
            return Bump.MAJOR;
        }
        return FEATURE_TITLE.matcher(title).find() ? Bump.MINOR : Bump.PATCH;
    }
}
