package dev.slipway.ci.secret;

import dev.slipway.core.Aead;
import dev.slipway.core.Clock;
import dev.slipway.core.KeyFiles;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The secrets store: named values scoped globally, to an owner, to a repository or to one of a
 * repository's deployment environments ({@link SecretScope}).
 *
 * <p>Layout. Values live in table {@code ci_secrets} (migration {@code V5__ci_secrets.sql}), one
 * row per (scope, name): {@code scope} is {@link SecretScope#wireName()}, {@code name} is upper
 * case, {@code sealed} is base64 of {@code nonce || AES-256-GCM ciphertext || tag} with associated
 * data {@code "slipway-secret-v1\0<scope>\0<name>"}, and {@code key_id} names the key that sealed
 * it; {@code events} (migration {@code V23__ci_secret_events.sql}) is the events a Woodpecker run must
 * have to get it, separated by spaces, or NULL for every event. The key is {@code <secrets>/secrets.key}: 256 random bits, mode 0600 in a 0700 directory,
 * created on first use. The database alone reveals no value; the database and the key file
 * together reveal all, so back them up together and apart from other data. Losing the key file
 * loses every secret.
 *
 * <p>Names follow Gitea's rules: letters, digits and '_', not starting with a digit, compared
 * case-insensitively, and not starting with {@code GITHUB_}, {@code GITEA_} or {@code SLIPWAY_}
 * (names the runner sets itself).
 */
public final class Secrets implements SecretResolver {
    /** Gitea's limit too. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,127}");
    private static final List<String> RESERVED_PREFIXES = List.of("GITHUB_", "GITEA_", "SLIPWAY_");

    private final Jdbi jdbi;
    private final Path keyFile;
    private final Identity identity;
    private final Clock clock;
    private volatile Aead cipher;

    public Secrets(Jdbi jdbi, Path secretsDir, Identity identity, Clock clock) {
        this.jdbi = jdbi;
        this.keyFile = secretsDir.resolve("secrets.key");
        this.identity = identity;
        this.clock = clock;
    }

    /** The stored form of a name (upper case), or 400 explaining the rules. */
    public static String canonicalName(String name) {
        return canonicalName("secret", name);
    }

    /** The stored form of a secret's or variable's name ({@code what}): Gitea gives both the same rules. */
    static String canonicalName(String what, String name) {
        String n = name == null ? "" : name.toUpperCase(Locale.ROOT);
        if (!NAME.matcher(n).matches()) {
            throw new SlipwayException.BadRequest("invalid " + what + " name '" + name + "': use letters, digits and '_', "
                    + "not starting with a digit, at most 128 characters");
        }
        for (String prefix : RESERVED_PREFIXES) {
            if (n.startsWith(prefix)) {
                throw new SlipwayException.BadRequest("invalid " + what + " name '" + name + "': names starting with "
                        + prefix + " are reserved");
            }
        }
        return n;
    }

    /** Creates or replaces a secret. Returns true if it was created. */
    public boolean put(SecretScope scope, String name, byte[] value) {
        String n = canonicalName(name);
        if (value == null || value.length == 0) {
            throw new SlipwayException.BadRequest("the value of secret '" + n + "' is empty");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new SlipwayException.BadRequest("the value of secret '" + n + "' has " + value.length
                    + " bytes; at most " + MAX_VALUE_BYTES + " are allowed");
        }
        Environments.requireScope(jdbi, identity, scope);
        Aead c = cipher();
        String sealed = Base64.getEncoder().encodeToString(c.seal(value, aad(scope, n)));
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            boolean exists = h.createQuery("SELECT COUNT(*) FROM ci_secrets WHERE scope = :s AND name = :n")
                    .bind("s", scope.wireName()).bind("n", n).mapTo(Integer.class).one() > 0;
            h.createUpdate("INSERT INTO ci_secrets(scope, name, key_id, sealed, created_at, updated_at) "
                            + "VALUES (:s, :n, :k, :v, :t, :t) ON CONFLICT (scope, name) DO UPDATE "
                            + "SET key_id = excluded.key_id, sealed = excluded.sealed, updated_at = excluded.updated_at")
                    .bind("s", scope.wireName()).bind("n", n).bind("k", c.keyId()).bind("v", sealed).bind("t", now)
                    .execute();
            return !exists;
        });
    }

    /**
     * Restricts a secret to runs of some events, as Woodpecker's secrets are (its event names:
     * push, tag, pull_request, manual, ...); null or empty lifts the restriction. Values set later
     * keep it. 404 when the scope has no such secret.
     */
    public void restrictEvents(SecretScope scope, String name, List<String> events) {
        String n = canonicalName(name);
        String value = events == null || events.isEmpty() ? null : String.join(" ", events);
        int changed = jdbi.withHandle(h -> h.createUpdate("UPDATE ci_secrets SET events = :e WHERE scope = :s AND name = :n")
                .bind("e", value).bind("s", scope.wireName()).bind("n", n).execute());
        if (changed == 0) {
            throw new SlipwayException.NotFound("secret '" + n + "' is not set in scope " + scope.wireName());
        }
    }

    /** The events the secret of one scope is restricted to, or null for every event (or when it is not set). */
    public List<String> events(SecretScope scope, String name) {
        String n = canonicalName(name);
        return jdbi.withHandle(h -> h.createQuery("SELECT events FROM ci_secrets WHERE scope = :s AND name = :n")
                .bind("s", scope.wireName()).bind("n", n).mapTo(String.class).findOne())
                .map(e -> List.of(e.split(" "))).orElse(null);
    }

    @Override
    public Map<String, List<String>> events(String owner, String repository, Collection<String> names) {
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<String, Sealed> found = winners(SecretScope.searchOrder(owner, repository),
                names.stream().map(n -> n.toUpperCase(Locale.ROOT)).distinct().toList());
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String asked : names) {
            Sealed s = found.get(asked.toUpperCase(Locale.ROOT));
            if (s != null && s.events() != null) {
                out.put(asked, List.of(s.events().split(" ")));
            }
        }
        return out;
    }

    /** The secrets of one scope, by name, without values. */
    public List<SecretInfo> list(SecretScope scope) {
        return jdbi.withHandle(h -> infos(h.createQuery(
                        "SELECT scope, name, created_at, updated_at FROM ci_secrets WHERE scope = :s ORDER BY name")
                .bind("s", scope.wireName())));
    }

    /** Every secret, by scope then name, without values. */
    public List<SecretInfo> list() {
        return jdbi.withHandle(h -> infos(h.createQuery(
                "SELECT scope, name, created_at, updated_at FROM ci_secrets ORDER BY scope, name")));
    }

    private static List<SecretInfo> infos(Query q) {
        return q.map((rs, ctx) -> new SecretInfo(SecretScope.parse(rs.getString(1)), rs.getString(2), rs.getLong(3), rs.getLong(4)))
                .list();
    }

    public void delete(SecretScope scope, String name) {
        String n = canonicalName(name);
        int deleted = jdbi.withHandle(h -> h.createUpdate("DELETE FROM ci_secrets WHERE scope = :s AND name = :n")
                .bind("s", scope.wireName()).bind("n", n).execute());
        if (deleted == 0) {
            throw new SlipwayException.NotFound("secret '" + n + "' is not set in scope " + scope.wireName());
        }
    }

    @Override
    public Map<String, byte[]> resolve(String owner, String repository, Collection<String> names) {
        List<SecretScope> order = SecretScope.searchOrder(owner, repository);
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<String, Sealed> found = winners(order, names.stream().map(n -> n.toUpperCase(Locale.ROOT)).distinct().toList());
        Map<String, byte[]> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String asked : names) {
            Sealed s = found.get(asked.toUpperCase(Locale.ROOT));
            if (s == null) {
                missing.add(asked);
            } else {
                out.put(asked, open(s));
            }
        }
        if (!missing.isEmpty()) {
            out.values().forEach(v -> java.util.Arrays.fill(v, (byte) 0));
            throw new MissingSecretException(missing, order);
        }
        return out;
    }

    /** Every secret the scopes hold, by name, each from the first scope in {@code order} that has it. Fresh arrays. */
    SortedMap<String, byte[]> visible(List<SecretScope> order) {
        SortedMap<String, byte[]> out = new TreeMap<>();
        winners(order, null).forEach((name, s) -> out.put(name, open(s)));
        return out;
    }

    private record Sealed(SecretScope scope, String name, String keyId, String sealed, String events) {}

    /** The stored row of each name ({@code names}, upper case; null for all) from the first scope in {@code order} that has it. */
    private Map<String, Sealed> winners(List<SecretScope> order, List<String> names) {
        List<Sealed> rows = jdbi.withHandle(h -> {
            Query q = h.createQuery("SELECT scope, name, key_id, sealed, events FROM ci_secrets WHERE scope IN (<scopes>)"
                            + (names == null ? "" : " AND name IN (<names>)"))
                    .bindList("scopes", order.stream().map(SecretScope::wireName).toList());
            if (names != null) {
                q.bindList("names", names);
            }
            return q.map((rs, ctx) -> new Sealed(SecretScope.parse(rs.getString(1)), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)))
                    .list();
        });
        return RunValues.byPrecedence(order, rows, Sealed::scope, Sealed::name);
    }

    private byte[] open(Sealed s) {
        return open(s.scope(), s.name(), s.keyId(), s.sealed());
    }

    private byte[] open(SecretScope scope, String name, String keyId, String sealed) {
        Aead c = cipher();
        if (!keyId.equals(c.keyId())) {
            throw new IllegalStateException("secret " + name + " in scope " + scope.wireName() + " was sealed with key "
                    + keyId + ", but " + keyFile + " is key " + c.keyId() + ": restore the key file that belongs to this database");
        }
        try {
            return c.open(Base64.getDecoder().decode(sealed), aad(scope, name));
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new IllegalStateException("secret " + name + " in scope " + scope.wireName()
                    + " fails its integrity check: the stored value was changed or moved", e);
        }
    }

    /** The cipher, creating the key file on first use (so commands that never touch secrets leave no key behind). */
    /** The associated data of a stored secret: a format label, the scope and the name, NUL-separated. */
    static byte[] aad(SecretScope scope, String name) {
        return ("slipway-secret-v1\0" + scope.wireName() + "\0" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private Aead cipher() {
        Aead c = cipher;
        if (c == null) {
            synchronized (this) {
                if (cipher == null) {
                    try {
                        cipher = new Aead(KeyFiles.loadOrCreate(keyFile, 32));
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read or create the secrets key " + keyFile, e);
                    }
                }
                c = cipher;
            }
        }
        return c;
    }
}
