package dev.slipway.core;

import java.util.regex.Pattern;

/**
 * Path globs as GitHub Actions filters and {@code .dockerignore} (moby's patternmatcher) read
 * them: {@code *} matches anything but {@code /}, {@code **} anything including {@code /}
 * ({@code **}{@code /} also nothing at all, so {@code a/**}{@code /b} matches {@code a/b}),
 * {@code ?} one character other than {@code /}, {@code [abc]}, {@code [a-z]} and the negated
 * {@code [!abc]} or {@code [^abc]} one character; everything else is literal.
 */
public final class Globs {
    private Globs() {}

    public static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        i++;
                        if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                            i++;
                            re.append("(?:.*/)?");
                        } else {
                            re.append(".*");
                        }
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int end = glob.indexOf(']', i + 1);
                    if (end < 0) {
                        re.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, end);
                        re.append('[').append(set.startsWith("!") ? "^" + set.substring(1) : set.replace("\\", "\\\\")).append(']');
                        i = end;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
