package dev.slipway.ci.release;

import static dev.slipway.ci.model.Versioning.Rules.CONVENTIONAL;
import static dev.slipway.ci.model.Versioning.Rules.SIMPLE;
import static dev.slipway.ci.release.Bump.MAJOR;
import static dev.slipway.ci.release.Bump.MINOR;
import static dev.slipway.ci.release.Bump.PATCH;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.model.Versioning;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The bump each commit message asks for, by rule set: one row per message. */
class CommitRulesTest {
    static Stream<Arguments> conventional() {
        return Stream.of(
                row("feat: add x", MINOR),
                row("feat(ui): add a button", MINOR),
                row("feat(ui, api): scopes may hold anything but parentheses", MINOR),
                row("feat:no space after the colon", MINOR),
                row("Feat: the type's case does not matter (svu reads it so)", MINOR),
                row("FEAT(API): shouting", MINOR),
                row("fix: correct a typo", PATCH),
                row("fix(parser): handle tabs", PATCH),
                row("chore: bump deps", PATCH),
                row("docs: explain", PATCH),
                row("refactor!: drop the old API", MAJOR),
                row("feat!: new config format", MAJOR),
                row("fix(api)!: change the error format", MAJOR),
                row("Fix!: case does not matter here either", MAJOR),
                row("feat: add x\n\nBREAKING CHANGE: the config file moved", MAJOR),
                row("fix: y\n\nBody text.\n\nBREAKING-CHANGE: the synonym counts too", MAJOR),
                row("chore: z\n\nRefs: #12\nBREAKING CHANGE: a footer after another footer", MAJOR),
                // the footer token is upper case in the specification (and in svu)
                row("feat: add x\n\nbreaking change: lower case is prose", MINOR),
                row("fix: y\n\nThis is not a BREAKING CHANGE: the token must start its line", PATCH),
                row("BREAKING CHANGE: in the title is no footer", PATCH),
                // the type starts the title: svu's looser match would take these as features
                row("defeat: a word that ends in feat", PATCH),
                row("Revert \"feat: add x\"", PATCH),
                row("feature: not a Conventional Commits type", PATCH),
                row("feat add x (no colon)", PATCH),
                row("feat (ui): no space before the scope", PATCH),
                row("Merge branch 'feature/x'", PATCH),
                row("Merge pull request #7 from alice/feat-x\n\nfeat: add x", PATCH), // the body's first line is no title
                row("", PATCH),
                row("wip", PATCH));
    }

    static Stream<Arguments> simple() {
        return Stream.of(
                // seed 000's table
                row("major: Remove deprecated API", MAJOR),
                row("fix: y\n\nBREAKING CHANGE: z", MAJOR),
                row("minor: something", MINOR),
                row("feat: Add new endpoint", MINOR),
                row("feature: Add new endpoint", MINOR),
                row("fix: Correct typo", PATCH),
                // grep -qiE: case-insensitive, '^' at the start of any line, BREAKING CHANGE anywhere
                row("MAJOR: shouting", MAJOR),
                row("Feat: capital", MINOR),
                row("update docs\n\nmajor: in the body", MAJOR),
                row("update docs\n\nfeat: in the body", MINOR),
                row("this is a breaking change, in any case", MAJOR),
                row("chore: not a BREAKING CHANGE: still major by the table", MAJOR),
                row("feat(ui): scopes are not in the table", PATCH),
                row("feat!: nor is '!'", PATCH),
                row("a major: not at a line start", PATCH),
                row("Merge branch 'x'", PATCH),
                row("", PATCH));
    }

    static Arguments row(String message, Bump bump) {
        return Arguments.of(message, bump);
    }

    @ParameterizedTest
    @MethodSource
    void conventional(String message, Bump expected) {
        assertThat(CommitRules.bump(CONVENTIONAL, message)).as(message).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource
    void simple(String message, Bump expected) {
        assertThat(CommitRules.bump(SIMPLE, message)).as(message).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("conventional")
    void crlfLineEndsReadTheSame(String message, Bump expected) {
        Versioning.Rules rules = CONVENTIONAL;
        assertThat(CommitRules.bump(rules, message.replace("\n", "\r\n"))).as(message).isEqualTo(expected);
    }
}
