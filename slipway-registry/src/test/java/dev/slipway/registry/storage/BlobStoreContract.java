package dev.slipway.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link BlobStore} contract. Every implementation's test extends this and supplies a fresh
 * store; {@link #leftovers()} must be empty after each test (no leaked uploads or temp files).
 */
public abstract class BlobStoreContract {
    protected BlobStore store;

    protected abstract BlobStore newStore() throws IOException;

    /** Anything the implementation left behind outside committed blobs. */
    protected abstract List<String> leftovers() throws IOException;

    @BeforeEach
    void open() throws IOException {
        store = newStore();
    }

    @AfterEach
    void noLeaks() throws IOException {
        assertThat(leftovers()).isEmpty();
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    @Test
    void chunkedUploadCommitsAndReadsBackFromAnyOffset() throws IOException {
        byte[] content = random(3_000_000);
        Digest d = Digest.sha256(content);
        store.createUpload("u1");
        assertThat(store.append("u1", new ByteArrayInputStream(content, 0, 1_000_000), Long.MAX_VALUE)).isEqualTo(1_000_000);
        assertThat(store.append("u1", new ByteArrayInputStream(content, 1_000_000, 2_000_000), Long.MAX_VALUE)).isEqualTo(3_000_000);
        assertThat(store.size(d)).isEqualTo(-1);
        assertThat(store.commit("u1", d)).isEqualTo(3_000_000);
        assertThat(store.size(d)).isEqualTo(3_000_000);
        assertThat(store.uploadSize("u1")).isEqualTo(-1);
        try (InputStream in = store.open(d, 2_999_000)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 2_999_000, 3_000_000));
        }
        assertThat(store.list().toList()).contains(d);
        assertThat(store.delete(d)).isTrue();
        assertThat(store.size(d)).isEqualTo(-1);
    }

    @Test
    void anUploadCanBeReadWhileItGrowsAndAfterItIsPublished() throws IOException {
        byte[] content = random(300_000);
        Digest d = Digest.sha256(content);
        store.createUpload("tail");
        store.append("tail", new ByteArrayInputStream(content, 0, 100_000), Long.MAX_VALUE);
        try (InputStream in = store.readUpload("tail")) {
            assertThat(in.readNBytes(200_000)).isEqualTo(Arrays.copyOfRange(content, 0, 100_000));
            assertThat(in.read()).isEqualTo(-1); // at the end for now
            store.append("tail", new ByteArrayInputStream(content, 100_000, 150_000), Long.MAX_VALUE);
            assertThat(in.readNBytes(150_000)).isEqualTo(Arrays.copyOfRange(content, 100_000, 250_000));
            store.append("tail", new ByteArrayInputStream(content, 250_000, 50_000), Long.MAX_VALUE);
            assertThat(store.commit("tail", d)).isEqualTo(300_000);
            // Published (the upload is gone): the reader still gets the rest.
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 250_000, 300_000));
        }
        assertThatThrownBy(() -> store.readUpload("tail")).isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(store.delete(d)).isTrue();
    }

    @Test
    void digestMismatchKeepsNothingVisible() throws IOException {
        store.createUpload("u2");
        store.append("u2", new ByteArrayInputStream(random(1000)), Long.MAX_VALUE);
        Digest wrong = Digest.sha256("something else");
        assertThatThrownBy(() -> store.commit("u2", wrong)).isInstanceOf(BlobStore.DigestMismatchException.class);
        assertThat(store.size(wrong)).isEqualTo(-1);
        store.deleteUpload("u2");
        assertThat(store.uploadSize("u2")).isEqualTo(-1);
    }

    @Test
    void sha512IsVerified() throws IOException {
        byte[] content = random(5000);
        Digest d = Digest.of("sha512", content);
        store.createUpload("u3");
        store.append("u3", new ByteArrayInputStream(content), Long.MAX_VALUE);
        store.commit("u3", d);
        assertThat(store.size(d)).isEqualTo(5000);
    }

    @Test
    void appendPastTheLimitChangesNothing() throws IOException {
        store.createUpload("u4");
        store.append("u4", new ByteArrayInputStream(random(100)), Long.MAX_VALUE);
        assertThatThrownBy(() -> store.append("u4", new ByteArrayInputStream(random(2_000_000)), 1000))
                .isInstanceOf(BlobStore.TooLargeException.class);
        assertThat(store.uploadSize("u4")).isEqualTo(100);
        store.deleteUpload("u4");
    }

    @Test
    void putIsIdempotentAndVerified() throws IOException {
        byte[] m = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.sha256(m);
        store.put(d, m);
        store.put(d, m);
        assertThat(store.size(d)).isEqualTo(m.length);
        assertThatThrownBy(() -> store.put(Digest.sha256("other"), m)).isInstanceOf(BlobStore.DigestMismatchException.class);
    }

    @Test
    void committingTheSameContentTwiceIsANoOp() throws IOException {
        byte[] content = random(10_000);
        Digest d = Digest.sha256(content);
        for (String id : List.of("a1", "a2")) {
            store.createUpload(id);
            store.append(id, new ByteArrayInputStream(content), Long.MAX_VALUE);
            store.commit(id, d);
        }
        assertThat(store.size(d)).isEqualTo(10_000);
        assertThat(store.uploads().toList()).isEmpty();
    }

    @Test
    void verifiedUploadIsInvisibleUntilPublished() throws IOException {
        byte[] content = random(20_000);
        Digest d = Digest.sha256(content);
        store.createUpload("v1");
        store.append("v1", new ByteArrayInputStream(content), Long.MAX_VALUE);
        assertThat(store.verify("v1", d)).isEqualTo(20_000);
        assertThat(store.size(d)).isEqualTo(-1);
        store.publish("v1", d);
        assertThat(store.size(d)).isEqualTo(20_000);
        assertThat(store.uploadSize("v1")).isEqualTo(-1);
    }

    @Test
    void publishRefusesWhatVerifyDidNotAccept() throws IOException {
        byte[] content = random(1000);
        Digest d = Digest.sha256(content);
        store.createUpload("v2");
        store.append("v2", new ByteArrayInputStream(content), Long.MAX_VALUE);
        assertThatThrownBy(() -> store.publish("v2", d)).isInstanceOf(IllegalStateException.class);
        store.verify("v2", d);
        // Bytes appended after verification were never checked.
        store.append("v2", new ByteArrayInputStream(random(10)), Long.MAX_VALUE);
        assertThatThrownBy(() -> store.publish("v2", d)).isInstanceOf(IllegalStateException.class);
        assertThat(store.size(d)).isEqualTo(-1);
        store.deleteUpload("v2");
    }

    @Test
    void publishingContentAlreadyStoredDiscardsTheUpload() throws IOException {
        byte[] content = random(3000);
        Digest d = Digest.sha256(content);
        store.put(d, content);
        store.createUpload("v3");
        store.append("v3", new ByteArrayInputStream(content), Long.MAX_VALUE);
        store.verify("v3", d);
        store.publish("v3", d);
        assertThat(store.size(d)).isEqualTo(3000);
        assertThat(store.uploads().toList()).isEmpty();
    }
}
