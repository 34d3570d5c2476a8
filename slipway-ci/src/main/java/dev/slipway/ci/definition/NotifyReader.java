package dev.slipway.ci.definition;

import dev.slipway.ci.model.Notification;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads {@code notify:}: a list of entries, each one of {@code ntfy}, {@code slack} and
 * {@code webhook} with an optional {@code when}. Texts may use {@code ${NAME}}: the built-ins,
 * {@link Variables#NOTIFICATION_VALUES} and the pipeline's variables.
 */
final class NotifyReader {
    private static final Set<String> ENTRY_KEYS = Set.of("ntfy", "slack", "webhook", "when");
    private static final Set<String> KINDS = Set.of("ntfy", "slack", "webhook");
    private static final Set<String> NTFY_KEYS = Set.of("url", "title", "priority", "tags", "message", "token");
    private static final Set<String> SLACK_KEYS = Set.of("webhook", "text");
    private static final Set<String> WEBHOOK_KEYS = Set.of("url", "secret");
    /** What ntfy's Priority header takes. */
    static final List<String> PRIORITIES = List.of("1", "2", "3", "4", "5", "min", "low", "default", "high", "max", "urgent");
    private static final List<String> WHEN = List.of("success", "failure", "fixed", "always");

    private final Source source;
    private final Set<String> names;

    /** @param variables the pipeline's declared variables */
    NotifyReader(Source source, Set<String> variables) {
        this.source = source;
        this.names = new HashSet<>(variables);
        names.addAll(Variables.NOTIFICATION_VALUES);
    }

    List<Notification> read(Fields top) {
        List<Notification> out = new ArrayList<>();
        Node node = top.get("notify");
        if (node == null) {
            return out;
        }
        List<Node> items = source.items(node, "'notify'");
        for (int i = 0; i < items.size(); i++) {
            Notification n = entry(items.get(i), "notify #" + (i + 1));
            if (n != null) {
                out.add(n);
            }
        }
        return out;
    }

    private Notification entry(Node item, String where) {
        Fields f = source.fields(item, item, where, ENTRY_KEYS);
        if (!f.isMapping()) {
            return null;
        }
        List<String> kinds = f.entries().stream().map(Fields.Entry::key).filter(KINDS::contains).toList();
        if (kinds.size() != 1) {
            source.report(item, where + (kinds.isEmpty() ? " needs one of ntfy, slack and webhook" : " has " + String.join(" and ", kinds)
                    + "; write each in an entry of its own"));
            return null;
        }
        String kind = kinds.getFirst();
        String within = where + " (" + kind + ")";
        int before = source.problemCount();
        Set<Notification.On> when = when(f, within);
        Node body = f.get(kind);
        if (body == null) {
            source.report(f.keyNode(kind), "'" + kind + "' in " + where + " needs its settings" + switch (kind) {
                case "ntfy" -> ": { url: https://ntfy.example/topic }";
                case "slack" -> ": { webhook: SECRET } (the secret holds the incoming webhook's URL)";
                default -> ": { url: https://hooks.example/slipway }";
            });
            return null;
        }
        Fields s = source.fields(body, f.keyNode(kind), "'" + kind + "' of " + where, switch (kind) {
            case "ntfy" -> NTFY_KEYS;
            case "slack" -> SLACK_KEYS;
            default -> WEBHOOK_KEYS;
        });
        if (!s.isMapping()) {
            return null;
        }
        Notification n = switch (kind) {
            case "ntfy" -> new Notification.Ntfy(url(s, within, true), template(s, "title", within), priority(s, within), tags(s, within),
                    template(s, "message", within), secret(s, "token", within), when);
            case "slack" -> {
                Node webhook = s.require("webhook");
                yield new Notification.Slack(webhook == null ? null : secret(s, "webhook", within), template(s, "text", within), when);
            }
            default -> new Notification.Webhook(url(s, within, false), secret(s, "secret", within), when);
        };
        return source.problemCount() > before ? null : n;
    }

    /** {@code success}, {@code failure}, {@code fixed}, {@code always}; one or a list. */
    private Set<Notification.On> when(Fields f, String where) {
        Node node = f.get("when");
        if (node == null) {
            return Notification.DEFAULT_WHEN;
        }
        Set<Notification.On> when = EnumSet.noneOf(Notification.On.class);
        int before = source.problemCount();
        for (Source.Text t : source.texts(node, "'when' of " + where, "a value in 'when' of " + where)) {
            if (WHEN.contains(t.value())) {
                when.add(Notification.On.valueOf(t.value().toUpperCase(Locale.ROOT)));
            } else {
                source.report(t.node(), "'" + t.value() + "' in 'when' of " + where + " is not one of " + String.join(", ", WHEN)
                        + Syntax.didYouMean(t.value(), WHEN));
            }
        }
        if (when.isEmpty() && source.problemCount() == before) {
            source.report(node, "'when' of " + where + " needs at least one of " + String.join(", ", WHEN));
        }
        return when;
    }

    /** An http(s) URL with a host (for ntfy, and a topic); not a template: where it goes is fixed in the file. */
    private String url(Fields s, String where, boolean topic) {
        Node node = s.require("url");
        String url = node == null ? null : source.text(node, "'url' of " + where);
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                source.report(node, "'url' of " + where + " must be an http or https URL such as https://ntfy.example/topic, not '" + url + "'");
            } else if (topic && (uri.getPath() == null || uri.getPath().replace("/", "").isEmpty())) {
                source.report(node, "'url' of " + where + " needs the topic: https://" + uri.getRawAuthority() + "/TOPIC");
            }
        } catch (URISyntaxException e) {
            source.report(node, "'url' of " + where + " is not a URL: " + e.getReason());
        }
        return url;
    }

    private String template(Fields s, String key, String where) {
        String text = s.text(key, "'" + key + "' of " + where);
        if (text != null) {
            Variables.check(source, s.get(key), text, "'" + key + "' of " + where, "notification texts", names);
        }
        return text;
    }

    private String priority(Fields s, String where) {
        String p = s.text("priority", "'priority' of " + where);
        if (p != null && !PRIORITIES.contains(p)) {
            source.report(s.get("priority"), "'priority' of " + where + " must be 1 to 5 or min, low, default, high, max (urgent), not '"
                    + p + "'" + Syntax.didYouMean(p, PRIORITIES));
        }
        return p;
    }

    /** ntfy's tags: emoji short codes or words; the header separates them with commas. */
    private List<String> tags(Fields s, String where) {
        List<String> tags = new ArrayList<>();
        for (Source.Text t : source.texts(s.get("tags"), "'tags' of " + where, "a tag of " + where)) {
            if (t.value().isBlank() || t.value().contains(",")) {
                source.report(t.node(), "a tag of " + where + " must not be empty or contain ',' (write each tag as a list item)");
            }
            tags.add(t.value().strip());
        }
        return tags;
    }

    /** The name of a secret (read when the notification is sent), or null when the key is absent. */
    private String secret(Fields s, String key, String where) {
        String name = s.text(key, "'" + key + "' of " + where);
        if (name == null) {
            return null;
        }
        if (name.contains("://")) {
            source.report(s.get(key), "'" + key + "' of " + where + " names a secret, not its value: store the value with"
                    + " 'slipway secret set NAME' and write the name here");
            return null;
        }
        return source.checkEnvName(s.get(key), name, "secret") ? name : null;
    }
}
