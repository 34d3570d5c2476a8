package dev.slipway.server.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Test images built locally from Debian's busybox-static: never pulled from the internet. */
public final class TestImages {
    private TestImages() {}

    public static Path busybox() {
        Path p = Path.of("/bin/busybox");
        if (!Files.isExecutable(p)) {
            throw new AssertionError("/bin/busybox (Debian's busybox-static) is needed; ./scripts/test installs it");
        }
        return p;
    }

    /** {@code FROM scratch} plus busybox, built with the legacy builder and tagged {@code tag}. */
    public static void buildBusybox(Map<String, String> env, String tag) throws Exception {
        Path ctx = Files.createTempDirectory("busybox-ctx-");
        Files.copy(busybox(), ctx.resolve("busybox"));
        Files.writeString(ctx.resolve("Dockerfile"), """
                FROM scratch
                COPY busybox /bin/busybox
                RUN ["/bin/busybox","--install","-s","/bin"]
                ENV PATH=/bin
                CMD ["sh"]
                """);
        build(env, tag, ctx);
    }

    /**
     * {@code FROM base} plus one layer per file (name to content), tagged {@code tag}: random
     * content makes layers of a known size, compressed or not.
     */
    public static void buildWithFiles(Map<String, String> env, String tag, String base, Map<String, byte[]> files) throws Exception {
        Path ctx = Files.createTempDirectory("files-ctx-");
        StringBuilder dockerfile = new StringBuilder("FROM ").append(base).append('\n');
        for (var f : files.entrySet()) {
            Files.write(ctx.resolve(f.getKey()), f.getValue());
            dockerfile.append("COPY ").append(f.getKey()).append(" /").append(f.getKey()).append('\n');
        }
        Files.writeString(ctx.resolve("Dockerfile"), dockerfile);
        build(env, tag, ctx);
    }

    private static void build(Map<String, String> env, String tag, Path ctx) {
        var e = new java.util.HashMap<>(env);
        e.put("DOCKER_BUILDKIT", "0");
        Tools.run(e, null, "docker", "build", "-q", "-t", tag, ctx.toString()).ok();
        Tools.deleteTree(ctx);
    }

    /** The Debian runner image for GitHub Actions jobs (see {@link #runner()}). */
    public static final String RUNNER = "local/runner:bookworm";
    /** What the runner image has: bumping it makes the next run build the image again. */
    static final String RUNNER_PACKAGES = "bash,git,ca-certificates,curl,python3,nodejs,procps,make";

    /**
     * {@value #RUNNER}: Debian bookworm with bash, git, curl, python3, node and make, made by mmdebstrap
     * from the machine's own apt sources (../shared/TESTING.md), never pulled. Built once per
     * engine and package list (about a minute), then reused: its label records the package list.
     */
    public static synchronized String runner() throws Exception {
        Tools.Result have = Tools.run(Map.of(), null, "docker", "image", "inspect", "-f", "{{index .Config.Labels \"slipway.test.packages\"}}", RUNNER);
        if (have.exit() == 0 && have.out().strip().equals(RUNNER_PACKAGES)) {
            return RUNNER;
        }
        if (Tools.run(Map.of(), null, "sh", "-c", "command -v mmdebstrap").exit() != 0) {
            throw new AssertionError("mmdebstrap is needed to build the runner image; ./scripts/test installs it");
        }
        Path tar = Files.createTempFile("runner-", ".tar");
        try {
            Files.delete(tar);
            Tools.run(Map.of(), null, "mmdebstrap", "--quiet", "--variant=apt", "--include=" + RUNNER_PACKAGES, "bookworm", tar.toString()).ok();
            Tools.run(Map.of(), null, "docker", "import", "-c", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "-c", "LABEL slipway.test.packages=" + RUNNER_PACKAGES, tar.toString(), RUNNER).ok();
        } finally {
            Files.deleteIfExists(tar);
        }
        return RUNNER;
    }

    /** {@code n} incompressible pseudo-random bytes, the same for the same seed. */
    public static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }
}
