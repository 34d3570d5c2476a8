package dev.slipway.ci.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.model.Notification;
import dev.slipway.ci.model.Notification.On;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a notification says and where it goes, as the outbox keeps it; which runs send it. */
class NoticeTest {
    static final Map<String, String> VALUES = Map.of("SLIPWAY_REPO", "alice/app", "SLIPWAY_PIPELINE", "ci", "SLIPWAY_STATUS", "success",
            "SLIPWAY_RUN_ID", "7", "SLIPWAY_COMMIT_SHORT", "0123abcd", "SLIPWAY_RUN_URL", "http://ci.example/api/v1/runs/7",
            "TARGET", "prod");

    @Test
    void ntfyTextsAreFilledInAndSecretsStayNames() {
        Notification.Ntfy ntfy = new Notification.Ntfy("https://bob:pw@ntfy.example:8443/gitea-ci?auth=xyz", "Images built: ${SLIPWAY_REPO}",
                "default", List.of("white_check_mark", "docker"), "Version: ${SLIPWAY_COMMIT_SHORT} to ${TARGET}", "NTFY_TOKEN", Set.of(On.SUCCESS));
        Notice n = Notice.of(ntfy, 7, "alice", "app", On.SUCCESS, VALUES, "{}");

        assertThat(n.title()).isEqualTo("Images built: alice/app");
        assertThat(n.message()).isEqualTo("Version: 0123abcd to prod");
        assertThat(n.secret()).isEqualTo("NTFY_TOKEN");
        assertThat(n.target()).as("no user information, no query").isEqualTo("https://ntfy.example:8443/gitea-ci");
        assertThat(n.on()).isEqualTo("success");
        assertThat(n.body()).isNull();
        assertThat(Notice.read(n.write())).isEqualTo(n);
    }

    @Test
    void defaultsForTextsAndSlackShowsOnlyTheSecretsName() {
        Notice ntfy = Notice.of(new Notification.Ntfy("https://ntfy.example/t", null, null, List.of(), null, null, Set.of(On.ALWAYS)),
                7, "alice", "app", On.ALWAYS, VALUES, "{}");
        assertThat(ntfy.title()).isNull();
        assertThat(ntfy.message()).isEqualTo("alice/app: ci success (run 7, 0123abcd)\nhttp://ci.example/api/v1/runs/7");

        Notice slack = Notice.of(new Notification.Slack("SLACK_WEBHOOK", null, Set.of(On.FAILURE)), 7, "alice", "app", On.FAILURE, VALUES, "{}");
        assertThat(slack.target()).isEqualTo("the Slack webhook in secret SLACK_WEBHOOK");
        assertThat(slack.url()).isNull();
        assertThat(slack.message()).isEqualTo(ntfy.message());

        Notice hook = Notice.of(new Notification.Webhook("https://hooks.example/ci", "KEY", Set.of(On.ALWAYS)), 7, "alice", "app",
                On.ALWAYS, VALUES, "{\"id\":7}");
        assertThat(hook.body()).isEqualTo("{\"id\":7}");
        assertThat(Notice.read(hook.write())).isEqualTo(hook);
        assertThat(hook.orderingKey()).isEqualTo("notification:alice/app:webhook:https://hooks.example/ci");
        assertThat(slack.orderingKey()).isEqualTo("notification:alice/app:slack:SLACK_WEBHOOK");
    }

    @Test
    void whichEndOfARunSendsAnEntry() {
        Notification success = new Notification.Webhook("https://h.example/x", null, Set.of(On.SUCCESS));
        Notification failure = new Notification.Webhook("https://h.example/x", null, Set.of(On.FAILURE));
        Notification fixedOrFailure = new Notification.Webhook("https://h.example/x", null, Set.of(On.FIXED, On.FAILURE));
        Notification both = new Notification.Webhook("https://h.example/x", null, Notification.DEFAULT_WHEN);
        Notification always = new Notification.Webhook("https://h.example/x", null, Set.of(On.ALWAYS, On.SUCCESS));

        assertThat(Notifications.matching(success, "success", false)).isEqualTo(On.SUCCESS);
        assertThat(Notifications.matching(success, "failure", false)).isNull();
        assertThat(Notifications.matching(failure, "failure", false)).isEqualTo(On.FAILURE);
        assertThat(Notifications.matching(failure, "error", false)).as("an error is a failure").isEqualTo(On.FAILURE);
        assertThat(Notifications.matching(failure, "cancelled", false)).isNull();
        assertThat(Notifications.matching(fixedOrFailure, "success", false)).isNull();
        assertThat(Notifications.matching(fixedOrFailure, "success", true)).isEqualTo(On.FIXED);
        assertThat(Notifications.matching(both, "cancelled", false)).as("cancelled runs only with always").isNull();
        assertThat(Notifications.matching(both, "success", true)).isEqualTo(On.SUCCESS);
        assertThat(Notifications.matching(always, "cancelled", false)).isEqualTo(On.ALWAYS);
        assertThat(Notifications.matching(always, "success", false)).as("the most specific value that matches").isEqualTo(On.SUCCESS);
    }

    @Test
    void headerValuesAreOneLineAndNonAsciiGoesAsAnEncodedWord() {
        assertThat(Sender.headerValue("Images built: alice/app")).isEqualTo("Images built: alice/app");
        assertThat(Sender.headerValue("fix: a\r\nX-Injected: 1")).isEqualTo("fix: a X-Injected: 1");
        String encoded = Sender.headerValue("✅ Images Built: alice/app");
        assertThat(encoded).startsWith("=?UTF-8?B?").endsWith("?=");
        assertThat(new String(Base64.getDecoder().decode(encoded.substring(10, encoded.length() - 2)), StandardCharsets.UTF_8))
                .isEqualTo("✅ Images Built: alice/app");
    }
}
