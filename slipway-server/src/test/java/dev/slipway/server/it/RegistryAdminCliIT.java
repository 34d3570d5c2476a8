package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** {@code slipway registry proxy ...} and {@code slipway webhook ...} on the state of a running server. */
class RegistryAdminCliIT {
    @Test
    void proxiesAndWebhooksAreManagedFromTheCommandLine() throws Exception {
        try (ServerProcess server = new ServerProcess(Files.createTempDirectory("slipway-admin-cli-")).start()) {
            assertThat(server.cli("registry", "proxy", "add", "hub", "http://127.0.0.1:9", "--ttl", "5m").ok().out())
                    .contains("'hub' is now a pull-through cache of http://127.0.0.1:9 (ttl 5m)");
            server.cliWithInput("bot-secret-1", "registry", "proxy", "add", "gh", "http://127.0.0.1:9", "--username", "bot", "--password-stdin",
                    "--public").ok();
            String list = server.cli("registry", "proxy", "list").ok().out();
            assertThat(list).contains("hub\thttp://127.0.0.1:9\t-\tttl 5m\tauthenticated")
                    .contains("gh\thttp://127.0.0.1:9\tbot\tttl 10m\tpublic").doesNotContain("bot-secret-1");

            // The running server refuses pushes into the new proxy owner at once, in the OCI format.
            Http admin = Http.basic(server.baseUrl(), "admin", ServerProcess.ADMIN_PASSWORD);
            HttpResponse<String> push = admin.post("/v2/hub/library/x/blobs/uploads/", "application/octet-stream", new byte[0]);
            assertThat(push.statusCode()).isEqualTo(403);
            assertThat(push.body()).contains("DENIED").contains("pull-through cache");

            // Mistakes: a message and exit status 1 (2 for usage errors), never a stack trace.
            Tools.Result noPassword = server.cli("registry", "proxy", "add", "x1", "http://127.0.0.1:9", "--username", "bot");
            assertThat(noPassword.exit()).isEqualTo(1);
            assertThat(noPassword.err()).contains("--password-stdin").doesNotContain("Exception");
            Tools.Result badTtl = server.cli("registry", "proxy", "add", "x2", "http://127.0.0.1:9", "--ttl", "soon");
            assertThat(badTtl.exit()).isEqualTo(1);
            assertThat(badTtl.err()).contains("not a duration");
            // (URL and owner validation are shared with the admin API, where ProxyIT checks them.)

            server.cli("registry", "proxy", "remove", "hub").ok();
            assertThat(server.cli("registry", "proxy", "list").ok().out()).doesNotContain("hub");
            assertThat(server.cli("registry", "proxy", "remove", "hub").exit()).isEqualTo(1);

            // Webhooks: the secret only from standard input, never printed (here through a process's real pipe).
            assertThat(server.cli("webhook", "add", "http://127.0.0.1:9/hook").exit()).isEqualTo(2);
            String id = Tools.runWithInput(server.environment(), null, "hook-secret-1",
                    server.command("webhook", "add", "http://127.0.0.1:9/hook", "--secret-stdin", "--owner", "gh")
                            .toArray(String[]::new)).ok().out().trim();
            assertThat(id).matches("[0-9a-f]{16}");
            assertThat(server.cli("webhook", "list").ok().out()).contains(id + "\thttp://127.0.0.1:9/hook\tgh\tpending 0")
                    .doesNotContain("hook-secret-1");
            server.cli("webhook", "remove", id).ok();
            assertThat(server.cli("webhook", "list").ok().out()).doesNotContain(id);
            assertThat(server.cli("webhook", "remove", id).exit()).isEqualTo(1);
        }
    }
}
