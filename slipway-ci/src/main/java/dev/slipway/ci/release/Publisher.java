package dev.slipway.ci.release;

import dev.slipway.ci.definition.Variables;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.PushSpec;
import dev.slipway.ci.model.Publish;
import dev.slipway.ci.model.Task;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Carries out the publish tasks of one run: resolves the tag templates, labels the image (OCI
 * {@code org.opencontainers.image.revision}, {@code .version}, {@code .source}, {@code .created}),
 * has the executor's engine push it, applies {@code keep}, and records where it went.
 *
 * <p>To Slipway's own registry the engine pushes to the server's address as the engine reaches
 * it, with a registry token the server mints for the run's user for that one repository, and only
 * if that user may push there ({@link OwnRegistry}): no credentials in the pipeline, no route from
 * a task, no insecure-registry setting. To another registry it pushes with the user and token of
 * the {@code credentials} secret, through the engine's own login.
 */
public final class Publisher {
    /** The server's registry as publish tasks use it; implemented by the server. */
    public interface OwnRegistry {
        /** {@code host:port} where the Docker engine reaches the registry (it pushes there). */
        String pushAddress();

        /** {@code host[:port]} under which users pull (the external URL's), for the run's record. */
        String publicAddress();

        /**
         * A registry token that may pull and push {@code repository}, on behalf of {@code user}.
         *
         * @throws PublishException when the user may not push there (the message says why)
         */
        String pushToken(String user, String repository) throws PublishException;

        /** Keeps the newest {@code n} tags of {@code repository} (latest always); lines that say what was removed. */
        List<String> keepNewest(String repository, int n);
    }

    /** A publish task failed for a reason the task log states (refused, invalid tag, no rights): the task fails. */
    public static final class PublishException extends Exception {
        public PublishException(String message) {
            super(message);
        }
    }

    /** Where an image went: recorded with the run ({@code published} in the run JSON). */
    public record Published(String task, String image, List<String> tags, String digest) {
        public Published {
            tags = List.copyOf(tags);
        }
    }

    /**
     * The run a publisher works for.
     *
     * @param user the run's user (or the organization, for runs its repository's webhooks started)
     * @param source the repository's URL for {@code org.opencontainers.image.source}
     * @param fork a pull request from a fork: untrusted code, which never publishes
     */
    public record Run(String user, String source, boolean fork) {}

    private final Executor executor;
    private final OwnRegistry own;
    private final Run run;
    private final Function<String, byte[]> secrets;
    private final Consumer<Published> record;

    /**
     * @param own the server's registry, or null where there is none ({@code slipway exec})
     * @param secrets a secret's value by name (for {@code credentials}); throws when it is missing
     * @param record called with each image pushed
     */
    public Publisher(Executor executor, OwnRegistry own, Run run, Function<String, byte[]> secrets, Consumer<Published> record) {
        this.executor = executor;
        this.own = own;
        this.run = run;
        this.secrets = secrets;
        this.record = record;
    }

    /**
     * Publishes {@code task}'s image.
     *
     * @param source the image: a reference, or the Dockerfile it is built from (with the labels)
     * @param values the run's variables and built-ins, for the tag templates and the labels
     * @throws PublishException when the task fails (the message is for its log)
     * @throws Executor.ExecutorException when the push cannot be tried (the task errors)
     */
    public Published publish(Task task, PushSpec.Source source, Map<String, String> values, Consumer<String> log)
            throws PublishException, Executor.ExecutorException {
        Publish p = task.publish();
        if (run.fork()) {
            throw new PublishException("runs of pull requests from forks do not publish images");
        }
        List<String> tags = tags(task.name(), p, values);
        String repository;
        String recorded;
        PushSpec.Auth auth;
        if (p.ownRegistry()) {
            if (own == null) {
                throw new PublishException("publishing to Slipway's own registry needs the server; slipway exec has none"
                        + " (run the pipeline on the server, or publish to another registry)");
            }
            repository = own.pushAddress() + "/" + p.to();
            recorded = own.publicAddress() + "/" + p.to();
            auth = new PushSpec.Auth.Token(own.pushAddress(), own.pushToken(run.user(), p.to()));
        } else {
            repository = p.to();
            recorded = p.to();
            auth = p.credentials() == null ? null : credentials(p, task.name());
        }
        log.accept("publishing " + switch (source) {
            case PushSpec.Source.Image i -> i.ref();
            case PushSpec.Source.Build b -> "image '" + p.image() + "', built from " + b.context().relativize(b.dockerfile()) + " with its labels,";
        } + " to " + recorded + " as " + String.join(", ", tags));
        PushSpec spec = new PushSpec(source, repository, tags, labels(values), auth);
        PushSpec.Outcome outcome = executor.push(spec, log);
        if (outcome instanceof PushSpec.Outcome.Refused refused) {
            throw new PublishException("the registry refused " + recorded + ":" + refused.tag() + ": " + refused.message());
        }
        String digest = ((PushSpec.Outcome.Pushed) outcome).digest();
        Published published = new Published(task.name(), recorded, tags, digest);
        record.accept(published);
        log.accept("published " + recorded + "@" + digest + " as " + String.join(", ", tags));
        if (p.keep() != null) {
            List<String> removed = own.keepNewest(p.to(), p.keep());
            log.accept("keep " + p.keep() + ": " + (removed.isEmpty() ? "nothing to remove from " + p.to() : "removed from " + p.to() + ":"));
            removed.forEach(line -> log.accept("  " + line));
        }
        return published;
    }

