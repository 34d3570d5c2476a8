package dev.slipway.server.cli;

import dev.slipway.ci.secret.Environment;
import dev.slipway.ci.secret.EnvironmentApprovals;
import dev.slipway.ci.secret.SecretScope;
import dev.slipway.ci.secret.Variable;
import dev.slipway.ci.secret.Variables;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import dev.slipway.server.Slipway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Configuration variables ({@code vars} in workflows) and repositories' deployment environments. */
public final class VariableCommands {
    private VariableCommands() {}

    @Command(name = "var", aliases = "vars", mixinStandardHelpOptions = true,
            description = {"Manage configuration variables: the vars.NAME values of GitHub Actions workflows.",
                    "Values are plain text, shown by list and get (use 'slipway secret' for credentials). A job sees its "
                            + "environment's variable first, then its repository's, then its owner's, then the site's.",
                    "Each command takes one scope: --repo OWNER/NAME (with --env NAME for one of its environments), "
                            + "--org ORG, --user USER or --site."},
            subcommands = {VarsList.class, VarsSet.class, VarsGet.class, VarsDelete.class})
    public static final class Vars {}

    /** Where a variable lives: one of --repo (with --env), --org, --user, --site. */
    abstract static class ScopedCommand extends AdminCommands.StateCommand {
        @Spec
        CommandSpec spec;
        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Where where;
        @Option(names = "--env", paramLabel = "NAME", description = "One of the repository's environments (with --repo).")
        String env;

        static final class Where {
            @Option(names = "--repo", required = true, paramLabel = "OWNER/NAME", description = "A repository's variables.")
            String repo;
            @Option(names = "--org", required = true, paramLabel = "ORG", description = "An organization's variables, for all its repositories.")
            String org;
            @Option(names = "--user", required = true, paramLabel = "USER", description = "A user's variables, for all their repositories.")
            String user;
            @Option(names = "--site", required = true, description = "Site-wide variables, for every repository.")
            boolean site;
        }

        /** The scope the options name, checked against the state; null when none is given and {@code required} is false. */
        SecretScope scope(Slipway s, boolean required) {
            if (env != null && (where == null || where.repo == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--env needs --repo OWNER/NAME: environments belong to a repository");
            }
            if (where == null) {
                if (required) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "say where: --repo OWNER/NAME (with --env NAME), --org ORG, --user USER or --site");
                }
                return null;
            }
            if (where.repo != null) {
                String[] on = CiCommands.ownerAndName(where.repo);
                return env == null ? SecretScope.repository(on[0], on[1]) : s.environments().require(on[0], on[1], env).scope();
            }
            if (where.org != null) {
                return ownerOfKind(s, where.org, Identity.OwnerKind.ORG, "organization");
            }
            if (where.user != null) {
                return ownerOfKind(s, where.user, Identity.OwnerKind.USER, "user");
            }
            return SecretScope.global();
        }

