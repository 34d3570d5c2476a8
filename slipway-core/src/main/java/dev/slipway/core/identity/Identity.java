package dev.slipway.core.identity;

import dev.slipway.core.Clock;
import dev.slipway.core.Ids;
import dev.slipway.core.SlipwayException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Users, organizations, personal access tokens and the one permission check every part uses.
 *
 * <p>Tables (see {@code db/migration/core/V1__identity.sql}): {@code owners} holds the shared
 * namespace of users and organizations; {@code access_tokens} keeps only SHA-256 hashes of tokens
 * (tokens are 160 random bits, so a fast hash is safe); passwords use {@link PasswordHasher}.
 */
public final class Identity {
    /** Owner names are one component of the OCI name grammar, so they can start a repository name. */
    private static final Pattern OWNER_NAME = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");
    private static final long PASSWORD_CACHE_MILLIS = 60_000;

    public enum OwnerKind { USER, ORG }

    public record User(String name, String email, boolean admin, long createdAt) {}

    public record TokenInfo(String id, String name, List<String> scopes, String lastEight, long createdAt, Long lastUsedAt) {}

    /** A token just created: {@code secret} is shown once and never stored. */
    public record CreatedToken(TokenInfo info, String secret) {}

    private final Jdbi jdbi;
    private final Clock clock;
    /** Successful password checks, keyed by a hash of user and password: PBKDF2 is slow on purpose. */
    private final Map<String, Long> passwordCache = new ConcurrentHashMap<>();
    private final JobTokens jobTokens;

    public Identity(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.jobTokens = new JobTokens(jdbi, clock);
    }

    /** CI runs' job tokens: they authenticate here like personal access tokens. */
    public JobTokens jobTokens() {
        return jobTokens;
    }

    // ---- owners, users and organizations

    public static void checkOwnerName(String name) {
        if (name == null || name.length() > 40 || !OWNER_NAME.matcher(name).matches()) {
            throw new SlipwayException.BadRequest("invalid name '" + name + "': use lowercase letters, digits and "
                    + "single '.', '_' or '-' between them, at most 40 characters");
        }
    }

