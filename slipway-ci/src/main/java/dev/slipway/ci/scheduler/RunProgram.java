package dev.slipway.ci.scheduler;

import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.TaskSpec;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * How the runs of a pipeline format other than Slipway's own execute (GitHub Actions workflows:
 * jobs whose steps share a container, matrices expanded when a job starts). The run queue does
 * everything around it the same for every format: claiming the run, worktrees, secrets, caches,
 * logs, task states, the outcome. A program reports each task through the listener, as the
 * {@link RunEngine} does, and never throws for a task's failure.
 */
public interface RunProgram {
    /** The format's name, as runs record it ({@code actions}). */
    String format();

    RunEngine.Result run(Setup setup, RunEngine.Listener listener, RunEngine.Cancellation cancellation) throws Exception;

    /**
     * What the run's job token may do, as the definition asks ({@code permissions:}); a pull
     * request from a fork gets read access at most, whatever this says.
     */
    default dev.slipway.ci.model.Permissions permissions(String definitionFile, String definition) {
        return dev.slipway.ci.model.Permissions.DEFAULT;
    }

    /**
     * The run's concurrency group as its definition gives it ({@code concurrency:} of a workflow),
     * evaluated for this run before it is taken from the queue; null for none.
     *
     * @param ref the ref as git names it ({@code refs/heads/main})
     * @throws IllegalArgumentException when the group cannot be evaluated; the run then ends in error with the message
     */
    default ConcurrencyGroups.Request concurrency(CiStore.RunRow run, String repository, String ref, Values values) {
        return null;
    }

    /**
     * The tasks a retry of {@code task} runs again: it and every task that depends on it.
     *
     * @param details the {@link RunEngine.Listener#details} the run's tasks reported, by task
     * @param tasks the run's tasks as they are now (a matrix job's combinations once it started)
     */
    default List<String> withDependents(String definitionFile, String definition, Map<String, String> details, List<String> tasks,
                                        String task) {
        return List.of(task);
    }

    /**
     * What a run has to work with.
     *
     * @param definitionFile the definition's path in the repository ({@code .gitea/workflows/build.yaml})
     * @param workMount the triggering repository's mount name (tasks see it at {@code /src/<workMount>})
     * @param bases base worktrees by mount name
     * @param runDir the run's directory ({@code <data>/ci/runs/<id>}): per-task layers go under {@code tasks/<task>}
     * @param tasks the tasks to run now (a retry: the failed ones and what depends on them)
     * @param attempt 1, then one more for each retry of the run
     * @param variables the run's variables (for GitHub Actions: the dispatch inputs)
     * @param environment for every task: the run's built-in values and the job token
     * @param values the configuration variables and secrets a job sees, by its environment
     * @param serverUrl where tasks reach Slipway ({@code github.server_url})
     * @param previousDetails the {@link RunEngine.Listener#details} of tasks that ran in an earlier attempt (a retry reuses what succeeded)
     * @param publisher pushes the images the run builds, to Slipway's own registry with the run's rights or to others
     * @param caches where the program keeps cache entries of its own for the run's repository
     * @param groups the concurrency groups the run's jobs enter ({@code concurrency:} of a job), shared by the runs of this server
     * @param changedFiles the files the run's push, tag or pull request changed, as path filters see them (computed when
     *                     first asked; it throws when they cannot be computed); null where they are not known ({@code slipway exec})
     */
    record Setup(CiStore.RunRow run, String repository, String definitionFile, String definition, String workMount,
                 Map<String, Path> bases, Path runDir, Set<String> tasks, int attempt, Map<String, String> variables,
                 Map<String, String> environment, Values values,
                 Function<String, TaskSpec.PullAuth> pullAuth, Executor executor, String serverUrl,
                 Map<String, String> previousDetails, dev.slipway.ci.release.Publisher publisher, CacheArea caches,
                 ConcurrencyGroups groups, java.util.function.Supplier<Set<String>> changedFiles) {}

