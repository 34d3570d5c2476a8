package dev.slipway.actions.engine;

import dev.slipway.actions.cache.CacheEntry;
import dev.slipway.actions.cache.CacheLookup;
import dev.slipway.actions.cache.CacheStore;
import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.run.ActionCall;
import dev.slipway.actions.run.ActionResult;
import dev.slipway.actions.run.Hook;
import dev.slipway.ci.scheduler.RunProgram;
import dev.slipway.ci.workspace.Dirs;
import dev.slipway.core.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code actions/cache}, {@code actions/cache/restore} and {@code actions/cache/save} (any version)
 * on the run's {@link RunProgram.CacheArea}: GitHub's keys, restore keys and scopes (see
 * {@link CacheLookup}), with the entries in a {@link CacheStore}. The files move through the job's
 * temp directory: the job's own {@code tar} packs and unpacks them, the server moves the archives,
 * so a job never sees another scope's entries.
 */
final class CacheActions {
    /**
     * Packs the paths (run with {@code $1} this script, {@code $2} the output directory, {@code $3}
     * the workspace, then the patterns); bash, when the image has it, for {@code **} and dot files
     * as GitHub's globs match them. Exit 3: nothing matched.
     */
    static final String PACK = """
            shift; set -e; umask 022; out="$1"; ws="$2"; shift 2
            IFS='
            '
            : > "$out/ws.list"; : > "$out/root.list"; : > "$out/ws.exclude"; : > "$out/root.exclude"
            n=0
            for p in "$@"; do
              ex=""
              case "$p" in '!'*) ex=1; p="${p#!}";; esac
              case "$p" in '~') p="$HOME";; '~/'*) p="$HOME/${p#'~/'}";; esac
              case "$p" in /*) ;; *) p="$ws/$p";; esac
              for f in $p; do
                [ -e "$f" ] || [ -L "$f" ] || continue
                case "$f" in
                  "$ws") rel=.; list=ws;;
                  "$ws"/*) rel="${f#"$ws"/}"; list=ws;;
                  *) rel="${f#/}"; list=root;;
                esac
                if [ -n "$ex" ]; then echo "$rel" >> "$out/$list.exclude"; else echo "$rel" >> "$out/$list.list"; n=$((n+1)); fi
              done
            done
            [ "$n" -gt 0 ] || exit 3
            if [ -s "$out/ws.list" ]; then tar -czf "$out/workspace.tar.gz" -C "$ws" -X "$out/ws.exclude" -T "$out/ws.list"; fi
            if [ -s "$out/root.list" ]; then tar -czf "$out/root.tar.gz" -C / -X "$out/root.exclude" -T "$out/root.list"; fi
            rm -f "$out/ws.list" "$out/root.list" "$out/ws.exclude" "$out/root.exclude"
            """;

    /** Unpacks an entry's archives ({@code $1} this script, {@code $2} their directory, {@code $3} the workspace). */
    static final String UNPACK = """
            shift; set -e; d="$1"; ws="$2"
            mkdir -p "$ws"
            if [ -f "$d/workspace.tar.gz" ]; then tar -xzf "$d/workspace.tar.gz" -C "$ws"; fi
            if [ -f "$d/root.tar.gz" ]; then tar -xzf "$d/root.tar.gz" -C /; fi
            """;

    /** Starts {@code $1} with bash and GitHub's glob options when there is bash, else with sh. */
    private static final String LAUNCH = "if command -v bash >/dev/null 2>&1; then exec bash -O globstar -O dotglob -c \"$1\" cache \"$@\"; "
            + "else exec sh -c \"$1\" cache \"$@\"; fi";

    private static final Set<String> RESTORE_INPUTS = Set.of("key", "path", "restore-keys", "fail-on-cache-miss", "lookup-only",
            "enableCrossOsArchive");

    private final RunProgram.CacheArea area;
    private final String saveScope;
    private final List<String> restoreScopes;

    /**
     * @param saveScope where this job's saves go (its ref; a pull request's merge ref)
     * @param restoreScopes where its restores look, in order
     */
    CacheActions(RunProgram.CacheArea area, String saveScope, List<String> restoreScopes) {
        this.area = area;
        this.saveScope = saveScope;
        this.restoreScopes = List.copyOf(restoreScopes);
    }

