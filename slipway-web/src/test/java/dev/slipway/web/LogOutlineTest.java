package dev.slipway.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.logs.LogStore;
import dev.slipway.logs.LogStream;
import dev.slipway.logs.LogWriter;
import dev.slipway.logs.render.Fold;
import dev.slipway.logs.render.Line;
import dev.slipway.logs.render.LogIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folds and line times of a whole log, with the index's line numbers, finished and growing. */
class LogOutlineTest {
    private static final String ID = "runs/1/build";

    @TempDir
    Path root;

    final AtomicLong now = new AtomicLong(1_700_000_000_000L);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void markersAndTimesMatchTheIndexLines() throws Exception {
        LogStore store = new LogStore(root, now::get);
        try (LogWriter w = store.open(ID)) {
            w.append(LogStream.SYSTEM, utf8("##[step]Build\n"));
            w.append(LogStream.STDOUT, utf8("compiling\n::group::Download\n"));
            now.addAndGet(1500);
            w.append(LogStream.STDOUT, utf8("got 1\rgot 2\rgot 3\n  ::endgroup::\n"));
            now.addAndGet(3000);
            w.append(LogStream.STDOUT, utf8("##[step]not a step: stdout\n")); // steps come from Slipway only
            w.append(LogStream.SYSTEM, utf8("##[endstep]success 4.5s\n"));
            for (int i = 0; i < 200; i++) { // past the screen: the markers above are final
                w.append(LogStream.STDOUT, utf8("line " + i + "\n"));
            }
            w.finish(0);
        }
        LogOutline outline = new LogOutline();
        outline.update(store, ID);
        LogOutline.Snapshot s = outline.snapshot();
        LogIndex index = LogIndex.open(store, ID);
        assertThat(s.lineCount()).isEqualTo(index.lineCount()).isEqualTo(207);
        assertThat(s.finished()).isTrue();
        assertThat(s.markers()).isEqualTo(Map.of(
                0, new Fold.StepStart("Build"),
                2, new Fold.GroupStart("Download"),
                4, new Fold.GroupEnd(),
                6, new Fold.StepEnd("success 4.5s")));
        List<Line> lines = index.lines(0, 7).lines();
        assertThat(lines.get(3).text()).isEqualTo("got 3");
        assertThat(lines.get(5).text()).isEqualTo("##[step]not a step: stdout");
        long t0 = 1_700_000_000_000L;
        assertThat(outline.timeOf(0)).isEqualTo(t0);
        assertThat(outline.timeOf(2)).isEqualTo(t0);
        assertThat(outline.timeOf(3)).isEqualTo(t0 + 1500);
        assertThat(outline.timeOf(4)).isEqualTo(t0 + 1500);
        assertThat(outline.timeOf(5)).isEqualTo(t0 + 4500);
        assertThat(outline.timeOf(206)).isEqualTo(t0 + 4500);
        assertThat(outline.timeOf(207)).isEqualTo(-1);
        assertThat(outline.timeStarts()).containsExactly(0, 3, 5);
    }

    @Test
    void aGrowingLogShowsMarkersStillOnTheScreen() throws Exception {
        LogStore store = new LogStore(root, now::get);
        LogOutline outline = new LogOutline();
        try (LogWriter w = store.open(ID)) {
            w.append(LogStream.STDOUT, utf8("a\n::group::First\nb\n"));
            outline.update(store, ID);
            assertThat(outline.snapshot().markers()).containsOnlyKeys(1);
            assertThat(outline.snapshot().finished()).isFalse();
            // The same line rewritten: it was a group header, now it is not.
            w.append(LogStream.STDOUT, utf8("\u001b[2A\r\u001b[2Knot a group\n\n::endgroup::\n"));
            outline.update(store, ID);
            assertThat(outline.snapshot().markers()).isEqualTo(Map.of(3, new Fold.GroupEnd()));
            w.finish(1);
        }
        outline.update(store, ID);
        assertThat(outline.snapshot().finished()).isTrue();
        assertThat(outline.snapshot().lineCount()).isEqualTo(LogIndex.open(store, ID).lineCount());
    }
}
