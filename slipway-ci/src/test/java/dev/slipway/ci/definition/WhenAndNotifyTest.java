package dev.slipway.ci.definition;

import static dev.slipway.ci.definition.PipelineValidationTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.model.Condition;
import dev.slipway.ci.model.Notification;
import dev.slipway.ci.model.Pipeline;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A task's {@code when:} and the pipeline's {@code notify:}: what they parse into, and every problem with its place. */
class WhenAndNotifyTest {
    private static final String F = ".slipway/build.yml:";
    private final PipelineParser parser = new PipelineParser();

    /** Issue 10's acceptance example without its publish task (another part of the release flow, not on main yet). */
    static final String RELEASE = """
            on:
              push: { branches: [main] }
            version:
              rules: conventional      # or: simple (seed 000's table)
              tag: true                # push the new version tag to the repository when the run succeeds
            images:
              box: local/busybox:1
              app:
                build: { context: ., dockerfile: Dockerfile }
            tasks:
              test:
                image: box
                commands: [ "echo testing $SLIPWAY_VERSION" ]
              on-failure:
                image: box
                when: { status: [failure] }
                commands: [ "echo something failed" ]
            notify:
              - ntfy:
                  url: http://127.0.0.1:8080/gitea-ci
                  title: "Images built: ${SLIPWAY_REPO}"
                  priority: default
                  tags: [white_check_mark, docker]
                  message: "Version: ${SLIPWAY_VERSION}"
                when: [success]
            """;

    @Test
    void theReleaseExamplesConditionAndNotification() {
        Pipeline p = parser.parse(".slipway/build.yml", RELEASE);

        assertThat(p.task("test").when()).isEqualTo(Condition.DEFAULT);
        assertThat(p.task("on-failure").when()).isEqualTo(new Condition(Set.of(Condition.Status.FAILURE), List.of(), List.of(), List.of(), Map.of()));
        assertThat(p.notifications()).containsExactly(new Notification.Ntfy("http://127.0.0.1:8080/gitea-ci", "Images built: ${SLIPWAY_REPO}",
                "default", List.of("white_check_mark", "docker"), "Version: ${SLIPWAY_VERSION}", null, Set.of(Notification.On.SUCCESS)));
        assertThat(p.version()).isNotNull();
    }

    /** docs/pipelines.md's seed 000 and seed 001 examples. */
    @Test
    void seed000sLoginConditionAndNtfyAndSeed001sSlack() throws Exception {
        Map<String, String> docs = DocumentationExamplesTest.examples();
        Pipeline images = parser.parse(".slipway/images.yml", docs.get(".slipway/images.yml"));
        assertThat(images.task("push").when().events()).containsExactly("!pull_request");
        assertThat(images.notifications()).containsExactly(new Notification.Ntfy("http://ntfy.observability.svc.cluster.local:80/gitea-ci",
                "✅ Images Built: ${SLIPWAY_REPO}", "default", List.of("white_check_mark", "docker"), "Version: ${SLIPWAY_VERSION}", null,
                Set.of(Notification.On.SUCCESS)));

        Pipeline deploy = parser.parse(".slipway/deploy.yml", docs.get(".slipway/deploy.yml"));
        assertThat(deploy.notifications()).containsExactly(new Notification.Slack("SLACK_WEBHOOK",
                "Deploy of ${IMAGE_NAME}:${IMAGE_TAG}: ${SLIPWAY_STATUS} (${SLIPWAY_RUN_URL})",
                Set.of(Notification.On.SUCCESS, Notification.On.FAILURE)));
    }

    @Test
    void everyPartOfWhenInFullAndShortForms() {
        Pipeline p = parser.parse(".slipway/build.yml", """
                variables: { DEPLOY: "false", TARGET: staging }
                images: { box: local/busybox:1 }
                tasks:
                  login:
                    image: box
                    when: { event: "!pull_request" }
                    commands: [ "true" ]
                  deploy:
                    image: box
                    depends_on: [login]
                    when:
                      status: success
                      event: [push, manual]
                      branch: [main, "release/*", "!release/old"]
                      tag: "v*"
                      variables: { DEPLOY: true, TARGET: [staging, prod] }
                    commands: [ "true" ]
                  notify:
                    image: box
                    when: { status: [success, failure] }
                    commands: [ "true" ]
                """);

        assertThat(p.task("login").when()).isEqualTo(new Condition(Set.of(Condition.Status.SUCCESS), List.of("!pull_request"), List.of(),
                List.of(), Map.of()));
        assertThat(p.task("deploy").when()).isEqualTo(new Condition(Set.of(Condition.Status.SUCCESS), List.of("push", "manual"),
                List.of("main", "release/*", "!release/old"), List.of("v*"), Map.of("DEPLOY", List.of("true"), "TARGET", List.of("staging", "prod"))));
        assertThat(p.task("deploy").when().runsOnFailure()).isFalse();
        assertThat(p.task("notify").when().status()).containsExactlyInAnyOrder(Condition.Status.SUCCESS, Condition.Status.FAILURE);
        assertThat(p.task("notify").when().runsOnFailure()).isTrue();
    }

