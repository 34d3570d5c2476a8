package dev.slipway.server;

import dev.slipway.ci.secret.DeployKeys;
import dev.slipway.ci.secret.EnvironmentApprovals;
import dev.slipway.ci.secret.Environments;
import dev.slipway.ci.secret.RunValues;
import dev.slipway.ci.secret.Variables;
import dev.slipway.ci.secret.KeyReferences;
import dev.slipway.ci.secret.Secrets;
import dev.slipway.core.Clock;
import dev.slipway.core.SecretBox;
import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.core.db.Database;
import dev.slipway.core.outbox.Outbox;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Sessions;
import dev.slipway.registry.Registry;
import dev.slipway.registry.events.RegistryEvents;
import dev.slipway.registry.events.Webhooks;
import dev.slipway.registry.lifecycle.ImmutableTags;
import dev.slipway.registry.lifecycle.Lifecycle;
import dev.slipway.registry.metadata.Metadata;
import dev.slipway.registry.proxy.Proxies;
import dev.slipway.registry.RegistryAccess;
import dev.slipway.registry.proxy.PullThroughCache;
import dev.slipway.registry.storage.FilesystemBlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import dev.slipway.ci.executor.DockerExecutor;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.runner.RunnerExecutor;
import dev.slipway.ci.runner.Runners;
import dev.slipway.ci.executor.InstanceId;
import dev.slipway.ci.executor.LocalExecutor;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.actions.engine.ActionCache;
import dev.slipway.actions.engine.ActionsFormat;
import dev.slipway.actions.engine.RepositoryActions;
import dev.slipway.actions.engine.WorkflowProgram;
import dev.slipway.ci.format.PipelineFormat;
import dev.slipway.woodpecker.WoodpeckerFormat;
import dev.slipway.ci.scheduler.RunEngine;
import dev.slipway.ci.scheduler.RunEviction;
import dev.slipway.ci.scheduler.RunLinks;
import dev.slipway.ci.scheduler.RunQueue;
import dev.slipway.ci.scheduler.RunService;
import dev.slipway.ci.registration.Registrations;
import dev.slipway.ci.notify.Notifications;
import dev.slipway.ci.release.PublishedImages;
import dev.slipway.ci.release.Releases;
import dev.slipway.ci.status.CommitStatuses;
import dev.slipway.ci.trigger.BackgroundTriggers;
import dev.slipway.ci.trigger.TriggerService;
import dev.slipway.ci.trigger.TriggerState;
import dev.slipway.ci.workspace.Checkouts;
import dev.slipway.ci.workspace.Caches;
import dev.slipway.ci.workspace.DeployTargets;
import dev.slipway.ci.workspace.Worktrees;
import dev.slipway.logs.LogHub;
import dev.slipway.logs.LogStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembly: builds every part by hand, with constructor injection, from one configuration.
 * The server and every CLI command that touches state go through here, so they agree on where
 * things live.
 */
