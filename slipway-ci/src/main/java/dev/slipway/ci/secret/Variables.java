package dev.slipway.ci.secret;

import dev.slipway.core.Clock;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Configuration variables ({@code vars} in workflows), in the same scopes as secrets.
 *
 * <p>Layout. Table {@code ci_variables} (migration {@code V21__actions_variables.sql}), one row per
 * (scope, name): {@code scope} is {@link SecretScope#wireName()}, {@code name} upper case,
 * {@code data} the value in plain text, {@code description} the empty string when there is none.
 *
 * <p>Rules, Gitea's: names as for secrets ({@link Secrets#canonicalName}); a value is not empty
 * and its line endings are stored as LF (Gitea normalizes CRLF and CR the same way); at most 64
 * KiB as UTF-8 and a description of at most 4096 characters.
 */
public final class Variables {
    public static final int MAX_VALUE_BYTES = Secrets.MAX_VALUE_BYTES;
    public static final int MAX_DESCRIPTION_LENGTH = 4096;

    private final Jdbi jdbi;
    private final Identity identity;
    private final Clock clock;

    public Variables(Jdbi jdbi, Identity identity, Clock clock) {
        this.jdbi = jdbi;
        this.identity = identity;
        this.clock = clock;
    }

    /** The stored form of a name (upper case), or 400 explaining the rules. */
    public static String canonicalName(String name) {
        return Secrets.canonicalName("variable", name);
    }

    /** Creates a variable; 409 if the scope has one by that name (Gitea's POST). */
    public Variable create(SecretScope scope, String name, String value, String description) {
        String n = canonicalName(name);
        String v = checkValue(n, value);
        String d = checkDescription(description == null ? "" : description);
        Environments.requireScope(jdbi, identity, scope);
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            if (find(h, scope, n).isPresent()) {
                throw new SlipwayException.Conflict("variable '" + n + "' already exists in " + scope.wireName()
                        + "; change it with PUT");
            }
            insert(h, scope, n, v, d, now);
        });
        return get(scope, n);
    }

    /**
     * Changes a variable's value and, when {@code newName} is given, its name (Gitea's PUT). A null
     * description keeps the one it has. 404 if there is no such variable, 409 if the new name is taken.
     */
    public Variable update(SecretScope scope, String name, String newName, String value, String description) {
        String n = canonicalName(name);
        String to = newName == null || newName.isEmpty() ? n : canonicalName(newName);
        String v = checkValue(to, value);
        String d = description == null ? null : checkDescription(description);
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            Variable old = find(h, scope, n).orElseThrow(() -> notSet(scope, n));
            if (!to.equals(n) && find(h, scope, to).isPresent()) {
                throw new SlipwayException.Conflict("cannot rename variable '" + n + "' to '" + to + "': " + scope.wireName()
                        + " already has one by that name");
            }
            h.createUpdate("UPDATE ci_variables SET name = :to, data = :v, description = :d, updated_at = :t WHERE scope = :s AND name = :n")
                    .bind("to", to).bind("v", v).bind("d", d == null ? old.description() : d).bind("t", now)
                    .bind("s", scope.wireName()).bind("n", n).execute();
        });
        return get(scope, to);
    }

    /** Creates or replaces a variable (the CLI's set). A null description keeps the one it has. Returns true if it was created. */
    public boolean put(SecretScope scope, String name, String value, String description) {
        String n = canonicalName(name);
        String v = checkValue(n, value);
        String d = description == null ? null : checkDescription(description);
        Environments.requireScope(jdbi, identity, scope);
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            Optional<Variable> old = find(h, scope, n);
            if (old.isEmpty()) {
                insert(h, scope, n, v, d == null ? "" : d, now);
                return true;
            }
            h.createUpdate("UPDATE ci_variables SET data = :v, description = :d, updated_at = :t WHERE scope = :s AND name = :n")
                    .bind("v", v).bind("d", d == null ? old.get().description() : d).bind("t", now)
                    .bind("s", scope.wireName()).bind("n", n).execute();
            return false;
        });
    }

    public Optional<Variable> find(SecretScope scope, String name) {
        String n = canonicalName(name);
        return jdbi.withHandle(h -> find(h, scope, n));
    }

    /** The variable, or 404. */
    public Variable get(SecretScope scope, String name) {
        return find(scope, name).orElseThrow(() -> notSet(scope, canonicalName(name)));
    }

    /** The variables of one scope, by name. */
    public List<Variable> list(SecretScope scope) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE scope = :s ORDER BY name").bind("s", scope.wireName())
                .map(Variables::row).list());
    }

    /** Every variable, by scope then name. */
    public List<Variable> list() {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " ORDER BY scope, name").map(Variables::row).list());
    }

    public void delete(SecretScope scope, String name) {
        String n = canonicalName(name);
        int deleted = jdbi.withHandle(h -> h.createUpdate("DELETE FROM ci_variables WHERE scope = :s AND name = :n")
                .bind("s", scope.wireName()).bind("n", n).execute());
        if (deleted == 0) {
            throw notSet(scope, n);
        }
    }

    /** Every variable the scopes hold, by name, each from the first scope in {@code order} that has it. */
    SortedMap<String, String> visible(List<SecretScope> order) {
        List<Variable> all = jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE scope IN (<scopes>)")
                .bindList("scopes", order.stream().map(SecretScope::wireName).toList()).map(Variables::row).list());
        SortedMap<String, String> out = new TreeMap<>();
        RunValues.byPrecedence(order, all, Variable::scope, Variable::name).forEach((n, v) -> out.put(n, v.value()));
        return out;
    }

    private static String checkValue(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new SlipwayException.BadRequest("the value of variable '" + name + "' is empty");
        }
        String v = value.replace("\r\n", "\n").replace('\r', '\n');
        int bytes = v.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_VALUE_BYTES) {
            throw new SlipwayException.BadRequest("the value of variable '" + name + "' has " + bytes
                    + " bytes; at most " + MAX_VALUE_BYTES + " are allowed");
        }
        return v;
    }

    private static String checkDescription(String description) {
        if (description.length() > MAX_DESCRIPTION_LENGTH) {
            throw new SlipwayException.BadRequest("the description has " + description.length() + " characters; at most "
                    + MAX_DESCRIPTION_LENGTH + " are allowed");
        }
        return description;
    }

    private static SlipwayException.NotFound notSet(SecretScope scope, String name) {
        return new SlipwayException.NotFound("variable '" + name + "' is not set in scope " + scope.wireName());
    }

    private static void insert(Handle h, SecretScope scope, String name, String value, String description, long now) {
        h.createUpdate("INSERT INTO ci_variables(scope, name, data, description, created_at, updated_at) VALUES (:s, :n, :v, :d, :t, :t)")
                .bind("s", scope.wireName()).bind("n", name).bind("v", value).bind("d", description).bind("t", now).execute();
    }

    private static Optional<Variable> find(Handle h, SecretScope scope, String name) {
        return h.createQuery(SELECT + " WHERE scope = :s AND name = :n").bind("s", scope.wireName()).bind("n", name)
                .map(Variables::row).findOne();
    }

    private static final String SELECT = "SELECT scope, name, data, description, created_at, updated_at FROM ci_variables";

    private static Variable row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        return new Variable(SecretScope.parse(rs.getString(1)), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getLong(6));
    }
}
