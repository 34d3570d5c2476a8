package dev.slipway.ci.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.PushResponseItem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's push messages (as docker 20.10 sends them) become the lines a task log keeps. */
class PushProgressTest {
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> lines = new ArrayList<>();
    private long now;
    private final PushProgress progress = new PushProgress(lines::add, () -> now);

    private void send(String message) throws Exception {
        progress.accept(json.readValue(message, PushResponseItem.class));
    }

    @Test
    void layerStatesBytesAndRateAtMostOnceASecondThenTheDigest() throws Exception {
        send("{\"status\":\"The push refers to repository [127.0.0.1:8080/admin/app]\"}");
        send("{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"aaaaaaaaaaaa\"}");
        send("{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"bbbbbbbbbbbb\"}");
        send("{\"status\":\"Waiting\",\"progressDetail\":{},\"id\":\"bbbbbbbbbbbb\"}");
        send("{\"status\":\"Pushing\",\"progressDetail\":{\"current\":1048576,\"total\":52428800},\"id\":\"aaaaaaaaaaaa\"}");
        now += 400_000_000L;
        send("{\"status\":\"Pushing\",\"progressDetail\":{\"current\":10485760,\"total\":52428800},\"id\":\"aaaaaaaaaaaa\"}");
        now += 600_000_000L;
        send("{\"status\":\"Pushing\",\"progressDetail\":{\"current\":20971520,\"total\":52428800},\"id\":\"aaaaaaaaaaaa\"}");
        now += 1_000_000_000L;
        send("{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"aaaaaaaaaaaa\"}");
        send("{\"status\":\"Layer already exists\",\"progressDetail\":{},\"id\":\"bbbbbbbbbbbb\"}");
        send("{\"status\":\"latest: digest: sha256:" + "c".repeat(64) + " size: 735\"}");
        send("{\"progressDetail\":{},\"aux\":{\"Tag\":\"latest\",\"Digest\":\"sha256:" + "c".repeat(64) + "\",\"Size\":735}}");

        assertThat(lines).containsExactly(
                "The push refers to repository [127.0.0.1:8080/admin/app]",
                "aaaaaaaaaaaa: Preparing",
                "bbbbbbbbbbbb: Preparing",
                "bbbbbbbbbbbb: Waiting",
                "aaaaaaaaaaaa: Pushing 1.0 MiB / 50.0 MiB",
                "aaaaaaaaaaaa: Pushing 20.0 MiB / 50.0 MiB (20.0 MiB/s)",
                "aaaaaaaaaaaa: Pushed 50.0 MiB in 2.0 s (25.0 MiB/s)",
                "bbbbbbbbbbbb: Layer already exists",
                "latest: digest: sha256:" + "c".repeat(64) + " size: 735");
        assertThat(progress.digest()).isEqualTo("sha256:" + "c".repeat(64));
        assertThat(progress.error()).isNull();
    }

    @Test
    void theRegistrysRefusalIsKeptAsTheError() throws Exception {
        send("{\"errorDetail\":{\"message\":\"denied: tag 'v1' in alice/app is immutable\"},\"error\":\"denied: tag 'v1' in alice/app is immutable\"}");
        assertThat(progress.error()).isEqualTo("denied: tag 'v1' in alice/app is immutable");
        assertThat(progress.digest()).isNull();
    }
}