public final class Slipway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Slipway.class);
    private final SlipwayConfig config;
    private final Database database;
    private final Identity identity;
    private final Sessions sessions;
    private final Registry registry;
    private final Secrets secrets;
    private final Variables variables;
    private final Environments environments;
    private final EnvironmentApprovals environmentApprovals;
    private final DeployKeys deployKeys;

    private final CiStore ciStore;
    private final Registrations registrations;
    private final TriggerState triggerState;
    private final Worktrees worktrees;
    private final DeployTargets deployTargets;
    private final Caches caches;
    private final Outbox outbox;
    private final CommitStatuses commitStatuses;
    private final Notifications notifications;
    private LogStore logStore;
    private LogHub logHub;
    private RunService runService;
    private TriggerService triggers;
    private BackgroundTriggers backgroundTriggers;
    private final Clock triggerClock;
    private String instanceId;
    private final RegistryEvents events;
    private final Webhooks webhooks;
    private final PullThroughCache pullThrough;
    private final RegistryAccess registryAccess;
    private final Lifecycle lifecycle;
    private final PublishedImages publishedImages;
    private Executor executor;
    private Runners runners;
    private JobAccess jobAccess;
    private OwnRegistryPushes ownPushes;

    public Slipway(SlipwayConfig config) {
        this(config, Clock.system());
    }

    /**
     * @param triggerClock the clock polling and cron read (tests step an injected one); everything
     *     else runs on the system clock
     */
    public Slipway(SlipwayConfig config, Clock triggerClock) {
        this.config = config;
        this.triggerClock = triggerClock;
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
        }
        this.database = Database.open(config, List.of("core", "registry", "ci"));
        Clock clock = Clock.system();
        this.identity = new Identity(database.jdbi(), clock);
        this.sessions = new Sessions(database.jdbi(), clock, config.web().sessionIdle(), config.web().sessionMaxAge());
        SecretBox secrets = SecretBox.open(config.secretsDir());
        this.events = new RegistryEvents(database.jdbi(), clock, secrets);
        this.webhooks = new Webhooks(database.jdbi(), identity, secrets, clock);
        try {
            FilesystemBlobStore store = new FilesystemBlobStore(config.blobsDir());
            Metadata metadata = new Metadata(database.jdbi(), clock);
            ImmutableTags immutableTags = new ImmutableTags(database.jdbi(), clock);
            this.registry = new Registry(metadata, store, identity, immutableTags, clock, config.ownerQuotaBytes(), config.uploadLimits(),
                    events);
            this.pullThrough = new PullThroughCache(registry, new Proxies(database.jdbi(), identity, secrets, clock), clock);
            this.registryAccess = new RegistryAccess(registry, identity, pullThrough);
            this.lifecycle = new Lifecycle(metadata, store, immutableTags, clock, config.lifecycle(), events);
        } catch (IOException e) {
            database.close();
            throw new UncheckedIOException("cannot open blob storage under " + config.blobsDir(), e);
        }
        this.ciStore = new CiStore(database.jdbi(), clock);
        this.registrations = new Registrations(database.jdbi(), clock, secrets);
        this.triggerState = new TriggerState(database.jdbi(), (int) config.ci().pollInterval().toSeconds());
        this.secrets = new Secrets(database.jdbi(), config.secretsDir(), identity, clock);
        this.variables = new Variables(database.jdbi(), identity, clock);
        this.environments = new Environments(database.jdbi(), identity, clock);
        this.environmentApprovals = new EnvironmentApprovals(database.jdbi(), clock);
        // A key may not be deleted while a registered repository names it.
        this.deployKeys = new DeployKeys(config.secretsDir(), identity, (owner, key) ->
                registrations.usingKey(owner, key).stream().map(r -> "repository " + r.fullName()).toList());
        this.worktrees = new Worktrees(config.ciDir().resolve("worktrees"), deployKeys::privateKeyPath, config.ci().gitCaFile());
        this.deployTargets = new DeployTargets(database.jdbi(), clock);
        this.caches = new Caches(database.jdbi(), config.ciDir().resolve("caches"), clock, config.ci().cacheQuotaBytes());
        this.publishedImages = new PublishedImages(database.jdbi(), clock);
        this.outbox = new Outbox(database.jdbi(), clock);
        // Every change of a run, also one a CLI command makes, enqueues its commit status; the server sends them.
        RunLinks links = new RunLinks(config.externalUrl());
        this.commitStatuses = new CommitStatuses(registrations, this.secrets, outbox, database.jdbi(), clock, links);
        ciStore.observe(commitStatuses.observer());
        // Every run that ends, also one a CLI command ends, enqueues the notifications its pipeline asks for.
        this.notifications = new Notifications(outbox, this.secrets, links, run -> registrations.find(run.owner(), run.repo())
                .map(r -> worktrees.fullRef(run.owner(), r.storeEntry(), run.ref())).orElse(""));
        ciStore.observe(notifications.observer());
    }

    public CiStore ciStore() { return ciStore; }

    public DeployTargets deployTargets() { return deployTargets; }

    public Caches caches() { return caches; }

    public synchronized LogStore logStore() {
        if (logStore == null) {
            try {
                logStore = new LogStore(config.ciDir().resolve("logs"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the log store under " + config.ciDir(), e);
            }
            logHub = new LogHub(logStore);
        }
        return logStore;
    }

    public synchronized LogHub logHub() {
        logStore();
        return logHub;
    }

    public Registrations registrations() { return registrations; }

    /** Trigger status (polls, webhook deliveries) for the API and the CLI. */
    public TriggerState triggerState() { return triggerState; }

    /** Deliveries to other systems (commit statuses, notifications), sent once the server starts it. */
    public Outbox outbox() { return outbox; }

    public CommitStatuses commitStatuses() { return commitStatuses; }

    public Notifications notifications() { return notifications; }

    /** The runs, their queue and its executor; started by the server only (CLI commands do not run pipelines). */
    public synchronized RunService runService() {
        if (runService == null) {
            executor = new RunnerExecutor(chooseExecutor(config.ci().executor(), instanceId(), config.ci().hostIsolation()), runners(),
                    database.jdbi(), Clock.system(), new java.util.HashSet<>(config.ci().localLabels()), config.ci().leaseTimeout(),
                    config.ci().localTasks().equals("runner"));
            RunEngine engine = new RunEngine(executor);
            java.nio.file.Path runsRoot = config.ciDir().resolve("runs");
            Checkouts checkouts = new Checkouts(worktrees, secrets);
            OwnRegistryPulls pulls = new OwnRegistryPulls(config, identity, registryAccess);
            jobAccess = new JobAccess(identity.jobTokens(), config.secretsDir(), config.ci().taskServerUrl());
            ownPushes = new OwnRegistryPushes(config.ci().engineRegistry(), java.net.URI.create(config.externalUrl()).getAuthority(), pulls,
                    identity, pullThrough, lifecycle);
            Releases releases = new Releases(executor, jobAccess, ownPushes, publishedImages);
            List<PipelineFormat> formats = List.of(new ActionsFormat(
                    new WorkflowProgram(config.ci().actionsLabels(),
                            RepositoryActions.using(new ActionCache(config.ci().actionsUrl(), config.ciDir().resolve("actions"))))),
                    new WoodpeckerFormat(config.externalUrl()));
            runService = new RunService(ciStore, worktrees, logStore(), new RunEviction(ciStore, executor, runsRoot, config.ci().keep()),
                    finished -> new RunQueue(ciStore, registrations, checkouts, deployTargets, caches, secrets, logStore(), engine, runsRoot,
                            config.ci().maxConcurrentRuns(), pulls, releases, runValues(), formats, finished));
            triggers = new TriggerService(registrations, checkouts, deployTargets, secrets, ciStore, runService.queue(), database.jdbi(),
                    triggerClock, triggerState, formats);
            triggers.addDeliveryListener(commitStatuses::learn);
        }
        return runService;
    }

    /** Registered runners and their registration tokens (CLI commands use them too). */
    public synchronized Runners runners() {
        if (runners == null) {
            runners = new Runners(database.jdbi(), Clock.system());
        }
        return runners;
    }

    /** The server's executor, which also hands tasks to runners; null until {@link #runService} made it. */
    public synchronized RunnerExecutor runnerExecutor() {
        runService();
        return (RunnerExecutor) executor;
    }

    /**
     * The server listens on {@code port}: publish tasks push there (unless {@code ci.engine-registry}
     * says otherwise), and tasks get their way back to it. Returns the address tasks reach this host
     * at, where the server must listen too, or null when nothing more is needed.
     */
    public synchronized String serving(int port) {
        runService();
        ownPushes.bound(port);
        return jobAccess.start(executor, port, Clock.system());
    }

    /** What publish tasks pushed, by run (the run JSON's {@code published}). */
    public PublishedImages publishedImages() { return publishedImages; }

    /** Turns events (API triggers, webhooks, polls, schedules) into queued runs. */
    public synchronized TriggerService triggers() {
        runService();
        return triggers;
    }

    /** Polling and cron schedules: made here, started by the server only ({@link HttpServer#start()}), never by CLI commands. */
    public synchronized BackgroundTriggers backgroundTriggers() {
        if (backgroundTriggers == null) {
            backgroundTriggers = new BackgroundTriggers(triggers(), database.jdbi());
        }
        return backgroundTriggers;
    }

    /**
     * This server's instance id ({@code <data>/ci/instance-id}, created on first use): part of its
     * task containers' and volumes' names and labels, so servers sharing a Docker engine leave each
     * other's alone.
     */
    public synchronized String instanceId() {
        if (instanceId == null) {
            try {
                instanceId = InstanceId.load(config.ciDir().resolve("instance-id"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read or create the instance id under " + config.ciDir() + ": " + e.getMessage(), e);
            }
        }
        return instanceId;
    }

    private static Executor chooseExecutor(String name, String instanceId, String hostIsolation) {
        if (name.equals("local")) {
            LOG.warn("ci.executor=local: tasks run on this machine WITHOUT isolation");
            return new LocalExecutor();
        }
        DockerExecutor docker = new DockerExecutor(instanceId, hostIsolation);
        try {
            docker.ping();
            return docker;
        } catch (Executor.ExecutorException e) {
            if (name.equals("docker")) {
                LOG.error("{}; runs will fail until the engine is reachable", e.getMessage());
                return docker;
            }
            docker.close();
            LOG.warn("{}; ci.executor=auto falls back to the local executor, which does NOT isolate tasks", e.getMessage());
            return new LocalExecutor();
        }
    }

    public SlipwayConfig config() { return config; }

    public Database database() { return database; }

    public Identity identity() { return identity; }

    /** The web UI's sign-in sessions. */
    public Sessions sessions() { return sessions; }

    public Registry registry() { return registry; }

    public Secrets secrets() { return secrets; }

    /** Configuration variables ({@code vars}), scoped like secrets. */
    public Variables variables() { return variables; }

    /** Repositories' deployment environments. */
    public Environments environments() { return environments; }

    /** What a job sees of variables, secrets and its environment, with GitHub's precedence: for the Actions engine. */
    public RunValues runValues() { return new RunValues(secrets, variables, environments, environmentApprovals); }

    /** Reviewers' decisions on jobs that use an environment with reviewers. */
    public EnvironmentApprovals environmentApprovals() { return environmentApprovals; }

    public DeployKeys deployKeys() { return deployKeys; }

    /** Registry events: subscribe in-process listeners here; webhooks are delivered once the server starts it. */
    public RegistryEvents events() { return events; }

    public Webhooks webhooks() { return webhooks; }

    public PullThroughCache pullThrough() { return pullThrough; }

    /** Who may do what to a registry repository (the one place it is decided). */
    public RegistryAccess registryAccess() { return registryAccess; }

    public Proxies proxies() { return pullThrough.proxies(); }
    public Lifecycle lifecycle() { return lifecycle; }

    @Override
    public void close() {
        if (backgroundTriggers != null) {
            backgroundTriggers.close();
        }
        if (runService != null) {
            runService.close();
            executor.close(); // and with it the way back from tasks (the firewall's exception for this server's port)
        }
        outbox.close(); // after the runs: the statuses of runs ended by the shutdown are enqueued by then
        events.close();
        database.close();
    }
}
