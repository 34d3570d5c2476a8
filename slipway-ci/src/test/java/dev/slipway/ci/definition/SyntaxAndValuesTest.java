package dev.slipway.ci.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small grammars: cron, durations, sizes, names, paths, image references and variables. */
class SyntaxAndValuesTest {
    @Test
    void cron() {
        for (String ok : List.of("0 3 * * *", "*/15 9-17 * * 1-5", "0,30 * 1,15 JAN-MAR sun", "0 0 * * 7", "5 4 * * SAT",
                "0-59/5 0-23/2 1-31 1-12 0-7", "  0   3 * * *  ")) {
            assertThat(Cron.check(ok)).as(ok).isInstanceOf(Cron.Result.Valid.class);
        }
        assertThat(Cron.check("  0   3 * * *  ")).isEqualTo(new Cron.Result.Valid("0 3 * * *"));
        assertThat(Cron.check("@Weekly")).isEqualTo(new Cron.Result.Valid("0 0 * * 0"));
        assertThat(Cron.check("@hourly")).isEqualTo(new Cron.Result.Valid("0 * * * *"));
        for (String bad : List.of("", "* * * *", "0 0 0 * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * 32 * *",
                "* * * 0 *", "* * * 13 *", "* * * * 8", "* * ? * *", "* * L * *", "* * * * 1#2", "1,,2 * * * *",
                "*/ * * * *", "a-b * * * *", "@reboot", "5-1 * * * *", "-1 * * * *", "0 0 30 2 *", "0 0 31 4,6,9,11 *")) {
            assertThat(Cron.check(bad)).as(bad).isInstanceOf(Cron.Result.Invalid.class);
        }
        assertThat(Cron.check("0 0 30 2 *")).isEqualTo(new Cron.Result.Invalid("no chosen month has a day 30, so the schedule would never fire"));
        // With a day of the week as well, either may match (cron(8)): this fires on Mondays in February.
        assertThat(Cron.check("0 0 30 2 1")).isInstanceOf(Cron.Result.Valid.class);
        assertThat(Cron.check("0 0 29 2 *")).isInstanceOf(Cron.Result.Valid.class);
    }

    @Test
    void durations() {
        assertThat(Quantities.duration("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Quantities.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Quantities.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Quantities.duration("1m30s")).isEqualTo(Duration.ofSeconds(90));
        for (String bad : List.of("", "0s", "0h0m", "30", "1d", "10 m", "m", "1.5h", "30m1h", "-5m", "1234567h")) {
            assertThat(Quantities.duration(bad)).as(bad).isNull();
        }
    }

    @Test
    void sizesUseTheServersUnitsAndRefuseOverflow() {
        assertThat(Quantities.bytes("512MiB")).isEqualTo(512L << 20);
        assertThat(Quantities.bytes("1GB")).isEqualTo(1_000_000_000L);
        assertThat(Quantities.bytes("4k")).isEqualTo(4000L);
        assertThat(Quantities.bytes("1048576")).isEqualTo(1L << 20);
        for (String bad : List.of("", "-1", "unlimited", "0", "0MiB", "1.5GiB", "12XB", "9999999999TiB", "99999999999999999999")) {
            assertThat(Quantities.bytes(bad)).as(bad).isNull();
        }
        assertThat(Quantities.cpus("1.5")).isEqualTo(1.5);
        assertThat(Quantities.cpus("2")).isEqualTo(2.0);
        for (String bad : List.of("0", "0.001", "-1", "1e3", "NaN", "Infinity", "one")) {
            assertThat(Quantities.cpus(bad)).as(bad).isNull();
        }
    }

    @Test
    void imageReferences() {
        for (String ok : List.of("alpine", "alpine:3.21", "local/busybox:1", "registry.example:5000/team/app:1.0",
                "localhost/a_b__c-d.e:latest", "ghcr.io/x/y@sha256:" + "a".repeat(64), "[::1]:5000/x:1")) {
            assertThat(Syntax.IMAGE_REFERENCE.matcher(ok).matches()).as(ok).isTrue();
        }
        for (String bad : List.of("", "Alpine", "alpine:", "alpine:-x", "a b", "x@sha256:abc", "/x", "x/", "x//y")) {
            assertThat(Syntax.IMAGE_REFERENCE.matcher(bad).matches()).as(bad).isFalse();
        }
    }

    @Test
    void paths() {
        assertThat(Syntax.isAbsolutePath("/root/.npm")).isTrue();
        assertThat(Syntax.isAbsolutePath("/a/..b/c..")).isTrue();
        assertThat(Syntax.isAbsolutePath("/a/../b")).isFalse();
        assertThat(Syntax.isAbsolutePath("rel")).isFalse();
        assertThat(Syntax.isAbsolutePath("/a\nb")).isFalse();
        assertThat(Syntax.isRelativePath("dist/app")).isTrue();
        assertThat(Syntax.isRelativePath(".")).isTrue();
        assertThat(Syntax.isRelativePath("..")).isFalse();
        assertThat(Syntax.isRelativePath("a/..")).isFalse();
        assertThat(Syntax.isRelativePath("/abs")).isFalse();
        assertThat(Syntax.isRelativePath("")).isFalse();
    }

    @Test
    void didYouMeanCountsASwapAsOneEdit() {
        assertThat(Syntax.didYouMean("biuld", List.of("build", "check"))).isEqualTo(" (did you mean 'build'?)");
        assertThat(Syntax.didYouMean("dependson", List.of("depends_on", "deploy"))).isEqualTo(" (did you mean 'depends_on'?)");
        assertThat(Syntax.didYouMean("colour", List.of("commands", "caches"))).isEmpty();
        assertThat(Syntax.didYouMean("ab", List.of("xy"))).isEmpty();
    }

    @Test
    void variablesAreReadTheSameWayForCheckingAndSubstituting() {
        String text = "a ${X} b $${Y} c $Z d $$ e ${p:-q} f ${_1}${X}";

        assertThat(Variables.references(text)).extracting(Variables.Reference::name).containsExactly("X", "_1", "X");
        assertThat(Variables.references(text).getFirst().offset()).isEqualTo(2);
        assertThat(Variables.substitute(text, Map.of("X", "1", "_1", "2")))
                .isEqualTo("a 1 b ${Y} c $Z d $$ e ${p:-q} f 21");
        assertThat(Variables.substitute("${unclosed", Map.of())).isEqualTo("${unclosed");
        assertThatThrownBy(() -> Variables.substitute("${NOPE}", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no value for variable 'NOPE'");
    }

    @Test
    void commandsKeepReferencesToUndeclaredNamesForTheShell() {
        assertThat(Variables.substituteKnown("v=${X} ${MAJOR}.${MINOR} $${X} ${LATEST#v} $((A + 1))", Map.of("X", "1")))
                .isEqualTo("v=1 ${MAJOR}.${MINOR} ${X} ${LATEST#v} $((A + 1))");
    }
}
