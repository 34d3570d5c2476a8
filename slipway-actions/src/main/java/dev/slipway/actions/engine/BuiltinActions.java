package dev.slipway.actions.engine;

import dev.slipway.actions.expr.Status.Conclusion;
import dev.slipway.actions.run.ActionCall;
import dev.slipway.actions.run.ActionResult;
import dev.slipway.actions.run.ActionRunner;
import dev.slipway.ci.workspace.Worktrees;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The actions Slipway runs itself, because users depend on them and they should be fast and work
 * offline: {@code actions/checkout} (the workspace is already the run's checkout), the artifact
 * actions (a run-scoped store), the cache actions (the repository's caches, by GitHub's keys and
 * scopes: {@link CacheActions}), and the docker ones ({@code docker/build-push-action} builds on the
 * engine and publishes through Slipway, to its own registry with the job's rights). A {@code uses}
 * they do not know goes to {@code others}.
 *
 * <p>Inputs they do not support are said in the log as warnings, never dropped silently.
 */
public final class BuiltinActions implements ActionRunner {
    /** Where a run's artifacts are in the job's container (the run's {@code artifacts} directory). */
    static final String ARTIFACTS = "/__w/_artifacts";

    private final ActionRunner others;
    private final ImageBuilds builds;
    private final java.util.function.BiFunction<String, String, Worktrees.Worktree> otherCheckouts;
    private final CacheActions caches;

    /** Builds and pushes images for {@code docker/build-push-action}. */
    public interface ImageBuilds {
        /**
         * Builds {@code dockerfile} in {@code context} (paths as the job sees them) and, when
         * {@code push}, pushes it under each of {@code tags}; returns the image's digest or id.
         * {@code cacheFrom} and {@code cacheTo} are the action's entries, one a line, as
         * {@link BuildCache} honors them (what it cannot is a warning of the step).
         */
        String buildAndPush(ActionCall call, String context, String dockerfile, List<String> tags, Map<String, String> buildArgs, String target,
                            Map<String, String> labels, boolean push, List<String> cacheFrom, List<String> cacheTo)
                throws IOException, InterruptedException;

        /** Keeps {@code registry}'s credentials for the job's later pushes (its docker config, as {@code docker login} writes it). */
        void login(ActionCall call, String registry, String username, String password) throws IOException, InterruptedException;
    }

    /**
     * @param cacheArea the store of {@code actions/cache} (see {@link dev.slipway.actions.cache.CacheStore})
     * @param cacheScopes where this job's caches are saved (the first) and restored from (all, in order),
     *                    from {@link dev.slipway.actions.cache.CacheLookup#restoreScopes}
     */
    public BuiltinActions(ActionRunner others, ImageBuilds builds, dev.slipway.ci.scheduler.RunProgram.CacheArea cacheArea,
                          List<String> cacheScopes) {
        this(others, builds, cacheArea, cacheScopes, (repository, ref) -> {
            throw new IllegalArgumentException("checking out another repository (" + repository + ") needs the Slipway server, where it is registered");
        });
    }

    /**
     * @param otherCheckouts a checkout on this machine of another repository ({@code owner/name})
     *     at a ref (blank: its default branch), for {@code actions/checkout}'s {@code repository}:
     *     its directory and commit; throws IllegalArgumentException saying why not
     */
    public BuiltinActions(ActionRunner others, ImageBuilds builds, dev.slipway.ci.scheduler.RunProgram.CacheArea cacheArea,
                          List<String> cacheScopes, java.util.function.BiFunction<String, String, Worktrees.Worktree> otherCheckouts) {
        this.others = others;
        this.builds = builds;
        this.caches = new CacheActions(cacheArea, cacheScopes.getFirst(), cacheScopes);
        this.otherCheckouts = otherCheckouts;
    }

    /** Built-in actions have no pre steps; the others' are {@code others}' to prepare. */
    @Override
    public java.util.Optional<dev.slipway.actions.run.Hook> prepare(dev.slipway.actions.run.Step.Uses step) throws IOException, InterruptedException {
        return BUILT_IN.contains(name(step.uses())) ? java.util.Optional.empty() : others.prepare(step);
    }

    private static final Set<String> BUILT_IN = Set.of("actions/checkout", "actions/upload-artifact", "actions/download-artifact",
            "actions/cache", "actions/cache/restore", "actions/cache/save",
            "docker/setup-buildx-action", "docker/setup-qemu-action", "docker/login-action", "docker/build-push-action");

    private static String name(String uses) {
        return (uses.contains("@") ? uses.substring(0, uses.indexOf('@')) : uses).toLowerCase(Locale.ROOT);
    }

    @Override
    public ActionResult run(ActionCall call) throws IOException, InterruptedException {
        String name = name(call.step().uses());
        return switch (name) {
            case "actions/checkout" -> checkout(call);
            case "actions/upload-artifact" -> uploadArtifact(call);
            case "actions/download-artifact" -> downloadArtifact(call);
            case "actions/cache", "actions/cache/restore", "actions/cache/save" -> caches.run(name, call);
            case "docker/setup-buildx-action", "docker/setup-qemu-action" -> {
                call.log("Slipway builds with the engine's own builder; " + name + " has nothing to set up (platforms: the engine's)");
                warnUnsupported(call, Set.of("install", "driver", "version", "use", "buildkitd-config-inline", "buildkitd-flags", "platforms",
                        "image", "cache-image"), Set.of());
                yield ActionResult.success(Map.of("name", "slipway", "platforms", "linux/amd64"));
            }
            case "docker/login-action" -> login(call);
            case "docker/build-push-action" -> buildPush(call);
            default -> others.run(call);
        };
    }

    /** The workspace already holds the run's commit (with full history and tags): only other refs and paths need work. */
    private ActionResult checkout(ActionCall call) throws IOException, InterruptedException {
        Map<String, String> in = call.inputs();
        warnUnsupported(call, Set.of("ssh-key", "ssh-known-hosts", "ssh-strict", "persist-credentials", "lfs", "sparse-checkout",
                "sparse-checkout-cone-mode", "set-safe-directory", "github-server-url", "show-progress", "filter", "fetch-tags"),
                Set.of("repository", "ref", "path", "fetch-depth", "token", "submodules", "clean"));
        String submodules = in.getOrDefault("submodules", "").strip().toLowerCase(Locale.ROOT);
        if (submodules.equals("true") || submodules.equals("recursive")) {
            annotate(call, "warning", call.step().uses() + ": submodules are not checked out by Slipway's built-in checkout; run 'git "
                    + "submodule update --init" + (submodules.equals("recursive") ? " --recursive" : "") + "' in a step of your own");
        }
        String repository = in.getOrDefault("repository", "").strip();
        if (!repository.isBlank() && !repository.equalsIgnoreCase(call.scope().contexts().get("github").path("repository").asText())) {
            return checkoutOther(call, repository, in.getOrDefault("ref", "").strip(), in.getOrDefault("path", "").strip());
        }
        call.log("the workspace " + call.session().workspace() + " is the run's checkout (" + shortSha(call) + "), with its history and tags: "
                + "no clone needed");
        String ref = in.getOrDefault("ref", "");
        if (!ref.isBlank()) {
            int code = call.exec(List.of("git", "-c", "advice.detachedHead=false", "checkout", "--detach", ref), Map.of(), call.session().workspace());
            if (code != 0) {
                return ActionResult.exit(code);
            }
        }
        String path = in.getOrDefault("path", "");
        if (!path.isBlank() && !path.equals(".")) {
            int code = call.exec(List.of("sh", "-c", "set -e; mkdir -p \"$1\"; for f in .[!.]* ..?* *; do [ -e \"$f\" ] || continue; "
                    + "case \"$1\" in \"$f\"|\"$f\"/*) continue;; esac; cp -a \"$f\" \"$1\"/; done", "checkout", path), Map.of(), call.session().workspace());
            if (code != 0) {
                return ActionResult.exit(code);
            }
            call.log("copied the checkout to " + path);
        }
        return ActionResult.success(Map.of("ref", ref.isBlank() ? call.scope().contexts().get("github").path("ref").asText() : ref,
                "commit", call.scope().contexts().get("github").path("sha").asText()));
    }

    /**
     * Another registered repository: the server checks it out with its registration's key or
     * credentials (no clone in the job, no token needed), and its tree, with {@code .git}, is
     * copied to {@code path}, or replaces the workspace's content when there is none, as on GitHub.
     */
    private ActionResult checkoutOther(ActionCall call, String repository, String ref, String path) throws IOException, InterruptedException {
        Worktrees.Worktree source;
        try {
            source = otherCheckouts.apply(repository, ref);
        } catch (RuntimeException e) {
            call.log("error: " + e.getMessage());
            return ActionResult.failure();
        }
        String staging = "checkout-" + System.nanoTime();
        java.nio.file.Path hostStaging = call.session().hostTemp().resolve(staging);
        try {
            dev.slipway.ci.workspace.Dirs.copyTree(source.path(), hostStaging);
            String target = path.isBlank() || path.equals(".") ? "" : path;
            int code = call.exec(List.of("sh", "-c", "set -e; dest=\"${2:-.}\"; mkdir -p \"$dest\"; "
                            + "if [ -z \"$2\" ]; then find . -mindepth 1 -maxdepth 1 -exec rm -rf {} +; fi; cp -a \"$1/.\" \"$dest\"/",
                    "checkout", call.session().temp() + "/" + staging, target), Map.of(), call.session().workspace());
            if (code != 0) {
                return ActionResult.exit(code);
            }
        } finally {
            dev.slipway.ci.workspace.Dirs.reset(hostStaging);
        }
        String commit = source.commit();
        call.log("checked out " + repository + (ref.isBlank() ? "" : " " + ref) + " (" + (commit.length() > 8 ? commit.substring(0, 8) : commit)
                + ") into " + (path.isBlank() ? "the workspace" : path) + ", from the server's checkout: no clone in the job");
        return ActionResult.success(Map.of("ref", ref, "commit", commit));
    }

    private static String shortSha(ActionCall call) {
        String sha = call.scope().contexts().get("github").path("sha").asText();
        return sha.length() > 8 ? sha.substring(0, 8) : sha;
    }

    /**
     * upload-artifact's copy into the run's store (run in the job's container: {@code $1} the
     * store, {@code $2} the name, {@code $3} if-no-files-found, then the paths). The artifact's
     * root is GitHub's: a directory given alone, else the least common ancestor of what matched,
     * so {@code path: out} stores {@code out/x} as {@code x}.
     */
    static final String UPLOAD = """
            set -e; dest="$1/$2"; ifnone="$3"; shift 3
            rm -rf "$dest"
            list=""; n=0
            for p in "$@"; do
              case "$p" in '!'*) echo "::warning::upload-artifact: exclusions ($p) are not supported by Slipway's built-in action; nothing is excluded"; continue;; esac
              for f in $p; do
                [ -e "$f" ] || continue
                a="$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"
                list="$list$a
            "
                n=$((n+1))
              done
            done
            if [ "$n" = 0 ]; then
              case "$ifnone" in
                error) echo "::error::No files were found with the provided path: $*. No artifacts will be uploaded."; exit 1;;
                ignore) echo "No files were found with the provided path: $*. No artifacts will be uploaded."; exit 0;;
                *) echo "::warning::No files were found with the provided path: $*. No artifacts will be uploaded."; exit 0;;
              esac
            fi
            mkdir -p "$dest"
            # The artifact's root, as GitHub's: a directory given alone is the root; else the least common ancestor of the matches.
            one="${list%?}"
            if [ "$n" = 1 ] && [ -d "$one" ]; then
              root="$one"
            else
              root=""
              while IFS= read -r a; do
                [ -n "$a" ] || continue
                d=$(dirname "$a")
                if [ -z "$root" ]; then root="$d"; continue; fi
                until [ "$root" = / ] || [ "$d" = "$root" ] || case "$d" in "$root"/*) true;; *) false;; esac; do root=$(dirname "$root"); done
              done <<EOF
            $list
            EOF
            fi
            while IFS= read -r a; do
              [ -n "$a" ] || continue
              if [ "$a" = "$root" ]; then cp -a "$a/." "$dest/"; continue; fi
              rel="${a#"${root%/}"/}"
              mkdir -p "$dest/$(dirname "$rel")"
              cp -a "$a" "$dest/$(dirname "$rel")/"
            done <<EOF
            $list
            EOF
            echo "$n path(s) uploaded, relative to $root"
            """;

    /** Artifacts live in the run's store, shared by its jobs: upload copies there, download copies back. */
    private ActionResult uploadArtifact(ActionCall call) throws IOException, InterruptedException {
        Map<String, String> in = call.inputs();
        warnUnsupported(call, Set.of("compression-level", "overwrite", "include-hidden-files"),
                Set.of("name", "path", "if-no-files-found", "retention-days"));
        String retention = in.getOrDefault("retention-days", "").strip();
        if (!retention.isEmpty() && !retention.matches("[1-9][0-9]{0,3}")) {
            call.log("error: retention-days must be a whole number of days from 1, not '" + retention + "'");
            return ActionResult.failure();
        }
        String name = in.getOrDefault("name", "artifact").isBlank() ? "artifact" : in.get("name");
        if (!dev.slipway.ci.artifact.RunArtifacts.NAME.matcher(name).matches()) {
            call.log("error: artifact name '" + name + "' has characters Slipway does not allow (letters, digits, . _ - and spaces; not . or ..)");
            return ActionResult.failure();
        }
        List<String> paths = lines(in.getOrDefault("path", ""));
        if (paths.isEmpty()) {
            call.log("error: upload-artifact needs 'path'");
            return ActionResult.failure();
        }
        String ifNone = in.getOrDefault("if-no-files-found", "warn").strip();
        if (!Set.of("warn", "error", "ignore").contains(ifNone)) {
            call.log("error: if-no-files-found must be warn, error or ignore, not '" + ifNone + "'");
            return ActionResult.failure();
        }
        List<String> argv = new ArrayList<>(List.of("sh", "-c", UPLOAD, "upload", ARTIFACTS, name, ifNone));
        argv.addAll(paths);
        int code = call.exec(argv, Map.of(), call.session().workspace());
        if (code != 0) {
            return ActionResult.exit(code);
        }
        // The artifact's retention beside it (a name no artifact can have); without one it stays as long as the run's workspace.
        code = call.exec(List.of("sh", "-c", "mkdir -p \"$1/$2\" && if [ -n \"$4\" ]; then echo \"$4\" > \"$1/$2/$3\"; else rm -f \"$1/$2/$3\"; fi",
                "retention", ARTIFACTS, dev.slipway.ci.artifact.RunArtifacts.RETENTION, name, retention), Map.of(), call.session().workspace());
        if (code != 0) {
            return ActionResult.exit(code);
        }
        call.log("artifact '" + name + "' stored with the run" + (retention.isEmpty() ? "" : ", kept " + retention + " days"));
        return ActionResult.success(Map.of("artifact-id", name));
    }

    private ActionResult downloadArtifact(ActionCall call) throws IOException, InterruptedException {
        Map<String, String> in = call.inputs();
        warnUnsupported(call, Set.of("pattern", "merge-multiple", "github-token", "repository", "run-id", "artifact-ids"), Set.of("name", "path"));
        String name = in.getOrDefault("name", "");
        String path = in.getOrDefault("path", "").isBlank() ? "." : in.get("path");
        String script = name.isBlank()
                ? "set -e; mkdir -p \"$2\"; for d in \"$1\"/*/; do [ -d \"$d\" ] || continue; n=$(basename \"$d\"); mkdir -p \"$2/$n\"; cp -a \"$d\". \"$2/$n\"/; done"
                : "set -e; [ -d \"$1/$3\" ] || { echo \"no artifact '$3' in this run\" >&2; exit 1; }; mkdir -p \"$2\"; cp -a \"$1/$3/.\" \"$2\"/";
        int code = call.exec(List.of("sh", "-c", script, "download", ARTIFACTS, path, name), Map.of(), call.session().workspace());
        return code == 0 ? ActionResult.success(Map.of("download-path", path)) : ActionResult.exit(code);
    }

    private ActionResult login(ActionCall call) throws IOException, InterruptedException {
        Map<String, String> in = call.inputs();
        warnUnsupported(call, Set.of("ecr", "logout", "scope"), Set.of("registry", "username", "password"));
        String registry = in.getOrDefault("registry", "").strip().replaceFirst("^https?://", "").replaceFirst("/+$", "");
        String username = in.getOrDefault("username", "");
        String password = in.getOrDefault("password", "");
        if (username.isBlank() || password.isEmpty()) {
            call.log("error: docker/login-action needs 'username' and 'password'"
                    + (password.isEmpty() ? " (the password is empty: is the secret set?)" : ""));
            return ActionResult.failure();
        }
        builds.login(call, registry.isBlank() ? "https://index.docker.io/v1/" : registry, username, password);
        call.log("logged in to " + (registry.isBlank() ? "Docker Hub" : registry) + " as " + username + " (for this job's pushes; "
                + "Slipway's own registry is pushed to with the job's rights, and plain HTTP registries work: no TLS is required)");
        return ActionResult.success(Map.of());
    }

    private ActionResult buildPush(ActionCall call) throws IOException, InterruptedException {
        Map<String, String> in = call.inputs();
        warnUnsupported(call, Set.of("platforms", "provenance", "sbom", "outputs", "secrets", "ssh", "builder",
                "load", "no-cache", "pull", "annotations", "attests", "network", "shm-size", "ulimit", "allow", "cgroup-parent",
                "add-hosts", "secret-files", "secret-envs", "github-token"), Set.of("context", "file", "tags", "push", "build-args",
                "target", "labels", "cache-from", "cache-to"));
        String context = in.getOrDefault("context", "").isBlank() ? "." : in.get("context");
        String file = in.getOrDefault("file", "");
        List<String> tags = new ArrayList<>();
        for (String t : lines(in.getOrDefault("tags", ""))) {
            for (String part : t.split(",")) {
                if (!part.isBlank()) {
                    tags.add(part.strip());
                }
            }
        }
        boolean push = Boolean.parseBoolean(in.getOrDefault("push", "false").strip());
        String digest = builds.buildAndPush(call, context, file.isBlank() ? null : file, tags, keyValues(in.getOrDefault("build-args", "")),
                in.getOrDefault("target", "").isBlank() ? null : in.get("target"), keyValues(in.getOrDefault("labels", "")), push,
                lines(in.getOrDefault("cache-from", "")), lines(in.getOrDefault("cache-to", "")));
        return ActionResult.success(Map.of("digest", digest == null ? "" : digest, "imageid", digest == null ? "" : digest));
    }

    /** Inputs whose {@code false} asks for what Slipway's builds do anyway. */
    private static final Set<String> OFF_ALREADY = Set.of("provenance", "sbom");

    /** Inputs given that Slipway takes and ignores (or does not know) are said, never dropped silently. */
    static void warnUnsupported(ActionCall call, Set<String> ignored, Set<String> known) {
        for (String input : call.inputs().keySet()) {
            if (call.inputs().get(input) == null || call.inputs().get(input).isBlank()) {
                continue;
            }
            if (OFF_ALREADY.contains(input) && call.inputs().get(input).strip().equalsIgnoreCase("false")) {
                continue; // what Slipway does anyway: no attestations are made
            }
            if (ignored.contains(input)) {
                annotate(call, "warning", call.step().uses() + ": input '" + input + "' is ignored by Slipway's built-in action");
            } else if (!known.contains(input)) {
                annotate(call, "warning", call.step().uses() + ": input '" + input + "' is not one Slipway's built-in action knows");
            }
        }
    }

    /** A {@code ::warning::} or {@code ::error::} of the action's own: an annotation of the step, as a command the action printed is. */
    static void annotate(ActionCall call, String level, String message) {
        byte[] line = ("::" + level + "::" + message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A") + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        call.output().stdout(line, 0, line.length);
    }

    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    static Map<String, String> keyValues(String text) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String line : lines(text)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return out;
    }
}
