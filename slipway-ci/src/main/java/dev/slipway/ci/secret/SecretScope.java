package dev.slipway.ci.secret;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a secret or a configuration variable applies: everywhere, to one owner's (user's or
 * organization's) repositories, to one repository, or to one deployment environment of a
 * repository. A run in {@code owner/name} sees {@link #searchOrder} first to last.
 */
public sealed interface SecretScope {
    /** Gitea's repository name characters; the name is one path segment, never {@code .} or {@code ..}. */
    Pattern REPOSITORY_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    /**
     * An environment's name: one path segment of letters, digits, '.', '_' and '-'. At most 50
     * characters, so that {@code env:<owner>/<repo>/<environment>} fits the scope columns (200).
     */
    Pattern ENVIRONMENT_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,50}");

    /**
     * The text form used on the command line and in the database: {@code global}, {@code owner:O},
     * {@code repo:O/R}, {@code env:O/R/E}.
     */
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

    /** One deployment environment of a repository. Environment names are case-insensitive, so the scope holds the lower-case form. */
    record Environment(String owner, String repository, String environment) implements SecretScope {
        public Environment {
            new Repository(owner, repository); // the same checks
            environment = environmentKey(environment);
        }

        @Override
        public String wireName() {
            return "env:" + owner + "/" + repository + "/" + environment;
        }

        /** The repository the environment belongs to. */
        public Repository repositoryScope() {
            return new Repository(owner, repository);
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

    static Environment environment(String owner, String repository, String environment) {
        return new Environment(owner, repository, environment);
    }

    /** An environment's name checked and in its case-insensitive form (lower case), or 400 explaining the rules. */
    static String environmentKey(String name) {
        if (name == null || !ENVIRONMENT_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new SlipwayException.BadRequest("invalid environment name '" + name
                    + "': use letters, digits, '.', '_' or '-', at most 50 characters");
        }
        return name.toLowerCase(Locale.ROOT);
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
        if (text != null && text.startsWith("env:")) {
            String[] parts = text.substring("env:".length()).split("/", -1);
            if (parts.length == 3) {
                return environment(parts[0], parts[1], parts[2]);
            }
        }
        throw new SlipwayException.BadRequest("invalid scope '" + text
                + "': use global, owner:OWNER, repo:OWNER/NAME or env:OWNER/NAME/ENVIRONMENT");
    }

    /** The scopes a run in {@code owner/name} reads, the first that has a name winning. */
    static List<SecretScope> searchOrder(String owner, String name) {
        return searchOrder(owner, name, null);
    }

    /**
     * The scopes a job in {@code owner/name} reads, the first that has a name winning: GitHub's
     * precedence, the job's environment (when it names one) over the repository over the owner
     * over the site.
     */
    static List<SecretScope> searchOrder(String owner, String name, String environment) {
        List<SecretScope> order = new ArrayList<>();
        if (environment != null) {
            order.add(environment(owner, name, environment));
        }
        order.addAll(List.of(repository(owner, name), owner(owner), global()));
        return List.copyOf(order);
    }
}
