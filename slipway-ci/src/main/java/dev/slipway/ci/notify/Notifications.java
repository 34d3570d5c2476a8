package dev.slipway.ci.notify;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.definition.PipelineParser;
import dev.slipway.ci.model.Notification;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.release.RunVersion;
import dev.slipway.ci.release.RunVersions;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.scheduler.RunChange;
import dev.slipway.ci.scheduler.RunJson;
import dev.slipway.ci.scheduler.RunLinks;
import dev.slipway.ci.scheduler.RunObserver;
import dev.slipway.ci.scheduler.RunValues;
import dev.slipway.ci.secret.MissingSecretException;
import dev.slipway.ci.secret.SecretResolver;
import dev.slipway.core.outbox.Delivery;
import dev.slipway.core.outbox.Message;
import dev.slipway.core.outbox.Outbox;
import dev.slipway.core.outbox.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications when a run ends (docs/ci.md, "Notifications"): the {@code notify:} entries of the
 * run's pipeline whose {@code when} matches how it ended. {@link #observer()} enqueues one outbox
 * message per entry inside the transaction that ends the run, with its texts filled in and its
 * secrets named; the outbox sends them afterwards with retries and backoff, one at a time per
 * place, so a slow or failing receiver never holds a run up nor changes its result. Secrets are
 * read when a notification is sent. A run's notifications show in its JSON ({@link #json}).
 *
 * <p>Runs of pull requests from forks send none: their pipeline file is the fork's, and would
 * otherwise choose where the repository's secrets go.
 */
public final class Notifications {
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KIND = "notification";

    /** The full ref ({@code refs/heads/main}) a run's ref names, or "" when unknown (a commit). */
    @FunctionalInterface
    public interface Refs {
        String fullRef(CiStore.RunRow run);
    }

    private final Outbox outbox;
    private final SecretResolver secrets;
    private final RunLinks links;
    private final Refs refs;
    private final Sender sender = new Sender();

    /** Registers the outbox handler of notifications; hang {@link #observer()} on the run store. */
    public Notifications(Outbox outbox, SecretResolver secrets, RunLinks links, Refs refs) {
        this.outbox = outbox;
        this.secrets = secrets;
        this.links = links;
        this.refs = refs;
        outbox.handle(KIND, this::deliver);
    }

    /** The outbox subject of a run's messages (shared with its commit statuses). */
    static String subject(long runId) {
        return "run:" + runId;
    }

    /** Enqueues the notifications of every run that ends. */
    public RunObserver observer() {
        return new RunObserver() {
            @Override
            public void changed(Handle tx, RunChange change) {
                if (change.kind() == RunChange.Kind.FINISHED) {
                    enqueue(tx, change);
                }
            }

            @Override
            public void committed(RunChange change) {
                if (change.kind() == RunChange.Kind.FINISHED) {
                    outbox.committed();
                }
            }

            @Override
            public String toString() {
                return "notifications";
            }
        };
    }

    private void enqueue(Handle tx, RunChange change) {
        CiStore.RunRow run = change.run();
        String fullRef = refs.fullRef(run);
        boolean fixed = Outcomes.record(tx, run, fullRef.isEmpty() ? run.ref() : fullRef);
        if (run.event().pullRequest() != null && run.event().pullRequest().fork()) {
            return;
        }
        Pipeline pipeline;
        try {
            pipeline = PipelineParser.parseOrRefuse(run.pipeline(), run.definition());
        } catch (RuntimeException e) {
            return; // a run that could not start for its file's problems: nothing to read who to tell
        }
        if (pipeline.notifications().isEmpty()) {
            return;
        }
        RunVersion version = RunVersions.find(tx, run.id()).orElse(null);
        Map<String, String> values = values(run, fullRef, pipeline, version);
        ObjectNode runJson = RunJson.of(run, change.tasks(), version);
        runJson.put("url", links.run(run.id()));
        for (Notification entry : pipeline.notifications()) {
            Notification.On on = matching(entry, run.status(), fixed);
            if (on != null) {
                Notice n = Notice.of(entry, run.id(), run.owner(), run.repo(), on, values, runJson.toString());
                outbox.enqueue(tx, Message.of(KIND, n.write()).about(subject(run.id())).orderedBy(n.orderingKey()));
            }
        }
    }

