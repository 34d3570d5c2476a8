package dev.slipway.ci.definition;

import static dev.slipway.ci.definition.PipelineValidationTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.Versioning;
import org.junit.jupiter.api.Test;

/** The top-level {@code version:} key: its forms, defaults, and every problem at its line and column. */
class VersionKeyTest {
    private static final String F = ".slipway/build.yml:";
    private static final String TASKS = """
            images: { box: local/busybox:1 }
            tasks:
              t: { image: box, commands: [ "echo ${SLIPWAY_VERSION} ${SLIPWAY_VERSION_BUMP} ${SLIPWAY_PREVIOUS_VERSION}" ] }
            """;

    static Pipeline parse(String version) {
        return new PipelineParser().parse(".slipway/build.yml", version + TASKS);
    }

    @Test
    void theFullFormAndTheDefaults() {
        assertThat(parse("version: { rules: simple, prefix: app/v, prerelease: rc, tag: true }\n").version())
                .isEqualTo(new Versioning(Versioning.Rules.SIMPLE, "app/v", "rc", true));
        assertThat(parse("version: { rules: conventional }\n").version())
                .isEqualTo(new Versioning(Versioning.Rules.CONVENTIONAL, "v", null, false));
        assertThat(parse("version: { tag: true }\n").version()).as("conventional, as svu")
                .isEqualTo(new Versioning(Versioning.Rules.CONVENTIONAL, "v", null, true));
        assertThat(parse("version: simple\n").version()).isEqualTo(new Versioning(Versioning.Rules.SIMPLE, "v", null, false));
        assertThat(parse("version: { prefix: \"\" }\n").version().prefix()).as("bare versions such as 1.2.3").isEmpty();
        assertThat(parse("").version()).isNull();
        assertThat(parse("version:\n").version()).as("an empty key is no version").isNull();
    }

    @Test
    void theVersionBuiltInsAreKnownWithOrWithoutVersion() {
        assertThat(parse("").task("t").commands()).containsExactly("echo ${SLIPWAY_VERSION} ${SLIPWAY_VERSION_BUMP} ${SLIPWAY_PREVIOUS_VERSION}");
        assertThat(Variables.BUILT_INS).contains("SLIPWAY_VERSION", "SLIPWAY_VERSION_BUMP", "SLIPWAY_PREVIOUS_VERSION");
    }

    @Test
    void unknownKeysAndBadValuesAreProblemsAtTheirNodes() {
        assertThat(problems("""
                version:
                  rule: conventional
                  tags: true
                  prefx: v
                """ + TASKS)).containsExactly(
                F + "2:3: unknown key 'rule' in 'version' (did you mean 'rules'?)",
                F + "3:3: unknown key 'tags' in 'version' (did you mean 'tag'?)",
                F + "4:3: unknown key 'prefx' in 'version' (did you mean 'prefix'?)");
        assertThat(problems("""
                version: { rules: conventionl, tag: yes, prerelease: "rc.1", prefix: "../v" }
                """ + TASKS)).containsExactly(
                F + "1:19: 'version.rules' must be conventional or simple, not 'conventionl' (did you mean 'conventional'?)",
                F + "1:37: 'version.tag' must be true or false, not 'yes'",
                F + "1:54: 'version.prerelease' must be one identifier of letters, digits and '-' that starts with a letter, such as rc or"
                        + " beta (the number is added: v1.3.0-rc.1), not 'rc.1'",
                F + "1:70: 'version.prefix' must be the start of a git tag name (letters, digits, '.', '_', '-' and '/', at most 64,"
                        + " starting with a letter, digit or '_', without '..' or '//'), such as v or app/v, not '../v'");
        assertThat(problems("""
                version: semver
                """ + TASKS)).containsExactly(F + "1:10: 'version' must be conventional or simple, not 'semver'");
        assertThat(problems("""
                version: [conventional]
                """ + TASKS)).containsExactly(F + "1:10: 'version' must be a single value, not a list");
        assertThat(problems("""
                version: { prefix: "a b", prerelease: 1rc }
                version2: x
                """ + TASKS)).containsExactly(
                F + "1:20: 'version.prefix' must be the start of a git tag name (letters, digits, '.', '_', '-' and '/', at most 64,"
                        + " starting with a letter, digit or '_', without '..' or '//'), such as v or app/v, not 'a b'",
                F + "1:39: 'version.prerelease' must be one identifier of letters, digits and '-' that starts with a letter, such as rc or"
                        + " beta (the number is added: v1.3.0-rc.1), not '1rc'",
                F + "2:1: unknown key 'version2' in the pipeline (did you mean 'version'?)");
        for (String prefix : new String[] {"/v", "v//x", "a/.b", "-v", ".v", "x.lock/v"}) {
            assertThat(problems("version: { prefix: \"" + prefix + "\" }\n" + TASKS)).as(prefix).hasSize(1);
        }
    }
}
