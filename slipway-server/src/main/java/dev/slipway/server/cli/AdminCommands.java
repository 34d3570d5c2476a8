package dev.slipway.server.cli;

import dev.slipway.core.Sizes;
import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Scope;
import dev.slipway.registry.oci.Names;
import dev.slipway.server.Slipway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** State-changing commands; each opens the same database and storage the server uses, and works while it runs. */
public final class AdminCommands {
    private AdminCommands() {}

    /**
     * A command on the server's state. It refuses a data directory that was never initialized
     * (see DataDirectory) rather than create a second, empty one, unless --init.
     */
    abstract static class StateCommand implements Callable<Integer> {
        @Mixin
        StateOptions state;

        @Option(names = "--init", description = "Create the data directory and database if no server has used them yet "
                + "(without it, such a data directory is refused).")
        boolean init;

        @Override
        public final Integer call() throws Exception {
            SlipwayConfig config = state.load();
            boolean fresh = false;
            if (!init) {
                DataDirectory.requireInitialized(config);
            } else {
                fresh = !DataDirectory.initialized(config);
            }
            try (Slipway slipway = new Slipway(config)) {
                if (fresh) {
                    System.err.println("Initialized a new Slipway data directory at " + config.dataDir() + " (database "
                            + dev.slipway.core.db.Database.withoutParameters(config.databaseUrl()) + ")");
                }
                return run(slipway);
            }
        }

        abstract int run(Slipway slipway) throws Exception;
    }

    @Command(name = "user", mixinStandardHelpOptions = true, description = "Manage users.",
            subcommands = {UserCreate.class, UserList.class, UserPassword.class})
    public static final class User {}

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a user. Without --password or --password-stdin a random password is generated and printed.")
    static final class UserCreate extends StateCommand {
        @Parameters(paramLabel = "NAME", description = "Lowercase letters, digits, '.', '_' or '-'")
        String name;
        @Option(names = "--password", description = "The password (at least 8 characters); prefer --password-stdin")
        String password;
        @Option(names = "--password-stdin", description = "Read the password from standard input")
        boolean passwordStdin;
        @Option(names = "--email", description = "The user's e-mail address (optional).")
        String email;
        @Option(names = "--admin", description = "Make the user a site admin")
        boolean admin;

        @Override
        int run(Slipway s) throws Exception {
            String pw = passwordStdin ? readLine() : password;
            boolean generated = pw == null;
            if (generated) {
                pw = dev.slipway.core.Ids.randomHex(12);
            }
            s.identity().createUser(name, pw, email, admin);
            System.out.println(generated ? "Created user '" + name + "' with password: " + pw : "Created user '" + name + "'");
            return 0;
        }
    }

    @Command(name = "password", mixinStandardHelpOptions = true, description = "Set a user's password (read from standard input).")
    static final class UserPassword extends StateCommand {
        @Parameters(paramLabel = "NAME", description = "The user.")
        String name;

        @Override
        int run(Slipway s) throws Exception {
            s.identity().setPassword(name, readLine());
            System.out.println("Password of '" + name + "' changed");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users.")
    static final class UserList extends StateCommand {
        @Override
        int run(Slipway s) {
            for (Identity.User u : s.identity().users()) {
                System.out.println(u.name() + (u.admin() ? "\tadmin" : ""));
            }
            return 0;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Manage personal access tokens.",
            subcommands = {TokenCreate.class, TokenList.class, TokenDelete.class})
    public static final class Token {}

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a personal access token and print only the token (shown once).",
                    "Scopes: read:package (pull), write:package (pull, push, delete), delete:package (pull, delete), "
                            + "read:repository (see CI runs and logs), write:repository (also trigger, cancel and retry runs), "
                            + "admin (everything the user may do)."})
    static final class TokenCreate extends StateCommand {
        @Option(names = "--user", required = true, description = "The user the token acts as.")
        String user;
        @Option(names = "--name", required = true, description = "A name for the token, unique per user (to list and revoke it).")
        String name;
        @Option(names = "--scopes", required = true, split = ",", paramLabel = "SCOPE", description = "Comma-separated scopes")
        List<String> scopes;

