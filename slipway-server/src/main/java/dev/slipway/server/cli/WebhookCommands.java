package dev.slipway.server.cli;

import dev.slipway.registry.events.Webhooks;
import dev.slipway.server.Slipway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slipway webhook add|list|remove}: where registry events are delivered (see docs/events.md). */
public final class WebhookCommands {
    private WebhookCommands() {}

    @Command(name = "webhook", mixinStandardHelpOptions = true,
            description = {"Webhooks: registry events (manifest pushed, tag deleted, manifest deleted) sent as signed JSON POSTs.",
                    "Deliveries are retried with backoff until they answer 2xx. See docs/events.md."},
            subcommands = {Add.class, List.class, Remove.class})
    public static final class Webhook {}

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a webhook; prints its id. The secret signs each body (X-Slipway-Signature: sha256=<HMAC-SHA256 hex>).")
    static final class Add extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "URL", description = "Where deliveries are POSTed (http or https).")
        String url;
        @Option(names = "--secret-stdin", required = true, description = "Read the signing secret from standard input")
        boolean secretStdin;
        @Option(names = "--owner", paramLabel = "OWNER", description = "Only events of OWNER's repositories (default: every owner)")
        String owner;

        @Override
        int run(Slipway s) throws Exception {
            String secret = AdminCommands.readLine();
            System.out.println(s.webhooks().add(url, secret, owner).id());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List webhooks: id, URL, owner, deliveries pending/delivered/failed.")
    static final class List extends AdminCommands.StateCommand {
        @Override
        int run(Slipway s) {
            for (Webhooks.Webhook w : s.webhooks().list()) {
                System.out.println(w.id() + "\t" + w.url() + "\t" + (w.owner() == null ? "*" : w.owner()) + "\tpending " + w.pending()
                        + ", delivered " + w.delivered() + ", failed " + w.failed());
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a webhook and its pending deliveries.")
    static final class Remove extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "ID", description = "The webhook's id, as 'webhook list' shows it.")
        String id;

        @Override
        int run(Slipway s) {
            s.webhooks().remove(id);
            System.out.println("Removed webhook " + id);
            return 0;
        }
    }
}
