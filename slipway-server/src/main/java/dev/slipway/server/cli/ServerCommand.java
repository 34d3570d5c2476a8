package dev.slipway.server.cli;

import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.server.HttpServer;
import dev.slipway.server.Slipway;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs the Slipway server: the OCI registry at /v2/, the API at /api/v1, /healthz and /metrics.",
                "",
                "On first start it initializes a new data directory and an empty database, and creates user 'admin' with the "
                        + "password from SLIPWAY_ADMIN_PASSWORD, or a generated one that is printed once."})
public final class ServerCommand extends StateOptions implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on. Default: 127.0.0.1:8080. Port 0 picks a free port. Env: SLIPWAY_LISTEN")
    String listen;

    @Option(names = "--external-url", paramLabel = "URL",
            description = "URL clients use to reach this server (token realm in registry challenges). Default: http://<listen>. Env: SLIPWAY_EXTERNAL_URL")
    String externalUrl;

    @Override
    protected Map<String, String> cliValues() {
        Map<String, String> m = super.cliValues();
        m.put("listen", listen);
        m.put("external-url", externalUrl);
        return m;
    }

    @Override
    public Integer call() throws Exception {
        SlipwayConfig config = load();
        if (config.listenPort() == 0) {
            boolean derivedUrl = externalUrl == null && System.getenv("SLIPWAY_EXTERNAL_URL") == null;
            int port = freePort(config.listenHost());
            config = config.withListenPort(port);
            if (derivedUrl) {
                config = config.withExternalUrl("http://" + hostForUrl(config.listenHost()) + ":" + port);
            }
        }
        Slipway slipway = new Slipway(config);
        Optional<String> generated = slipway.identity().bootstrapAdmin(System.getenv("SLIPWAY_ADMIN_PASSWORD"));
        generated.ifPresent(p -> System.out.println("Created site admin 'admin' with password: " + p
                + "\n(shown once; change it with: slipway user password admin)"));
        HttpServer http = new HttpServer(slipway, config).start();
        System.out.println("Slipway listening on " + config.listenHost() + ":" + http.port() + " (external URL "
                + config.externalUrl() + ", data " + config.dataDir() + ", database " + (config.isSqlite() ? "SQLite" : "PostgreSQL") + ")");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            http.close();
            slipway.close();
            stop.countDown();
        }, "shutdown"));
        stop.await();
        return 0;
    }

    private static String hostForUrl(String host) {
        return host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1" : host;
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(hostForUrl(host)))) {
            return s.getLocalPort();
        }
    }
}