        @Override
        int run(Slipway s) {
            List<Scope> parsed = new ArrayList<>();
            for (String sc : scopes) {
                parsed.add(Scope.parse(sc));
            }
            System.out.println(s.identity().createToken(user, name, parsed).secret());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a user's tokens (never their secrets).")
    static final class TokenList extends StateCommand {
        @Option(names = "--user", required = true, description = "The user whose tokens to list.")
        String user;

        @Override
        int run(Slipway s) {
            for (Identity.TokenInfo t : s.identity().tokens(user)) {
                System.out.println(t.name() + "\t..." + t.lastEight() + "\t" + String.join(",", t.scopes()));
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Revoke a token.")
    static final class TokenDelete extends StateCommand {
        @Option(names = "--user", required = true, description = "The user the token belongs to.")
        String user;
        @Option(names = "--name", required = true, description = "The token's name.")
        String name;

        @Override
        int run(Slipway s) {
            s.identity().deleteToken(user, name);
            System.out.println("Revoked token '" + name + "' of '" + user + "'");
            return 0;
        }
    }

    @Command(name = "org", mixinStandardHelpOptions = true, description = "Manage organizations.",
            subcommands = {OrgCreate.class, OrgAddMember.class, OrgRemoveMember.class})
    public static final class Org {}

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an organization.")
    static final class OrgCreate extends StateCommand {
        @Parameters(paramLabel = "NAME", description = "Lowercase letters, digits, '.', '_' or '-'.")
        String name;
        @Option(names = "--member", paramLabel = "USER", description = "Add these users as members", split = ",")
        List<String> members = List.of();

        @Override
        int run(Slipway s) {
            s.identity().createOrg(name, null);
            for (String m : members) {
                s.identity().addMember(name, m);
            }
            System.out.println("Created organization '" + name + "'");
            return 0;
        }
    }

    @Command(name = "add-member", mixinStandardHelpOptions = true, description = "Add a user to an organization (members can push to it).")
    static final class OrgAddMember extends StateCommand {
        @Parameters(index = "0", paramLabel = "ORG", description = "The organization.")
        String org;
        @Parameters(index = "1", paramLabel = "USER", description = "The user to add.")
        String user;

        @Override
        int run(Slipway s) {
            s.identity().addMember(org, user);
            System.out.println("Added '" + user + "' to '" + org + "'");
            return 0;
        }
    }

    @Command(name = "remove-member", mixinStandardHelpOptions = true, description = "Remove a user from an organization.")
    static final class OrgRemoveMember extends StateCommand {
        @Parameters(index = "0", paramLabel = "ORG", description = "The organization.")
        String org;
        @Parameters(index = "1", paramLabel = "USER", description = "The user to remove.")
        String user;

        @Override
        int run(Slipway s) {
            s.identity().removeMember(org, user);
            System.out.println("Removed '" + user + "' from '" + org + "'");
            return 0;
        }
    }

    @Command(name = "registry", mixinStandardHelpOptions = true, description = "Registry administration.",
            subcommands = {Visibility.class, Quota.class, Repos.class, ProxyCommands.Proxy.class, RegistryLifecycleCommands.Immutable.class,
                    RegistryLifecycleCommands.Retention.class, RegistryLifecycleCommands.Gc.class})
    public static final class RegistryCmd {}

    @Command(name = "visibility", mixinStandardHelpOptions = true,
            description = {"Show or set who may pull: public (anyone, without logging in) or private (the owner, its members and admins).",
                    "OWNER/NAME sets one repository; one not pushed yet gets it when its first push creates it.",
                    "OWNER (no slash) sets the default for the owner's new repositories (private unless set); "
                            + "its existing repositories keep their own visibility."})
    static final class Visibility extends StateCommand {
        @Parameters(index = "0", paramLabel = "OWNER[/NAME]", description = "A repository, or an owner (the default for its new repositories).")
        String target;
        @Parameters(index = "1", arity = "0..1", paramLabel = "public|private", description = "The visibility to set (omit it to show the current one).")
        String visibility;

        @Override
        int run(Slipway s) {
            Boolean isPublic = null;
            if (visibility != null) {
                if (!visibility.equals("public") && !visibility.equals("private")) {
                    throw new IllegalArgumentException("visibility must be 'public' or 'private', not '" + visibility + "'");
                }
                isPublic = visibility.equals("public");
            }
            if (target.contains("/")) {
                repository(s, Names.checkRepository(target), isPublic);
            } else {
                owner(s, target, isPublic);
            }
            return 0;
        }

        private static void repository(Slipway s, String repository, Boolean isPublic) {
            if (isPublic != null) {
                boolean existed = s.registry().setPublic(repository, isPublic);
                System.out.println(existed ? repository + " is now " + word(isPublic)
                        : repository + " is not pushed yet; it will be " + word(isPublic) + " when its first push creates it");
                return;
            }
            var row = s.registry().repository(repository);
            String owner = Names.owner(repository);
            System.out.println(row.isPresent() ? repository + " is " + word(row.get().isPublic())
                    + (s.registry().metadata().tagRows(repository).isEmpty() ? " (no tags yet)" : "")
                    : repository + " is not pushed yet; it will be " + word(s.registry().ownerPublic(owner))
                    + " when its first push creates it (the default of " + owner + ")");
        }

        private static void owner(Slipway s, String owner, Boolean isPublic) {
            if (isPublic != null) {
                int existing = s.registry().setOwnerPublic(owner, isPublic);
                System.out.println("New repositories of " + owner + " will be " + word(isPublic) + ".");
                if (existing > 0) {
                    System.out.println("Its " + existing + " existing repositor" + (existing == 1 ? "y keeps its" : "ies keep their")
                            + " own visibility; change one with: slipway registry visibility " + owner + "/NAME " + word(isPublic));
                }
                return;
            }
            boolean ownerPublic = s.registry().ownerPublic(owner);
            System.out.println("New repositories of " + owner + " are " + word(ownerPublic) + (ownerPublic ? "" : " (the default)"));
        }

        private static String word(boolean isPublic) {
            return isPublic ? "public" : "private";
        }
    }

    @Command(name = "quota", mixinStandardHelpOptions = true,
            description = {"Show or set an owner's registry storage quota (like Gitea's LIMIT_TOTAL_OWNER_SIZE).",
                    "SIZE: bytes or 512MiB, 10GB, ...; -1 for unlimited; 'default' to use registry.owner-quota."})
    static final class Quota extends StateCommand {
        @Parameters(index = "0", paramLabel = "OWNER", description = "The user or organization.")
        String owner;
        @Parameters(index = "1", arity = "0..1", paramLabel = "SIZE", description = "The new quota (omit it to only show usage and quota).")
        String size;

        @Override
        int run(Slipway s) {
            if (size != null) {
                s.identity().setOwnerQuota(owner, size.equals("default") ? null : Sizes.parse(size));
            }
            long used = s.registry().metadata().ownerUsage(owner);
            System.out.println(owner + ": " + Sizes.format(used) + " used of " + Sizes.format(s.registry().quotaOf(owner)));
            return 0;
        }
    }

    @Command(name = "repos", mixinStandardHelpOptions = true, description = "List an owner's repositories with visibility and tags.")
    static final class Repos extends StateCommand {
        @Parameters(paramLabel = "OWNER", description = "The user or organization.")
        String owner;

        @Override
        int run(Slipway s) {
            for (var r : s.registry().metadata().repositoriesOf(owner)) {
                System.out.println(r.name() + "\t" + (r.isPublic() ? "public" : "private") + "\t"
                        + s.registry().metadata().tagRows(r.name()).size() + " tags");
            }
            return 0;
        }
    }

    static String readLine() throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("expected a password or secret on standard input");
        }
        return line;
    }
}
