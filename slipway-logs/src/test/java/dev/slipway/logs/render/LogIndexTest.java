package dev.slipway.logs.render;

import static dev.slipway.logs.render.Render.fixture;
import static dev.slipway.logs.render.Render.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import dev.slipway.logs.LogChunk;
import dev.slipway.logs.LogHub;
import dev.slipway.logs.LogListener;
import dev.slipway.logs.LogStore;
import dev.slipway.logs.LogStream;
import dev.slipway.logs.LogWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pages, searches and tails from the checkpoint index are what a full render from the first byte gives. */
class LogIndexTest {
    private static final String ID = "runs/1/build";

    @TempDir
    Path root;

    /** One piece of a log: the bytes and the stream they go to. */
    private record Piece(LogStream stream, byte[] bytes) {}

    /**
     * A log that exercises everything: the whole corpus, redraws that reach back over many lines,
     * clear screens, invalid bytes cut between appends, stderr between halves of a stdout escape
     * sequence, and long plain stretches.
     */
    private static List<Piece> mixedLog() {
        List<Piece> pieces = new ArrayList<>();
        Random random = new Random(7);
        CorpusTest.fixtures().forEach(f -> {
            byte[] b = fixture(f);
            for (int at = 0; at < b.length; ) {
                int n = Math.min(1 + random.nextInt(700), b.length - at);
                pieces.add(new Piece(LogStream.STDOUT, java.util.Arrays.copyOfRange(b, at, at + n)));
                at += n;
            }
        });
        for (int i = 0; i < 300; i++) {
            pieces.add(new Piece(LogStream.STDOUT, utf8("\u001b[3" + i % 8 + "mline " + i + "\u001b[0m plain text\n")));
            if (i % 37 == 0) {
                pieces.add(new Piece(LogStream.STDOUT, utf8("\u001b[38;2;1;2;")));
                pieces.add(new Piece(LogStream.STDERR, utf8("an ERROR on stderr\n")));
                pieces.add(new Piece(LogStream.STDOUT, utf8("3mtruecolor\u001b[0m\n")));
            }
            if (i % 53 == 0) {
                pieces.add(new Piece(LogStream.STDOUT, utf8("\u001b[6A\u001b[2Kredrawn six up\u001b[6B\r")));
            }
            if (i % 71 == 0) {
                pieces.add(new Piece(LogStream.STDOUT, new byte[] {'x', (byte) 0xe2, (byte) 0x82}));
                pieces.add(new Piece(LogStream.STDOUT, new byte[] {(byte) 0xac, (byte) 0xff, '\n'}));
            }
            if (i % 41 == 0) {
                // state that outlives a line, so checkpoints must carry it: the pen, a link, line
                // drawing, and a saved cursor restored lines later
                pieces.add(new Piece(LogStream.STDOUT, utf8("\u001b[35;1mspans\nlines\u001b[0m\n"
                        + "\u001b]8;;https://e.x/" + i + "\u0007linked\nacross\u001b]8;;\u0007\n"
                        + "\u001b(0lqk\nx x\u001b(B\n" + "\u001b7saved\n\nmore\n\u001b8\u001b[2Crestored\u001b[3B\r"
                        // new lines that keep the column: index, cursor down
                        + "ab\u001bDcd\nx\u001b[2By\n"
                        // lines below the cursor that exist at a checkpoint
                        + "\u001b[s\u001b[4Blow\u001b[4Aup\u001b[u\n")));
            }
            if (i == 150) {
                pieces.add(new Piece(LogStream.STDOUT, utf8("\u001b[2J\u001b[Hafter clear\n")));
            }
            if (i % 90 == 0) {
                pieces.add(new Piece(LogStream.SYSTEM, utf8("##[step]step " + i + "\n")));
            }
        }
        pieces.add(new Piece(LogStream.STDOUT, utf8("progress 10%\rprogress 99%\rprogress done")));
        return pieces;
    }

    private LogStore store(List<Piece> pieces, boolean finish) throws IOException {
        LogStore store = new LogStore(root);
        LogWriter w = store.open(ID);
        for (Piece p : pieces) {
            w.append(p.stream(), p.bytes());
        }
        if (finish) {
            w.finish(0);
        } else {
            w.close();
        }
        return store;
    }

    /** The reference: every line of the pieces fed to one terminal from the first byte. */
    private static List<Line> fullRender(List<Piece> pieces, int height, boolean finish) {
        Terminal t = new Terminal(height);
        pieces.forEach(p -> t.feed(p.stream(), p.bytes()));
        if (finish) {
            t.finish();
        }
        return Render.held(t);
    }

    private static void assertPagesMatch(LogIndex index, List<Line> expected, int count) throws IOException {
        assertThat(index.lineCount()).isEqualTo(expected.size());
        for (int from = 0; from < expected.size(); from += Math.max(1, count / 2)) {
            LogIndex.Page page = index.lines(from, count);
            assertThat(page.lines()).as("lines from %d", from)
                    .isEqualTo(expected.subList(from, Math.min(from + count, expected.size())));
        }
    }

