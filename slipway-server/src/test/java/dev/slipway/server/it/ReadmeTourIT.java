package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's two quick tours, run by bash line for line as a user pastes them: {@code ./slipway}
 * is the jar, the server runs on {@code ./data} of the working directory. Only what belongs to
 * this machine is replaced: the port (8080 may be taken; SLIPWAY_LISTEN and SLIPWAY_SERVER say which), {@code /tmp/site} (tests run side by
 * side), and busybox:latest is the local test image. A run made before the pipeline tour keeps its
 * ids from starting at 1, as on any server that has been used.
 */
class ReadmeTourIT {
    /** A run id other than 1. */
    private static final String NOT_ONE = "(?:[2-9]|[1-9][0-9]+)";

    @Test
    void bothToursWorkAsWritten() throws Exception {
        Tools.require("docker");
        Tools.require("curl");
        TestImages.buildBusybox(new HashMap<>(), "busybox:latest");
        String readme = Files.readString(Path.of("..", "README.md"));
        String registryTour = block(readme, "## Quick tour: a registry that docker, podman and skopeo use");
        String pipelineTour = block(readme, "## Quick tour: pipelines in containers");

        Path home = Files.createTempDirectory("slipway-readme-");
        Path launcher = home.resolve("slipway");
        Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -jar '"
                + System.getProperty("slipway.jar") + "' \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path site = home.resolve("site");
        Path warmup = GitRepos.create(Map.of(".slipway/ci.yml", """
                images: { box: { ref: busybox:latest } }
                tasks:
                  build: { image: box, commands: [ "echo warming up" ] }
                """));
        int port = Tools.freePort();
        // Between the tours: a run of another repository, so the tour's runs are not run 1.
        String between = """
                ./slipway repo add alice/warmup --clone-url file://%s
                SLIPWAY_TOKEN=$(./slipway token create --user alice --name warmup --scopes write:repository) \\
                    ./slipway run trigger alice/warmup --wait
                """.formatted(warmup);
        String script = "trap 'kill %1 2>/dev/null' EXIT\n" + registryTour + between + pipelineTour;
        script = script.replace("127.0.0.1:8080", "127.0.0.1:" + port).replace("/tmp/site", site.toString());

        Map<String, String> env = new HashMap<>(Map.of("SLIPWAY_LISTEN", "127.0.0.1:" + port, "SLIPWAY_SERVER", "http://127.0.0.1:" + port,
                "DOCKER_CONFIG", home.resolve("docker-config").toString(),
                "GIT_AUTHOR_NAME", "Alice", "GIT_AUTHOR_EMAIL", "alice@example.invalid",
                "GIT_COMMITTER_NAME", "Alice", "GIT_COMMITTER_EMAIL", "alice@example.invalid"));
        // On the PostgreSQL pass, the same tours on PostgreSQL (the README's commands take the database from the environment).
        TestServer.databaseValues().forEach((k, v) -> env.put("SLIPWAY_" + k.toUpperCase().replace('.', '_'), v));
        try {
            Tools.Result tour = Tools.run(env, home, "bash", "-e", "-o", "pipefail", "-c", script);
            assertThat(tour.exit()).as(tour.out() + "\n" + tour.err()).isZero();
            String out = tour.out();
            // Registry tour: pushed, pulled, and listed anonymously once public.
            assertThat(out).contains("{\"name\":\"alice/busybox\",\"tags\":[\"1\"]}");
            // Pipeline tour: exec, then the API with the run id the trigger answered, then the CLI.
            assertThat(out).contains("[check] built");
            assertThat(out).containsPattern("\\{\"id\":" + NOT_ONE + ",\"repository\":\"alice/site\"[^\\n]*\"status\":\"success\"");
            assertThat(out).containsPattern("run " + NOT_ONE + " of alice/site \\(ci at main\\): success");
            assertThat(out).doesNotContain("warming up");
            assertThat(out).containsPattern("(?m)^" + NOT_ONE + "\tsuccess\tci\tmain\t");
        } finally {
            Tools.run(Map.of(), null, "docker", "rmi", "127.0.0.1:" + port + "/alice/busybox:1");
            // The tour's server, if bash could not stop it (a timeout).
            Path lock = home.resolve("data").resolve("server.lock");
            if (Files.isRegularFile(lock)) {
                Files.readAllLines(lock).stream().filter(l -> l.startsWith("pid ")).map(l -> Long.parseLong(l.substring(4).trim()))
                        .flatMap(pid -> ProcessHandle.of(pid).stream()).forEach(ProcessHandle::destroy);
            }
        }
    }

    /** The first {@code ```sh} block after {@code heading}, without its fences. */
    private static String block(String readme, String heading) {
        Matcher m = Pattern.compile(Pattern.quote(heading) + "\\s*```sh\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README.md has '" + heading + "' with a sh block").isTrue();
        return m.group(1);
    }
}