    /**
     * Pushes an image under full references ({@code host[:port]/path/name:tag}), as
     * {@code docker/build-push-action} names them: references whose host is Slipway's own
     * registry (its public address, the address the engine pushes to, or one of
     * {@code ownHosts}: where tasks reach it) go there with the run's rights, as a publish task's;
     * others go to their registry with {@code credentials} for its host (null: anonymous). One push
     * per repository; every tag of the image gets one digest per registry.
     *
     * @param extraLabels labels the image gets besides the OCI ones (which they override)
     * @param credentials the credentials the job has for a registry host (its docker config), or null
     * @return where the image went, one entry per repository
     * @throws PublishException when a reference is invalid, the run may not push there, or a registry refused
     */
    public List<Published> pushReferences(String task, PushSpec.Source source, List<String> references, Map<String, String> values,
                                          Map<String, String> extraLabels, Set<String> ownHosts, Function<String, PushSpec.Auth> credentials,
                                          Consumer<String> log)
            throws PublishException, Executor.ExecutorException {
        if (run.fork()) {
            throw new PublishException("runs of pull requests from forks do not publish images");
        }
        Map<String, List<String>> byRepository = new LinkedHashMap<>();
        for (String reference : references) {
            int slash = reference.indexOf('/');
            int colon = reference.lastIndexOf(':');
            if (slash <= 0 || colon < slash || reference.contains("@")) {
                throw new PublishException("'" + reference + "' is not an image reference with a registry and a tag (registry.example/owner/app:1.0)");
            }
            String tag = reference.substring(colon + 1);
            if (!Publish.isTag(tag)) {
                throw new PublishException("tag '" + tag + "' of " + reference + " is not a valid tag (" + Publish.TAG_RULE + ")");
            }
            byRepository.computeIfAbsent(reference.substring(0, colon), k -> new ArrayList<>()).add(tag);
        }
        List<Published> out = new ArrayList<>();
        for (var e : byRepository.entrySet()) {
            List<String> tags = e.getValue();
            Target target = target(e.getKey(), ownHosts, credentials);
            String repository = target.repository();
            String recorded = target.recorded();
            PushSpec.Auth auth = target.auth();
            log.accept("pushing to " + recorded + " as " + String.join(", ", tags)
                    + (repository.equals(recorded) ? "" : " (Slipway's own registry, with the run's rights)"));
            Map<String, String> labels = labels(values);
            labels.putAll(extraLabels);
            PushSpec.Outcome outcome = executor.push(new PushSpec(source, repository, tags, labels, auth), log);
            if (outcome instanceof PushSpec.Outcome.Refused refused) {
                throw new PublishException("the registry refused " + recorded + ":" + refused.tag() + ": " + refused.message());
            }
            Published published = new Published(task, recorded, tags, ((PushSpec.Outcome.Pushed) outcome).digest());
            record.accept(published);
            log.accept("published " + recorded + "@" + published.digest() + " as " + String.join(", ", tags));
            out.add(published);
        }
        return out;
    }

    /**
     * A repository ({@code host[:port]/path}) as the engine reaches it, as the run's record names it,
     * and with which credentials: Slipway's own (by any of its addresses or {@code ownHosts}) at
     * the engine's address with the run's rights; others as they are, with {@code credentials}
     * for their host (null: anonymous).
     */
    private record Target(String repository, String recorded, PushSpec.Auth auth) {}

