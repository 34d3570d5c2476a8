package dev.slipway.ci.runner;

import dev.slipway.core.Clock;
import dev.slipway.core.SlipwayException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Registered runners and the tokens that register them (schema {@code db/migration/ci/V24__ci_runners.sql}).
 *
 * <p>A registration token is scoped to the site, an organization or one repository (seed 000's
 * project-scoped runners) and shown once; a runner registers with it once and gets an id and a
 * token of its own. Both tokens are stored as SHA-256 hashes only. A runner takes tasks of the runs
 * its scope covers whose {@code runs_on} labels it all has.
 */
public final class Runners {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A registered runner; {@code lastContact} is null until it first asked for work.
     * {@code hostPaths}: it runs on the server's machine ({@code slipway runner --local}) and is
     * given the server's own paths (worktrees, overlays, caches, deploy targets) instead of copies.
     */
    public record Runner(long id, String name, List<String> labels, String scope, int capacity, long createdAt, Long lastContact,
                         boolean hostPaths) {
        /** Whether it may take a task of a run of {@code owner}/{@code repository} that needs {@code needed}. */
        public boolean takes(String owner, String repository, List<String> needed) {
            boolean inScope = scope.equals("site") || scope.equals("org:" + owner) || scope.equals("repo:" + owner + "/" + repository);
            return inScope && labels.containsAll(needed);
        }
    }

    /** A runner just registered, with its own token (shown once, to the runner). */
    public record Registered(Runner runner, String token) {}

    private final Jdbi jdbi;
    private final Clock clock;

    public Runners(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * A registration token for {@code scope} ({@code site}, {@code org:<org>} or
     * {@code repo:<owner>/<name>}), by {@code createdBy}: returned once, stored hashed.
     */
    public String createToken(String scope, String createdBy) {
        if (!scope.equals("site") && !scope.matches("org:[^/\\s]+|repo:[^/\\s]+/[^/\\s]+")) {
            throw new SlipwayException.BadRequest("a registration token's scope is the site, an organization or one repository, not '" + scope + "'");
        }
        String token = "slwr_" + random();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO ci_runner_tokens(token_hash, scope, created_by, created_at) VALUES (:h, :s, :b, :t)")
                .bind("h", hash(token)).bind("s", scope).bind("b", createdBy).bind("t", clock.millis()).execute());
        return token;
    }

    /**
     * Registers a runner with a registration token: a new runner named {@code name} (a name in use
     * is refused: remove the old runner first).
     */
    public Registered register(String registrationToken, String name, List<String> labels, int capacity, boolean hostPaths) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SlipwayException.BadRequest("a runner's name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        for (String l : labels) {
            if (!LABEL.matcher(l).matches()) {
                throw new SlipwayException.BadRequest("label '" + l + "' must be letters, digits, . _ : - (at most 64)");
            }
        }
        if (capacity < 1 || capacity > 64) {
            throw new SlipwayException.BadRequest("a runner's capacity is 1 to 64 tasks at a time");
        }
        String token = "slwn_" + random();
        return jdbi.inTransaction(h -> {
            String scope = h.createQuery("SELECT scope FROM ci_runner_tokens WHERE token_hash = :h").bind("h", hash(registrationToken))
                    .mapTo(String.class).findOne()
                    .orElseThrow(() -> new SlipwayException.Unauthorized("the registration token is not known to this server "
                            + "(create one with: slipway runners token create)"));
            if (h.createQuery("SELECT COUNT(*) FROM ci_runners WHERE name = :n").bind("n", name).mapTo(Integer.class).one() > 0) {
                throw new SlipwayException.Conflict("a runner named " + name + " is registered already; remove it first "
                        + "(slipway runners remove " + name + ") or choose another --name");
            }
            long id = dev.slipway.ci.scheduler.CiCounters.next(h, "runner");
            long now = clock.millis();
            h.createUpdate("INSERT INTO ci_runners(id, name, labels, scope, token_hash, capacity, host_paths, created_at) "
                            + "VALUES (:id, :n, :l, :s, :h, :c, :p, :t)")
                    .bind("id", id).bind("n", name).bind("l", String.join(" ", labels)).bind("s", scope).bind("h", hash(token))
                    .bind("c", capacity).bind("p", hostPaths ? 1 : 0).bind("t", now).execute();
            return new Registered(new Runner(id, name, List.copyOf(labels), scope, capacity, now, null, hostPaths), token);
        });
    }

    /** The runner a runner token belongs to, noting the contact; empty for an unknown token. */
    public Optional<Runner> authenticate(String token) {
        if (token == null || !token.startsWith("slwn_")) {
            return Optional.empty();
        }
        Optional<Runner> r = jdbi.withHandle(h -> h.createQuery("SELECT * FROM ci_runners WHERE token_hash = :h").bind("h", hash(token))
                .map((rs, ctx) -> row(rs)).findOne());
        r.ifPresent(runner -> jdbi.useHandle(h -> h.createUpdate("UPDATE ci_runners SET last_contact = :t WHERE id = :id")
                .bind("t", clock.millis()).bind("id", runner.id()).execute()));
        return r;
    }

    public List<Runner> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM ci_runners ORDER BY name").map((rs, ctx) -> row(rs)).list());
    }

    public Optional<Runner> find(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM ci_runners WHERE id = :id").bind("id", id).map((rs, ctx) -> row(rs)).findOne());
    }

    /** The tasks each runner holds a live lease for now ({@code run 12 task build}), by runner id. */
    public java.util.Map<Long, List<String>> leasedTasks() {
        java.util.Map<Long, List<String>> out = new java.util.HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT runner_id, run_id, task FROM ci_leases WHERE state = 'running' ORDER BY id")
                .map((rs, ctx) -> new Object[] {rs.getLong(1), "run " + rs.getLong(2) + " task " + rs.getString(3)})
                .forEach(o -> out.computeIfAbsent((Long) o[0], k -> new java.util.ArrayList<>()).add((String) o[1])));
        return out;
    }

    /** Deregisters a runner: its token stops working at once. */
    public void remove(String name) {
        int n = jdbi.withHandle(h -> h.createUpdate("DELETE FROM ci_runners WHERE name = :n").bind("n", name).execute());
        if (n == 0) {
            throw new SlipwayException.NotFound("no runner named " + name + " is registered (slipway runners list shows them)");
        }
    }

    private static Runner row(java.sql.ResultSet rs) throws java.sql.SQLException {
        String labels = rs.getString("labels");
        long contact = rs.getLong("last_contact");
        Long lastContact = rs.wasNull() ? null : contact; // wasNull is of the column read last: right after last_contact
        return new Runner(rs.getLong("id"), rs.getString("name"), labels.isBlank() ? List.of() : Arrays.asList(labels.split(" ")),
                rs.getString("scope"), rs.getInt("capacity"), rs.getLong("created_at"), lastContact, rs.getInt("host_paths") != 0);
    }

    private static String random() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
