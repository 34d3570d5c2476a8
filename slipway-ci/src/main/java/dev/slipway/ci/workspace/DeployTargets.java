package dev.slipway.ci.workspace;

import dev.slipway.core.Clock;
import dev.slipway.core.SlipwayException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Host directories an admin registers as deploy targets: the only writable host paths a task can
 * get (seed 004's deployment bind mounts). Each target lists the repositories (optionally one
 * branch of them) allowed to write it; anything else is refused before a run starts.
 */
public final class DeployTargets {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern ALLOW = Pattern.compile("([a-z0-9][a-z0-9._-]*)/([a-zA-Z0-9][a-zA-Z0-9._-]*)(?:@(.+))?");

    public record Target(String name, Path path, List<String> allowed) {}

    private final Jdbi jdbi;
    private final Clock clock;

    public DeployTargets(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public Target add(String name, Path path, List<String> allow) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SlipwayException.BadRequest("invalid deploy target name '" + name + "': lowercase letters, digits, '.', '_', '-'");
        }
        if (!path.isAbsolute()) {
            throw new SlipwayException.BadRequest("deploy target path must be absolute: " + path);
        }
        if (!Files.isDirectory(path)) {
            throw new SlipwayException.BadRequest("deploy target path " + path + " is not an existing directory");
        }
        for (String a : allow) {
            if (!ALLOW.matcher(a).matches()) {
                throw new SlipwayException.BadRequest("--allow takes owner/repo or owner/repo@branch, got '" + a + "'");
            }
        }
        jdbi.useTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM ci_deploy_targets WHERE name = :n").bind("n", name).mapTo(Integer.class).one() > 0) {
                throw new SlipwayException.Conflict("deploy target '" + name + "' already exists");
            }
            h.createUpdate("INSERT INTO ci_deploy_targets(name, path, created_at) VALUES (:n, :p, :t)")
                    .bind("n", name).bind("p", path.toString()).bind("t", clock.millis()).execute();
            for (String a : allow) {
                var m = ALLOW.matcher(a);
                m.matches();
                h.createUpdate("INSERT INTO ci_deploy_target_allows(target, repository, branch) VALUES (:t, :r, :b) ON CONFLICT DO NOTHING")
                        .bind("t", name).bind("r", m.group(1) + "/" + m.group(2)).bind("b", m.group(3) == null ? "" : m.group(3)).execute();
            }
        });
        return find(name).orElseThrow();
    }

    public Optional<Target> find(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT path FROM ci_deploy_targets WHERE name = :n").bind("n", name).mapTo(String.class)
                .findOne().map(p -> new Target(name, Path.of(p), h.createQuery(
                                "SELECT repository, branch FROM ci_deploy_target_allows WHERE target = :n ORDER BY repository, branch")
                        .bind("n", name).map((rs, ctx) -> rs.getString(1) + (rs.getString(2).isEmpty() ? "" : "@" + rs.getString(2))).list())));
    }

    public List<Target> list() {
        List<String> names = jdbi.withHandle(h -> h.createQuery("SELECT name FROM ci_deploy_targets ORDER BY name").mapTo(String.class).list());
        return names.stream().map(n -> find(n).orElseThrow()).toList();
    }

    public void remove(String name) {
        int n = jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM ci_deploy_target_allows WHERE target = :n").bind("n", name).execute();
            return h.createUpdate("DELETE FROM ci_deploy_targets WHERE name = :n").bind("n", name).execute();
        });
        if (n == 0) {
            throw new SlipwayException.NotFound("no deploy target '" + name + "'");
        }
    }

    /**
     * The target's host path if {@code repository} (owner/name) on {@code branch} may write it;
     * otherwise a Forbidden error that names the target and the rule.
     */
    public Path authorize(String targetName, String repository, String branch) {
        Target t = find(targetName).orElseThrow(() -> new SlipwayException.Forbidden(
                "deploy target '" + targetName + "' does not exist; an admin registers it with: slipway deploy-target add "
                        + targetName + " PATH --allow " + repository));
        for (String a : t.allowed()) {
            int at = a.indexOf('@');
            String repo = at < 0 ? a : a.substring(0, at);
            String br = at < 0 ? null : a.substring(at + 1);
            if (repo.equals(repository) && (br == null || br.equals(branch))) {
                return t.path();
            }
        }
        throw new SlipwayException.Forbidden("repository " + repository + (branch == null ? "" : " on " + branch)
                + " may not write deploy target '" + targetName + "' (allowed: " + (t.allowed().isEmpty() ? "nobody" : String.join(", ", t.allowed())) + ")");
    }
}