    @Test
    void pagesFromCheckpointsAreTheFullRender() throws IOException {
        List<Piece> pieces = mixedLog();
        LogStore store = store(pieces, true);
        for (LogIndex.Options options : List.of(new LogIndex.Options(50, 1, 1L << 30), new LogIndex.Options(50, 7, 1L << 30),
                new LogIndex.Options(5, 1, 1L << 30), new LogIndex.Options(3, 1000, 200), LogIndex.Options.DEFAULT)) {
            List<Line> expected = fullRender(pieces, options.height(), true);
            LogIndex index = LogIndex.open(store, ID, options);
            assertThat(index.isFinished()).isTrue();
            assertThat(index.finalLineCount()).isEqualTo(expected.size());
            assertPagesMatch(index, expected, 4);
            assertThat(index.lines(0, expected.size()).lines()).isEqualTo(expected);
        }
    }

    @Test
    void aGrowingLogIsIndexedAsFarAsItGoes() throws IOException {
        List<Piece> pieces = mixedLog();
        int half = pieces.size() / 2;
        LogStore store = new LogStore(root);
        LogWriter w = store.open(ID);
        for (Piece p : pieces.subList(0, half)) {
            w.append(p.stream(), p.bytes());
        }
        LogIndex index = LogIndex.open(store, ID, new LogIndex.Options(50, 5, 1L << 30));
        List<Line> firstHalf = fullRender(pieces.subList(0, half), 50, false);
        assertThat(index.isFinished()).isFalse();
        assertPagesMatch(index, firstHalf, 9);
        LogIndex.Page page = index.lines(0, 10);
        assertThat(page.finished()).isFalse();
        assertThat(page.finalLineCount()).isLessThan(page.lineCount()); // the screen's lines may still change
        assertThat(index.update()).isFalse();

        for (Piece p : pieces.subList(half, pieces.size())) {
            w.append(p.stream(), p.bytes());
        }
        assertThat(index.update()).isTrue();
        assertPagesMatch(index, fullRender(pieces, 50, false), 9);

        w.finish(3);
        assertThat(index.update()).isTrue();
        assertThat(index.isFinished()).isTrue();
        assertPagesMatch(index, fullRender(pieces, 50, true), 9);
        assertThat(index.update()).isFalse();
    }

    @Test
    void searchFindsWhatTheLinesShow() throws IOException {
        List<Piece> pieces = mixedLog();
        LogStore store = store(pieces, true);
        LogIndex index = LogIndex.open(store, ID, new LogIndex.Options(50, 10, 1L << 30));
        List<String> texts = Render.texts(fullRender(pieces, 50, true));
        List<Integer> errors = IntStream.range(0, texts.size())
                .filter(i -> texts.get(i).toLowerCase(Locale.ROOT).contains("error")).boxed().toList();
        assertThat(errors).hasSizeGreaterThan(5);
        assertThat(index.search("ERROR", true, 0, 1000)).isEqualTo(new LogIndex.SearchResult(errors, false));
        List<Integer> exact = IntStream.range(0, texts.size()).filter(i -> texts.get(i).contains("ERROR")).boxed().toList();
        assertThat(index.search("ERROR", false, 0, 1000).lines()).isEqualTo(exact).isNotEqualTo(errors);
        int from = errors.get(3);
        assertThat(index.search("error", true, from + 1, 1000).lines()).isEqualTo(errors.subList(4, errors.size()));
        assertThat(index.search("error", true, 0, 2)).isEqualTo(new LogIndex.SearchResult(errors.subList(0, 2), true));
        // the text as shown, not the bytes: a progress frame that was overwritten is not found
        assertThat(index.search("progress 99%", false, 0, 10).lines()).isEmpty();
        assertThat(index.search("progress done", false, 0, 10).lines()).containsExactly(texts.size() - 1);
        assertThat(index.search("\\xff", false, 0, 10).lines()).isNotEmpty();
    }

    @Test
    void searchCoversTheUnfinishedLinesOfAGrowingLog() throws IOException {
        LogStore store = new LogStore(root);
        try (LogWriter w = store.open(ID)) {
            w.append(LogStream.STDOUT, utf8("first needle\nsecond\nlast needle, still on screen"));
            LogIndex index = LogIndex.open(store, ID);
            assertThat(index.search("needle", false, 0, 10).lines()).containsExactly(0, 2);
        }
    }

    @Test
    void searchIgnoresCaseBeyondAscii() throws IOException {
        LogStore store = store(List.of(new Piece(LogStream.STDOUT, utf8("l'école\nÉCOLE\necole\n\u001b[1mÉc\u001b[0mOLE\n"))), true);
        LogIndex index = LogIndex.open(store, ID);
        assertThat(index.search("école", true, 0, 10).lines()).containsExactly(0, 1, 3);
        assertThat(index.search("école", false, 0, 10).lines()).containsExactly(0);
    }

