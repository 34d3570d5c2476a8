package dev.slipway.logs.render;

import static dev.slipway.logs.render.Render.line;
import static dev.slipway.logs.render.Render.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.logs.LogStream;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Group and step markers become line annotations; the lines stay in the log. */
class FoldTest {

    private static Optional<Fold> fold(String text) {
        return line(text).fold();
    }

    private static Optional<Fold> fold(LogStream stream, String text) {
        Terminal t = new Terminal();
        t.feed(stream, utf8(text));
        t.finish();
        return t.line(0).fold();
    }

    @Test
    void githubActionsGroupCommands() {
        assertThat(fold("::group::Build the image")).contains(new Fold.GroupStart("Build the image"));
        assertThat(fold("::endgroup::")).contains(new Fold.GroupEnd());
        assertThat(fold("  ::group::Indented")).contains(new Fold.GroupStart("Indented"));
        assertThat(fold("::group title=x::With properties")).contains(new Fold.GroupStart("With properties"));
        assertThat(fold("::group::")).contains(new Fold.GroupStart(""));
    }

    @Test
    void theRunnersOwnGroupMarkers() {
        assertThat(fold("##[group]Run actions/checkout@v4")).contains(new Fold.GroupStart("Run actions/checkout@v4"));
        assertThat(fold("##[endgroup]")).contains(new Fold.GroupEnd());
    }

    @Test
    void markersAreRecognisedThroughColours() {
        assertThat(fold("\u001b[36;1m::group::Coloured\u001b[0m")).contains(new Fold.GroupStart("Coloured"));
    }

    @Test
    void stepMarkersCountOnlyOnTheSystemStream() {
        assertThat(fold(LogStream.SYSTEM, "##[step]Build")).contains(new Fold.StepStart("Build"));
        assertThat(fold(LogStream.SYSTEM, "##[endstep]success 3.2s")).contains(new Fold.StepEnd("success 3.2s"));
        assertThat(fold(LogStream.STDOUT, "##[step]Fake")).isEmpty();
        assertThat(fold(LogStream.STDERR, "##[endstep]failure")).isEmpty();
    }

    @Test
    void otherLinesAreNotMarkers() {
        assertThat(fold("echo ::group::x")).isEmpty();
        assertThat(fold("::groupie::x")).isEmpty();
        assertThat(fold("::warning::careful")).isEmpty();
        assertThat(fold("##[warning]careful")).isEmpty();
        assertThat(new Line(0, java.util.List.of()).fold()).isEmpty();
    }

    @Test
    void theMarkerLineStaysInTheLog() {
        assertThat(Render.texts("::group::A\ninside\n::endgroup::\n")).containsExactly("::group::A", "inside", "::endgroup::");
    }
}