    /** Which of the entry's {@code when} values a run's end matches (the most specific), or null for none. */
    static Notification.On matching(Notification entry, String status, boolean fixed) {
        boolean success = status.equals("success");
        boolean failure = status.equals("failure") || status.equals("error");
        for (Notification.On on : List.of(Notification.On.FIXED, Notification.On.SUCCESS, Notification.On.FAILURE, Notification.On.ALWAYS)) {
            boolean matches = switch (on) {
                case FIXED -> fixed;
                case SUCCESS -> success;
                case FAILURE -> failure;
                case ALWAYS -> true;
            };
            if (matches && entry.when().contains(on)) {
                return on;
            }
        }
        return null;
    }

    /** What {@code ${NAME}} means in the texts: the run's built-ins (its version too), how it ended, its URL, its variables. */
    private Map<String, String> values(CiStore.RunRow run, String fullRef, Pipeline pipeline, RunVersion version) {
        Map<String, String> values = new HashMap<>(pipeline.variables());
        try {
            values.putAll(JSON.readValue(run.variables(), new TypeReference<Map<String, String>>() {}));
        } catch (IOException | RuntimeException e) {
            LOG.warn("run {} has unreadable variables; its notifications use the defaults", run.id());
        }
        CiStore.RunEvent e = run.event();
        RunValues builtIns = new RunValues(Long.toString(run.id()), run.owner() + "/" + run.repo(), run.trigger(),
                fullRef.isEmpty() ? run.ref() : fullRef, run.commit(), e.before(), e.message(), e.author(), e.pullRequest());
        if (version != null) {
            builtIns = builtIns.withVersion(new RunValues.Version(version.version(), version.bump(), version.previous()));
        }
        values.putAll(builtIns.env());
        values.put("SLIPWAY_PIPELINE", run.pipeline());
        values.put("SLIPWAY_TASK", "");
        values.put("SLIPWAY_STATUS", run.status());
        values.put("SLIPWAY_RUN_URL", links.run(run.id()));
        return values;
    }

    /** One attempt: the secrets are read now. */
    private Result deliver(Delivery d) throws InterruptedException {
        Notice n = Notice.read(d.payload());
        String secret = null;
        if (n.secret() != null) {
            try {
                byte[] value = secrets.resolve(n.owner(), n.repo(), List.of(n.secret())).get(n.secret());
                secret = new String(value, StandardCharsets.UTF_8).trim();
                Arrays.fill(value, (byte) 0);
            } catch (MissingSecretException e) {
                return Result.failed(null, e.getMessage() + "; set it with 'slipway secret set' or the secrets API");
            }
        }
        return switch (n.kind()) {
            case "ntfy" -> sender.ntfy(n, secret, d.id());
            case "slack" -> sender.slack(n, secret, d.id());
            case "webhook" -> sender.webhook(n, secret, d.id());
            default -> Result.failed(null, "unknown notification kind '" + n.kind() + "'");
        };
    }

    /**
     * A run's notifications for its JSON, in the order they were enqueued: kind, target (no
     * secrets), which {@code when} value sent it, the delivery's state, attempts, the receiver's
     * last HTTP status, and the last error (null once delivered).
     */
    public ArrayNode json(CiStore.RunRow run) {
        ArrayNode list = JSON.createArrayNode();
        for (Delivery d : outbox.deliveries(subject(run.id()))) {
            if (!d.kind().equals(KIND)) {
                continue;
            }
            Notice n = Notice.read(d.payload());
            ObjectNode o = list.addObject();
            o.put("kind", n.kind());
            o.put("target", n.target());
            o.put("when", n.on());
            o.put("state", d.state().wire());
            o.put("attempts", d.attempts());
            if (d.lastStatus() == null) {
                o.putNull("last_status");
            } else {
                o.put("last_status", d.lastStatus());
            }
            o.put("last_error", d.state() == Delivery.State.DELIVERED ? null : d.lastAnswer());
            RunJson.time(o, "next_attempt_at", d.state() == Delivery.State.PENDING ? d.nextAttemptAt() : null);
            RunJson.time(o, "updated_at", d.updatedAt());
        }
        return list;
    }
}