    @Test
    void notifyKindsWithTheirDefaults() {
        Pipeline p = parser.parse(".slipway/build.yml", """
                images: { box: local/busybox:1 }
                tasks:
                  build: { image: box, commands: [ "true" ] }
                notify:
                  - ntfy: { url: "https://ntfy.example/builds", token: NTFY_TOKEN }
                  - slack: { webhook: SLACK_WEBHOOK, text: "${SLIPWAY_REPO} ${SLIPWAY_STATUS}: ${SLIPWAY_RUN_URL}" }
                    when: [failure, fixed]
                  - webhook: { url: "https://hooks.example/ci", secret: HOOK_KEY }
                    when: always
                """);

        assertThat(p.notifications()).containsExactly(
                new Notification.Ntfy("https://ntfy.example/builds", null, null, List.of(), null, "NTFY_TOKEN", Notification.DEFAULT_WHEN),
                new Notification.Slack("SLACK_WEBHOOK", "${SLIPWAY_REPO} ${SLIPWAY_STATUS}: ${SLIPWAY_RUN_URL}",
                        Set.of(Notification.On.FAILURE, Notification.On.FIXED)),
                new Notification.Webhook("https://hooks.example/ci", "HOOK_KEY", Set.of(Notification.On.ALWAYS)));
        assertThat(Notification.DEFAULT_WHEN).containsExactlyInAnyOrder(Notification.On.SUCCESS, Notification.On.FAILURE);
    }

    @Test
    void whenProblemsPointAtTheirNodes() {
        assertThat(problems("""
                variables: { DEPLOY: "false" }
                images: { box: local/busybox:1 }
                tasks:
                  a:
                    image: box
                    commands: [ "true" ]
                    when:
                      status: [failed]
                      event: [psuh, "!pull-request"]
                      branch: [""]
                      variables: { DEPLY: "true", DEPLOY: }
                      tags: v1
                """)).containsExactly(
                F + "8:16: status 'failed' in 'tasks.a.when.status' must be success or failure (both: whatever happened before)",
                F + "9:15: event 'psuh' in 'tasks.a.when.event' is not one of push, tag, pull_request, manual, api, cron"
                        + " (a leading '!' excludes one) (did you mean 'push'?)",
                F + "9:21: event '!pull-request' in 'tasks.a.when.event' is not one of push, tag, pull_request, manual, api, cron"
                        + " (a leading '!' excludes one) (did you mean 'pull_request'?)",
                F + "10:16: a pattern in 'tasks.a.when.branch' is empty",
                F + "11:20: 'tasks.a.when.variables' names undeclared variable 'DEPLY' (did you mean 'DEPLOY'?)",
                F + "11:35: variable 'DEPLOY' in 'tasks.a.when.variables' needs the value (or a list of values) it must have",
                F + "12:7: unknown key 'tags' in 'tasks.a.when' (did you mean 'tag'?)");

        assertThat(problems("""
                images: { box: local/busybox:1 }
                tasks:
                  a:
                    image: box
                    commands: [ "true" ]
                    when: { status: [], variables: { X: "1" }, branch: !main }
                  b:
                    image: box
                    commands: [ "true" ]
                    when: always
                """)).containsExactly(
                F + "6:21: 'tasks.a.when.status' needs success, failure or both",
                F + "6:38: 'tasks.a.when.variables' names undeclared variable 'X'; declare it under 'variables' with its default value",
                F + "6:56: YAML tag '!main' is not supported here; quote a value that starts with '!': \"!main\"",
                F + "10:11: 'tasks.b.when' must be a mapping (key: value), not 'always'");
    }

    @Test
    void notifyProblemsPointAtTheirNodes() {
        assertThat(problems("""
                variables: { TARGET: prod }
                images: { box: local/busybox:1 }
                tasks:
                  a: { image: box, commands: [ "true" ] }
                notify:
                  - when: [success]
                  - ntfy: { url: "https://ntfy.example/t" }
                    slack: { webhook: HOOK }
                  - ntfy: { url: "https://ntfy.example/", priority: loud, tags: ["a,b"], title: "${TARGTE} ${SLIPWAY_STATSU}" }
                    when: [sucess]
                  - slack: { text: hi }
                  - webhook: { url: "ftp://x/y", secret: "https://hooks.slack.com/services/T0/B0/xyz" }
                  - slack:
                  - ntfy: { url: "https://ntfy.example/t", token: "slipway_token" }
                    when: []
                """)).containsExactly(
                F + "6:5: notify #1 needs one of ntfy, slack and webhook",
                F + "7:5: notify #2 has ntfy and slack; write each in an entry of its own",
                F + "9:18: 'url' of notify #3 (ntfy) needs the topic: https://ntfy.example/TOPIC",
                F + "9:53: 'priority' of notify #3 (ntfy) must be 1 to 5 or min, low, default, high, max (urgent), not 'loud'"
                        + " (did you mean 'low'?)",
                F + "9:66: a tag of notify #3 (ntfy) must not be empty or contain ',' (write each tag as a list item)",
                F + "9:82: 'title' of notify #3 (ntfy) uses undeclared variable 'TARGTE' (did you mean 'TARGET'?); declare it under"
                        + " 'variables' (notification texts are not read by a shell)",
                F + "9:92: 'title' of notify #3 (ntfy) uses unknown built-in variable 'SLIPWAY_STATSU' (did you mean 'SLIPWAY_STATUS'?);"
                        + " names starting with SLIPWAY_ are Slipway's (see the built-in variables)",
                F + "10:12: 'sucess' in 'when' of notify #3 (ntfy) is not one of success, failure, fixed, always (did you mean 'success'?)",
                F + "11:5: 'slack' of notify #4 needs 'webhook'",
                F + "12:21: 'url' of notify #5 (webhook) must be an http or https URL such as https://ntfy.example/topic, not 'ftp://x/y'",
                F + "12:42: 'secret' of notify #5 (webhook) names a secret, not its value: store the value with 'slipway secret set NAME'"
                        + " and write the name here",
                F + "13:5: 'slack' in notify #6 needs its settings: { webhook: SECRET } (the secret holds the incoming webhook's URL)",
                F + "14:51: 'slipway_token': names starting with SLIPWAY_ are reserved for Slipway",
                F + "15:11: 'when' of notify #7 (ntfy) needs at least one of success, failure, fixed, always");
    }
}