    @Test
    void aTailFollowsTheLogFromTheIndexEnd() throws Exception {
        List<Piece> pieces = mixedLog();
        int part = pieces.size() * 2 / 3;
        LogStore store = new LogStore(root);
        LogWriter w = store.open(ID);
        for (Piece p : pieces.subList(0, part)) {
            w.append(p.stream(), p.bytes());
        }
        LogIndex index = LogIndex.open(store, ID);
        Terminal tail = index.tail();
        assertThat(tail.offset()).isEqualTo(index.offset());
        assertThat(tail.firstLine()).isEqualTo(index.finalLineCount());
        assertThat(Render.held(tail)).isEqualTo(index.lines(tail.firstLine(), tail.lineCount() - tail.firstLine()).lines());

        CompletableFuture<Integer> end = new CompletableFuture<>();
        try (LogHub.Subscription s = new LogHub(store).follow(ID, tail.offset(), new LogListener() {
            @Override
            public void onChunks(List<LogChunk> chunks) {
                chunks.forEach(tail::feed);
            }

            @Override
            public void onEnd(int exitCode) {
                tail.finish();
                end.complete(exitCode);
            }

            @Override
            public void onError(Exception failure) {
                end.completeExceptionally(failure);
            }
        })) {
            for (Piece p : pieces.subList(part, pieces.size())) {
                w.append(p.stream(), p.bytes());
            }
            w.finish(0);
            assertThat(end.get(30, TimeUnit.SECONDS)).isZero();
        }
        List<Line> all = fullRender(pieces, Terminal.DEFAULT_HEIGHT, true);
        assertThat(Render.held(tail)).isEqualTo(all.subList(tail.firstLine(), all.size()));
    }

    @Test
    void badRequestsAreRefused() throws IOException {
        LogStore store = store(List.of(new Piece(LogStream.STDOUT, utf8("a\n"))), true);
        LogIndex index = LogIndex.open(store, ID);
        assertThatThrownBy(() -> index.lines(-1, 5)).isInstanceOf(SlipwayException.BadRequest.class);
        assertThatThrownBy(() -> index.lines(0, LogIndex.MAX_PAGE + 1)).isInstanceOf(SlipwayException.BadRequest.class);
        assertThatThrownBy(() -> index.search("", false, 0, 5)).isInstanceOf(SlipwayException.BadRequest.class);
        assertThatThrownBy(() -> index.search("a", false, 0, 0)).isInstanceOf(SlipwayException.BadRequest.class);
        assertThat(index.lines(5, 10).lines()).isEmpty();
        assertThatThrownBy(() -> LogIndex.open(store, "runs/1/missing")).isInstanceOf(SlipwayException.NotFound.class);
    }

    /**
     * A million lines through a 64 MB heap (see the pom): the index holds checkpoints, not lines,
     * and a page anywhere renders from the checkpoint before it.
     */
    @Test
    void aMillionLineLogOpensAndPages() throws IOException {
        int lines = 1_000_000;
        LogStore store = new LogStore(root);
        try (LogWriter w = store.open(ID)) {
            ByteArrayOutputStream batch = new ByteArrayOutputStream(1 << 16);
            for (int i = 0; i < lines; i++) {
                batch.writeBytes(utf8(millionLine(i)));
                if (batch.size() > 60_000) {
                    w.append(i % 3 == 0 ? LogStream.STDERR : LogStream.STDOUT, batch.toByteArray());
                    batch.reset();
                }
            }
            w.append(LogStream.STDOUT, batch.toByteArray());
            w.finish(0);
        }
        LogIndex index = LogIndex.open(store, ID);
        assertThat(index.lineCount()).isEqualTo(lines);
        for (int from : new int[] {0, 1, 4_999, 500_000, 777_770, lines - 3}) {
            List<Line> page = index.lines(from, 3).lines();
            assertThat(page).extracting(Line::text).containsExactly(
                    IntStream.range(from, Math.min(from + 3, lines)).mapToObj(LogIndexTest::millionText).toArray(String[]::new));
        }
        assertThat(index.search("module 777777 ", false, 700_000, 10).lines()).containsExactly(777_777);
    }

    private static String millionLine(int i) {
        return i % 1000 == 0
                ? "step " + i + " 0%\rstep " + i + " 50%\rstep " + i + " done\n"
                : "\u001b[1;34mcompiling\u001b[0m module " + i + " \u001b[38;5;" + i % 256 + "m..." + "\u001b[0m ok\n";
    }

    private static String millionText(int i) {
        return i % 1000 == 0 ? "step " + i + " done" : "compiling module " + i + " ... ok";
    }
}
