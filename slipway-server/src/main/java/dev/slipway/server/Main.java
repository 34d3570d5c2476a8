package dev.slipway.server;

import dev.slipway.core.SlipwayException;
import dev.slipway.registry.oci.RegistryException;
import dev.slipway.server.cli.AdminCommands;
import dev.slipway.server.cli.CiCommands;
import dev.slipway.server.cli.ExecCommand;
import dev.slipway.server.cli.RunnerCommands;
import dev.slipway.server.cli.HelpFormat;
import dev.slipway.server.cli.RunCommands;
import dev.slipway.server.cli.SecretCommands;
import dev.slipway.server.cli.ServerCommand;
import dev.slipway.server.cli.VariableCommands;
import dev.slipway.server.cli.WebhookCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "slipway", mixinStandardHelpOptions = true, version = "slipway 0.1.0",
        description = {"Slipway: a self-hosted CI/CD server with a built-in OCI container registry.", "",
                "Start with 'slipway server'. Commands that change state take the same --data, --database-url and --config "
                        + "options as the server and work while it runs. They refuse a data directory that no server has "
                        + "initialized, rather than create a second database beside the server's, unless --init is given."},
        subcommands = {ServerCommand.class, AdminCommands.User.class, AdminCommands.Token.class, AdminCommands.Org.class,
                AdminCommands.RegistryCmd.class, WebhookCommands.Webhook.class, ExecCommand.class, CiCommands.Repo.class, CiCommands.Hooks.class, RunCommands.Run.class,
                CiCommands.DeployTarget.class, CiCommands.Cache.class, SecretCommands.Secret.class, SecretCommands.Keys.class,
                VariableCommands.Vars.class, VariableCommands.Envs.class, RunnerCommands.RunnersCmd.class, RunnerCommands.RunnerCmd.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree with its help format and error handling, as {@code main} runs it. */
    public static CommandLine commandLine() {
        CommandLine cli = HelpFormat.install(new CommandLine(new Main()));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof SlipwayException || e instanceof RegistryException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 1;
            }
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof java.net.BindException bind) {
                    cmd.getErr().println("error: cannot listen: " + bind.getMessage()
                            + " (is another server using the port? choose one with --listen HOST:PORT)");
                    return 1;
                }
            }
            throw e;
        });
        return cli;
    }
}
