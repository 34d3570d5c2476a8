package dev.slipway.server;

import dev.slipway.core.Clock;
import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.core.db.Database;
import dev.slipway.core.identity.Identity;
import dev.slipway.registry.Registry;
import dev.slipway.registry.lifecycle.ImmutableTags;
import dev.slipway.registry.lifecycle.Lifecycle;
import dev.slipway.registry.metadata.Metadata;
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
    private final Lifecycle lifecycle;

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
        try {
            FilesystemBlobStore store = new FilesystemBlobStore(config.blobsDir());
            Metadata metadata = new Metadata(database.jdbi(), clock);
            ImmutableTags immutableTags = new ImmutableTags(database.jdbi(), clock);
            this.registry = new Registry(metadata, store, identity, immutableTags, clock, config.ownerQuotaBytes());
            this.lifecycle = new Lifecycle(metadata, store, immutableTags, clock, config.lifecycle());
        } catch (IOException e) {
            database.close();
            throw new UncheckedIOException("cannot open blob storage under " + config.blobsDir(), e);
        }
    }

    public SlipwayConfig config() { return config; }

    public Database database() { return database; }

    public Identity identity() { return identity; }

    public Registry registry() { return registry; }

    public Lifecycle lifecycle() { return lifecycle; }

    @Override
    public void close() {
        database.close();
    }
}
