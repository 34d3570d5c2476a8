package dev.slipway.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.ci.api.RunnerRoutes;
import dev.slipway.ci.executor.DockerExecutor;
import dev.slipway.ci.executor.InstanceId;
import dev.slipway.ci.runner.Runners;
import dev.slipway.server.Slipway;
import dev.slipway.server.runner.RunnerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slipway runners ...} (registration tokens, registered runners) and {@code slipway runner} (the runner process). */
public final class RunnerCommands {
    private RunnerCommands() {}

    @Command(name = "runners", mixinStandardHelpOptions = true, description = {"Manage remote runners (docs/runners.md).",
            "A runner registers with a registration token, then takes the tasks whose runs_on labels it has."},
            subcommands = {TokenCmd.class, RunnersList.class, RunnersRemove.class})
    public static final class RunnersCmd {}

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Registration tokens.", subcommands = {TokenCreate.class})
    static final class TokenCmd {}

    static final class Scope {
        @Option(names = "--org", paramLabel = "ORG", description = "Runners registered with it take tasks of this organization's (or user's) repositories only.")
        String org;
        @Option(names = "--repo", paramLabel = "OWNER/NAME", description = "Runners registered with it take tasks of this CI repository only.")
        String repo;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = {
            "Create a registration token and print it (shown once). Without --org or --repo, runners registered with it serve the whole site.",
            "Then run this on the runner's machine: slipway runner --server URL --token TOKEN --labels LABEL,... --name NAME."})
    static final class TokenCreate extends AdminCommands.StateCommand {
        @ArgGroup(exclusive = true)
        Scope scope;

        @Override
        int run(Slipway s) {
            String sc = "site";
            if (scope != null && scope.repo != null) {
                String[] parts = scope.repo.split("/", -1);
                if (parts.length != 2 || s.registrations().find(parts[0], parts[1]).isEmpty()) {
                    throw new IllegalArgumentException("no CI repository " + scope.repo + " is registered (slipway repo list shows them)");
                }
                sc = "repo:" + scope.repo;
            } else if (scope != null && scope.org != null) {
                sc = "org:" + scope.org;
            }
            String token = s.runners().createToken(sc, "cli");
            System.err.println("registration token for " + sc + " (shown once):");
            System.out.println(token);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered runners: labels, scope, state, last contact and the tasks they run.")
    static final class RunnersList extends AdminCommands.StateCommand {
        @Option(names = "--json", description = "Print JSON, as GET /api/v1/runners does.")
        boolean json;

        @Override
        int run(Slipway s) {
            List<Runners.Runner> all = s.runners().list();
            Map<Long, List<String>> tasks = s.runners().leasedTasks();
            if (json) {
                var arr = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
                all.forEach(r -> arr.add(RunnerRoutes.runnerJson(r, tasks.getOrDefault(r.id(), List.of()))));
                System.out.println(arr.toPrettyString());
                return 0;
            }
            if (all.isEmpty()) {
                System.err.println("no runners are registered (slipway runners token create, then slipway runner on the runner's machine)");
                return 0;
            }
            System.out.printf("%-20s %-30s %-24s %-10s %-24s %s%n", "NAME", "LABELS", "SCOPE", "STATE", "LAST CONTACT", "TASKS");
            for (Runners.Runner r : all) {
                JsonNode j = RunnerRoutes.runnerJson(r, tasks.getOrDefault(r.id(), List.of()));
                System.out.printf("%-20s %-30s %-24s %-10s %-24s %s%n", r.name(), String.join(",", r.labels()), r.scope(),
                        j.get("state").asText(), j.get("last_contact").isNull() ? "-" : j.get("last_contact").asText(),
                        String.join("; ", tasks.getOrDefault(r.id(), List.of())));
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Deregister a runner: its token stops working at once.")
    static final class RunnersRemove extends AdminCommands.StateCommand {
        @Parameters(paramLabel = "NAME", description = "The runner's name, as slipway runners list shows it.")
        String name;

        @Override
        int run(Slipway s) {
            s.runners().remove(name);
            System.err.println("removed runner " + name);
            return 0;
        }
    }

    @Command(name = "runner", mixinStandardHelpOptions = true, description = {
            "Run a runner: take tasks from a Slipway server and run them on this machine's Docker engine (DOCKER_HOST).",
            "The first start registers with --token (a registration token) and keeps the runner's identity in DIR/runner.json; "
                    + "later starts read it.",
            "Output is spooled under DIR/tasks and sent until the server has all of it. See docs/runners.md."})
    public static final class RunnerCmd implements Callable<Integer> {
        @Option(names = "--server", required = true, paramLabel = "URL", description = "The Slipway server, e.g. https://ci.example.com")
        String server;
        @Option(names = "--token", paramLabel = "TOKEN", description = "Registration token (first start only).")
        String token;
        @Option(names = "--labels", split = ",", paramLabel = "LABEL", description = "Labels tasks ask for with runs_on (e.g. linux,arm64,gpu).")
        List<String> labels = List.of();
        @Option(names = "--name", paramLabel = "NAME", description = "Unique name (default: the host name).")
        String name;
        @Option(names = "--capacity", paramLabel = "N", defaultValue = "1", description = "Tasks at a time (default 1).")
        int capacity;
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".", description = "Where runner.json and the spool live (default: the current directory).")
        Path dir;
        @Option(names = "--local", description = {"This runner is on the server's machine and uses the server's own paths "
                + "(worktrees, caches, deploy targets): with the server's ci.local-tasks=runner it runs the tasks the server would run "
                + "itself, so they survive a restart of the server. Adds the label local."})
        boolean local;
        @Option(names = "--host-isolation", paramLabel = "MODE", defaultValue = "iptables",
                description = "As the server's ci.host-isolation: iptables (default), external or off.")
        String hostIsolation;

        @Override
        public Integer call() throws Exception {
            String url = server.replaceAll("/+$", "");
            String n = name != null ? name : java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
            Path d = dir.toAbsolutePath();
            RunnerProcess.Identity id = RunnerProcess.registerOrLoad(d, url, token, n, labels, capacity, local, System.out);
            Files.createDirectories(d);
            try (DockerExecutor docker = new DockerExecutor(InstanceId.load(d.resolve("instance-id")), hostIsolation)) {
                docker.ping();
                int stopped = docker.stopLeftovers();
                if (stopped > 0) {
                    System.out.println("stopped " + stopped + " task container(s) a previous runner process left running");
                }
                RunnerProcess process = new RunnerProcess(id, d, docker, System.out);
                Runtime.getRuntime().addShutdownHook(new Thread(process::stop));
                System.out.println("waiting for tasks with labels " + id.labels() + " from " + id.server());
                process.run();
            }
            return 0;
        }
    }
}