    private Target target(String repository, Set<String> ownHosts, Function<String, PushSpec.Auth> credentials) throws PublishException {
        String host = repository.substring(0, repository.indexOf('/'));
        String path = repository.substring(host.length() + 1);
        Set<String> own = new LinkedHashSet<>(ownHosts);
        if (this.own != null) {
            own.add(this.own.publicAddress());
            own.add(this.own.pushAddress());
        }
        if (this.own != null && own.stream().anyMatch(h -> h.equalsIgnoreCase(host))) {
            return new Target(this.own.pushAddress() + "/" + path, this.own.publicAddress() + "/" + path,
                    new PushSpec.Auth.Token(this.own.pushAddress(), this.own.pushToken(run.user(), path)));
        }
        return new Target(repository, repository, credentials == null ? null : credentials.apply(host));
    }

    /**
     * A build cache image ({@code docker/build-push-action}'s {@code cache-from}) as the engine
     * pulls it: {@code reference} ({@code host[:port]/path:tag}) resolved as {@link #pushReferences}
     * resolves its references. Pulling one of Slipway's own needs the run's rights to push there,
     * since a cache image is the run's to write too.
     *
     * @throws PublishException when the reference names no registry, or the run may not use it
     */
    public PushSpec.Source.CacheImage cacheImage(String reference, Set<String> ownHosts, Function<String, PushSpec.Auth> credentials)
            throws PublishException {
        int slash = reference.indexOf('/');
        int colon = reference.lastIndexOf(':');
        if (slash <= 0 || colon < slash || reference.contains("@")) {
            throw new PublishException("'" + reference + "' is not an image reference with a registry and a tag (registry.example/owner/app:cache)");
        }
        Target target = target(reference.substring(0, colon), ownHosts, credentials);
        return new PushSpec.Source.CacheImage(target.repository() + reference.substring(colon), target.auth());
    }

    /** The templates with their values, each checked, in order, without repeats. */
    static List<String> tags(String task, Publish p, Map<String, String> values) throws PublishException {
        Set<String> tags = new LinkedHashSet<>();
        for (String template : p.tags()) {
            String tag = Variables.substitute(template, values);
            if (!Publish.isTag(tag)) {
                throw new PublishException("tag '" + template + "' of task '" + task + "' is '" + tag + "' for this run, which is not"
                        + " a valid tag (" + Publish.TAG_RULE + ")" + (tag.isEmpty() ? emptyHint(template, values) : ""));
            }
            tags.add(tag);
        }
        return new ArrayList<>(tags);
    }

    private static String emptyHint(String template, Map<String, String> values) {
        List<String> empty = new ArrayList<>();
        values.forEach((k, v) -> {
            if (v.isEmpty() && template.contains("${" + k + "}")) {
                empty.add(k);
            }
        });
        return empty.isEmpty() ? "" : "; " + String.join(" and ", empty.stream().sorted().toList()) + " is empty for this run";
    }

    /**
     * The OCI labels the pushed image carries. {@code created} is now: the image published is made
     * now (a derived image), whatever its layers' age.
     */
    public Map<String, String> labels(Map<String, String> values) {
        Map<String, String> labels = new LinkedHashMap<>();
        String commit = values.getOrDefault("SLIPWAY_COMMIT", "");
        if (!commit.isEmpty()) {
            labels.put("org.opencontainers.image.revision", commit);
        }
        String version = values.getOrDefault("SLIPWAY_VERSION", "");
        if (!version.isEmpty()) {
            labels.put("org.opencontainers.image.version", version);
        }
        if (run.source() != null && !run.source().isEmpty()) {
            labels.put("org.opencontainers.image.source", withoutUserInfo(run.source()));
        }
        labels.put("org.opencontainers.image.created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return labels;
    }

    /** {@code https://user:token@host/x} without the credentials: a label is public. */
    static String withoutUserInfo(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int at = url.indexOf('@', scheme);
        int slash = url.indexOf('/', scheme + 3);
        return at > 0 && (slash < 0 || at < slash) ? url.substring(0, scheme + 3) + url.substring(at + 1) : url;
    }

    private PushSpec.Auth credentials(Publish p, String task) throws PublishException {
        byte[] value = secrets.apply(p.credentials());
        if (value == null) {
            throw new PublishException("secret '" + p.credentials() + "' (the credentials of task '" + task + "') is not set");
        }
        String text = new String(value, StandardCharsets.UTF_8).strip();
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new PublishException("secret '" + p.credentials() + "' (the credentials of task '" + task + "') must be"
                    + " user:token for the registry");
        }
        String registry = p.to().substring(0, p.to().indexOf('/'));
        return new PushSpec.Auth.Password(registry, text.substring(0, colon), text.substring(colon + 1));
    }
}
