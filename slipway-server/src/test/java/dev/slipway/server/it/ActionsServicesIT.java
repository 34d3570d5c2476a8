package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code services:} of GitHub Actions jobs (issue 11) on a real server and engine: services on a
 * network of the job's own, reached by label, healthy before the steps, their logs in the job's
 * log, removed with their network at the job's end; a service that never becomes healthy fails
 * its job. Service images are local (the runner image, and one built here from busybox).
 */
class ActionsServicesIT {
    static final String HTTPD = "local/services-httpd:1";
    static TestServer server;
    static CiClient admin;
    static String runner;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        runner = TestImages.runner();
        // busybox's httpd as the image's own command: a service as GitHub runs most of them, without command:.
        TestImages.buildBusybox(Map.of(), HTTPD, """
                RUN ["mkdir","-p","/www"]
                CMD ["sh","-c","echo box says $GREETING; echo \\"page of box, greeting $GREETING\\" > /www/index.html; exec httpd -f -v -p 8081 -h /www"]
                """);
        server = TestServer.sharedWorkflows();
        admin = new CiClient(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD), "admin");
    }

    @Test
    void servicesAreReachedByTheirLabelAndRemovedWithTheirNetworkAfterTheJob() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/svc.yml", """
                on: workflow_dispatch
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    services:
                      web:
                        image: %s
                        command: python3 -m http.server 8080
                        ports:
                          - 8080
                        options: >-
                          --health-cmd "curl -fsS http://localhost:8080/ > /dev/null"
                          --health-interval 1s --health-timeout 3s --health-retries 30
                      box:
                        image: %s
                        env:
                          GREETING: hello-from-env
                        ports:
                          - 9081:8081
                    steps:
                      - run: curl -fsS http://web:8080/ | grep -o 'Directory listing for /'
                      - run: curl -fsS http://box:8081/
                      - name: a job without container reaches its services on localhost too, as on GitHub's runner host
                        run: |
                          curl -fsS http://localhost:${{ job.services.box.ports['8081'] }}/ | sed 's/^/via localhost: /'
                      - run: |
                          echo "web port 8080 is host port ${{ job.services.web.ports['8080'] }}"
                          echo "network ${{ job.services.web.network }} id ${{ job.services.box.id }}"
                      - name: the server is reachable as without services
                        run: curl -s -o /dev/null -w 'server answered %%{http_code}\\n' "$SLIPWAY_SERVER/v2/"
                """.formatted(runner, HTTPD)));
        admin.register("svc", repo);
        JsonNode run = admin.run("svc", "{\"workflow\":\"svc.yml\"}");
        String log = admin.log(run, "test");
        assertThat(run.get("status").asText()).as(log).isEqualTo("success");
        assertThat(log).contains("Starting service web (" + runner + ")").contains("Starting service box (" + HTTPD + ")")
                .contains("Directory listing for /")
                .contains("page of box, greeting hello-from-env")
                .contains("via localhost: page of box, greeting hello-from-env")
                .contains("warning: ports 9081:8081 of service box: this job has no container:, so its services share its network stack"
                        + " and box listens on localhost:8081, not 9081")
                .containsPattern("server answered [1-5]\\d\\d")
                .containsPattern("web port 8080 is host port \\d+\n");
        // Each service's own output, in a group of its own at the job's end.
        assertThat(log.substring(log.indexOf("Service web (" + runner + ") log"))).contains("\"GET / HTTP/1.1\" 200");
        assertThat(log.substring(log.indexOf("Service box (" + HTTPD + ") log"))).contains("box says hello-from-env");
        Matcher m = Pattern.compile("network (\\S+) id ([0-9a-f]{64})").matcher(log);
        assertThat(m.find()).as(log).isTrue();
        assertGone(m.group(1), m.group(2));
    }

    @Test
    void aServiceThatNeverBecomesHealthyFailsTheJobAndBadOptionsAreRefused() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/sick.yml", """
                on: workflow_dispatch
                jobs:
                  sick:
                    runs-on: ubuntu-latest
                    services:
                      never-ready:
                        image: %s
                        options: --health-cmd "echo still-warming-up; exit 1" --health-interval 1s --health-retries 2
                    steps:
                      - run: echo steps-ran
                  bad:
                    runs-on: ubuntu-latest
                    services:
                      db:
                        image: %s
                        options: --health-cmd true --privileged
                    steps:
                      - run: echo steps-ran
                  clash:
                    runs-on: ubuntu-latest
                    services:
                      one: { image: %s, ports: [8081] }
                      two: { image: %s, ports: [8081] }
                    steps:
                      - run: echo steps-ran
                """.formatted(HTTPD, HTTPD, HTTPD, HTTPD)));
        admin.register("sick", repo);
        JsonNode run = admin.run("sick", "{\"workflow\":\"sick.yml\"}");
        String sick = admin.log(run, "sick");
        // A job that cannot be set up is an error, as a missing image is; its dependents do not run.
        assertThat(run.get("status").asText()).as(sick).isEqualTo("error");
        assertThat(CiClient.tasks(run).get("sick").get("status").asText()).isEqualTo("error");
        assertThat(sick).contains("service never-ready is unhealthy: 2 health checks failed in a row; its last health check said: still-warming-up")
                .contains("Service never-ready (" + HTTPD + ") log").contains("box says")
                .doesNotContain("steps-ran");
        String bad = admin.log(run, "bad");
        assertThat(bad).contains("jobs.bad.services.db.options: --privileged is not supported for services by Slipway")
                .contains("--health-cmd").doesNotContain("steps-ran").doesNotContain("Starting service");
        assertThat(admin.log(run, "clash")).contains("services one and two both use port 8081 on localhost").doesNotContain("steps-ran");
        Matcher network = Pattern.compile("network (\\S+) for the job and its services").matcher(sick);
        assertThat(network.find()).as(sick).isTrue();
        assertThat(Tools.run(Map.of(), null, "docker", "network", "inspect", network.group(1)).exit()).as("network removed").isNotZero();
        assertThat(Tools.run(Map.of(), null, "docker", "ps", "-aq", "--filter", "name=" + network.group(1) + "-svc-").out())
                .as("service containers removed").isBlank();
    }

    @Test
    void servicesAreRemovedWhenTheRunIsCancelled() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/long.yml", """
                on: workflow_dispatch
                jobs:
                  long:
                    runs-on: ubuntu-latest
                    services:
                      box-cancel:
                        image: %s
                        options: --health-cmd "wget -q -O /dev/null http://localhost:8081/" --health-interval 1s --health-retries 30
                    steps:
                      - run: |
                          echo "network ${{ job.services.box-cancel.network }} id ${{ job.services.box-cancel.id }}"
                          sleep 600
                """.formatted(HTTPD)));
        admin.register("long", repo);
        long id = admin.trigger("long", "{\"workflow\":\"long.yml\"}").get("id").asLong();
        Pattern started = Pattern.compile("network (\\S+) id ([0-9a-f]{64})");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(120).toNanos();
        Matcher m;
        while (true) {
            m = started.matcher(new String(admin.rawLog(id, "long"), java.nio.charset.StandardCharsets.UTF_8));
            if (m.find()) {
                break;
            }
            assertThat(System.nanoTime()).as("the step started").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(Tools.run(Map.of(), null, "docker", "inspect", m.group(2)).exit()).as("the service runs").isZero();
        var cancel = admin.http().post("/api/v1/runs/" + id + "/cancel", "application/json", new byte[0]);
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        JsonNode run = admin.await(id);
        assertThat(run.get("status").asText()).isEqualTo("cancelled");
        assertGone(m.group(1), m.group(2));
    }

    @Test
    void aNamedVolumeIsSharedByTheJobsContainerAndItsServiceAndAHostPathFailsTheJobByName() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/vol.yml", """
                on: workflow_dispatch
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    container:
                      image: %s
                      volumes: [ "shared:/shared", "/scratch" ]
                    services:
                      box:
                        image: %s
                        volumes: [ "shared:/data" ]
                        command: sh -c "echo written-by-the-service > /data/from-service; exec httpd -f -p 8081 -h /data"
                    steps:
                      - run: |
                          for i in $(seq 1 50); do [ -f /shared/from-service ] && break; sleep 0.2; done
                          cat /shared/from-service
                          echo scratch > /scratch/f && cat /scratch/f
                          curl -fsS http://box:8081/from-service | sed 's/^/by label: /'
                          curl -fsS --max-time 3 http://localhost:8081/ || echo "a job in a container: not on localhost"
                  host:
                    runs-on: ubuntu-latest
                    container:
                      image: %s
                      volumes: [ "/etc:/host-etc" ]
                    steps:
                      - run: echo never
                """.formatted(runner, HTTPD, runner)));
        admin.register("vol", repo);
        JsonNode run = admin.run("vol", "{\"workflow\":\"vol.yml\"}");
        String log = admin.log(run, "test");
        assertThat(CiClient.tasks(run).get("test").get("status").asText()).as(log).isEqualTo("success");
        assertThat(log).contains("written-by-the-service\n").contains("scratch\n").contains("by label: written-by-the-service")
                .contains("a job in a container: not on localhost");
        assertThat(CiClient.tasks(run).get("host").get("status").asText()).isEqualTo("error");
        assertThat(admin.log(run, "host")).contains("jobs.host.container.volumes").contains("mounts a path of the host");
    }

    private static void assertGone(String network, String container) {
        assertThat(Tools.run(Map.of(), null, "docker", "network", "inspect", network).exit()).as("network " + network + " is removed").isNotZero();
        assertThat(Tools.run(Map.of(), null, "docker", "inspect", container).exit()).as("service container is removed").isNotZero();
    }
}
