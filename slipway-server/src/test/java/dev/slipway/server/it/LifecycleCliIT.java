package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** {@code slipway registry immutable|retention|gc} against the state of a running server. */
class LifecycleCliIT {
    @Test
    void immutableRetentionAndGcFromTheCommandLine() throws Exception {
        try (ServerProcess server = new ServerProcess(Files.createTempDirectory("slipway-lifecycle-cli-")).start()) {
            server.cli("user", "create", "gil", "--password", "gil-password").ok();
            Http gil = Http.basic(server.baseUrl(), "gil", "gil-password");
            RegistryPush push = new RegistryPush(gil);
            RegistryPush.Image release = push.image("gil/tool", "v1", "cli-release");
            RegistryPush.Image old = push.image("gil/tool", "nightly-1", "cli-n1");
            nextMillisecond(); // retention orders tags by push time
            push.image("gil/tool", "nightly-2", "cli-n2");

            assertThat(server.cli("registry", "immutable", "add", "gil", "v*").ok().out()).contains("every repository of gil").contains("v*");
            assertThat(server.cli("registry", "immutable", "list", "gil").ok().out()).contains("\tgil\tv*");
            assertThat(push.putManifest("gil/tool", "v1", RegistryPush.OCI_MANIFEST, old.manifest()).statusCode()).isEqualTo(403);

            assertThat(server.cli("registry", "retention", "set", "gil/tool", "--keep-last", "1", "--keep-within", "0s").ok().out())
                    .contains("gil/tool: keep-last=1 keep-within=0s");
            assertThat(server.cli("registry", "retention", "list", "gil").ok().out()).contains("gil/tool\tkeep-last=1");
            String dry = server.cli("registry", "retention", "--dry-run", "--owner", "gil").ok().out();
            assertThat(dry).contains("would remove tag gil/tool:nightly-1").doesNotContain("gil/tool:v1").doesNotContain("nightly-2")
                    .contains("would remove manifest gil/tool@" + old.digest()).contains("Dry run: would remove 1 tags and 1 manifests");
            assertThat(gil.get("/v2/gil/tool/tags/list").body()).contains("nightly-1");
            String real = server.cli("registry", "retention", "--owner", "gil").ok().out();
            assertThat(real).contains("removed tag gil/tool:nightly-1").contains("Removed 1 tags and 1 manifests");
            assertThat(gil.get("/v2/gil/tool/tags/list").body()).doesNotContain("nightly-1").contains("v1").contains("nightly-2");

            // The grace period (24h by default) protects the just-unreferenced blobs; the dry run says so.
            assertThat(server.cli("registry", "gc", "--dry-run").ok().out()).startsWith("Dry run: would remove 1 files");
            // While the server runs, it collects (paced, in its own process) and the command reports.
            String gc = server.cli("registry", "gc").ok().out();
            assertThat(gc).startsWith("Removed 1 files").contains("reclaimed").contains("(by the running server at " + server.baseUrl() + ")");
            assertThat(server.cli("token", "list", "--user", "admin").ok().out()).doesNotContain("cli-gc-"); // its token is gone
            assertThat(server.cli("registry", "gc", "--here", "--dry-run").ok().out()).startsWith("Dry run: would remove 0 files")
                    .doesNotContain("running server");
            assertThat(RegistryPull.problems(gil, "gil/tool", "v1")).isEmpty();
            assertThat(release.digest()).isNotNull();

            // Mistakes: a clear message and exit status 1.
            Tools.Result bad = server.cli("registry", "immutable", "add", "gil", "v[1]");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("error: invalid tag pattern").doesNotContain("Exception");
            Tools.Result nothing = server.cli("registry", "retention", "set", "gil");
            assertThat(nothing.exit()).isEqualTo(1);
            assertThat(nothing.err()).contains("removes nothing");
            assertThat(server.cli("registry", "immutable", "remove", "gil", "x*").err()).contains("no immutable-tag rule");
            server.cli("registry", "immutable", "remove", "gil", "v*").ok();
            // Without the rule v1 moves again (the old image's blobs are still linked: the grace period).
            assertThat(push.putManifest("gil/tool", "v1", RegistryPush.OCI_MANIFEST, old.manifest()).statusCode()).isEqualTo(201);
            assertThat(server.cli("registry", "retention", "remove", "gil/tool").ok().out()).contains("Removed the retention policy of gil/tool");
        }
    }

    /** Returns once the clock has moved past the current millisecond (the server stamps pushes with the same clock). */
    static void nextMillisecond() {
        long now = System.currentTimeMillis();
        while (System.currentTimeMillis() <= now) {
            Thread.onSpinWait();
        }
    }
}
