package dev.slipway.registry.lifecycle;

import dev.slipway.core.SlipwayException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which tags a rule or policy means: comma-separated globs, each optionally negated with
 * {@code !}. In a glob {@code *} matches any run of characters and {@code ?} one character;
 * everything else is literal. A tag matches when it matches at least one plain glob (or there is
 * none, as in {@code !latest}) and no negated one.
 *
 * <p>Examples: {@code v*}; {@code !latest} (every tag but latest); {@code v*,!v*-rc*}; {@code *}.
 */
public final class TagPattern {
    private static final Pattern GLOB = Pattern.compile("[a-zA-Z0-9_.*?-]{1,128}");
    private static final int MAX_LENGTH = 512;

    private final String text;
    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final List<String> literals;

    private TagPattern(String text, List<Pattern> include, List<Pattern> exclude, List<String> literals) {
        this.text = text;
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
        this.literals = List.copyOf(literals);
    }

    public static TagPattern parse(String text) {
        if (text == null || text.isBlank()) {
            throw new SlipwayException.BadRequest("a tag pattern must not be empty (examples: v*, !latest, v*,!v*-rc*)");
        }
        if (text.length() > MAX_LENGTH) {
            throw new SlipwayException.BadRequest("a tag pattern may have at most " + MAX_LENGTH + " characters");
        }
        List<Pattern> include = new ArrayList<>();
        List<Pattern> exclude = new ArrayList<>();
        List<String> literals = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (String raw : text.split(",", -1)) {
            String part = raw.trim();
            boolean negated = part.startsWith("!");
            String glob = negated ? part.substring(1) : part;
            if (!GLOB.matcher(glob).matches()) {
                throw new SlipwayException.BadRequest("invalid tag pattern '" + part + "' in '" + text
                        + "': use tag characters [a-zA-Z0-9_.-], * and ?, optionally after one '!'");
            }
            (negated ? exclude : include).add(compile(glob));
            if (!negated && glob.indexOf('*') < 0 && glob.indexOf('?') < 0) {
                literals.add(glob);
            }
            parts.add(part);
        }
        return new TagPattern(String.join(",", parts), include, exclude, literals);
    }

    private static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '.' -> re.append("\\.");
                default -> re.append(c); // the other allowed characters are not special in a regex
            }
        }
        return Pattern.compile(re.toString());
    }

    public boolean matches(String tag) {
        boolean included = include.isEmpty() || include.stream().anyMatch(p -> p.matcher(tag).matches());
        return included && exclude.stream().noneMatch(p -> p.matcher(tag).matches());
    }

    /** True if one of the plain globs is exactly {@code tag} (no wildcard): the pattern names it. */
    public boolean names(String tag) {
        return literals.contains(tag);
    }

    /** The normalized text (spaces around commas removed); parsing it gives an equal pattern. */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TagPattern other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
