package dev.slipway.ci.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.registration.Registration;
import dev.slipway.ci.registration.Registrations;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.scheduler.RunChange;
import dev.slipway.ci.scheduler.RunLinks;
import dev.slipway.ci.scheduler.RunObserver;
import dev.slipway.ci.secret.MissingSecretException;
import dev.slipway.ci.secret.SecretResolver;
import dev.slipway.core.Clock;
import dev.slipway.core.outbox.Delivery;
import dev.slipway.core.outbox.Message;
import dev.slipway.core.outbox.Outbox;
import dev.slipway.core.outbox.Result;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commit statuses back to the forge (docs/ci.md, "Commit statuses"). For a registration with a
 * {@code status_token}, every change of one of its runs (queued, running, finished ...) becomes a
 * status of the run's commit with context {@code slipway/<pipeline>}: {@link #observer()} enqueues
 * it in the outbox inside the change's transaction, and the outbox posts it to Gitea, Forgejo or
 * GitHub with retries, never holding the run up.
 *
 * <p>Where statuses go: the registration's {@code forge}, {@code forge_url} and
 * {@code forge_repository} where set; otherwise what webhook deliveries taught ({@link #learn},
 * kept in {@code ci_forge_origins}); for GitHub the API defaults to api.github.com, and the
 * repository's name on the forge to the registration's own. Without a known forge or API URL a
 * status is not guessed at: its delivery fails saying what to set, in the log, the run's JSON and
 * the registration's. The token is read from the secret when each status is sent.
 */
public final class CommitStatuses {
    private static final Logger LOG = LoggerFactory.getLogger(CommitStatuses.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KIND = "commit-status";
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private final Registrations registrations;
    private final SecretResolver secrets;
    private final Outbox outbox;
    private final ForgeOrigins origins;
    private final Clock clock;
    private final RunLinks links;
    private final StatusPoster poster = new StatusPoster();

    /** Registers the outbox handler of commit statuses; hang {@link #observer()} on the run store. */
    public CommitStatuses(Registrations registrations, SecretResolver secrets, Outbox outbox, Jdbi jdbi, Clock clock, RunLinks links) {
        this.registrations = registrations;
        this.secrets = secrets;
        this.outbox = outbox;
        this.origins = new ForgeOrigins(jdbi);
        this.clock = clock;
        this.links = links;
        outbox.handle(KIND, this::deliver);
    }

    /** The outbox subject of a run's messages (its commit statuses; later its notifications). */
    static String subject(long runId) {
        return "run:" + runId;
    }

    static String context(String pipeline) {
        return "slipway/" + pipeline;
    }

    /** Enqueues a status for every change of a run whose registration has a status token. */
    public RunObserver observer() {
        return new RunObserver() {
            @Override
            public void changed(Handle tx, RunChange change) {
                enqueue(tx, change);
            }

            @Override
            public void committed(RunChange change) {
                outbox.committed();
            }

            @Override
            public String toString() {
                return "commit statuses";
            }
        };
    }

    private void enqueue(Handle tx, RunChange change) {
        CiStore.RunRow run = change.run();
        if (run.commit() == null || !SHA.matcher(run.commit()).matches()) {
            return;
        }
        // Read through the change's own handle: a second connection, taken while this transaction holds one, could wait forever.
        boolean wanted = tx.createQuery("SELECT COUNT(*) FROM ci_repositories WHERE owner = :o AND name = :n AND status_token IS NOT NULL")
                .bind("o", run.owner()).bind("n", run.repo()).mapTo(Integer.class).one() > 0;
        if (!wanted) {
            return;
        }
        StatusText.Status s = StatusText.of(change);
        Posting p = new Posting(run.id(), run.owner(), run.repo(), run.commit(), context(run.pipeline()), s.state(), s.description(),
                links.run(run.id()));
        outbox.enqueue(tx, Message.of(KIND, p.write()).about(subject(run.id())).orderedBy(p.orderingKey()));
    }

    /** One attempt at posting a status: where it goes and the token are looked up now. */
    private Result deliver(Delivery d) throws InterruptedException {
        Posting p = Posting.read(d.payload());
        Optional<Registration> r = registrations.find(p.owner(), p.repo());
        if (r.isEmpty()) {
            return Result.failed(null, "repository " + p.owner() + "/" + p.repo() + " is no longer registered");
        }
        Setup s = setup(r.get());
        if (s.problem() != null) {
            LOG.warn("commit status of run {} ({} {}) not sent: {}", p.run(), r.get().fullName(), p.state(), s.problem());
            return Result.failed(null, s.problem());
        }
        byte[] value;
        try {
            value = secrets.resolve(p.owner(), p.repo(), List.of(s.tokenSecret())).get(s.tokenSecret());
        } catch (MissingSecretException e) {
            return Result.failed(null, "status_token: " + e.getMessage() + "; set it with 'slipway secret set' or the secrets API");
        }
        String token = new String(value, StandardCharsets.UTF_8).trim();
        Arrays.fill(value, (byte) 0);
        return poster.post(s.target(), token, s.tokenSecret(), p);
    }

    /**
     * Where a registration's statuses go and with which token's secret, or why none are sent.
     *
     * @param problem null when statuses can be sent
     * @param learned what webhook deliveries taught, or null
     */
    record Setup(String tokenSecret, StatusPoster.Target target, String problem, ForgeOrigin learned) {}

    Setup setup(Registration r) {
        Registration.Triggers t = r.triggers();
        ForgeOrigin learned = origins.find(r.owner(), r.name()).orElse(null);
        String update = "slipway repo update " + r.fullName();
        if (t.statusToken() == null) {
            return new Setup(null, null, "no status_token is set: name a secret holding a forge token with '" + update
                    + " --status-token SECRET' to have runs post commit statuses", learned);
        }
        String forgeName = t.forge() != null ? t.forge() : learned != null ? learned.forge()
                : t.forgeUrl() != null && "api.github.com".equalsIgnoreCase(host(t.forgeUrl())) ? "github" : null;
        Optional<Forge> forge = Forge.parse(forgeName);
        if (forge.isEmpty()) {
            return new Setup(t.statusToken(), null, "the forge is not known: set it with '" + update + " --forge gitea|forgejo|github "
                    + "--forge-url API_URL', or let a webhook from the forge arrive (Slipway learns both from it)", learned);
        }
        String api = t.forgeUrl() != null ? t.forgeUrl() : learned != null && learned.apiUrl() != null ? learned.apiUrl()
                : forge.get() == Forge.GITHUB ? Forge.GITHUB_API : null;
        if (api == null) {
            return new Setup(t.statusToken(), null, "the " + forge.get().wire() + " API's URL is not known: set it with '" + update
                    + " --forge-url https://HOST/api/v1', or let a webhook from the forge arrive", learned);
        }
        while (api.endsWith("/")) {
            api = api.substring(0, api.length() - 1);
        }
        String repository = t.forgeRepository() != null ? t.forgeRepository() : learned != null ? learned.repository() : r.fullName();
        return new Setup(t.statusToken(), new StatusPoster.Target(forge.get(), api, repository), null, learned);
    }

    private static String host(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Remembers where a signed webhook delivery says {@code r} lives (its forge, API URL and name
     * there), for registrations that do not set them.
     *
     * @param forge gitea, forgejo or github, as the delivery's headers said
     */
    public void learn(Registration r, String forge, JsonNode payload) {
        Optional<ForgeOrigin> told = ForgeOrigin.fromPayload(forge, payload, clock.millis());
        if (told.isEmpty()) {
            return;
        }
        ForgeOrigin before = origins.find(r.owner(), r.name()).orElse(null);
        ForgeOrigin now = told.get();
        if (now.apiUrl() == null && before != null) {
            now = new ForgeOrigin(now.forge(), before.apiUrl(), now.repository(), now.learnedAt()); // a payload without URLs
        }
        if (!now.samePlace(before)) {
            origins.put(r.owner(), r.name(), now);
            LOG.info("{}: a {} webhook says the repository is {} there, API at {}", r.fullName(), now.forge(), now.repository(),
                    now.apiUrl() == null ? "(not said)" : now.apiUrl());
        }
    }

    // ---- what users see

    /**
     * A run's commit statuses for its JSON: {@code enabled}, {@code problem} (why statuses are not,
     * or cannot be, sent; null when they can), and {@code deliveries}, each status with its
     * delivery's state, attempts and the forge's last answer.
     */
    public ObjectNode json(CiStore.RunRow run) {
        ObjectNode o = JSON.createObjectNode();
        Setup setup = registrations.find(run.owner(), run.repo()).map(this::setup).orElse(null);
        o.put("enabled", setup != null && setup.tokenSecret() != null);
        o.put("problem", setup == null ? "repository " + run.owner() + "/" + run.repo() + " is no longer registered" : setup.problem());
        ArrayNode list = o.putArray("deliveries");
        boolean earlierPending = false;
        for (Delivery d : outbox.deliveries(subject(run.id()))) {
            if (!d.kind().equals(KIND)) {
                continue;
            }
            Posting p = Posting.read(d.payload());
            boolean waits = earlierPending; // for the status before it: no attempt is due yet
            earlierPending |= d.state() == Delivery.State.PENDING;
            ObjectNode n = list.addObject();
            n.put("state", p.state());
            n.put("description", p.description());
            n.put("context", p.context());
            n.put("target_url", p.targetUrl());
            n.put("delivery", d.state().wire());
            n.put("attempts", d.attempts());
            if (d.lastStatus() == null) {
                n.putNull("last_status");
            } else {
                n.put("last_status", d.lastStatus());
            }
            n.put("last_answer", d.lastAnswer());
            time(n, "next_attempt_at", d.state() == Delivery.State.PENDING && !waits ? d.nextAttemptAt() : null);
            time(n, "created_at", d.createdAt());
            time(n, "updated_at", d.updatedAt());
        }
        return o;
    }

    /**
     * A registration's commit status setup for its JSON: {@code enabled}, where statuses go
     * ({@code forge}, {@code forge_url}, {@code forge_repository}: the fields set, else what webhooks
     * taught, else the defaults), {@code problem}, and {@code learned} (from the last webhook, or null).
     */
    public ObjectNode json(Registration r) {
        Setup s = setup(r);
        ObjectNode o = JSON.createObjectNode();
        o.put("enabled", s.tokenSecret() != null);
        o.put("forge", s.target() == null ? null : s.target().forge().wire());
        o.put("forge_url", s.target() == null ? null : s.target().apiUrl());
        o.put("forge_repository", s.target() == null ? null : s.target().repository());
        o.put("problem", s.problem());
        if (s.learned() == null) {
            o.putNull("learned");
        } else {
            ObjectNode l = o.putObject("learned");
            l.put("forge", s.learned().forge());
            l.put("forge_url", s.learned().apiUrl());
            l.put("forge_repository", s.learned().repository());
            time(l, "at", s.learned().learnedAt());
        }
        return o;
    }

    private static void time(ObjectNode o, String field, Long millis) {
        if (millis == null) {
            o.putNull(field);
        } else {
            o.put(field, Instant.ofEpochMilli(millis).toString());
        }
    }
}