    /** The inputs each action knows; {@code upload-chunk-size} is taken and has nothing to do. */
    static Set<String> known(String name) {
        return switch (name) {
            case "actions/cache/save" -> Set.of("key", "path", "enableCrossOsArchive", "upload-chunk-size");
            case "actions/cache/restore" -> RESTORE_INPUTS;
            default -> Set.of("key", "path", "restore-keys", "fail-on-cache-miss", "lookup-only", "enableCrossOsArchive", "save-always",
                    "upload-chunk-size");
        };
    }

    ActionResult run(String name, ActionCall call) throws IOException, InterruptedException {
        BuiltinActions.warnUnsupported(call, Set.of(), known(name));
        if (!call.inputs().getOrDefault("upload-chunk-size", "").isBlank()) {
            call.log("upload-chunk-size has no meaning here: Slipway stores the archive on its own disk in one piece");
        }
        if (area == null) {
            call.log("error: " + call.step().uses() + " needs Slipway's cache store, which this job does not have");
            return ActionResult.failure();
        }
        Request r;
        try {
            r = Request.of(call.inputs(), !name.equals("actions/cache/save"));
        } catch (IllegalArgumentException e) {
            BuiltinActions.annotate(call, "error", e.getMessage());
            return ActionResult.failure();
        }
        if (name.equals("actions/cache/save")) {
            save(call, r);
            return ActionResult.success(Map.of());
        }
        ActionResult restored = restore(call, r);
        if (name.equals("actions/cache") && restored.outcome() == dev.slipway.actions.expr.Status.Conclusion.SUCCESS) {
            boolean always = flag(call.inputs().getOrDefault("save-always", ""));
            if (always) {
                BuiltinActions.annotate(call, "warning", "save-always is deprecated (actions/cache v4 removes it); use actions/cache/save "
                        + "with if: always() instead. Slipway saves this cache even if the job fails");
            }
            boolean hit = "true".equals(restored.outputs().get("cache-hit"));
            call.registerPost(new Hook(null, Expressions.condition(always ? "always()" : "success()"), post -> {
                if (hit) {
                    post.log("Cache hit occurred on the primary key " + r.key() + ", not saving cache.");
                } else {
                    save(post, r);
                }
                return ActionResult.success(Map.of());
            }));
        }
        return restored;
    }

