package dev.slipway.actions.run;

import dev.slipway.actions.expr.Scope;
import dev.slipway.ci.executor.Executor;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** What an action's pre, main or post step gets from the runtime. Valid only while the step runs. */
public interface ActionCall {
    Step.Uses step();

    StepResult.Phase phase();

    /** The step's {@code with}, evaluated now. */
    Map<String, String> inputs();

    /**
     * The environment for the action's processes: the standard variables, the job's env and
     * GITHUB_ENV, the step's env, the file-command paths of this step, and {@code STATE_<name>}
     * for what the action's earlier steps saved.
     */
    Map<String, String> env();

    /** The step's expression scope (a composite action evaluates its own templates in it). */
    Scope scope();

    JobSession session();

    /**
     * Runs a process in the session with the step's output handling (workflow commands, masks,
     * problem matchers), the step's remaining time and the job's cancellation. Returns the exit
     * code, or -1 when the step's time ran out (the process is stopped).
     */
    int exec(List<String> argv, Map<String, String> env, String workdir) throws IOException, InterruptedException;

    /** The step's output handling, for output the action produces itself. */
    Executor.OutputSink output();

    /** A line of the action's own on the system stream (masked). */
    void log(String line);

    /** Adds a post step; only a main step may. Post steps run at the end of the job, the last registered first. */
    void registerPost(Hook post);

    /**
     * Runs a composite action's steps as part of this step (see {@link Composite}) and returns
     * how they ended, with the action's outputs. A failed step fails the result; the steps'
     * errors are this step's annotations.
     */
    ActionResult runComposite(Composite composite);

    /**
     * Runs a container beside the job's for a Docker action, with this step's output handling,
     * remaining time and cancellation; returns its exit code, or -1 when the step's time ran out.
     */
    int runContainer(ContainerSpec spec) throws IOException, InterruptedException;
}
