package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code slipway runner} as a real process of the jar, for the tests of remote runners (RunnersIT, the executor contract). */
final class RunnerProcesses {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunnerProcesses() {}

    /**
     * Starts {@code slipway runner} against {@code serverUrl} with its identity and spool in
     * {@code dir} (its output appended to {@code dir/runner.log}); {@code token} registers it, or
     * null when {@code dir/runner.json} has its identity already; {@code labels} may be null (none);
     * {@code more} are further options (such as {@code --local}).
     */
    static Process start(String serverUrl, String name, String token, String labels, Path dir, String... more) throws Exception {
        String jar = System.getProperty("slipway.jar");
        if (jar == null) {
            throw new AssertionError("system property slipway.jar is not set (failsafe sets it)");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar,
                "runner", "--server", serverUrl, "--name", name, "--dir", dir.toString(), "--host-isolation", "off"));
        if (labels != null) {
            cmd.addAll(List.of("--labels", labels));
        }
        cmd.addAll(List.of(more));
        if (token != null) {
            cmd.addAll(List.of("--token", token));
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("runner.log").toFile())).start();
    }

    /** Waits until {@code n} runners have asked the server for work ({@code GET /api/v1/runners} as a site admin). */
    static void await(Http admin, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode list = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = admin.get("/api/v1/runners");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            list = JSON.readTree(r.body());
            long seen = 0;
            for (JsonNode runner : list) {
                seen += runner.get("state").asText().equals("never seen") ? 0 : 1;
            }
            if (seen >= n) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("runners did not show up: " + list);
    }

    /** A new temporary directory for a runner named {@code name}. */
    static Path dir(String name) throws java.io.IOException {
        return Files.createTempDirectory("slipway-runner-" + name + "-");
    }
}
