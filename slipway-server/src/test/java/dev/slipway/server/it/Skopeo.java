package dev.slipway.server.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * skopeo as the tests run it: with a home, auth file and runtime directory of its own, so no
 * credentials or configuration of the machine's user take part, and with {@code --insecure-policy}.
 */
final class Skopeo implements AutoCloseable {
    private final Path home;
    private final Map<String, String> env;

    private Skopeo(Path home) {
        this.home = home;
        this.env = Map.of("HOME", home.toString(), "REGISTRY_AUTH_FILE", home.resolve("auth.json").toString(),
                "XDG_RUNTIME_DIR", home.toString(), "DOCKER_CONFIG", home.resolve(".docker").toString());
    }

    /** Requires skopeo (see {@link Tools#require}) and gives it a fresh home. */
    static Skopeo isolated() throws IOException {
        Tools.require("skopeo");
        return new Skopeo(Files.createTempDirectory("skopeo-home-"));
    }

    Tools.Result run(String... args) {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        cmd.addAll(List.of(args));
        return Tools.run(env, null, cmd.toArray(String[]::new));
    }

    @Override
    public void close() {
        Tools.deleteTree(home);
    }
}
