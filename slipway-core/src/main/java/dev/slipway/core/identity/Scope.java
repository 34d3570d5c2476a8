package dev.slipway.core.identity;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Token scopes, named as Gitea names them so that users' existing scripts keep working.
 * A token never grants more than its user has: scopes only narrow.
 */
public enum Scope {
    READ_PACKAGE("read:package", EnumSet.of(Action.PULL)),
    /** As in Gitea, writing packages includes deleting them. */
    WRITE_PACKAGE("write:package", EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE)),
    /** Pull and delete without push: for cleanup and retention jobs. */
    DELETE_PACKAGE("delete:package", EnumSet.of(Action.PULL, Action.DELETE)),
    /** See CI runs and logs of the user's repositories. */
    READ_REPOSITORY("read:repository", EnumSet.noneOf(Action.class)),
    /** Register repositories, trigger, cancel and retry runs (and read them). */
    WRITE_REPOSITORY("write:repository", EnumSet.noneOf(Action.class)),
    /** Everything the user may do, including administration if the user is a site admin. */
    ADMIN("admin", EnumSet.allOf(Action.class)),
    ;

    private final String wireName;
    private final Set<Action> actions;

    Scope(String wireName, Set<Action> actions) {
        this.wireName = wireName;
        this.actions = actions;
    }

    public String wireName() {
        return wireName;
    }

    public Set<Action> actions() {
        return actions;
    }

    public static Scope parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Scope s : values()) {
            if (s.wireName.equals(t)) {
                return s;
            }
        }
        // Gitea's "all" scope and the legacy "package" name map onto the closest meaning.
        if (t.equals("all")) {
            return ADMIN;
        }
        throw new IllegalArgumentException("unknown scope '" + text + "'; known scopes: read:package, write:package, delete:package, read:repository, write:repository, admin");
    }
}
