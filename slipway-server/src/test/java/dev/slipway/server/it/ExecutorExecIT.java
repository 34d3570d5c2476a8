package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.executor.DockerExecutor;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.InstanceId;
import dev.slipway.ci.executor.LocalExecutor;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.model.Task;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The executors themselves: the {@link ExecutorContract} against the Docker executor, the local
 * executor and a remote runner (a real {@code slipway runner} process taking the tasks the
 * server's own {@code RunnerExecutor} is given, driven directly); and Executor.exec, commands run
 * one after another inside a running task (how a GitHub Actions job runs its steps), on the Docker
 * engine and on the local executor alike.
 */
class ExecutorExecIT {
    /** Keeps the task alive until it is stopped, as a job container idles between steps. */
    static final String IDLE = "trap 'exit 0' TERM; while :; do sleep 1; done";

    static TaskSpec spec(Path runDir, String task) throws Exception {
        Path base = Files.createDirectories(runDir.resolve("base"));
        Files.writeString(base.resolve("hello.txt"), "hello from the base\n");
        Path dir = runDir.resolve("tasks").resolve(task).resolve("app");
        Files.createDirectories(dir.resolve("upper"));
        Files.createDirectories(dir.resolve("work"));
        return new TaskSpec("exec-" + System.nanoTime(), task, "local/busybox:1", false, IDLE, Map.of("TASK_VAR", "from-the-task"), "/src/app",
                List.of(new TaskSpec.Mount.Overlay(List.of(base), dir.resolve("upper"), dir.resolve("work"), "/src/app")),
                Task.NetworkPolicy.NONE, Task.Resources.NONE, Duration.ofMinutes(5), null);
    }

    static void contract(Executor executor) throws Exception {
        Path runDir = Files.createTempDirectory("slipway-exec-it-");
        TaskSpec spec = spec(runDir, "job");
        ExecutorContract.Collected main = new ExecutorContract.Collected();
        Executor.TaskHandle job = executor.start(spec, main);
        try {
            ExecutorContract.Collected one = new ExecutorContract.Collected();
            int code = executor.exec(job, List.of("sh", "-c", "echo out $TASK_VAR $STEP_VAR; echo err >&2; cat hello.txt; echo made > step1.txt; mkdir sub; exit 3"),
                    Map.of("STEP_VAR", "from-the-step"), "/src/app", one, Duration.ofMinutes(1));
            assertThat(code).isEqualTo(3);
            assertThat(one.out()).isEqualTo("out from-the-task from-the-step\nhello from the base\n");
            assertThat(one.err()).isEqualTo("err\n");

            // The next command sees the first one's writes and runs in another working directory.
            ExecutorContract.Collected two = new ExecutorContract.Collected();
            assertThat(executor.exec(job, List.of("sh", "-c", "cat ../step1.txt; pwd | sed 's|.*/src/|/src/|'; printf '\\377\\376'"), Map.of(),
                    "/src/app/sub", two, Duration.ofMinutes(1))).isZero();
            assertThat(two.stdout()).isEqualTo("made\n/src/app/sub\n\377\376".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(two.out()).doesNotContain("STEP_VAR");

            // A command past its timeout is stopped and gives -1; the task goes on.
            long started = System.nanoTime();
            ExecutorContract.Collected slow = new ExecutorContract.Collected();
            assertThat(executor.exec(job, List.of("sh", "-c", "echo start; sleep 60; echo never"), Map.of(), "/src/app", slow,
                    Duration.ofSeconds(2))).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(50));
            assertThat(slow.out()).isEqualTo("start\n");
            ExecutorContract.Collected after = new ExecutorContract.Collected();
            assertThat(executor.exec(job, List.of("sh", "-c", "echo still here"), Map.of(), "/src/app", after, Duration.ofMinutes(1))).isZero();
            assertThat(after.out()).isEqualTo("still here\n");
        } finally {
            executor.stop(job);
            executor.await(job, Duration.ofSeconds(30));
            executor.remove(job);
        }
    }

    /** Containers and volumes of engine instance {@code instance} (of run {@code runId}, or any), as the docker CLI lists them. */
    static List<String> engineLeftovers(String instance, String runId) {
        List<String> left = new ArrayList<>();
        String[] filters = runId == null ? new String[] {"--filter", "label=slipway.instance=" + instance}
                : new String[] {"--filter", "label=slipway.instance=" + instance, "--filter", "label=slipway.run=" + runId};
        Tools.Result ps = Tools.run(Map.of(), null, Stream.concat(Stream.of("docker", "ps", "-a", "--format", "{{.Names}}"),
                Stream.of(filters)).toArray(String[]::new)).ok();
        ps.out().lines().filter(l -> !l.isBlank()).forEach(l -> left.add("container " + l));
        Tools.Result volumes = Tools.run(Map.of(), null, Stream.concat(Stream.of("docker", "volume", "ls", "-q"),
                Stream.of(filters)).toArray(String[]::new)).ok();
        volumes.out().lines().filter(l -> !l.isBlank()).forEach(l -> left.add("volume " + l));
        return left;
    }

    static String randomRunId() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L));
    }

    /** The contract on the Docker engine: a container (and overlay volume) per task, kept until removed. */
    @Nested
    class DockerContract extends ExecutorContract {
        static String instance;
        static DockerExecutor docker;

        @BeforeAll
        static void open() throws Exception {
            Tools.require("docker");
            TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
            instance = InstanceId.random();
            docker = new DockerExecutor(instance, "off");
            docker.ping();
        }

        @AfterAll
        static void close() {
            if (docker != null) {
                docker.close();
            }
        }

        @Override
        protected Executor executor() {
            return docker;
        }

        @Override
        protected String newRun() {
            return randomRunId();
        }

        @Override
        protected List<String> leftovers(String runId) {
            return engineLeftovers(instance, runId);
        }

        @Override
        protected Executor.TaskHandle neverStarted(TaskSpec spec) {
            return new Executor.TaskHandle("slipway-" + instance + "-never-created", spec); // no container has this name
        }
    }

    /** The contract on the local executor: a process in a task root beside the task's layers, nothing kept after await. */
    @Nested
    class LocalContract extends ExecutorContract {
        static LocalExecutor local;

        @BeforeAll
        static void open() {
            local = new LocalExecutor();
        }

        @AfterAll
        static void close() {
            local.close();
        }

        @Override
        protected Executor executor() {
            return local;
        }

        @Override
        protected String newRun() {
            return randomRunId();
        }

        @Override
        protected List<String> leftovers(String runId) {
            return List.of(); // it makes only the task root (checked by the contract) and processes (checked too)
        }

        @Override
        protected Executor.TaskHandle neverStarted(TaskSpec spec) {
            return new Executor.TaskHandle(spec.runId() + "/" + spec.task() + "/0", spec); // no process has pid 0
        }
    }

    /**
     * The contract through the server's own {@code RunnerExecutor}: each task asks for the label
     * {@code contract} with runs_on, which only a {@code slipway runner} process has; the server
     * (in-process, so the test drives its executor) leases it to that runner over HTTP, the runner
     * runs it on the engine and sends its output back by byte offset. A second runner,
     * {@code contract-idle}, is registered but never polls: a task for it waits, never started.
     */
    @Nested
    class RemoteRunnerContract extends ExecutorContract {
        static final ObjectMapper JSON = new ObjectMapper();
        static TestServer server;
        static Http admin;
        static CiClient ci;
        static Process runner;
        static Path runnerDir;
        static String runnerInstance;
        static String idleToken;

        @BeforeAll
        static void open() throws Exception {
            Tools.require("docker");
            TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
            server = TestServer.start();
            admin = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
            ci = new CiClient(admin, "admin");
            // Runs to hold the contract's tasks: their own task asks for a label nobody has, so they end at once.
            ci.register("contract", GitRepos.create(Map.of(".slipway/hold.yml", """
                    images: { box: local/busybox:1 }
                    tasks:
                      hold:
                        image: box
                        runs_on: [nobody-has-it]
                        commands: [ "true" ]
                    """)));
            HttpResponse<String> t = admin.postJson("/api/v1/runners/registration-tokens", "{}");
            assertThat(t.statusCode()).as(t.body()).isEqualTo(201);
            String token = JSON.readTree(t.body()).get("token").asText();
            HttpResponse<String> idle = Http.anonymous(server.baseUrl()).postJson("/api/v1/runners/register",
                    JSON.createObjectNode().put("token", token).put("name", "contract-idle").set("labels",
                            JSON.createArrayNode().add("contract-idle")).toString());
            assertThat(idle.statusCode()).as(idle.body()).isEqualTo(201);
            idleToken = JSON.readTree(idle.body()).get("token").asText();
            runnerDir = RunnerProcesses.dir("contract");
            runner = RunnerProcesses.start(server.baseUrl(), "contract", token, "contract", runnerDir);
            RunnerProcesses.await(admin, 1);
            JsonNode listed = JSON.readTree(admin.get("/api/v1/runners").body());
            assertThat(listed.findValuesAsText("name")).containsExactly("contract", "contract-idle");
            assertThat(listed.get(1).get("state").asText()).isEqualTo("never seen"); // it never asked for work
            assertThat(listed.get(1).get("last_contact").isNull()).isTrue();
            runnerInstance = Files.readString(runnerDir.resolve("instance-id")).trim();
        }

        @AfterAll
        static void close() throws Exception {
            Tools.stop(runner);
            if (server != null) {
                server.close();
            }
            if (runnerInstance != null) {
                assertThat(engineLeftovers(runnerInstance, null)).isEmpty();
            }
            if (runnerDir != null) {
                Tools.deleteTree(runnerDir);
            }
        }

        @Override
        protected Executor executor() {
            return server.slipway().runnerExecutor();
        }

        @Override
        protected String newRun() throws Exception {
            JsonNode run = ci.run("contract", "{\"ref\":\"main\",\"pipeline\":\"hold\"}");
            assertThat(run.get("status").asText()).isEqualTo("error");
            return run.get("id").asText();
        }

        @Override
        protected TaskSpec forThisExecutor(TaskSpec s) {
            return withRunsOn(s, "contract");
        }

        static TaskSpec withRunsOn(TaskSpec s, String label) {
            return new TaskSpec(s.runId(), s.task(), s.image(), s.pullAlways(), s.script(), s.env(), s.workdir(), s.mounts(), s.network(),
                    s.resources(), s.timeout(), s.pullAuth(), s.entrypoint(), s.networks(), List.of(label));
        }

        /** The runner's containers and volumes of the run, its spool directories, its leases the server holds live, and any task still offered. */
        @Override
        protected List<String> leftovers(String runId) throws Exception {
            List<String> left = new ArrayList<>(engineLeftovers(runnerInstance, runId));
            Path tasks = runnerDir.resolve("tasks");
            if (Files.isDirectory(tasks)) {
                try (Stream<Path> s = Files.list(tasks)) {
                    s.forEach(p -> left.add("runner directory " + p));
                }
            }
            for (JsonNode r : JSON.readTree(admin.get("/api/v1/runners").body())) {
                r.get("tasks").forEach(t -> left.add("lease of runner " + r.get("name").asText() + ": " + t.asText()));
            }
            // A task still offered would be leased to the idle runner now: nothing may be.
            Http idle = Http.anonymous(server.baseUrl());
            HttpResponse<String> poll = idle.send(idle.request("/api/v1/runner/poll?wait=0").header("Slipway-Runner-Token", idleToken)
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
            if (poll.statusCode() != 204) {
                left.add("a task still offered to runners: " + poll.statusCode() + " " + poll.body());
            }
            return left;
        }

        /** A task for the idle runner, which never asks for work: offered, never taken, never started. */
        @Override
        protected Executor.TaskHandle neverStarted(TaskSpec spec) throws Exception {
            return executor.start(withRunsOn(spec, "contract-idle"), new ExecutorContract.Collected());
        }

        /** A runner spools stdout and stderr into one file and sends it as one stream (docs/runners.md): both arrive as stdout. */
        @Override
        protected boolean streamsKeptApart() {
            return false;
        }

        @Override
        protected boolean ownNote(String line) {
            return line.startsWith("[slipway] ");
        }
    }

    @Test
    void dockerRunsCommandsInsideARunningContainer() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        try (DockerExecutor docker = new DockerExecutor(InstanceId.random(), "off")) {
            docker.ping();
            contract(docker);
        }
    }

    @Test
    void theLocalExecutorRunsThemInTheTaskRoot() throws Exception {
        try (LocalExecutor local = new LocalExecutor()) {
            contract(local);
        }
    }

    /**
     * Docker 20.10 sometimes leaves a network's MASQUERADE rule behind; when a later network gets
     * that subnet, the rule masquerades the traffic between its own containers and a step cannot
     * reach a service by name (seen on fresh engines in CI). A rule is planted for every subnet of
     * Docker's default pools that is free now, so whichever the new network gets is poisoned.
     */
    @Test
    void aNatRuleAnEarlierNetworkLeftForTheSubnetIsRemovedAndTheServiceAnswersByName() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        String used = Tools.run(Map.of(), null, "sh", "-c", "docker network inspect $(docker network ls -q) --format '{{range .IPAM.Config}}{{.Subnet}} {{end}}'").out();
        List<String> planted = new ArrayList<>();
        for (int i = 17; i <= 31; i++) {
            planted.add("172." + i + ".0.0/16");
        }
        for (int i = 0; i < 256; i += 16) {
            planted.add("192.168." + i + ".0/20");
        }
        planted.removeIf(used::contains);
        for (String subnet : planted) {
            assertThat(Tools.run(Map.of(), null, "iptables", "-w", "-t", "nat", "-A", "POSTROUTING", "-s", subnet, "!", "-o",
                    DockerExecutor.BRIDGE, "-j", "MASQUERADE").exit()).isZero();
        }
        String runId = "nat-" + System.nanoTime();
        try (DockerExecutor docker = new DockerExecutor(InstanceId.random(), "iptables")) {
            String network = docker.createNetwork(runId, "job");
            String subnet = Tools.run(Map.of(), null, "docker", "network", "inspect", network, "--format", "{{range .IPAM.Config}}{{.Subnet}}{{end}}").out().strip();
            assertThat(planted).as("the new network's subnet %s was one of the poisoned ones", subnet).contains(subnet);
            assertThat(Tools.run(Map.of(), null, "iptables", "-w", "-t", "nat", "-S", "POSTROUTING").out()).doesNotContain("-s " + subnet + " ");
            String web = "slipway-nat-web-" + runId;
            try {
                assertThat(Tools.run(Map.of(), null, "docker", "run", "-d", "--name", web, "--network", network, "--network-alias", "web",
                        "local/busybox:1", "sh", "-c", "mkdir /www && echo hello-by-name > /www/index.html && httpd -f -p 8080 -h /www").exit()).isZero();
                Tools.Result get = Tools.run(Map.of(), null, "docker", "run", "--rm", "--network", network, "local/busybox:1", "sh", "-c",
                        "for i in $(seq 1 20); do timeout 3 wget -q -O - http://web:8080/ && exit 0; sleep 0.2; done; exit 1");
                assertThat(get.out()).as(get.err()).contains("hello-by-name");
            } finally {
                Tools.run(Map.of(), null, "docker", "rm", "-f", web);
                docker.removeRun(runId);
            }
        } finally {
            for (String subnet : planted) {
                Tools.run(Map.of(), null, "iptables", "-w", "-t", "nat", "-D", "POSTROUTING", "-s", subnet, "!", "-o", DockerExecutor.BRIDGE, "-j", "MASQUERADE");
            }
        }
    }
}
