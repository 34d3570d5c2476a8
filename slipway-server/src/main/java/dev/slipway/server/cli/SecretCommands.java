package dev.slipway.server.cli;

import dev.slipway.ci.secret.DeployKey;
import dev.slipway.ci.secret.SecretInfo;
import dev.slipway.ci.secret.SecretMasker;
import dev.slipway.ci.secret.SecretScope;
import dev.slipway.ci.secret.Secrets;
import dev.slipway.server.Slipway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** CI secrets and deploy keys. Values go in only through standard input or a file, never the command line (ps, shell history). */
public final class SecretCommands {
    private SecretCommands() {}

    private static final String SCOPE_HELP = "global, owner:OWNER (a user or organization), repo:OWNER/NAME or env:OWNER/NAME/ENVIRONMENT "
            + "(an environment of the repository; see 'slipway envs')";

    @Command(name = "secret", mixinStandardHelpOptions = true,
            description = {"Manage CI secrets. Values are encrypted at rest and never shown again.",
                    "A run in OWNER/NAME sees repo:OWNER/NAME first, then owner:OWNER, then global; a GitHub Actions job "
                            + "with an environment sees env:OWNER/NAME/ENVIRONMENT before them."},
            subcommands = {SecretSet.class, SecretList.class, SecretDelete.class})
    public static final class Secret {}

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Create or replace a secret. Names are letters, digits and '_', case-insensitive.",
                    "--value-stdin drops one trailing newline (as typed or echoed); --from-file keeps the bytes exactly."})
    static final class SecretSet extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "NAME", description = "The secret's name.")
        String name;
        @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = SCOPE_HELP)
        String scope;
        @ArgGroup(multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--value-stdin", required = true, description = "Read the value from standard input")
            boolean stdin;
            @Option(names = "--from-file", required = true, paramLabel = "FILE", description = "Read the value from a file, byte for byte")
            Path file;
        }

        @Override
        int run(Slipway s) throws Exception {
            SecretScope sc = SecretScope.parse(scope);
            byte[] value = source.file != null ? Files.readAllBytes(source.file) : withoutTrailingNewline(System.in.readAllBytes());
            boolean created = s.secrets().put(sc, name, value);
            System.out.println((created ? "Created" : "Updated") + " secret " + Secrets.canonicalName(name) + " in " + sc.wireName());
            if (!SecretMasker.isMaskable(value)) {
                System.err.println("warning: values shorter than " + SecretMasker.MIN_LENGTH + " bytes are not masked in logs");
            }
            return 0;
        }

        private static byte[] withoutTrailingNewline(byte[] v) {
            int n = v.length;
            if (n > 0 && v[n - 1] == '\n') {
                n--;
                if (n > 0 && v[n - 1] == '\r') {
                    n--;
                }
            }
            return Arrays.copyOf(v, n);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List secrets: name, scope and last update, never values.")
    static final class SecretList extends AdminCommands.StateCommand {
        @Option(names = "--scope", paramLabel = "SCOPE", description = "Only this scope: " + SCOPE_HELP)
        String scope;

        @Override
        int run(Slipway s) {
            List<SecretInfo> all = scope == null ? s.secrets().list() : s.secrets().list(SecretScope.parse(scope));
            for (SecretInfo i : all) {
                System.out.println(i.name() + "\t" + i.scope().wireName() + "\t" + Instant.ofEpochMilli(i.updatedAt()));
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a secret from one scope.")
    static final class SecretDelete extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "NAME", description = "The secret's name.")
        String name;
        @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = SCOPE_HELP)
        String scope;

        @Override
        int run(Slipway s) {
            SecretScope sc = SecretScope.parse(scope);
            s.secrets().delete(sc, name);
            System.out.println("Deleted secret " + Secrets.canonicalName(name) + " from " + sc.wireName());
            return 0;
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = {"Manage deploy keys: ed25519 key pairs with which Slipway reads repositories over SSH.",
                    "Stored as <data>/secrets/git-ssh/<owner>/{public,private}/<name>; the private half never leaves the server. "
                            + "--owner defaults to the site admin 'admin'."},
            subcommands = {KeysCreate.class, KeysShow.class, KeysList.class, KeysDelete.class})
    public static final class Keys {}

    /** The owner option of the key commands; the site admin by default, as on a one-person install. */
    static final class OwnerOption {
        @Option(names = "--owner", paramLabel = "OWNER", defaultValue = "admin", description = "User or organization owning the key. Default: admin")
        String owner;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Generate a key pair and print the public key to add as a read-only deploy key in the forge.")
    static final class KeysCreate extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "NAME", description = "Letters, digits, '.', '_' or '-'")
        String name;
        @Mixin
        OwnerOption owner;

        @Override
        int run(Slipway s) {
            DeployKey k = s.deployKeys().create(owner.owner, name);
            System.err.println("Created deploy key " + k.owner() + "/" + k.name() + " (" + k.fingerprint() + "). "
                    + "Add this public key as a read-only deploy key in the forge:");
            System.out.println(k.publicKey());
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a key's OpenSSH public key line.")
    static final class KeysShow extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "NAME", description = "The key's name.")
        String name;
        @Mixin
        OwnerOption owner;

        @Override
        int run(Slipway s) {
            System.out.println(s.deployKeys().get(owner.owner, name).publicKey());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List deploy keys: owner/name, fingerprint, creation time.")
    static final class KeysList extends AdminCommands.StateCommand {
        @Option(names = "--owner", paramLabel = "OWNER", description = "Only this owner's keys. Default: every owner's")
        String owner;

        @Override
        int run(Slipway s) {
            for (DeployKey k : s.deployKeys().list(owner)) {
                System.out.println(k.owner() + "/" + k.name() + "\t" + k.fingerprint() + "\t" + Instant.ofEpochMilli(k.createdAt()));
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a deploy key. Refuses while a repository or pipeline uses it, unless --force.")
    static final class KeysDelete extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "NAME", description = "The key's name.")
        String name;
        @Mixin
        OwnerOption owner;
        @Option(names = "--force", description = "Delete even while in use (those checkouts will fail)")
        boolean force;

        @Override
        int run(Slipway s) {
            List<String> users = s.deployKeys().delete(owner.owner, name, force);
            if (!users.isEmpty()) {
                System.err.println("warning: deploy key " + owner.owner + "/" + name + " was still used by " + String.join(", ", users));
            }
            System.out.println("Deleted deploy key " + owner.owner + "/" + name);
            return 0;
        }
    }
}
