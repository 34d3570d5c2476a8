package dev.slipway.ci.definition;

import dev.slipway.ci.model.Versioning;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads {@code version:}: a mapping of {@code rules}, {@code prefix}, {@code prerelease} and
 * {@code tag}, or just the rules ({@code version: conventional}). Without it a run has no version.
 */
final class VersionReader {
    private static final Set<String> KEYS = Set.of("rules", "prefix", "prerelease", "tag");
    private static final List<String> RULES = Arrays.stream(Versioning.Rules.values()).map(Versioning.Rules::wire).toList();

    /** Part of a git tag name: letters, digits, '.', '_', '-' and '/', without '..', '//' or '/.' (git refuses those). */
    private static final Pattern PREFIX = Pattern.compile("(?:[A-Za-z0-9_][A-Za-z0-9._/-]{0,63})?");
    /** One semver pre-release identifier; the sequence number is added after a dot. */
    private static final Pattern PRERELEASE = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,31}");

    private final Source source;

    VersionReader(Source source) {
        this.source = source;
    }

    Versioning read(Fields top) {
        Node node = top.get("version");
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode)) {
            String text = source.text(node, "'version'");
            Versioning.Rules rules = text == null ? null : rules(node, text, "'version'");
            return rules == null ? null : new Versioning(rules, Versioning.DEFAULT_PREFIX, null, false);
        }
        Fields f = source.fields(node, top.keyNode("version"), "'version'", KEYS);
        int before = source.problemCount();
        String rulesText = f.text("rules", "'version.rules'");
        Versioning.Rules rules = rulesText == null ? Versioning.Rules.CONVENTIONAL : rules(f.get("rules"), rulesText, "'version.rules'");
        String prefix = prefix(f);
        String prerelease = f.text("prerelease", "'version.prerelease'");
        if (prerelease != null && !PRERELEASE.matcher(prerelease).matches()) {
            source.report(f.get("prerelease"), "'version.prerelease' must be one identifier of letters, digits and '-' that starts with a "
                    + "letter, such as rc or beta (the number is added: v1.3.0-rc.1), not '" + prerelease + "'");
        }
        Node tagNode = f.get("tag");
        Boolean tag = tagNode == null ? Boolean.FALSE : source.flag(tagNode, "'version.tag'");
        if (source.problemCount() > before || rules == null || tag == null) {
            return null;
        }
        return new Versioning(rules, prefix, prerelease, tag);
    }

    private Versioning.Rules rules(Node node, String text, String what) {
        if (RULES.contains(text)) {
            return Versioning.Rules.valueOf(text.toUpperCase(Locale.ROOT));
        }
        source.report(node, what + " must be " + String.join(" or ", RULES) + ", not '" + text + "'" + Syntax.didYouMean(text, RULES));
        return null;
    }

    /** {@code v} when absent; {@code prefix: ""} for bare versions (tags such as 1.2.3). */
    private String prefix(Fields f) {
        if (f.get("prefix") == null) {
            return Versioning.DEFAULT_PREFIX;
        }
        String prefix = f.text("prefix", "'version.prefix'");
        if (prefix != null && (!PREFIX.matcher(prefix).matches() || prefix.contains("..") || prefix.contains("//") || prefix.contains("/.")
                || prefix.contains(".lock/"))) {
            source.report(f.get("prefix"), "'version.prefix' must be the start of a git tag name (letters, digits, '.', '_', '-' and '/', "
                    + "at most 64, starting with a letter, digit or '_', without '..' or '//'), such as v or app/v, not '" + prefix + "'");
            return null;
        }
        return prefix;
    }
}
