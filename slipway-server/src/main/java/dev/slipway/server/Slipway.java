package dev.slipway.server;

import dev.slipway.core.Clock;
import dev.slipway.core.SecretBox;
import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.core.db.Database;
import dev.slipway.core.identity.Identity;
import dev.slipway.registry.Registry;
import dev.slipway.registry.events.RegistryEvents;
import dev.slipway.registry.events.Webhooks;
import dev.slipway.registry.metadata.Metadata;
import dev.slipway.registry.proxy.Proxies;
import dev.slipway.registry.proxy.PullThroughCache;
import dev.slipway.registry.storage.FilesystemBlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/**
 * The assembly: builds every part by hand, with constructor injection, from one configuration.
 * The server and every CLI command that touches state go through here, so they agree on where
 * things live.
 */
public final class Slipway implements AutoCloseable {
    private final SlipwayConfig config;
    private final Database database;
    private final Identity identity;
    private final Registry registry;
    private final RegistryEvents events;
    private final Webhooks webhooks;
    private final PullThroughCache pullThrough;

    public Slipway(SlipwayConfig config) {
        this.config = config;
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
        }
        this.database = Database.open(config, List.of("core", "registry"));
        Clock clock = Clock.system();
        this.identity = new Identity(database.jdbi(), clock);
        SecretBox secrets = SecretBox.open(config.secretsDir());
        this.events = new RegistryEvents(database.jdbi(), clock, secrets);
        this.webhooks = new Webhooks(database.jdbi(), identity, secrets, clock);
        try {
            FilesystemBlobStore store = new FilesystemBlobStore(config.blobsDir());
            this.registry = new Registry(new Metadata(database.jdbi(), clock), store, identity, clock, config.ownerQuotaBytes(), events);
            this.pullThrough = new PullThroughCache(registry, new Proxies(database.jdbi(), identity, secrets, clock), clock);
        } catch (IOException e) {
            database.close();
            throw new UncheckedIOException("cannot open blob storage under " + config.blobsDir(), e);
        }
    }

    public SlipwayConfig config() { return config; }

    public Database database() { return database; }

    public Identity identity() { return identity; }

    public Registry registry() { return registry; }

    /** Registry events: subscribe in-process listeners here; webhooks are delivered once the server starts it. */
    public RegistryEvents events() { return events; }

    public Webhooks webhooks() { return webhooks; }

    public PullThroughCache pullThrough() { return pullThrough; }

    public Proxies proxies() { return pullThrough.proxies(); }

    @Override
    public void close() {
        events.close();
        database.close();
    }
}
