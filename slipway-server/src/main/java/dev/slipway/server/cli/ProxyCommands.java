package dev.slipway.server.cli;

import dev.slipway.core.Durations;
import dev.slipway.registry.proxy.Proxies;
import dev.slipway.server.Slipway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slipway registry proxy add|list|remove}: owners that are pull-through caches of an upstream registry. */
public final class ProxyCommands {
    private ProxyCommands() {}

    @Command(name = "proxy", mixinStandardHelpOptions = true,
            description = {"Pull-through caches: OWNER/NAME is fetched from UPSTREAM_URL/NAME on first pull, then served locally.",
                    "Pulls need any authenticated user (anyone with --public); pushes are refused. See docs/proxy.md."},
            subcommands = {Add.class, List.class, Remove.class})
    public static final class Proxy {}

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Make OWNER a cache of the registry at UPSTREAM_URL (e.g. https://registry-1.docker.io).",
                    "Creates OWNER as an organization if it does not exist."})
    static final class Add extends AdminCommands.StateCommand {
        @Parameters(index = "0", paramLabel = "OWNER", description = "The organization that mirrors the upstream.")
        String owner;
        @Parameters(index = "1", paramLabel = "UPSTREAM_URL", description = "The upstream registry, such as https://registry-1.docker.io.")
        String url;
        @Option(names = "--username", description = "User name for the upstream (with --password-stdin)")
        String username;
        @Option(names = "--password-stdin", description = "Read the upstream password or token from standard input")
        boolean passwordStdin;
        @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "10m",
                description = "How long a cached tag is served before the upstream is asked again (0, 30s, 10m, 2h, 7d). Default: ${DEFAULT-VALUE}")
        String ttl;
        @Option(names = "--public", description = "Allow anonymous pulls (default: any authenticated user)")
        boolean isPublic;

        @Override
        int run(Slipway s) throws Exception {
            String password = passwordStdin ? AdminCommands.readLine() : null;
            if (username != null && password == null) {
                throw new IllegalArgumentException("--username needs --password-stdin");
            }
            Proxies.Proxy p = s.proxies().add(owner, url, username, password, Durations.parse(ttl), isPublic);
            System.out.println("'" + p.owner() + "' is now a pull-through cache of " + p.upstream() + " (ttl " + Durations.format(p.ttl())
                    + (p.isPublic() ? ", public" : "") + ")");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List proxies: owner, upstream, user, ttl, access.")
    static final class List extends AdminCommands.StateCommand {
        @Override
        int run(Slipway s) {
            for (Proxies.Proxy p : s.proxies().list()) {
                System.out.println(p.owner() + "\t" + p.upstream() + "\t" + (p.username() == null ? "-" : p.username()) + "\tttl "
                        + Durations.format(p.ttl()) + "\t" + (p.isPublic() ? "public" : "authenticated"));
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Stop proxying OWNER. The organization and what it cached stay, as ordinary repositories.")
    static final class Remove extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "OWNER", description = "The proxying organization.")
        String owner;

        @Override
        int run(Slipway s) {
            s.proxies().remove(owner);
            System.out.println("'" + owner + "' is no longer a proxy");
            return 0;
        }
    }
}
