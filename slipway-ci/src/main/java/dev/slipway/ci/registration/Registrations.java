package dev.slipway.ci.registration;

import dev.slipway.core.Clock;
import dev.slipway.core.Ids;
import dev.slipway.core.SecretBox;
import dev.slipway.core.SlipwayException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Repositories registered for CI: the one door for the API, the CLI and the trigger sources to
 * register, change, find and remove them. Webhook secrets are sealed in the database and shown in
 * the clear only once, when they are made.
 */
public final class Registrations {
    private final RegistrationStore store;
    private final Clock clock;
    private final SecretBox box;

    public Registrations(Jdbi jdbi, Clock clock, SecretBox box) {
        this.store = new RegistrationStore(jdbi);
        this.clock = clock;
        this.box = box;
    }

    /**
     * What may be set on a registration besides its name. On a change, a null field keeps its
     * value; "" clears key, credentials and the forge fields; {@code pollInterval} -1 returns to
     * the server's default.
     *
     * @param webhookSecret a secret of the user's choosing; null generates one (or keeps it, on a change)
     * @param rotateWebhookSecret on a change: generate a new secret
     * @param isPublic whether its runs are readable by everyone; null: private for a new registration, unchanged on a change
     */
    public record Settings(String cloneUrl, String defaultBranch, String key, String credentials, String webhookSecret,
                           boolean rotateWebhookSecret, Integer pollInterval, String forge, String forgeUrl, String forgeRepository,
                           String statusToken, Boolean isPublic) {
        public static Settings of(String cloneUrl, String defaultBranch, String key, String credentials) {
            return new Settings(cloneUrl, defaultBranch, key, credentials, null, false, null, null, null, null, null, null);
        }
    }

    /** A registration, with its webhook secret in the clear when it was just made (else null). */
    public record Registered(Registration registration, String webhookSecret) {}

    /** Registers a repository; 400 for bad fields, 409 if the owner already has one of that name. */
    public Registered register(String owner, String name, Settings s) {
        String secret = s.webhookSecret() != null ? checkedSecret(s.webhookSecret()) : Ids.randomHex(20);
        Registration.Triggers t = new Registration.Triggers(box.seal(secret), s.pollInterval() != null && s.pollInterval() < 0 ? null
                : s.pollInterval(), lower(blankToNull(s.forge())), blankToNull(s.forgeUrl()), blankToNull(s.forgeRepository()),
                blankToNull(s.statusToken()));
        Registration r = Registration.checked(0, owner, name, s.cloneUrl(), s.defaultBranch(), blankToNull(s.key()),
                blankToNull(s.credentials()), clock.millis(), t, Boolean.TRUE.equals(s.isPublic()));
        checkReachable(r.cloneUrl());
        Registration stored = store.insert(r).orElseThrow(() -> new SlipwayException.Conflict("repository " + owner + "/" + name
                + " is already registered; change it with PATCH /api/v1/repos/" + owner + "/" + name + " or 'slipway repo update'"));
        return new Registered(stored, secret);
    }

    /** Changes a registration (see {@link Settings} for what null and "" mean). */
    public Registered update(String owner, String name, Settings s) {
        Registration now = require(owner, name);
        Registration.Triggers old = now.triggers();
        String secret = s.rotateWebhookSecret() ? Ids.randomHex(20) : s.webhookSecret() != null ? checkedSecret(s.webhookSecret()) : null;
        Registration.Triggers t = new Registration.Triggers(secret != null ? box.seal(secret) : old.webhookSecret(),
                s.pollInterval() == null ? old.pollInterval() : s.pollInterval() < 0 ? null : s.pollInterval(),
                s.forge() == null ? old.forge() : lower(blankToNull(s.forge())),
                s.forgeUrl() == null ? old.forgeUrl() : blankToNull(s.forgeUrl()),
                s.forgeRepository() == null ? old.forgeRepository() : blankToNull(s.forgeRepository()),
                s.statusToken() == null ? old.statusToken() : blankToNull(s.statusToken()));
        Registration r = Registration.checked(now.id(), owner, name, s.cloneUrl() != null ? s.cloneUrl() : now.cloneUrl(),
                s.defaultBranch() != null ? s.defaultBranch() : now.defaultBranch(),
                s.key() == null ? now.keyName() : blankToNull(s.key()),
                s.credentials() == null ? now.credentialsName() : blankToNull(s.credentials()), now.createdAt(), t,
                s.isPublic() == null ? now.isPublic() : s.isPublic());
        checkReachable(r.cloneUrl());
        if (!store.update(r)) {
            throw notRegistered(owner, name);
        }
        return new Registered(r, secret);
    }

    /** The webhook secret in the clear, or empty when the registration has none (it was made before webhooks existed). */
    public Optional<String> webhookSecret(Registration r) {
        return Optional.ofNullable(r.triggers().webhookSecret()).map(box::unseal);
    }

    /** Removes a registration; refused while one of its runs is queued, waiting or running. Finished runs stay. */
    public void remove(String owner, String name) {
        require(owner, name);
        List<Long> busy = store.delete(owner, name);
        if (!busy.isEmpty()) {
            throw new SlipwayException.Conflict("repository " + owner + "/" + name + " has runs queued or running (" + busy
                    + "); cancel them first");
        }
    }

    public Optional<Registration> find(String owner, String name) {
        return store.get(owner, name);
    }

    public Optional<Registration> find(long id) {
        return store.get(id);
    }

    /** The registration, or 404 naming it. */
    public Registration require(String owner, String name) {
        return store.get(owner, name).orElseThrow(() -> notRegistered(owner, name));
    }

    public List<Registration> of(String owner) {
        return store.of(owner);
    }

    public List<Registration> all() {
        return store.all();
    }

    /** The registrations that name deploy key {@code keyName} of {@code owner} (a key in use may not be deleted). */
    public List<Registration> usingKey(String owner, String keyName) {
        return store.usingKey(owner, keyName);
    }

    private static SlipwayException notRegistered(String owner, String name) {
        return new SlipwayException.NotFound("repository " + owner + "/" + name + " is not registered");
    }

    private static String checkedSecret(String secret) {
        if (secret.length() < 8 || secret.length() > 256 || secret.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new SlipwayException.BadRequest("webhook_secret must be 8 to 256 printable ASCII characters without spaces");
        }
        return secret;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    /** A local clone URL must name an existing directory (a typo would otherwise only show at the first run). */
    public static void checkReachable(String cloneUrl) {
        Path local = cloneUrl.startsWith("/") ? Path.of(cloneUrl)
                : cloneUrl.startsWith("file:") ? Path.of(java.net.URI.create(cloneUrl).getPath()) : null;
        if (local != null && !Files.isDirectory(local)) {
            throw new SlipwayException.BadRequest("clone_url " + cloneUrl + ": no such directory on the server");
        }
    }
}
