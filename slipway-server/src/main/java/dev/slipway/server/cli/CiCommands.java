package dev.slipway.server.cli;

import dev.slipway.ci.workspace.Caches;
import dev.slipway.ci.workspace.DeployTargets;
import dev.slipway.core.Sizes;
import dev.slipway.server.Slipway;
import java.nio.file.Path;
import java.util.List;
import dev.slipway.ci.registration.Registration;
import dev.slipway.ci.registration.Registrations;
import dev.slipway.ci.trigger.HookDeliveries;
import dev.slipway.ci.trigger.TriggerState;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** CI administration: repositories, deploy targets and caches. Works on the server's state, also while it runs. */
public final class CiCommands {
    private CiCommands() {}

    @Command(name = "repo", mixinStandardHelpOptions = true, description = "Repositories registered for CI: add, list, show, update, remove.",
            subcommands = {RepoAdd.class, RepoList.class, RepoShow.class, RepoUpdate.class, RepoRemove.class})
    public static final class Repo {}

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a registration and how its triggers fare: webhook URL, last delivery, last poll and its error.")
    static final class RepoShow extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "OWNER/NAME", description = "The registered repository.")
        String repository;

        @Override
        int run(Slipway s) {
            String[] on = ownerAndName(repository);
            Registration r = s.registrations().require(on[0], on[1]);
            TriggerState.Status st = s.triggerState().status(r);
            System.out.println(r.fullName() + " (id " + r.id() + ")");
            System.out.println("  clone URL:      " + r.cloneUrl() + (r.keyName() == null ? "" : "  (key " + r.keyName() + ")")
                    + (r.credentialsName() == null ? "" : "  (credentials " + r.credentialsName() + ")"));
            System.out.println("  default branch: " + r.defaultBranch());
            System.out.println("  visibility:     " + (r.isPublic() ? "public (runs and logs readable by everyone)" : "private"));
            System.out.println("  webhook URL:    " + s.config().externalUrl().replaceAll("/+$", "") + "/api/v1/hooks"
                    + (r.triggers().webhookSecret() == null ? "  (no secret yet: 'slipway repo update " + r.fullName()
                    + " --rotate-webhook-secret')" : ""));
            HookDeliveries.Delivery d = st.lastDelivery();
            System.out.println("  last delivery:  " + (d == null ? "none received"
                    : Instant.ofEpochMilli(d.receivedAt()) + "  " + d.forge() + " " + d.event() + "  " + d.status() + "  " + d.summary()));
            System.out.println("  polling:        " + (st.pollInterval() == 0 ? "off" : "every " + st.pollInterval() + " s"));
            if (st.pollInterval() > 0) {
                System.out.println("  last poll:      " + (st.lastPoll() == null ? "not yet" : Instant.ofEpochMilli(st.lastPoll()).toString())
                        + (st.lastPollError() == null ? "" : "  FAILED: " + st.lastPollError()));
            }
            Registration.Triggers t = r.triggers();
            System.out.println("  statuses:       " + (t.statusToken() == null ? "off (no --status-token)"
                    : "token " + t.statusToken() + (t.forge() == null ? "" : ", " + t.forge())
                    + (t.forgeUrl() == null ? "" : " at " + t.forgeUrl())));
            return 0;
        }
    }

    @Command(name = "hooks", mixinStandardHelpOptions = true, description = "Webhooks forges sent: what arrived and what Slipway did.",
            subcommands = {HookDeliveriesCommand.class})
    public static final class Hooks {}

    @Command(name = "deliveries", mixinStandardHelpOptions = true,
            description = "List the newest webhook deliveries of OWNER/NAME: when, which forge and event, the answer, and why.")
    static final class HookDeliveriesCommand extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "OWNER/NAME", description = "The registered repository.")
        String repository;
        @Option(names = "--limit", description = "How many (default: 20)")
        int limit = 20;

        @Override
        int run(Slipway s) {
            String[] on = ownerAndName(repository);
            Registration r = s.registrations().require(on[0], on[1]);
            var list = s.triggerState().deliveries(r, Math.max(1, limit));
            if (list.isEmpty()) {
                System.out.println("no webhook deliveries for " + r.fullName() + " yet (the forge's webhook URL is "
                        + s.config().externalUrl().replaceAll("/+$", "") + "/api/v1/hooks)");
            }
            for (HookDeliveries.Delivery d : list) {
                System.out.println(Instant.ofEpochMilli(d.receivedAt()) + "  " + d.forge() + " " + d.event() + "  " + d.deliveryId()
                        + "  " + d.status() + "  " + d.summary());
            }
            return 0;
        }
    }

    /** How a forge reaches a registration, for repo add and repo update. */
    static final class TriggerOptions {
        @Option(names = "--poll-interval", paramLabel = "SECONDS",
                description = "Seconds between polls for pushes no webhook reported (0: no polling; default: ci.poll-interval)")
        Integer pollInterval;
        @Option(names = "--forge", paramLabel = "gitea|forgejo|github",
                description = "The forge commit statuses go to (default: the forge whose webhooks arrive; '' clears it)")
        String forge;
        @Option(names = "--forge-url", paramLabel = "URL",
                description = "The forge's API base URL for commit statuses, such as https://gitea.example/api/v1 (default: from webhooks; "
                        + "https://api.github.com for github; '' clears it)")
        String forgeUrl;
        @Option(names = "--forge-repository", paramLabel = "OWNER/NAME",
                description = "The repository's name on the forge, if it differs from this one's (default: from webhooks; '' clears it)")
        String forgeRepository;
        @Option(names = "--status-token", paramLabel = "SECRET",
                description = "A secret holding a forge token that may post commit statuses (Gitea and Forgejo: write:repository scope; "
                        + "GitHub: repo:status); without one no statuses are posted ('' clears it)")
        String statusToken;
        @Option(names = "--visibility", paramLabel = "public|private",
                description = "public: its runs and logs are readable by everyone, signed in or not; private (the default): "
                        + "only by its owner's namespace")
        String visibility;

        /** true, false, or null when not given. */
        Boolean isPublic() {
            if (visibility == null) {
                return null;
            }
            if (!visibility.equals("public") && !visibility.equals("private")) {
                throw new IllegalArgumentException("--visibility must be 'public' or 'private', not '" + visibility + "'");
            }
            return visibility.equals("public");
        }
    }

    /** OWNER/NAME split, with a clear error for anything else. */
    static String[] ownerAndName(String repository) {
        int slash = repository.indexOf('/');
        if (slash <= 0 || slash == repository.length() - 1) {
            throw new IllegalArgumentException("expected OWNER/NAME, got '" + repository + "'");
        }
        return new String[] {repository.substring(0, slash), repository.substring(slash + 1)};
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the repositories of OWNER registered for CI.")
    static final class RepoList extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "OWNER", description = "The user or organization.")
        String owner;

        @Override
        int run(Slipway s) {
            var rows = s.registrations().of(owner);
            if (rows.isEmpty()) {
                System.out.println("no repositories of " + owner + " are registered");
            }
            for (var r : rows) {
                System.out.println(r.fullName() + "  " + r.cloneUrl() + "  branch " + r.defaultBranch() + (r.isPublic() ? "  public" : "")
                        + (r.keyName() == null ? "" : "  key " + r.keyName()) + (r.credentialsName() == null ? "" : "  credentials " + r.credentialsName()));
            }
            return 0;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change a registration: options given replace their value; --key '' or --credentials '' clears it; "
                    + "--visibility public makes its runs and logs readable by everyone.")
    static final class RepoUpdate extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "OWNER/NAME", description = "The registered repository.")
        String repository;
        @Option(names = "--clone-url", description = "New clone URL (https, ssh or file)")
        String cloneUrl;
        @Option(names = "--branch", description = "New default branch")
        String branch;
        @Option(names = "--key", description = "Deploy key name for an ssh URL ('' clears it)")
        String key;
        @Option(names = "--credentials", description = "Secret with user:token for an https URL ('' clears it)")
        String credentials;
        @Option(names = "--rotate-webhook-secret", description = "Make a new webhook secret and print it once")
        boolean rotate;
        @Mixin
        TriggerOptions triggers = new TriggerOptions();

        @Override
        int run(Slipway s) {
            Integer pollInterval = triggers.pollInterval;
            String forge = triggers.forge;
            String forgeUrl = triggers.forgeUrl;
            String forgeRepository = triggers.forgeRepository;
            String statusToken = triggers.statusToken;
            String[] on = ownerAndName(repository);
            var r = s.registrations().update(on[0], on[1], new Registrations.Settings(cloneUrl, branch, key, credentials, null, rotate,
                    pollInterval, forge, forgeUrl, forgeRepository, statusToken, triggers.isPublic()));
            if (r.webhookSecret() != null) {
                System.out.println("New webhook secret (shown once): " + r.webhookSecret());
            }
            System.out.println("Updated " + repository);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a registration (refused while one of its runs is queued or running); its finished runs and logs stay.")
    static final class RepoRemove extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "OWNER/NAME", description = "The registered repository.")
        String repository;

        @Override
        int run(Slipway s) {
            String[] on = ownerAndName(repository);
            s.registrations().remove(on[0], on[1]);
            System.out.println("Removed " + repository);
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Register OWNER/NAME with its clone URL (https, ssh or file); --key names the deploy key for ssh, "
                    + "--credentials the secret with user:token for https.")
    static final class RepoAdd extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "OWNER/NAME", description = "The owner (a user or organization) and a name for the repository.")
        String repository;
        @Option(names = "--clone-url", required = true, description = "https://..., ssh://... or git@host:path, or file:///path on the server")
        String cloneUrl;
        @Option(names = "--branch", description = "Default branch (default: main)")
        String branch = "main";
        @Option(names = "--key", description = "Deploy key name, for an ssh URL (see 'slipway keys')")
        String key;
        @Option(names = "--credentials", description = "Secret with user:token or a token, for an https URL (see 'slipway secret')")
        String credentials;
        @Option(names = "--webhook-secret", description = "The secret forges sign webhooks with (default: a new random one, printed once)")
        String webhookSecret;
        @Mixin
        TriggerOptions triggers = new TriggerOptions();

        @Override
        int run(Slipway s) {
            Integer pollInterval = triggers.pollInterval;
            String forge = triggers.forge;
            String forgeUrl = triggers.forgeUrl;
            String forgeRepository = triggers.forgeRepository;
            String statusToken = triggers.statusToken;
            String[] on = ownerAndName(repository);
            String owner = on[0];
            if (s.identity().ownerKind(owner).isEmpty()) {
                throw new IllegalArgumentException("no user or organization '" + owner + "'");
            }
            var r = s.registrations().register(owner, on[1], new Registrations.Settings(cloneUrl, branch, key, credentials, webhookSecret,
                    false, pollInterval, forge, forgeUrl, forgeRepository, statusToken, triggers.isPublic()));
            System.out.println("Registered " + repository + " (id " + r.registration().id() + ")");
            System.out.println();
            System.out.println("Add a webhook on the forge (Gitea/Forgejo: Settings > Webhooks > Add > Gitea; GitHub: Settings > Webhooks),");
            System.out.println("content type application/json, events push, create and pull request:");
            System.out.println("  URL:    " + s.config().externalUrl().replaceAll("/+$", "") + "/api/v1/hooks");
            System.out.println("  Secret: " + r.webhookSecret() + "   (shown once; 'slipway repo update " + repository
                    + " --rotate-webhook-secret' makes a new one)");
            int poll = r.registration().triggers().pollInterval() != null ? r.registration().triggers().pollInterval()
                    : (int) s.config().ci().pollInterval().toSeconds();
            System.out.println(poll == 0 ? "Polling is off: only webhooks and the API start runs."
                    : "Without webhooks, pushes are found by polling every " + poll + " s.");
            return 0;
        }
    }

    @Command(name = "deploy-target", mixinStandardHelpOptions = true,
            description = "Host directories tasks may write (the only writable host paths a task can get).",
            subcommands = {TargetAdd.class, TargetList.class, TargetRemove.class})
    public static final class DeployTarget {}

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Register NAME at PATH, writable by the repositories given with --allow.")
    static final class TargetAdd extends AdminCommands.StateCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "A name pipelines use in 'deploy:'.")
        String name;
        @Parameters(index = "1", paramLabel = "PATH", description = "The host directory.")
        Path path;
        @Option(names = "--allow", paramLabel = "OWNER/REPO[@BRANCH]", description = "Repositories (optionally one branch) allowed to write it; repeatable")
        List<String> allow = List.of();

        @Override
        int run(Slipway s) {
            DeployTargets.Target t = s.deployTargets().add(name, path.toAbsolutePath().normalize(), allow);
            System.out.println("Deploy target '" + t.name() + "' at " + t.path() + ", allowed: " + (t.allowed().isEmpty() ? "nobody yet" : String.join(", ", t.allowed())));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List deploy targets.")
    static final class TargetList extends AdminCommands.StateCommand {
        @Override
        int run(Slipway s) {
            for (DeployTargets.Target t : s.deployTargets().list()) {
                System.out.println(t.name() + "\t" + t.path() + "\t" + String.join(",", t.allowed()));
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a deploy target (the directory is left alone).")
    static final class TargetRemove extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "NAME", description = "The deploy target.")
        String name;

        @Override
        int run(Slipway s) {
            s.deployTargets().remove(name);
            System.out.println("Removed deploy target '" + name + "'");
            return 0;
        }
    }

    @Command(name = "cache", mixinStandardHelpOptions = true, description = "CI caches: list, set quotas, release.",
            subcommands = {CacheList.class, CacheRelease.class, CacheQuota.class})
    public static final class Cache {}

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List caches with size, quota and owners.")
    static final class CacheList extends AdminCommands.StateCommand {
        @Override
        int run(Slipway s) {
            for (Caches.Cache c : s.caches().list()) {
                System.out.println(c.id() + "\t" + Sizes.format(c.sizeBytes()) + "\tquota " + (c.quotaBytes() == null ? "default" : Sizes.format(c.quotaBytes()))
                        + "\towners " + String.join(",", c.owners()));
            }
            return 0;
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "REPO no longer needs the cache; it is deleted when its last owner releases it.")
    static final class CacheRelease extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "NAME", description = "The cache's name, as the pipeline names it.")
        String name;
        @Option(names = "--repo", required = true, paramLabel = "OWNER/REPO", description = "The repository that releases the cache.")
        String repo;
        @Option(names = "--shared", description = "The shared cache of that name (default: the repository's private cache)")
        boolean shared;

        @Override
        int run(Slipway s) {
            boolean deleted = s.caches().release(Caches.id(repo, name, shared), repo);
            System.out.println(deleted ? "Released and deleted cache '" + name + "'" : "Released; other owners still use cache '" + name + "'");
            return 0;
        }
    }

    @Command(name = "quota", mixinStandardHelpOptions = true, description = "Set a cache's quota (SIZE, or 'default').")
    static final class CacheQuota extends AdminCommands.StateCommand {
        @Parameters(index = "0", paramLabel = "CACHE_ID", description = "As 'slipway cache list' shows it")
        String id;
        @Parameters(index = "1", paramLabel = "SIZE", description = "Bytes or 512MiB, 10GB, ...; 'default' for ci.cache-quota.")
        String size;

        @Override
        int run(Slipway s) {
            s.caches().setQuota(id, size.equals("default") ? null : Sizes.parse(size));
            System.out.println("Quota of " + id + " set to " + size);
            return 0;
        }
    }
}