    /** The inputs, checked as GitHub checks them. */
    record Request(String key, List<String> paths, List<String> restoreKeys, boolean failOnMiss, boolean lookupOnly, String version) {
        static Request of(Map<String, String> in, boolean restoring) {
            String key = in.getOrDefault("key", "").strip();
            List<String> paths = BuiltinActions.lines(in.getOrDefault("path", ""));
            List<String> restoreKeys = restoring ? BuiltinActions.lines(in.getOrDefault("restore-keys", "")) : List.of();
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("Input required and not supplied: path");
            }
            CacheLookup.checkKeys(key, restoreKeys);
            return new Request(key, paths, restoreKeys, flag(in.getOrDefault("fail-on-cache-miss", "")),
                    flag(in.getOrDefault("lookup-only", "")), CacheLookup.version(paths));
        }
    }

    private static boolean flag(String value) {
        return value.strip().equalsIgnoreCase("true");
    }

    private ActionResult restore(ActionCall call, Request r) throws IOException, InterruptedException {
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("cache-primary-key", r.key());
        Optional<CacheLookup.Match> match = CacheLookup.find(new CacheStore(area.dir()).entries(), r.key(), r.restoreKeys(), r.version(),
                restoreScopes);
        if (match.isEmpty()) {
            List<String> keys = new ArrayList<>(List.of(r.key()));
            keys.addAll(r.restoreKeys());
            if (r.failOnMiss()) {
                BuiltinActions.annotate(call, "error", "Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: " + r.key());
                return new ActionResult(dev.slipway.actions.expr.Status.Conclusion.FAILURE, outputs, null);
            }
            call.log("Cache not found for input keys: " + String.join(", ", keys) + " (looked in " + String.join(", ", restoreScopes) + ")");
            return ActionResult.success(outputs); // cache-hit stays empty on a miss, as GitHub leaves it
        }
        CacheEntry entry = match.get().entry();
        outputs.put("cache-hit", Boolean.toString(match.get().exact()));
        outputs.put("cache-matched-key", entry.key());
        if (r.lookupOnly()) {
            call.log("Cache found and can be restored from key: " + entry.key() + " (" + entry.scope() + ")");
            return ActionResult.success(outputs);
        }
        String rel = "_slipway_cache/" + UUID.randomUUID();
        Path host = call.session().hostTemp().resolve(rel);
        try {
            new CacheStore(area.dir()).copyOut(entry, host, System.currentTimeMillis());
            int code = call.exec(List.of("sh", "-c", LAUNCH, "cache", UNPACK, call.session().temp() + "/" + rel, call.session().workspace()),
                    Map.of(), call.session().workspace());
            if (code != 0) {
                BuiltinActions.annotate(call, "warning", "Failed to restore: tar exited with " + code + "; the job goes on without the cache");
                outputs.remove("cache-hit");
                outputs.remove("cache-matched-key");
                return ActionResult.success(outputs);
            }
        } catch (IOException e) {
            BuiltinActions.annotate(call, "warning", "Failed to restore: " + e.getMessage());
            return ActionResult.success(Map.of("cache-primary-key", r.key()));
        } finally {
            Dirs.reset(host);
        }
        call.log("Cache Size: ~" + Sizes.format(entry.sizeBytes()));
        call.log("Cache restored from key: " + entry.key() + (entry.scope().equals(saveScope) ? "" : " (saved on " + entry.scope() + ")"));
        return ActionResult.success(outputs);
    }

    /** Packs the paths in the job and stores them; as in GitHub, a failed save is a warning, never a failed step. */
    private void save(ActionCall call, Request r) throws IOException, InterruptedException {
        CacheStore store = new CacheStore(area.dir());
        Optional<CacheEntry> before = store.find(saveScope, r.key(), r.version());
        if (before.isPresent()) {
            exists(call, r, before.get());
            return;
        }
        String rel = "_slipway_cache/" + UUID.randomUUID();
        Path host = Files.createDirectories(call.session().hostTemp().resolve(rel));
        writableByTheJob(host.getParent());
        writableByTheJob(host);
        try {
            List<String> argv = new ArrayList<>(List.of("sh", "-c", LAUNCH, "cache", PACK, call.session().temp() + "/" + rel,
                    call.session().workspace()));
            argv.addAll(r.paths());
            int code = call.exec(argv, Map.of(), call.session().workspace());
            if (code == 3) {
                BuiltinActions.annotate(call, "warning", "Path Validation Error: Path(s) specified in the action for caching do(es) not exist, "
                        + "hence no cache is being saved.");
                return;
            }
            if (code != 0) {
                BuiltinActions.annotate(call, "warning", "Failed to save: packing the paths exited with " + code);
                return;
            }
            CacheStore.Saved[] saved = new CacheStore.Saved[1];
            List<CacheEntry> evicted = new ArrayList<>();
            String emptied = area.change(() -> {
                long now = System.currentTimeMillis();
                saved[0] = store.save(host, saveScope, r.key(), r.version(), now);
                evicted.addAll(store.evict(area.quotaBytes(), now));
            });
            switch (saved[0]) {
                case CacheStore.Saved.AlreadyExists e -> exists(call, r, e.entry());
                case CacheStore.Saved.Created c -> call.log("Cache saved with key: " + r.key() + " (" + Sizes.format(c.entry().sizeBytes())
                        + ", scope " + saveScope + ")");
            }
            for (CacheEntry e : evicted) {
                call.log("evicted cache " + e.key() + " (" + e.scope() + ", " + Sizes.format(e.sizeBytes()) + "): unused for 7 days or "
                        + "the least recently used while the caches were over their quota of " + Sizes.format(area.quotaBytes()));
            }
            if (emptied != null) {
                BuiltinActions.annotate(call, "warning", emptied);
            }
        } finally {
            Dirs.reset(host);
        }
    }

    /** The job's user may not be the server's: it writes the archives into a directory the server made. */
    private static void writableByTheJob(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (IOException | UnsupportedOperationException e) {
            // the job writes as the server's user then (the local executor)
        }
    }

    private void exists(ActionCall call, Request r, CacheEntry entry) {
        BuiltinActions.annotate(call, "warning", "Failed to save: Cache already exists: key " + r.key() + " was saved on " + entry.scope()
                + " before, and saved caches are immutable (save under a new key to change it)");
    }
}
