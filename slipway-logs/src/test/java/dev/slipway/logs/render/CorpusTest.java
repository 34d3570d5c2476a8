package dev.slipway.logs.render;

import static dev.slipway.logs.render.Render.fixture;
import static dev.slipway.logs.render.Render.render;
import static dev.slipway.logs.render.Render.run;
import static dev.slipway.logs.render.Render.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.logs.LogStream;
import dev.slipway.logs.render.Style.Attribute;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real tool output (see {@code corpus/README.md}): what a terminal shows at the end, what it
 * showed while the tool was running, and that no way of cutting the bytes changes the result.
 */
class CorpusTest {

    static Stream<String> fixtures() {
        return Stream.of("cargo-build.tty", "npm-install.tty", "pip-download.tty", "apt-get-update.tty",
                "apt-get-install.tty", "apt-get-purge-fancy.tty", "docker-build-classic.tty",
                "docker-buildkit-plain.tty", "docker-buildkit-tty.tty");
    }

    private static List<String> rendered(String fixture) {
        return texts(render(fixture(fixture)));
    }

    /** A terminal fed the fixture up to (not including) the first occurrence of {@code marker}. */
    private static Terminal fedUpTo(String fixture, String marker) {
        byte[] log = fixture(fixture);
        byte[] m = marker.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + m.length <= log.length; i++) {
            if (Arrays.equals(log, i, i + m.length, m, 0, m.length)) {
                Terminal t = new Terminal();
                t.feed(LogStream.STDOUT, log, 0, i);
                return t;
            }
        }
        throw new AssertionError(marker + " is not in " + fixture);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void noEscapeSequenceShowsAndNoByteIsEscaped(String fixture) {
        List<Line> lines = render(fixture(fixture));
        assertThat(lines).isNotEmpty();
        for (Line l : lines) {
            assertThat(l.text()).as("line %d", l.number()).doesNotContain("\u001b", "[?25", "\\x", "\r");
            assertThat(l.runs()).extracting(Run::kind).doesNotContain(Run.Kind.INVALID_BYTES, Run.Kind.CONTROL);
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyCutRendersLikeTheWhole(String fixture) {
        Render.assertEveryCutRendersTheSame(fixture(fixture));
        Render.assertRandomChunkingsRenderTheSame(fixture(fixture), fixture.hashCode(), 50);
    }

    @Test
    void cargoProgressBarIsErasedAndOnlyTheCompilingLinesStay() {
        List<Line> lines = render(fixture("cargo-build.tty"));
        List<String> texts = texts(lines);
        assertThat(texts).hasSize(14).noneMatch(t -> t.contains("Building"));
        assertThat(texts.subList(0, 4)).containsExactly("   Compiling liba v0.1.0 (/build/ws/liba)",
                "   Compiling libc2 v0.1.0 (/build/ws/libc2)", "   Compiling libb v0.1.0 (/build/ws/libb)",
                "   Compiling app v0.1.0 (/build/ws/app)");
        assertThat(texts.getLast()).isEqualTo("    Finished `dev` profile [unoptimized + debuginfo] target(s) in 4.00s");
        assertThat(run(lines.getFirst(), "Compiling").style())
                .isEqualTo(new Style(new Color.Basic(10), Color.DEFAULT, java.util.Set.of(Attribute.BOLD)));
        assertThat(run(lines.get(4), "warning").style().foreground()).isEqualTo(new Color.Basic(3));
    }

    @Test
    void cargoShowsItsProgressBarWhileBuilding() {
        Terminal t = fedUpTo("cargo-build.tty", "\r\u001b[K\u001b[1m\u001b[92m   Compiling\u001b[0m app");
        assertThat(t.line(t.lineCount() - 1).text()).startsWith("    Building [=====================>      ] 8/10: libb");
    }

    @Test
    void npmSpinnerLeavesNothing() {
        List<Line> lines = render(fixture("npm-install.tty"));
        List<String> texts = texts(lines);
        assertThat(texts).noneMatch(t -> t.chars().anyMatch(c -> c >= 0x2800 && c <= 0x28ff));
        assertThat(texts.getFirst()).isEqualTo("npm http fetch GET 200 https://registry.npmjs.org/left-pad 180ms (cache miss)");
        assertThat(texts.getLast()).isEqualTo("added 7 packages in 1s");
        assertThat(run(lines.getFirst(), "npm").style().has(Attribute.BOLD)).isTrue();
        assertThat(run(lines.getFirst(), "http").style().foreground()).isEqualTo(new Color.Basic(2));
        assertThat(run(lines.getFirst(), "fetch").style().foreground()).isEqualTo(new Color.Basic(12));
    }

    @Test
    void pipProgressBarEndsAsItsLastFrameInTruecolor() {
        List<Line> lines = render(fixture("pip-download.tty"));
        List<String> texts = texts(lines);
        assertThat(texts).hasSize(6);
        assertThat(texts.get(2)).isEqualTo("  Downloading http://127.0.0.1:18765/files/bigpkg-1.0-py3-none-any.whl (3.0 MB)");
        Line bar = lines.get(3);
        assertThat(bar.text()).isEqualTo("     " + "━".repeat(40) + " 3.0/3.0 MB 1.6 MB/s eta 0:00:00");
        assertThat(run(bar, "━").style().foreground()).isEqualTo(new Color.Rgb(114, 156, 31));
        assertThat(run(bar, "3.0/3.0 MB").style().foreground()).isEqualTo(new Color.Basic(2));
        assertThat(texts.get(5)).isEqualTo("Successfully downloaded bigpkg");
    }

    @Test
    void pipBarWhileDownloadingMixesTruecolorAndPaletteColours() {
        Terminal t = fedUpTo("pip-download.tty", " \u001b[32m0.2/3.0 MB");
        Line bar = t.line(3);
        assertThat(bar.runs()).extracting(r -> r.style().foreground())
                .contains(new Color.Rgb(249, 38, 114), new Color.Palette(237));
    }

    @Test
    void aptGetUpdateProgressLeavesOnlyItsResults() {
        assertThat(rendered("apt-get-update.tty")).containsExactly(
                "Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]",
                "Get:2 http://deb.debian.org/debian bookworm-updates InRelease [55.4 kB]",
                "Get:3 http://deb.debian.org/debian-security bookworm-security InRelease [34.8 kB]",
                "Fetched 241 kB in 0s (506 kB/s)",
                "Reading package lists... Done");
    }

    @Test
    void aptGetInstallDpkgAndNeedrestartProgressCollapse() {
        List<String> texts = rendered("apt-get-install.tty");
        assertThat(texts).hasSize(35);
        assertThat(texts.subList(0, 3)).containsExactly("Reading package lists... Done",
                "Building dependency tree... Done", "Reading state information... Done");
        assertThat(texts).contains("(Reading database ... 115890 files and directories currently installed.)")
                .noneMatch(t -> t.matches("\\(Reading database \\.\\.\\. \\d+%.*"))
                .noneMatch(t -> t.contains("[="));
        assertThat(texts.get(19).strip()).isEqualTo("Scanning processes...");
        assertThat(texts.getLast()).isEqualTo("No VM guests are running outdated hypervisor (qemu) binaries on this host.");
    }

    @Test
    void aptFancyProgressIsShownWhileRunningAndErasedAtTheEnd() {
        Terminal live = fedUpTo("apt-get-purge-fancy.tty", "\u001b7\u001b[0;30r");
        Line bar = live.line(live.lineCount() - 1);
        assertThat(bar.text()).startsWith("Progress: [ 80%] [######");
        assertThat(run(bar, "Progress").style()).isEqualTo(new Style(new Color.Basic(0), new Color.Basic(2), java.util.Set.of()));
        assertThat(rendered("apt-get-purge-fancy.tty")).containsExactly(
                "Reading package lists... Done", "Building dependency tree... Done", "Reading state information... Done",
                "The following packages will be REMOVED:", "  hello*",
                "0 upgraded, 0 newly installed, 1 to remove and 142 not upgraded.",
                "After this operation, 284 kB disk space will be freed.",
                "(Reading database ... 115940 files and directories currently installed.)",
                "Removing hello (2.10-3) ...", "Processing triggers for man-db (2.11.2-2) ...");
    }

    @Test
    void dockerClassicPullProgressIsRedrawnInPlace() {
        Terminal live = fedUpTo("docker-build-classic.tty", "\u001b[2A\u001b[1K\u001b[K\ra2318d6c47ec: Verifying");
        assertThat(live.line(3).text()).startsWith("a2318d6c47ec: Downloading [" + "=".repeat(50) + ">]").endsWith("29.1MB/29.1MB");
        assertThat(live.line(4).text()).startsWith("1c2b3d4e5f60: Downloading [");
        List<String> texts = rendered("docker-build-classic.tty");
        assertThat(texts).hasSize(28);
        assertThat(texts.subList(0, 5)).containsExactly("Sending build context to Docker daemon  98.3kB",
                "Step 1/4 : FROM debian:bookworm-slim", "bookworm-slim: Pulling from library/debian",
                "a2318d6c47ec: Pull complete ", "1c2b3d4e5f60: Pull complete ");
        assertThat(texts.get(5)).startsWith("Digest: sha256:");
        assertThat(texts).noneMatch(t -> t.contains("Downloading") || t.contains("Extracting") || t.contains("Verifying"))
                .contains("(Reading database ... 6090 files and directories currently installed.)");
        assertThat(texts.getLast()).isEqualTo("Successfully tagged app:latest");
    }

    @Test
    void buildkitPlainProgressIsPlainLines() {
        List<String> texts = rendered("docker-buildkit-plain.tty");
        assertThat(texts).hasSize(52).contains("#5 ...", "#7 0.213 configure: error: no acceptable C compiler found in $PATH")
                .noneMatch(t -> t.contains("%"));
        // dpkg's \r progress inside a RUN step overwrites BuildKit's "#5 4.163 " prefix, as on a terminal
        assertThat(texts.get(32)).isEqualTo("(Reading database ... 6090 files and directories currently installed.)");
        assertThat(texts.getLast()).startsWith("ERROR: failed to solve: process \"/bin/sh -c ./configure --strict\"");
    }

    @Test
    void buildkitTtyFramesEndAsTheLastFrame() {
        List<Line> lines = render(fixture("docker-buildkit-tty.tty"));
        List<String> texts = texts(lines).stream().map(String::stripTrailing).toList();
        // the first frame moves up from the top of the screen and down again: an empty first line
        assertThat(texts).hasSize(10);
        assertThat(texts.subList(0, 3)).containsExactly("", "[+] Building 8.4s (8/8) FINISHED",
                " =>" + " [internal] load build definition from Dockerfile" + " ".repeat(43) + "0.0s");
        assertThat(texts.getLast()).isEqualTo(" => exporting to image" + " ".repeat(73) + "0.2s");
        assertThat(texts).noneMatch(t -> t.contains("=> => #") || t.contains("Building 5.0s"));
        assertThat(lines.get(2).runs().getFirst().style().foreground()).isEqualTo(new Color.Basic(4));
    }

    @Test
    void buildkitTtyShowsTheRunningStepsOutputDimWhileRunning() {
        Terminal live = fedUpTo("docker-buildkit-tty.tty", "[+] Building 8.4s");
        List<Line> lines = Render.held(live);
        Line log = lines.stream().filter(l -> l.text().contains("=> => # Setting up curl")).findFirst().orElseThrow();
        assertThat(log.runs().getFirst().style().has(Attribute.DIM)).isTrue();
        assertThat(texts(lines).get(1)).startsWith("[+] Building 5.0s (5/8)");
    }
}
