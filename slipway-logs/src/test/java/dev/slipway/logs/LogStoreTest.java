package dev.slipway.logs;

import static dev.slipway.logs.LogStream.STDERR;
import static dev.slipway.logs.LogStream.STDOUT;
import static dev.slipway.logs.LogStream.SYSTEM;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogStoreTest {
    private static final String ID = "runs/42/build";

    @TempDir
    Path root;

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private LogStore store;

    @BeforeEach
    void setUp() throws IOException {
        store = new LogStore(root, now::get);
    }

    @Test
    void everyByteValueAndAnsiSequenceComesBackExactly() throws IOException {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] ansi = "\u001b[31;1mred\u001b[0m\r\u001b[2K\u001b[1A 50%\u001b[K\n".getBytes(UTF_8);
        byte[] notUtf8 = {(byte) 0xc3, 0x28, (byte) 0xff, (byte) 0xfe, (byte) 0xed, (byte) 0xa0, (byte) 0x80, 0};
        byte[] framed = new byte[notUtf8.length + 3];
        System.arraycopy(notUtf8, 0, framed, 2, notUtf8.length);
        long t = now.get();
        try (LogWriter w = store.open(ID)) {
            w.append(SYSTEM, "pulling image\n".getBytes(UTF_8));
            now.set(t + 1);
            w.append(STDOUT, everyByte);
            now.set(t + 2);
            w.append(STDERR, ansi);
            w.append(STDOUT, framed, 2, notUtf8.length);
            w.finish(0);
        }

        int a = 14;
        int b = a + 256;
        int c = b + ansi.length;
        assertThat(store.chunks(ID, 0, 1 << 20)).containsExactly(
                new LogChunk(0, t, SYSTEM, "pulling image\n".getBytes(UTF_8)),
                new LogChunk(a, t + 1, STDOUT, everyByte),
                new LogChunk(b, t + 2, STDERR, ansi),
                new LogChunk(c, t + 2, STDOUT, notUtf8));
        byte[] expected = concat("pulling image\n".getBytes(UTF_8), everyByte, ansi, notUtf8);
        assertThat(Logs.raw(store, ID)).isEqualTo(expected);
        assertThat(Logs.concat(Logs.chunks(store, ID, 7))).isEqualTo(expected);
        assertThat(store.size(ID)).isEqualTo(expected.length);
        assertThat(store.exitCode(ID)).hasValue(0);
        assertThat(root.resolve(ID).resolve("_data")).hasBinaryContent(expected);
    }

    @Test
    void chunksStartAtTheOffsetAndAreCutToThePage() throws IOException {
        try (LogWriter w = store.open(ID)) {
            w.append(STDOUT, "hello ".getBytes(UTF_8));
            w.append(STDERR, "world".getBytes(UTF_8));
        }
        long t = now.get();
        assertThat(store.chunks(ID, 3, 5)).containsExactly(
                new LogChunk(3, t, STDOUT, "lo ".getBytes(UTF_8)),
                new LogChunk(6, t, STDERR, "wo".getBytes(UTF_8)));
        assertThat(store.chunks(ID, 8, 100)).containsExactly(new LogChunk(8, t, STDERR, "rld".getBytes(UTF_8)));
        assertThat(store.chunks(ID, 11, 100)).isEmpty();
        assertThat(store.chunks(ID, 1000, 100)).isEmpty();
        assertThat(Logs.concat(Logs.chunks(store, ID, 1))).isEqualTo("hello world".getBytes(UTF_8));
        assertThatThrownBy(() -> store.chunks(ID, -1, 100)).isInstanceOf(SlipwayException.BadRequest.class);
    }

    @Test
    void longAppendsAreStoredInChunksOf64KiB() throws IOException {
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        try (LogWriter w = store.open(ID)) {
            w.append(STDERR, big);
        }
        List<LogChunk> chunks = Logs.chunks(store, ID, 1 << 20);
        assertThat(chunks).extracting(LogChunk::length).containsExactly(65536, 65536, 65536, 3392);
        assertThat(chunks).extracting(LogChunk::stream).containsOnly(STDERR);
        assertThat(Logs.concat(chunks)).isEqualTo(big);
    }

    @Test
    void stdoutAndStderrFromTwoThreadsKeepTheirLabelsAndOrder() throws Exception {
        int perStream = 3000;
        long total;
        try (LogWriter w = store.open(ID)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> pumps = new ArrayList<>();
            for (LogStream stream : List.of(STDOUT, STDERR)) {
                pumps.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perStream; i++) {
                            w.append(stream, line(stream, i));
                        }
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            start.countDown();
            for (Thread t : pumps) {
                t.join();
            }
            total = w.size();
            w.finish(0);
        }

        List<LogChunk> chunks = Logs.chunks(store, ID, Integer.MAX_VALUE);
        assertThat(chunks).hasSize(2 * perStream);
        Map<LogStream, List<String>> lines = chunks.stream().collect(Collectors.groupingBy(LogChunk::stream,
                Collectors.mapping(c -> new String(c.bytes(), UTF_8), Collectors.toList())));
        for (LogStream stream : List.of(STDOUT, STDERR)) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perStream; i++) {
                expected.add(new String(line(stream, i), UTF_8));
            }
            assertThat(lines.get(stream)).containsExactlyElementsOf(expected);
        }
        assertThat(total).isEqualTo(store.size(ID)).isEqualTo(Logs.raw(store, ID).length)
                .isEqualTo(chunks.stream().mapToLong(LogChunk::length).sum());
    }

    /** A line whose every byte tells which stream it was written to. */
    private static byte[] line(LogStream stream, int i) {
        return (String.valueOf(stream == STDOUT ? 'o' : 'e').repeat(1 + i % 40) + i + "\n").getBytes(UTF_8);
    }

    @Test
    void aRestartedStoreReadsAnUnfinishedLogAndMayFinishIt() throws IOException {
        try (LogWriter w = store.open(ID)) {
            w.append(STDOUT, "before the crash\n".getBytes(UTF_8));
        }
        // What a crash mid-append can leave: bytes without a record, and part of a record.
        Files.write(root.resolve(ID).resolve("_data"), "lost".getBytes(UTF_8), StandardOpenOption.APPEND);
        Files.write(root.resolve(ID).resolve("_index"), new byte[10], StandardOpenOption.APPEND);

        LogStore restarted = new LogStore(root, now::get);
        assertThat(restarted.exists(ID)).isTrue();
        assertThat(restarted.exitCode(ID)).isEmpty();
        assertThat(Logs.raw(restarted, ID)).isEqualTo("before the crash\n".getBytes(UTF_8));
        try (LogWriter w = restarted.open(ID)) {
            assertThat(w.size()).isEqualTo(17);
            w.append(SYSTEM, "task lost with the server\n".getBytes(UTF_8));
            w.finish(-1);
        }

        LogStore again = new LogStore(root);
        byte[] expected = "before the crash\ntask lost with the server\n".getBytes(UTF_8);
        assertThat(Logs.raw(again, ID)).isEqualTo(expected);
        assertThat(root.resolve(ID).resolve("_data")).hasBinaryContent(expected);
        assertThat(Logs.chunks(again, ID, 1 << 20)).extracting(LogChunk::stream).containsExactly(STDOUT, SYSTEM);
        assertThat(again.exitCode(ID)).hasValue(-1);
    }

    @Test
    void aLogHasOneWriterAtATimeAndIsClosedByFinishing() throws IOException {
        LogWriter w = store.open(ID);
        assertThatThrownBy(() -> store.open(ID)).isInstanceOf(SlipwayException.Conflict.class);
        assertThatThrownBy(() -> store.delete(ID)).isInstanceOf(SlipwayException.Conflict.class);
        w.close();
        w.close();
        assertThatThrownBy(() -> w.append(STDOUT, new byte[1])).isInstanceOf(IllegalStateException.class);

        LogWriter again = store.open(ID);
        again.append(STDOUT, new byte[0]);
        assertThat(again.size()).isZero();
        again.finish(3);
        again.close();
        assertThatThrownBy(() -> again.finish(3)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> again.append(STDOUT, new byte[1])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.open(ID)).isInstanceOf(SlipwayException.Conflict.class)
                .hasMessageContaining("finished");
        assertThat(store.exitCode(ID)).hasValue(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/runs/1", "runs/1/", "runs//1", ".", "..", "runs/../x", "runs/./x", ".hidden",
            "_data", "runs/_index", "-rf", "a b", "a\\b", "a:b", "runs/1\n", "\u00e9t\u00e9", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q"})
    void invalidIdsAreRefused(String id) {
        LogHub hub = new LogHub(store);
        assertThatThrownBy(() -> store.open(id)).isInstanceOf(SlipwayException.BadRequest.class);
        assertThatThrownBy(() -> store.exists(id)).isInstanceOf(SlipwayException.BadRequest.class);
        assertThatThrownBy(() -> store.raw(id)).isInstanceOf(SlipwayException.BadRequest.class);
        assertThatThrownBy(() -> store.chunks(id, 0, 10)).isInstanceOf(SlipwayException.BadRequest.class);
        assertThatThrownBy(() -> store.delete(id)).isInstanceOf(SlipwayException.BadRequest.class);
        assertThatThrownBy(() -> hub.follow(id, 0, new CollectingListener(0)))
                .isInstanceOf(SlipwayException.BadRequest.class);
    }

    @Test
    void validIdsAreAccepted() throws IOException {
        for (String id : List.of("a", "runs/42/build", "A.b-c_d/0.1", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", "x".repeat(128))) {
            try (LogWriter w = store.open(id)) {
                w.append(STDOUT, id.getBytes(UTF_8));
            }
            assertThat(Logs.raw(store, id)).asString(UTF_8).isEqualTo(id);
        }
        assertThatThrownBy(() -> store.open("x".repeat(129))).isInstanceOf(SlipwayException.BadRequest.class);
        assertThatThrownBy(() -> store.open(null)).isInstanceOf(SlipwayException.BadRequest.class);
    }

    @Test
    void aLogAndTheLogsBelowItAreIndependent() throws IOException {
        try (LogWriter run = store.open("runs/42"); LogWriter task = store.open("runs/42/build")) {
            run.append(SYSTEM, "run".getBytes(UTF_8));
            task.append(STDOUT, "task".getBytes(UTF_8));
            task.finish(0);
        }
        assertThat(store.delete("runs/42")).isTrue();
        assertThat(store.exists("runs/42")).isFalse();
        assertThat(Logs.raw(store, "runs/42/build")).asString(UTF_8).isEqualTo("task");

        assertThat(store.delete("runs/42/build")).isTrue();
        assertThat(store.delete("runs/42/build")).isFalse();
        assertThat(root).isEmptyDirectory();
        for (ThrowingRead read : List.<ThrowingRead>of(s -> s.raw(ID), s -> s.size(ID), s -> s.exitCode(ID),
                s -> s.chunks(ID, 0, 10))) {
            assertThatThrownBy(() -> read.apply(store)).isInstanceOf(SlipwayException.NotFound.class);
        }
    }

    @Test
    void rawIsTheLogWhenItWasOpened() throws IOException {
        try (LogWriter w = store.open(ID)) {
            w.append(STDOUT, "first".getBytes(UTF_8));
            try (var in = store.raw(ID)) {
                w.append(STDOUT, "second".getBytes(UTF_8));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                assertThat(out.toString(UTF_8)).isEqualTo("first");
            }
        }
    }

    private interface ThrowingRead {
        Object apply(LogStore store) throws IOException;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
