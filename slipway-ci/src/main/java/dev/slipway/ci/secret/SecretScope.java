package dev.slipway.ci.secret;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a secret applies: everywhere, to one owner's (user's or organization's) repositories, or
 * to one repository. A run in {@code owner/name} sees {@link #searchOrder} first to last.
 */
public sealed interface SecretScope {
    /** Gitea's repository name characters; the name is one path segment, never {@code .} or {@code ..}. */
    Pattern REPOSITORY_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    /** The text form used on the command line and in the database: {@code global}, {@code owner:O}, {@code repo:O/R}. */
    String wireName();

    record Global() implements SecretScope {
        @Override
        public String wireName() {
            return "global";
        }
    }

    record Owner(String owner) implements SecretScope {
        public Owner {
            Identity.checkOwnerName(owner);
        }

        @Override
        public String wireName() {
            return "owner:" + owner;
        }
    }

    record Repository(String owner, String name) implements SecretScope {
        public Repository {
            Identity.checkOwnerName(owner);
            if (name == null || !REPOSITORY_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
                throw new SlipwayException.BadRequest("invalid repository name '" + name
                        + "': use letters, digits, '.', '_' or '-', at most 100 characters");
            }
        }

        @Override
        public String wireName() {
            return "repo:" + owner + "/" + name;
        }
    }

    static SecretScope global() {
        return new Global();
    }

    static SecretScope owner(String owner) {
        return new Owner(owner);
    }

    static SecretScope repository(String owner, String name) {
        return new Repository(owner, name);
    }

    static SecretScope parse(String text) {
        if (text != null && text.equals("global")) {
            return global();
        }
        if (text != null && text.startsWith("owner:")) {
            return owner(text.substring("owner:".length()));
        }
        if (text != null && text.startsWith("repo:") && text.indexOf('/') > 0) {
            String path = text.substring("repo:".length());
            int slash = path.indexOf('/');
            return repository(path.substring(0, slash), path.substring(slash + 1));
        }
        throw new SlipwayException.BadRequest("invalid scope '" + text + "': use global, owner:OWNER or repo:OWNER/NAME");
    }

    /** The scopes a run in {@code owner/name} reads, the first that has a name winning. */
    static List<SecretScope> searchOrder(String owner, String name) {
        return List.of(repository(owner, name), owner(owner), global());
    }
}
