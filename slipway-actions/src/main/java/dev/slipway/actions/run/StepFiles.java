package dev.slipway.actions.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;

/**
 * One step's file commands: empty files in {@code _runner_file_commands} of the session's temp
 * directory, named as the runner names them, created before the step and read after it.
 */
final class StepFiles {
    /** Kind (as in "Unable to process file command 'env'") to file name prefix. */
    private static final Map<String, String> PREFIXES = Map.of(
            "env", "set_env_", "path", "add_path_", "output", "set_output_", "state", "save_state_", "step_summary", "step_summary_");
    private static final String DIR = "_runner_file_commands";

    private final JobSession session;
    private final String suffix;

    private StepFiles(JobSession session, String suffix) {
        this.session = session;
        this.suffix = suffix;
    }

    static StepFiles create(JobSession session) throws IOException {
        StepFiles files = new StepFiles(session, UUID.randomUUID().toString());
        for (String kind : PREFIXES.keySet()) {
            Path p = files.host(kind);
            Files.write(p, new byte[0]);
            try {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-")); // a container's user appends to them
            } catch (UnsupportedOperationException ignored) {
                // not POSIX: nothing to open up
            }
        }
        return files;
    }

    private Path host(String kind) {
        return session.hostTemp().resolve(DIR).resolve(PREFIXES.get(kind) + suffix);
    }

    /** The file as the step sees it (the value of GITHUB_ENV and the others). */
    String sessionPath(String kind) {
        return session.temp() + "/" + DIR + "/" + PREFIXES.get(kind) + suffix;
    }

    String read(String kind) throws IOException {
        Path p = host(kind);
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    long size(String kind) throws IOException {
        Path p = host(kind);
        return Files.exists(p) ? Files.size(p) : 0;
    }

    void delete() {
        for (String kind : PREFIXES.keySet()) {
            try {
                Files.deleteIfExists(host(kind));
            } catch (IOException ignored) {
                // the temp directory goes with the session
            }
        }
    }
}
