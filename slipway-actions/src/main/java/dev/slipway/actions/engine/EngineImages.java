package dev.slipway.actions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.actions.run.ActionCall;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.PushSpec;
import dev.slipway.ci.release.Publisher;
import dev.slipway.ci.scheduler.RunProgram;
import dev.slipway.ci.workspace.Dirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code docker/build-push-action} and {@code docker/login-action} on Slipway's executor, for one
 * job. The build runs on the engine from the job's files (a path context is copied out of the
 * job's container, so files earlier steps made are in it; without {@code context}, the run's
 * commit, as the action's Git context is); the push goes through the run's {@link Publisher}:
 * tags naming Slipway's own registry get the run's rights, others the credentials the job has in
 * its docker config ({@code ~/.docker/config.json}, which {@code docker/login-action} writes, or
 * a step wrote itself, as seed 000 does for an HTTP registry). No Docker socket in the job.
 */
final class EngineImages implements BuiltinActions.ImageBuilds {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The docker config as the job's shell finds it. */
    private static final String CONFIG = "\"${DOCKER_CONFIG:-$HOME/.docker}/config.json\"";

    private final RunProgram.Setup setup;
    private final Executor.TaskHandle handle;
    private final Path taskDir;
    private final String task;
    private int builds;

    EngineImages(RunProgram.Setup setup, Executor.TaskHandle handle, Path taskDir, String task) {
        this.setup = setup;
        this.handle = handle;
        this.taskDir = taskDir;
        this.task = task;
    }

    @Override
    public String buildAndPush(ActionCall call, String context, String dockerfile, List<String> tags, Map<String, String> buildArgs,
                               String target, Map<String, String> labels, boolean push, List<String> cacheFrom, List<String> cacheTo)
            throws IOException, InterruptedException {
        Path work = taskDir.resolve("image-build-" + (++builds));
        Dirs.reset(work);
        String registry = setup.environment().get("SLIPWAY_REGISTRY");
        Set<String> own = new LinkedHashSet<>();
        if (registry != null && !registry.isBlank()) {
            own.add(registry);
        }
        BuildCache.Plan caches = BuildCache.plan(cacheFrom, cacheTo, registry, setup.repository());
        caches.warnings().forEach(w -> BuiltinActions.annotate(call, "warning", call.step().uses() + ": " + w));
        caches.notes().forEach(call::log);
        PushSpec.Source.Build source;
        try {
            Map<String, PushSpec.Auth> known = push || !caches.from().isEmpty() || !caches.to().isEmpty() ? credentials(call) : Map.of();
            source = withCaches(call, source(call, context, dockerfile, buildArgs, target, work), caches.from(), own, known);
            if (!push) {
                Set<String> local = new LinkedHashSet<>(tags);
                if (local.isEmpty()) {
                    local.add("slipway-build/run-" + setup.run().id() + ":" + EngineImages.safeTag(task));
                }
                call.log("building " + String.join(", ", local) + " (push: false: the image stays on the engine)");
                setup.executor().build(source, local, labels, call::log);
                if (!caches.to().isEmpty()) {
                    call.log("cache-to: pushing the image as the build cache " + String.join(", ", caches.to()));
                    setup.publisher().pushReferences(task, source, caches.to(), setup.environment(), labels, own, known::get, call::log);
                }
                return "";
            }
            if (tags.isEmpty()) {
                throw new IOException("push: true needs 'tags' (registry.example/owner/app:1.0)");
            }
            List<String> references = new java.util.ArrayList<>(tags);
            if (!caches.to().isEmpty()) {
                call.log("cache-to: the image is pushed as the build cache " + String.join(", ", caches.to()) + " too");
                caches.to().stream().filter(r -> !references.contains(r)).forEach(references::add);
            }
            List<Publisher.Published> published = setup.publisher().pushReferences(task, source, references, setup.environment(), labels, own,
                    known::get, call::log);
            return published.isEmpty() ? "" : published.getFirst().digest();
        } catch (Publisher.PublishException e) {
            throw new IOException(e.getMessage(), e);
        } catch (Executor.ExecutorException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            Dirs.reset(work);
        }
    }

    /** The build with the cache images it may pull; one the run may not use is a warning. */
    private PushSpec.Source.Build withCaches(ActionCall call, PushSpec.Source.Build source, List<String> from, Set<String> own,
                                             Map<String, PushSpec.Auth> known) {
        List<PushSpec.Source.CacheImage> images = new java.util.ArrayList<>();
        for (String ref : from) {
            try {
                images.add(setup.publisher().cacheImage(ref, own, known::get));
            } catch (Publisher.PublishException e) {
                BuiltinActions.annotate(call, "warning", call.step().uses() + ": cache-from " + ref + " is not used: " + e.getMessage());
            }
        }
        return new PushSpec.Source.Build(source.context(), source.dockerfile(), source.buildArgs(), source.target(), images);
    }

