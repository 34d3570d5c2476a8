package dev.slipway.ci.secret;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a job sees of the configuration: the variables and secrets visible to it with GitHub's
 * precedence (the job's environment over the repository over its owner over the site), and the
 * environment's approval rule. The GitHub Actions engine builds its {@code vars} and
 * {@code secrets} contexts from {@link Visible}, and waits for approval with {@link #awaitApproval}.
 */
public final class RunValues {
    private final Secrets secrets;
    private final Variables variables;
    private final Environments environments;
    private final EnvironmentApprovals approvals;

    public RunValues(Secrets secrets, Variables variables, Environments environments, EnvironmentApprovals approvals) {
        this.secrets = secrets;
        this.variables = variables;
        this.environments = environments;
        this.approvals = approvals;
    }

    /**
     * Waits until a reviewer decides on the deployment of this attempt of a run in
     * {@code owner/repository} to {@code environment} ({@link EnvironmentApprovals#await}).
     * Returns at once, approved, when the environment does not exist or has no reviewers; empty
     * when the run was cancelled meanwhile.
     */
    public Optional<EnvironmentApprovals.Deployment> awaitApproval(long run, int attempt, String owner, String repository, String environment,
                                                                   java.util.function.BooleanSupplier cancelled) throws InterruptedException {
        Optional<Environment> env = environments.find(owner, repository, environment);
        if (env.isEmpty() || !env.get().requiresApproval()) {
            return Optional.of(new EnvironmentApprovals.Deployment(run, attempt, owner, repository, environment, List.of(), "approved",
                    null, null));
        }
        return approvals.await(run, attempt, env.get(), cancelled);
    }

    /**
     * What a job in {@code owner/repository} sees.
     *
     * @param environment the job's {@code environment} name, or null. An environment that does
     *                    not exist adds nothing and needs no approval (GitHub would create it;
     *                    Slipway does not create one on a read): {@link Visible#environment()} is
     *                    then empty
     */
    public Visible resolve(String owner, String repository, String environment) {
        Optional<Environment> env = environment == null ? Optional.empty() : environments.find(owner, repository, environment);
        List<SecretScope> order = SecretScope.searchOrder(owner, repository, env.map(Environment::name).orElse(null));
        return new Visible(order, variables.visible(order), secrets.visible(order), env);
    }

    /**
     * The values a job sees.
     *
     * @param searched   the scopes read, the first that has a name winning
     * @param variables  by upper-case name
     * @param secrets    by upper-case name; fresh arrays the caller may clear after use
     * @param environment the job's environment, when it names one that exists
     */
    public record Visible(List<SecretScope> searched, SortedMap<String, String> variables, SortedMap<String, byte[]> secrets,
                          Optional<Environment> environment) {
        public Visible {
            searched = List.copyOf(searched);
            variables = Collections.unmodifiableSortedMap(new TreeMap<>(variables));
            secrets = Collections.unmodifiableSortedMap(new TreeMap<>(secrets));
        }

        /** Whether the job waits for a reviewer's approval before it runs. */
        public boolean requiresApproval() {
            return environment.map(Environment::requiresApproval).orElse(false);
        }

        /** Who may approve the job: its environment's reviewers (empty when it needs no approval). */
        public List<String> reviewers() {
            return environment.map(Environment::reviewers).orElse(List.of());
        }

        /** Whether {@code username} may approve the job: one of its environment's reviewers. */
        public boolean mayApprove(String username) {
            return environment.map(e -> e.mayApprove(username)).orElse(false);
        }
    }

    /** Of rows with a scope and a name, each name's row from the first scope in {@code order}: the precedence rule, once. */
    static <T> Map<String, T> byPrecedence(List<SecretScope> order, Collection<T> rows, Function<T, SecretScope> scope,
                                           Function<T, String> name) {
        Map<String, T> out = new TreeMap<>();
        for (T row : rows) {
            T held = out.get(name.apply(row));
            if (held == null || order.indexOf(scope.apply(row)) < order.indexOf(scope.apply(held))) {
                out.put(name.apply(row), row);
            }
        }
        return out;
    }
}
