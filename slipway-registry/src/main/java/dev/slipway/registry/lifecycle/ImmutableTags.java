package dev.slipway.registry.lifecycle;

import dev.slipway.core.Clock;
import dev.slipway.core.Ids;
import dev.slipway.core.SlipwayException;
import dev.slipway.registry.oci.Names;
import dev.slipway.registry.oci.RegistryException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * Immutable-tag rules (table {@code immutable_tag_rules}). The registry asks {@link #ruleFor}
 * before a push moves a tag or a delete removes one; retention never selects a tag a rule covers.
 */
public final class ImmutableTags {
    private final Jdbi jdbi;
    private final Clock clock;

    public ImmutableTags(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** A rule for {@code target} ({@code OWNER} or {@code OWNER/NAME}); Conflict if the same one exists. */
    public ImmutableRule add(String target, String pattern) {
        Target t = Target.parse(target);
        TagPattern p = TagPattern.parse(pattern);
        requireOwner(jdbi, t.owner());
        ImmutableRule rule = new ImmutableRule(Ids.randomHex(8), t.owner(), t.repository(), p, clock.millis());
        int inserted = jdbi.withHandle(h -> h.createUpdate("INSERT INTO immutable_tag_rules(id, owner, repository, pattern, created_at) "
                        + "VALUES (:i, :o, :r, :p, :t) ON CONFLICT (owner, repository, pattern) DO NOTHING")
                .bind("i", rule.id()).bind("o", rule.owner()).bind("r", t.column()).bind("p", p.text()).bind("t", rule.createdAt())
                .execute());
        if (inserted == 0) {
            throw new SlipwayException.Conflict("'" + p + "' is already immutable on " + target);
        }
        return rule;
    }

    /** The owner's rules, owner-wide first. */
    public List<ImmutableRule> list(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, owner, repository, pattern, created_at FROM immutable_tag_rules "
                        + "WHERE owner = :o ORDER BY repository, created_at, id")
                .bind("o", owner)
                .map((rs, ctx) -> new ImmutableRule(rs.getString(1), rs.getString(2), rs.getString(3).isEmpty() ? null : rs.getString(3),
                        TagPattern.parse(rs.getString(4)), rs.getLong(5)))
                .list());
    }

    /** Removes the owner's rule with this id; NotFound if there is none. */
    public void removeById(String owner, String id) {
        int removed = jdbi.withHandle(h -> h.createUpdate("DELETE FROM immutable_tag_rules WHERE owner = :o AND id = :i")
                .bind("o", owner).bind("i", id).execute());
        if (removed == 0) {
            throw new SlipwayException.NotFound("no immutable-tag rule " + id + " for " + owner);
        }
    }

    /** Removes the rule for {@code target} with this pattern; NotFound if there is none. */
    public void removeByPattern(String target, String pattern) {
        Target t = Target.parse(target);
        String p = TagPattern.parse(pattern).text();
        int removed = jdbi.withHandle(h -> h.createUpdate("DELETE FROM immutable_tag_rules WHERE owner = :o AND repository = :r AND pattern = :p")
                .bind("o", t.owner()).bind("r", t.column()).bind("p", p).execute());
        if (removed == 0) {
            throw new SlipwayException.NotFound("no immutable-tag rule '" + p + "' on " + target);
        }
    }

    /** The first rule that makes {@code tag} immutable in {@code repository}, if any. */
    public Optional<ImmutableRule> ruleFor(String repository, String tag) {
        return rulesOf(repository).apply(tag);
    }

    /** The rules of one repository, loaded once, as a lookup by tag (for checking many tags). */
    public Function<String, Optional<ImmutableRule>> rulesOf(String repository) {
        List<ImmutableRule> rules = list(Names.owner(repository)).stream().filter(r -> r.appliesTo(repository)).toList();
        return tag -> rules.stream().filter(r -> r.pattern().matches(tag)).findFirst();
    }

    static void requireOwner(Jdbi jdbi, String owner) {
        boolean exists = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM owners WHERE name = :o").bind("o", owner)
                .mapTo(Integer.class).one() > 0);
        if (!exists) {
            throw new SlipwayException.NotFound("no user or organization named '" + owner + "'");
        }
    }

    /** {@code OWNER} or {@code OWNER/NAME[/PATH]}: what a rule or policy applies to. */
    record Target(String owner, String repository) {
        static Target parse(String text) {
            if (text == null || text.isBlank()) {
                throw new SlipwayException.BadRequest("expected OWNER or OWNER/NAME");
            }
            if (text.indexOf('/') < 0) {
                try {
                    Names.checkRepository(text + "/x"); // the owner must be a valid first component
                } catch (RegistryException e) {
                    throw new SlipwayException.BadRequest("invalid owner '" + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + "'");
                }
                return new Target(text, null);
            }
            try {
                Names.checkRepository(text);
            } catch (RegistryException e) {
                throw new SlipwayException.BadRequest(e.getMessage());
            }
            return new Target(Names.owner(text), text);
        }

        /** The database column: '' for owner-wide. */
        String column() {
            return repository == null ? "" : repository;
        }
    }
}
