package dev.slipway.server.cli;

import dev.slipway.core.Durations;
import dev.slipway.core.Sizes;
import dev.slipway.registry.lifecycle.GcReport;
import dev.slipway.registry.lifecycle.ImmutableRule;
import dev.slipway.registry.lifecycle.RetentionPolicy;
import dev.slipway.registry.lifecycle.RetentionReport;
import dev.slipway.registry.lifecycle.TagPattern;
import dev.slipway.server.Slipway;
import dev.slipway.server.cli.AdminCommands.StateCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slipway registry immutable|retention|gc}: the registry's lifecycle (docs/gc.md). */
public final class RegistryLifecycleCommands {
    private RegistryLifecycleCommands() {}

    @Command(name = "immutable", mixinStandardHelpOptions = true,
            description = {"Immutable tags: a push may create them but never move them to another manifest, and they cannot be deleted.",
                    "PATTERN is a comma-separated list of globs (* and ?), each optionally negated with '!': for example v*, !latest or v*,!v*-rc*."},
            subcommands = {ImmutableAdd.class, ImmutableList.class, ImmutableRemove.class})
    public static final class Immutable {}

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Make matching tags of an owner's repositories, or of one repository, immutable.")
    static final class ImmutableAdd extends StateCommand {
        @Parameters(index = "0", paramLabel = "OWNER[/NAME]", description = "An owner (all its repositories) or one repository.")
        String target;
        @Parameters(index = "1", paramLabel = "PATTERN", description = "Tags to make immutable, such as v* or v*,!v*-rc*.")
        String pattern;