    private PushSpec.Source.Build source(ActionCall call, String context, String dockerfile, Map<String, String> buildArgs, String target,
                                         Path work) throws IOException, Executor.ExecutorException {
        if (context == null || context.isBlank()) { // the action's Git context: the commit, not the workspace
            Path base = setup.bases().get(setup.workMount());
            Path file = base.resolve(dockerfile == null ? "Dockerfile" : dockerfile).normalize();
            if (!file.startsWith(base)) {
                throw new IOException("file " + dockerfile + " is outside the repository");
            }
            call.log("context: the run's commit (the Git context; give 'context: .' to build from the workspace with what earlier steps made)");
            return new PushSpec.Source.Build(base, file, buildArgs, target);
        }
        if (context.contains("://") || context.startsWith("git@")) {
            throw new IOException("context " + context + " is a URL; Slipway builds from the workspace or the run's commit (leave context out)");
        }
        String workspace = call.session().workspace();
        String inJob = absolute(workspace, context);
        Path dir = Files.createDirectories(work.resolve("context"));
        setup.executor().copyOut(handle, inJob, dir);
        String fileInJob = absolute(workspace, dockerfile == null || dockerfile.isBlank() ? inJob + "/Dockerfile" : dockerfile);
        Path file;
        if (Path.of(fileInJob).normalize().startsWith(Path.of(inJob).normalize())) {
            file = dir.resolve(Path.of(inJob).normalize().relativize(Path.of(fileInJob).normalize()).toString());
        } else {
            Path outside = Files.createDirectories(work.resolve("dockerfile"));
            setup.executor().copyOut(handle, fileInJob, outside);
            file = outside.resolve(Path.of(fileInJob).getFileName().toString());
        }
        call.log("context: " + inJob + " in the job's container");
        return new PushSpec.Source.Build(dir, file, buildArgs, target);
    }

    private static String absolute(String workspace, String path) {
        return path.startsWith("/") ? path : Path.of(workspace).resolve(path).normalize().toString();
    }

    /** The job's registry credentials by host, from its docker config; none when it has none. */
    private static Map<String, PushSpec.Auth> credentials(ActionCall call) throws IOException, InterruptedException {
        JsonNode config = readConfig(call);
        Map<String, PushSpec.Auth> out = new java.util.LinkedHashMap<>();
        config.path("auths").fields().forEachRemaining(e -> {
            String host = e.getKey().replaceFirst("^https?://", "").replaceFirst("/.*$", "");
            JsonNode a = e.getValue();
            String user = a.path("username").asText("");
            String password = a.path("password").asText("");
            if (a.hasNonNull("auth")) {
                String decoded = new String(Base64.getDecoder().decode(a.get("auth").asText().strip()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    user = decoded.substring(0, colon);
                    password = decoded.substring(colon + 1);
                }
            }
            if (!user.isEmpty()) {
                out.put(host, new PushSpec.Auth.Password(host, user, password));
            }
        });
        return out;
    }

    private static JsonNode readConfig(ActionCall call) throws IOException, InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = call.session().exec(List.of("sh", "-c", "cat " + CONFIG + " 2>/dev/null"), Map.of(), call.session().workspace(),
                new Executor.OutputSink() {
                    @Override
                    public void stdout(byte[] b, int off, int len) {
                        out.write(b, off, len);
                    }

                    @Override
                    public void stderr(byte[] b, int off, int len) {
                        // a missing file is no credentials
                    }
                }, Duration.ofSeconds(30));
        if (code != 0 || out.size() == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            call.log("::warning::the job's docker config is not valid JSON; pushing without its credentials");
            return JSON.createObjectNode();
        }
    }

    /**
     * {@code docker/login-action}: adds the registry's credentials to the job's docker config, as
     * {@code docker login} does (the file is the job's; the values are masked in the log).
     */
    @Override
    public void login(ActionCall call, String registry, String username, String password) throws IOException, InterruptedException {
        ObjectNode config = (ObjectNode) readConfig(call).deepCopy();
        if (!config.isObject()) {
            config = JSON.createObjectNode();
        }
        ObjectNode auths = config.has("auths") && config.get("auths").isObject() ? (ObjectNode) config.get("auths") : config.putObject("auths");
        auths.putObject(registry).put("auth", Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
        Path file = call.session().hostTemp().resolve("_docker_config_" + System.nanoTime() + ".json");
        Files.writeString(file, config.toString());
        try {
            String inJob = call.session().temp() + "/" + file.getFileName();
            int code = call.session().exec(List.of("sh", "-c", "d=\"${DOCKER_CONFIG:-$HOME/.docker}\"; mkdir -p \"$d\" && cp \"$1\" \"$d/config.json\""
                    + " && chmod 600 \"$d/config.json\"", "login", inJob), Map.of(), call.session().workspace(), call.output(), Duration.ofSeconds(30));
            if (code != 0) {
                throw new IOException("cannot write the job's docker config (exit code " + code + ")");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static String safeTag(String task) {
        String t = task.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-").replaceAll("^[.-]+", "");
        return t.isEmpty() ? "job" : t.length() > 100 ? t.substring(0, 100) : t;
    }
}