    /**
     * A directory a program keeps cache entries of its own in, across runs (GitHub's
     * {@code actions/cache}), for the run's repository. On the server it is one of Slipway's CI
     * caches, as a native task's {@code caches} entry is: owned by the repository, listed by
     * {@code slipway cache list} with its size and quota, deleted by {@code slipway cache release}.
     * A pull request from a fork gets an area of its own, as its native caches are.
     */
    interface CacheArea {
        Path dir();

        /** The repository's default branch ({@code main}): what is saved there, runs of every branch see. */
        String defaultBranch();

        /** The area's quota in bytes; the program keeps it under that by evicting entries. Negative: none. */
        long quotaBytes();

        /**
         * Runs {@code change} while other changes of the area (by other runs) wait, then records
         * the area's size. Returns a message for the log when the area was over its quota even so
         * and was emptied, else null.
         */
        String change(Change change) throws java.io.IOException;

        @FunctionalInterface
        interface Change {
            void run() throws java.io.IOException;
        }
    }

    /**
     * What a job of the run sees of its repository's configuration: the variables and secrets of
     * its environment, its repository, its owner and the site, the first that has a name winning.
     * An environment is a name the job gives ({@code environment:}), or null for none; one that
     * does not exist adds nothing. Every secret handed out is masked in the run's logs.
     */
    interface Values {
        /** The configuration variables ({@code vars}) by upper-case name. */
        Map<String, String> variables(String environment);

        /**
         * The values of those of {@code names} that are set, keyed by the names as given; one that
         * is not set is absent, never an error (GitHub Actions gives it as an empty string). Fresh
         * arrays, which the caller may clear.
         */
        Map<String, byte[]> secrets(String environment, Collection<String> names);

        /**
         * The events each of {@code names} is restricted to (Woodpecker's secrets); a name without
         * a restriction is absent.
         */
        default Map<String, List<String>> secretEvents(Collection<String> names) {
            return Map.of();
        }

        /** Who must approve a job that uses the environment; empty when it needs no approval. */
        List<String> reviewers(String environment);

        /**
         * Waits until one of the environment's reviewers approves or rejects the run's jobs that
         * use it (one decision per environment and attempt of the run); returns at once when it
         * needs no approval or the decision has been made, and when {@code cancelled} says so.
         */
        Decision awaitApproval(String environment, java.util.function.BooleanSupplier cancelled) throws InterruptedException;

        /**
         * A checkout (on this machine, never changed) of another repository registered with
         * Slipway, {@code owner/name}, at {@code ref} (its default branch when blank), for
         * {@code actions/checkout}'s {@code repository}: its directory and commit. Refused, with
         * the reason, for a repository the run may not read.
         */
        default dev.slipway.ci.workspace.Worktrees.Worktree checkout(String repository, String ref) {
            throw new IllegalArgumentException("checking out another repository (" + repository + ") needs the Slipway server, where it is registered");
        }

        /** The same variables and secrets for every environment, none needing approval ({@code slipway exec}). */
        static Values fixed(Map<String, String> variables, Map<String, byte[]> secrets) {
            Map<String, String> vars = Map.copyOf(variables);
            return new Values() {
                @Override
                public Map<String, String> variables(String environment) {
                    return vars;
                }

                @Override
                public Map<String, byte[]> secrets(String environment, Collection<String> names) {
                    Map<String, byte[]> out = new java.util.LinkedHashMap<>();
                    for (String n : names) {
                        byte[] v = secrets.get(n);
                        if (v != null) {
                            out.put(n, v.clone());
                        }
                    }
                    return out;
                }

                @Override
                public List<String> reviewers(String environment) {
                    return List.of();
                }

                @Override
                public Decision awaitApproval(String environment, java.util.function.BooleanSupplier cancelled) {
                    return new Decision(true, "no approval needed");
                }
            };
        }
    }

    /**
     * A reviewer's decision on a job's environment.
     *
     * @param message for the job's log: who decided and why ({@code approved by alice: ship it})
     */
    record Decision(boolean approved, String message) {}
}