        @Override
        int run(Slipway s) {
            ImmutableRule r = s.lifecycle().immutableTags().add(target, pattern);
            System.out.println("Tags matching '" + r.pattern() + "' in " + describe(r) + " are now immutable (rule " + r.id() + ")");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List an owner's immutable-tag rules.")
    static final class ImmutableList extends StateCommand {
        @Parameters(paramLabel = "OWNER", description = "The user or organization.")
        String owner;

        @Override
        int run(Slipway s) {
            for (ImmutableRule r : s.lifecycle().immutableTags().list(owner)) {
                System.out.println(r.id() + "\t" + r.target() + "\t" + r.pattern());
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an immutable-tag rule.")
    static final class ImmutableRemove extends StateCommand {
        @Parameters(index = "0", paramLabel = "OWNER[/NAME]", description = "The owner or repository the rule is on.")
        String target;
        @Parameters(index = "1", paramLabel = "PATTERN", description = "The rule's pattern, as 'immutable list' shows it.")
        String pattern;

        @Override
        int run(Slipway s) {
            s.lifecycle().immutableTags().removeByPattern(target, pattern);
            System.out.println("Removed the rule '" + TagPattern.parse(pattern) + "' on " + target);
            return 0;
        }
    }

    private static String describe(ImmutableRule r) {
        return r.repository() == null ? "every repository of " + r.owner() : r.repository();
    }

    @Command(name = "retention", mixinStandardHelpOptions = true,
            description = {"Apply retention policies now (subcommands set, list and remove manage the policies).",
                    "It removes the tags and manifests the policies select and prints them. Use --dry-run to only list them. "
                            + "Disk space is freed by the next 'registry gc'. Policies are set with 'retention set' and also run "
                            + "in the server every registry.retention-interval."},
            subcommands = {RetentionSet.class, RetentionList.class, RetentionRemove.class})
    public static final class Retention extends StateCommand {
        @Option(names = "--dry-run", description = "List what would be removed; change nothing")
        boolean dryRun;
        @Option(names = "--owner", paramLabel = "OWNER", description = "Only this owner's repositories (default: every owner with a policy)")
        String owner;

        @Override
        int run(Slipway s) {
            RetentionReport r = s.lifecycle().retain(owner, dryRun);
            String verb = dryRun ? "would remove" : "removed";
            for (RetentionReport.Tag t : r.tags()) {
                System.out.println(verb + " tag " + t.repository() + ":" + t.tag() + "\t" + t.digest());
            }
            for (RetentionReport.Manifest m : r.manifests()) {
                System.out.println(verb + " manifest " + m.repository() + "@" + m.digest() + "\t" + Sizes.format(m.size())
                        + " + " + Sizes.format(m.blobBytes()) + " of blobs\t(" + m.reason() + ")");
            }
            for (String skipped : r.skipped()) {
                System.out.println("kept " + skipped);
            }
            System.out.println((dryRun ? "Dry run: would remove " : "Removed ") + r.tags().size() + " tags and " + r.manifests().size()
                    + " manifests (" + Sizes.format(r.bytes()) + " including shared blobs; 'registry gc' frees the space)");
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Set the retention policy of an owner (all its repositories) or of one repository (replaces the owner's there).",
                    "A tag goes if it matches --remove (default: every tag), does not match --keep, is not 'latest' (unless --remove "
                            + "names latest), is not immutable, is not among the --keep-last newest and was not pushed within --keep-within. "
                            + "Manifests go when nothing kept uses them; referrers (signatures, SBOMs) go with their subject."})
    static final class RetentionSet extends StateCommand {
        @Parameters(paramLabel = "OWNER[/NAME]", description = "An owner (all its repositories) or one repository.")
        String target;
        @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N most recently pushed tags")
        Integer keepLast;
        @Option(names = "--keep-within", paramLabel = "DURATION", description = "Keep tags pushed within this long (30d, 12h)")
        String keepWithin;
        @Option(names = "--keep", paramLabel = "PATTERN", description = "Always keep tags matching (e.g. v*)")
        String keep;
        @Option(names = "--remove", paramLabel = "PATTERN", description = "Only tags matching may go (e.g. sha-*,pr-*)")
        String remove;
        @Option(names = "--untagged-older-than", paramLabel = "DURATION",
                description = "Remove manifests untagged for this long (by push time) unless something kept uses them")
        String untaggedOlderThan;

        @Override
        int run(Slipway s) {
            String owner = target.contains("/") ? target.substring(0, target.indexOf('/')) : target;
            RetentionPolicy p = new RetentionPolicy(owner, target.contains("/") ? target : null, keepLast,
                    keepWithin == null ? null : Durations.parse(keepWithin), keep == null ? null : TagPattern.parse(keep),
                    remove == null ? null : TagPattern.parse(remove), untaggedOlderThan == null ? null : Durations.parse(untaggedOlderThan));
            s.lifecycle().setPolicy(p);
            System.out.println("Retention policy of " + p.target() + ": " + p.describe());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List an owner's retention policies.")
    static final class RetentionList extends StateCommand {
        @Parameters(paramLabel = "OWNER", description = "The user or organization.")
        String owner;

        @Override
        int run(Slipway s) {
            for (RetentionPolicy p : s.lifecycle().policies(owner)) {
                System.out.println(p.target() + "\t" + p.describe());
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove the retention policy of an owner or repository.")
    static final class RetentionRemove extends StateCommand {
        @Parameters(paramLabel = "OWNER[/NAME]", description = "The owner or repository whose policy goes.")
        String target;

        @Override
        int run(Slipway s) {
            s.lifecycle().removePolicy(target);
            System.out.println("Removed the retention policy of " + target);
            return 0;
        }
    }

    @Command(name = "gc", mixinStandardHelpOptions = true,
            description = {"Collect garbage now, while the server runs, and print what it reclaimed.",
                    "It removes blobs no manifest uses (after registry.gc-grace), files nothing names, and uploads abandoned "
                            + "for registry.upload-max-age. Also runs in the server every registry.gc-interval."})
    public static final class Gc extends StateCommand {
        @Option(names = "--dry-run", description = "Report what would be reclaimed; change nothing")
        boolean dryRun;

        @Option(names = "--here", description = "Collect in this process even when a server runs on the data directory")
        boolean here;

        @Override
        int run(Slipway s) throws Exception {
            // A second process writing the same SQLite file would make pushes wait in SQLite's busy handler:
            // when a server runs, it collects (with its pacing) and this command reports.
            var server = here ? java.util.Optional.<String>empty() : dev.slipway.server.RunningServers.url(s.config().dataDir());
            GcReport r = server.isPresent() ? viaServer(s, server.get()) : null;
            if (r == null) {
                r = s.lifecycle().collectGarbage(dryRun);
            }
            System.out.println((dryRun ? "Dry run: would remove " : "Removed ") + r.files() + " files (" + Sizes.format(r.fileBytes()) + "), "
                    + r.links() + " blob links, " + r.blobs() + " blob records, " + r.uploads() + " abandoned uploads ("
                    + Sizes.format(r.uploadBytes()) + "); " + Sizes.format(r.bytes()) + (dryRun ? " reclaimable" : " reclaimed")
                    + (server.isPresent() ? " (by the running server at " + server.get() + ")" : ""));
            return 0;
        }

        /** Asks the server with a site-admin token made for this call and deleted after it; null if that cannot be done. */
        private GcReport viaServer(Slipway s, String url) throws Exception {
            String name = "cli-gc-" + dev.slipway.core.Ids.randomHex(6);
            dev.slipway.core.identity.Identity.CreatedToken token;
            try {
                token = s.identity().createToken("admin", name, java.util.List.of(dev.slipway.core.identity.Scope.ADMIN));
            } catch (RuntimeException noAdmin) {
                System.err.println("note: cannot ask the running server (" + noAdmin.getMessage() + "); collecting here");
                return null;
            }
            try {
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/v1/admin/registry/gc" + (dryRun ? "?dry_run=true" : "")))
                        .header("Authorization", "token " + token.secret()).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build();
                var answer = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("the running server at " + url + " answered " + answer.statusCode() + ": " + answer.body());
                }
                var o = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body());
                return new GcReport(o.path("dry_run").asBoolean(), o.path("uploads").asInt(), o.path("upload_bytes").asLong(),
                        o.path("links").asInt(), o.path("blobs").asInt(), o.path("files").asInt(), o.path("file_bytes").asLong());
            } catch (java.io.IOException unreachable) {
                System.err.println("note: the server at " + url + " does not answer (" + unreachable.getMessage() + "); collecting here");
                return null;
            } finally {
                s.identity().deleteToken("admin", name);
            }
        }
    }
}