        private static SecretScope ownerOfKind(Slipway s, String owner, Identity.OwnerKind kind, String noun) {
            SecretScope scope = SecretScope.owner(owner);
            if (s.identity().ownerKind(owner).orElse(null) != kind) {
                throw new SlipwayException.NotFound(noun + " '" + owner + "' does not exist");
            }
            return scope;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List variables: name, scope and value, one a line with tabs between.",
                    "Without a scope, every variable. In values, a newline is shown as \\n, a tab as \\t and a backslash as \\\\."})
    static final class VarsList extends ScopedCommand {
        @Override
        int run(Slipway s) {
            SecretScope scope = scope(s, false);
            List<Variable> all = scope == null ? s.variables().list() : s.variables().list(scope);
            for (Variable v : all) {
                System.out.println(v.name() + "\t" + v.scope().wireName() + "\t" + escaped(v.value()));
            }
            return 0;
        }

        private static String escaped(String value) {
            return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t");
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Create or replace a variable. Names are letters, digits and '_', case-insensitive (stored upper case).",
                    "The value is the VALUE argument or the contents of --from-file; line endings are stored as LF, as Gitea does. "
                            + "Without --description an existing variable keeps its description."})
    static final class VarsSet extends ScopedCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The variable's name.")
        String name;
        @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE", description = "The value (or use --from-file).")
        String value;
        @Option(names = "--from-file", paramLabel = "FILE", description = "Read the value from a file (UTF-8), such as a multi-line one.")
        Path file;
        @Option(names = "--description", paramLabel = "TEXT", description = "What the variable is for ('' clears it).")
        String description;

        @Override
        int run(Slipway s) throws Exception {
            if ((value == null) == (file == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give the value either as VALUE or with --from-file FILE");
            }
            SecretScope scope = scope(s, true);
            String v = file != null ? Files.readString(file, StandardCharsets.UTF_8) : value;
            boolean created = s.variables().put(scope, name, v, description);
            System.out.println((created ? "Created" : "Updated") + " variable " + Variables.canonicalName(name) + " in " + scope.wireName());
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print a variable's value, followed by a newline.")
    static final class VarsGet extends ScopedCommand {
        @Parameters(paramLabel = "NAME", description = "The variable's name.")
        String name;

        @Override
        int run(Slipway s) {
            System.out.println(s.variables().get(scope(s, true), name).value());
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a variable from one scope.")
    static final class VarsDelete extends ScopedCommand {
        @Parameters(paramLabel = "NAME", description = "The variable's name.")
        String name;

        @Override
        int run(Slipway s) {
            SecretScope scope = scope(s, true);
            s.variables().delete(scope, name);
            System.out.println("Deleted variable " + Variables.canonicalName(name) + " from " + scope.wireName());
            return 0;
        }
    }

    @Command(name = "envs", aliases = "env", mixinStandardHelpOptions = true,
            description = {"Manage a repository's deployment environments: the environment of a GitHub Actions job.",
                    "An environment has its own secrets and variables, which override the repository's for jobs that use it "
                            + "('slipway var set --repo OWNER/NAME --env NAME ...', 'slipway secret set --scope env:OWNER/NAME/ENV ...'), "
                            + "an optional URL, and optional reviewers: a job that uses it waits until one of them approves "
                            + "('slipway envs approve', or POST /api/v1/repos/OWNER/NAME/actions/runs/RUN/pending_deployments)."},
            subcommands = {EnvsList.class, EnvsSet.class, EnvsDelete.class, EnvsPending.class, EnvsApprove.class})
    public static final class Envs {}

    /** The repository option every environment command takes. */
    abstract static class RepoCommand extends AdminCommands.StateCommand {
        @Option(names = "--repo", required = true, paramLabel = "OWNER/NAME", description = "The repository.")
        String repo;

        String[] ownerAndName() {
            return CiCommands.ownerAndName(repo);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List a repository's environments: name, URL and reviewers ('-' for none), one a line with tabs between.")
    static final class EnvsList extends RepoCommand {
        @Override
        int run(Slipway s) {
            String[] on = ownerAndName();
            for (Environment e : s.environments().list(on[0], on[1])) {
                System.out.println(e.name() + "\t" + (e.url() == null ? "-" : e.url()) + "\t"
                        + (e.reviewers().isEmpty() ? "-" : String.join(",", e.reviewers())));
            }
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Create an environment or replace its settings: what is not given is cleared.",
                    "Names are letters, digits, '.', '_' and '-', case-insensitive. Its secrets and variables stay."})
    static final class EnvsSet extends RepoCommand {
        @Parameters(paramLabel = "NAME", description = "The environment's name, such as production.")
        String name;
        @Option(names = "--url", paramLabel = "URL", description = "Where the environment is deployed (http or https).")
        String url;
        @Option(names = "--reviewer", paramLabel = "USER",
                description = "A user who must approve jobs that use the environment; repeat for more (at most 6). Without any, jobs run "
                        + "without approval.")
        List<String> reviewers = List.of();

        @Override
        int run(Slipway s) {
            String[] on = ownerAndName();
            boolean created = s.environments().put(on[0], on[1], name, url, reviewers);
            Environment e = s.environments().require(on[0], on[1], name);
            System.out.println((created ? "Created" : "Updated") + " environment " + e.name() + " of " + repo
                    + (e.requiresApproval() ? "; jobs that use it wait for approval by " + String.join(" or ", e.reviewers())
                    : "; jobs that use it run without approval"));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an environment with its secrets and variables.")
    static final class EnvsDelete extends RepoCommand {
        @Parameters(paramLabel = "NAME", description = "The environment's name.")
        String name;

        @Override
        int run(Slipway s) {
            String[] on = ownerAndName();
            s.environments().delete(on[0], on[1], name);
            System.out.println("Deleted environment " + name + " of " + repo + " with its secrets and variables");
            return 0;
        }
    }

    @Command(name = "pending", mixinStandardHelpOptions = true,
            description = "List the environments a run's jobs wait for: environment and reviewers, one a line with a tab between.")
    static final class EnvsPending extends RepoCommand {
        @Parameters(paramLabel = "RUN", description = "The run's number.")
        long run;

        @Override
        int run(Slipway s) {
            String[] on = ownerAndName();
            for (EnvironmentApprovals.Deployment d : s.environmentApprovals().waiting(on[0], on[1], run)) {
                System.out.println(d.environment() + "\t" + String.join(",", d.reviewers()));
            }
            return 0;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = {"Approve (or with --reject, reject) the jobs of a run that wait for an environment's approval.",
                    "The decision is made as --as USER, who must be one of the environment's reviewers. A rejected job fails."})
    static final class EnvsApprove extends RepoCommand {
        @Parameters(index = "0", paramLabel = "RUN", description = "The run's number.")
        long run;
        @Parameters(index = "1", paramLabel = "ENVIRONMENT", description = "The environment the jobs wait for.")
        String environment;
        @Option(names = "--as", required = true, paramLabel = "USER", description = "The reviewer deciding.")
        String user;
        @Option(names = "--reject", description = "Reject instead of approving.")
        boolean reject;
        @Option(names = "--comment", paramLabel = "TEXT", description = "Why; shown in the jobs' logs.")
        String comment;

        @Override
        int run(Slipway s) {
            String[] on = ownerAndName();
            EnvironmentApprovals.Deployment d = s.environmentApprovals().decide(on[0], on[1], run, environment, user, !reject, comment);
            System.out.println("Environment " + d.environment() + " " + d.state() + " for run " + run + " of " + repo + " by " + user);
            return 0;
        }
    }
}
