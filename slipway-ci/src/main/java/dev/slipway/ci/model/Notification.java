package dev.slipway.ci.model;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Someone to tell when a run ends ({@code notify:}). Texts are templates of {@code ${NAME}}
 * references to the run's values; secrets are named, never written in the file, and read when a
 * notification is sent.
 */
public sealed interface Notification {
    /** Which ends of a run it is sent for. */
    Set<On> when();

    /** ntfy, slack or webhook: the key that introduces the entry in the file. */
    String kind();

    /** {@code success}, {@code failure} (also an error), {@code fixed} (a success after a failure), {@code always}. */
    enum On {
        SUCCESS, FAILURE, FIXED, ALWAYS;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Without {@code when:}: every run that succeeds or fails (a cancelled one only with {@code always}). */
    Set<On> DEFAULT_WHEN = Set.of(On.SUCCESS, On.FAILURE);

    /**
     * A POST to an ntfy topic, as ntfy's publish API takes it: the message as the body, title,
     * priority and tags as headers.
     *
     * @param url the topic's URL ({@code https://ntfy.example/builds})
     * @param title template, or null for none
     * @param priority 1 to 5, or min, low, default, high, max, urgent; null for ntfy's default
     * @param message template, or null for Slipway's default
     * @param token the secret holding an access token (sent as a bearer token), or null
     */
    record Ntfy(String url, String title, String priority, List<String> tags, String message, String token, Set<On> when)
            implements Notification {
        public Ntfy {
            tags = List.copyOf(tags);
            when = Set.copyOf(when);
        }

        @Override
        public String kind() {
            return "ntfy";
        }
    }

    /**
     * A message to a Slack incoming webhook.
     *
     * @param webhook the secret holding the webhook's URL (it is the credential)
     * @param text template, or null for Slipway's default
     */
    record Slack(String webhook, String text, Set<On> when) implements Notification {
        public Slack {
            when = Set.copyOf(when);
        }

        @Override
        public String kind() {
            return "slack";
        }
    }

    /**
     * The run's JSON POSTed to a URL.
     *
     * @param secret the secret that signs the body ({@code X-Slipway-Signature}), or null
     */
    record Webhook(String url, String secret, Set<On> when) implements Notification {
        public Webhook {
            when = Set.copyOf(when);
        }

        @Override
        public String kind() {
            return "webhook";
        }
    }
}