    public Optional<OwnerKind> ownerKind(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT kind FROM owners WHERE name = :n").bind("n", name)
                .mapTo(String.class).findOne().map(k -> k.equals("org") ? OwnerKind.ORG : OwnerKind.USER));
    }

    public User createUser(String name, String password, String email, boolean admin) {
        checkOwnerName(name);
        if (password == null || password.length() < 8) {
            throw new SlipwayException.BadRequest("password must have at least 8 characters");
        }
        String hash = PasswordHasher.hash(password);
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM owners WHERE name = :n").bind("n", name).mapTo(Integer.class).one() > 0) {
                throw new SlipwayException.Conflict("user or organization '" + name + "' already exists");
            }
            h.createUpdate("INSERT INTO owners(name, kind, created_at) VALUES (:n, 'user', :t)").bind("n", name).bind("t", now).execute();
            h.createUpdate("INSERT INTO users(name, password_hash, email, is_admin) VALUES (:n, :p, :e, :a)")
                    .bind("n", name).bind("p", hash).bind("e", email).bind("a", admin).execute();
        });
        return new User(name, email, admin, now);
    }

    public Optional<User> user(String name) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT u.name, u.email, u.is_admin, o.created_at FROM users u JOIN owners o ON o.name = u.name WHERE u.name = :n")
                .bind("n", name)
                .map((rs, ctx) -> new User(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4)))
                .findOne());
    }

    public List<User> users() {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT u.name, u.email, u.is_admin, o.created_at FROM users u JOIN owners o ON o.name = u.name ORDER BY u.name")
                .map((rs, ctx) -> new User(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4)))
                .list());
    }

    public void setPassword(String name, String password) {
        if (password == null || password.length() < 8) {
            throw new SlipwayException.BadRequest("password must have at least 8 characters");
        }
        int n = jdbi.withHandle(h -> h.createUpdate("UPDATE users SET password_hash = :p WHERE name = :n")
                .bind("p", PasswordHasher.hash(password)).bind("n", name).execute());
        if (n == 0) {
            throw new SlipwayException.NotFound("user '" + name + "' does not exist");
        }
        passwordCache.clear();
    }

    public void createOrg(String name, String firstMember) {
        checkOwnerName(name);
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM owners WHERE name = :n").bind("n", name).mapTo(Integer.class).one() > 0) {
                throw new SlipwayException.Conflict("user or organization '" + name + "' already exists");
            }
            h.createUpdate("INSERT INTO owners(name, kind, created_at) VALUES (:n, 'org', :t)").bind("n", name).bind("t", now).execute();
        });
        if (firstMember != null) {
            addMember(name, firstMember);
        }
    }

    public void addMember(String org, String username) {
        if (ownerKind(org).orElse(null) != OwnerKind.ORG) {
            throw new SlipwayException.NotFound("organization '" + org + "' does not exist");
        }
        if (user(username).isEmpty()) {
            throw new SlipwayException.NotFound("user '" + username + "' does not exist");
        }
        jdbi.useHandle(h -> h.createUpdate(
                        "INSERT INTO org_members(org, username) VALUES (:o, :u) ON CONFLICT (org, username) DO NOTHING")
                .bind("o", org).bind("u", username).execute());
    }

    public void removeMember(String org, String username) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM org_members WHERE org = :o AND username = :u")
                .bind("o", org).bind("u", username).execute());
    }

    public List<String> members(String org) {
        return jdbi.withHandle(h -> h.createQuery("SELECT username FROM org_members WHERE org = :o ORDER BY username")
                .bind("o", org).mapTo(String.class).list());
    }

    /** Every organization's name, sorted. */
    public List<String> orgs() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM owners WHERE kind = 'org' ORDER BY name").mapTo(String.class).list());
    }

    /** The organizations the user is a member of, sorted. */
    public List<String> orgsOf(String username) {
        return jdbi.withHandle(h -> h.createQuery("SELECT org FROM org_members WHERE username = :u ORDER BY org")
                .bind("u", username).mapTo(String.class).list());
    }

    public boolean isMember(String org, String username) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM org_members WHERE org = :o AND username = :u")
                .bind("o", org).bind("u", username).mapTo(Integer.class).one() > 0);
    }

    /** The owner's registry quota in bytes, or empty to use the configured default. */
    public Optional<Long> ownerQuota(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT quota_bytes FROM owners WHERE name = :n").bind("n", owner)
                .mapTo(Long.class).findOne());
    }

    public void setOwnerQuota(String owner, Long bytes) {
        int n = jdbi.withHandle(h -> h.createUpdate("UPDATE owners SET quota_bytes = :q WHERE name = :n")
                .bind("q", bytes).bind("n", owner).execute());
        if (n == 0) {
            throw new SlipwayException.NotFound("user or organization '" + owner + "' does not exist");
        }
    }

    /**
     * On an empty database, creates the site admin {@code admin}. Returns the password when it was
     * generated here (so the caller prints it once), empty otherwise.
     */
    public Optional<String> bootstrapAdmin(String configuredPassword) {
        boolean empty = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users").mapTo(Integer.class).one() == 0);
        if (!empty) {
            return Optional.empty();
        }
        String password = configuredPassword != null && !configuredPassword.isEmpty() ? configuredPassword : Ids.randomHex(12);
        try {
            createUser("admin", password, null, true);
        } catch (SlipwayException.Conflict raced) {
            return Optional.empty(); // another process bootstrapped first
        }
        return configuredPassword != null && !configuredPassword.isEmpty() ? Optional.empty() : Optional.of(password);
    }

    // ---- tokens

    public CreatedToken createToken(String username, String name, Collection<Scope> scopes) {
        if (name == null || name.isBlank() || name.length() > 128) {
            throw new SlipwayException.BadRequest("token name must be 1 to 128 characters");
        }
        if (scopes.isEmpty()) {
            throw new SlipwayException.BadRequest("a token needs at least one scope: read:package, write:package, delete:package or admin");
        }
        if (user(username).isEmpty()) {
            throw new SlipwayException.NotFound("user '" + username + "' does not exist");
        }
        String secret = Ids.randomHex(20);
        String id = Ids.randomHex(8);
        long now = clock.millis();
        List<String> wire = scopes.stream().map(Scope::wireName).distinct().sorted().toList();
        jdbi.useTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM access_tokens WHERE username = :u AND name = :n")
                    .bind("u", username).bind("n", name).mapTo(Integer.class).one() > 0) {
                throw new SlipwayException.Conflict("user '" + username + "' already has a token named '" + name + "'");
            }
            h.createUpdate("INSERT INTO access_tokens(id, username, name, token_hash, last_eight, scopes, created_at) "
                            + "VALUES (:id, :u, :n, :h, :l, :s, :t)")
                    .bind("id", id).bind("u", username).bind("n", name).bind("h", sha256(secret))
                    .bind("l", secret.substring(secret.length() - 8)).bind("s", String.join(",", wire)).bind("t", now)
                    .execute();
        });
        return new CreatedToken(new TokenInfo(id, name, wire, secret.substring(secret.length() - 8), now, null), secret);
    }

    public List<TokenInfo> tokens(String username) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, name, scopes, last_eight, created_at, last_used_at FROM access_tokens WHERE username = :u ORDER BY created_at, name")
                .bind("u", username)
                .map((rs, ctx) -> new TokenInfo(rs.getString(1), rs.getString(2), List.of(rs.getString(3).split(",")),
                        rs.getString(4), rs.getLong(5), (Long) rs.getObject(6) == null ? null : rs.getLong(6)))
                .list());
    }

    /** Deletes by name, or by id (Gitea accepts both). */
    public void deleteToken(String username, String nameOrId) {
        int n = jdbi.withHandle(h -> h.createUpdate("DELETE FROM access_tokens WHERE username = :u AND (name = :n OR id = :n)")
                .bind("u", username).bind("n", nameOrId).execute());
        if (n == 0) {
            throw new SlipwayException.NotFound("user '" + username + "' has no token named '" + nameOrId + "'");
        }
    }

    // ---- authentication

    /** A personal access token or a job token alone (headers {@code token X} and {@code Bearer X}). */
    public Optional<Principal> authenticateToken(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 256) {
            return Optional.empty();
        }
        if (secret.startsWith(JobTokens.PREFIX)) {
            return jobTokens.authenticate(secret);
        }
        record Row(String id, String user, String scopes, boolean admin, Long lastUsed) {}
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery(
                        "SELECT t.id, t.username, t.scopes, u.is_admin, t.last_used_at FROM access_tokens t JOIN users u ON u.name = t.username WHERE t.token_hash = :h")
                .bind("h", sha256(secret))
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), (Long) rs.getObject(5) == null ? null : rs.getLong(5)))
                .findOne());
        return row.map(r -> {
            long now = clock.millis();
            if (r.lastUsed() == null || now - r.lastUsed() > 60_000) { // a write at most once a minute per token
                jdbi.useHandle(h -> h.createUpdate("UPDATE access_tokens SET last_used_at = :t WHERE id = :id")
                        .bind("t", now).bind("id", r.id()).execute());
            }
            EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
            for (String s : r.scopes().split(",")) {
                scopes.add(Scope.parse(s));
            }
            return new Principal(r.user(), r.admin(), scopes);
        });
    }

    /**
     * Basic credentials: the secret may be the user's password or one of the user's tokens. A job
     * token is taken with any user name: tasks do not know whose run they are in, and
     * {@code docker login -u ci} must work.
     */
    public Optional<Principal> authenticate(String username, String secret) {
        if (username == null || secret == null) {
            return Optional.empty();
        }
        Optional<Principal> byToken = authenticateToken(secret);
        if (byToken.isPresent()) {
            return byToken.filter(p -> p.job() != null || p.username().equals(username));
        }
        record Row(String hash, boolean admin) {}
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery("SELECT password_hash, is_admin FROM users WHERE name = :n")
                .bind("n", username).map((rs, ctx) -> new Row(rs.getString(1), rs.getBoolean(2))).findOne());
        if (row.isEmpty()) {
            return Optional.empty();
        }
        String cacheKey = sha256(username + "\u0000" + secret + "\u0000" + row.get().hash());
        Long until = passwordCache.get(cacheKey);
        long now = clock.millis();
        if (until == null || until < now) {
            if (!PasswordHasher.verify(secret, row.get().hash())) {
                return Optional.empty();
            }
            if (passwordCache.size() > 10_000) {
                passwordCache.clear();
            }
            passwordCache.put(cacheKey, now + PASSWORD_CACHE_MILLIS);
        }
        return Optional.of(Principal.user(username, row.get().admin()));
    }

    // ---- authorization

    /**
     * What {@code principal} may do in the namespace of {@code owner}: the user's rights (own
     * namespace, organization membership, site admin, public read) narrowed by the token's scopes,
     * and for a job token to public reads outside its repository's owner.
     */
    public Set<Action> repositoryActions(Principal principal, String owner, boolean isPublic) {
        EnumSet<Action> rights = EnumSet.noneOf(Action.class);
        if (isPublic) {
            rights.add(Action.PULL);
        }
        boolean confined = principal.job() != null && !principal.job().owner().equals(owner);
        if (!principal.isAnonymous() && !confined) {
            boolean writer = principal.siteAdmin() || principal.username().equals(owner)
                    || (ownerKind(owner).orElse(null) == OwnerKind.ORG && isMember(owner, principal.username()));
            if (writer) {
                rights.addAll(EnumSet.allOf(Action.class));
            }
        }
        rights.retainAll(principal.scopeActions());
        return rights;
    }

    /**
     * True if the principal is the owner, a member of the owner organization, or a site admin,
     * whatever the token's scopes (callers check scopes for their own feature).
     */
    public boolean inNamespace(Principal principal, String owner) {
        if (principal.isAnonymous() || (principal.job() != null && !principal.job().owner().equals(owner))) {
            return false;
        }
        return principal.siteAdmin() || principal.username().equals(owner)
                || (ownerKind(owner).orElse(null) == OwnerKind.ORG && isMember(owner, principal.username()));
    }

    /**
     * True if the principal may manage the owner's settings (its own namespace, an org it belongs
     * to, or admin); a job token manages nothing.
     */
    public boolean canManage(Principal principal, String owner) {
        return principal.job() == null && repositoryActions(principal, owner, false).contains(Action.PUSH);
    }

    /** Owners whose private repositories the principal may read; null means all (site admin). */
    public Set<String> readableOwners(Principal principal) {
        if (principal.isAnonymous() || !principal.scopeActions().contains(Action.PULL)) {
            return Set.of();
        }
        if (principal.job() != null) {
            return inNamespace(principal, principal.job().owner()) ? Set.of(principal.job().owner()) : Set.of();
        }
        if (principal.siteAdmin()) {
            return null;
        }
        List<String> orgs = jdbi.withHandle(h -> h.createQuery("SELECT org FROM org_members WHERE username = :u")
                .bind("u", principal.username()).mapTo(String.class).list());
        Set<String> out = new TreeSet<>(orgs);
        out.add(principal.username());
        return out;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
