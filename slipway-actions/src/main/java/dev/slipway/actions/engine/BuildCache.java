package dev.slipway.actions.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code docker/build-push-action}'s {@code cache-from} and {@code cache-to} as Slipway's builds
 * (the engine's classic builder) honor them. A registry cache is an image: {@code cache-from}
 * pulls it and lets the build reuse its layers ({@code docker build --cache-from}), {@code cache-to}
 * pushes the built image there, which carries its own cache (what buildx calls {@code mode=inline}).
 * {@code type=gha} becomes such a cache image in Slipway's own registry, beside the run's repository
 * ({@code <registry>/<owner>/<repo>/buildcache:<scope>}). What cannot be honored is a warning that
 * names it.
 */
final class BuildCache {
    /** What the build does with the caches: images to reuse, references to push the image to, warnings and notes for the log. */
    record Plan(List<String> from, List<String> to, List<String> warnings, List<String> notes) {
        Plan {
            from = List.copyOf(from);
            to = List.copyOf(to);
            warnings = List.copyOf(warnings);
            notes = List.copyOf(notes);
        }
    }

    private static final Set<String> REGISTRY_FROM = Set.of("type", "ref");
    private static final Set<String> REGISTRY_TO = Set.of("type", "ref", "mode", "ignore-error");
    private static final Set<String> GHA_FROM = Set.of("type", "scope");
    private static final Set<String> GHA_TO = Set.of("type", "scope", "mode", "ignore-error");

    private BuildCache() {}

    /**
     * @param ownRegistry where Slipway's registry is ({@code host:port}), or null/blank when there is none (slipway exec)
     * @param repository the run's repository ({@code owner/name})
     */
    static Plan plan(List<String> cacheFrom, List<String> cacheTo, String ownRegistry, String repository) {
        List<String> from = new ArrayList<>();
        List<String> to = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String line : cacheFrom) {
            Map<String, String> a = attributes(line);
            String ref = reference(line, a, ownRegistry, repository, warnings, "cache-from");
            if (ref != null) {
                ignoredAttributes(line, a, a.get("type").equals("gha") ? GHA_FROM : REGISTRY_FROM, warnings, "cache-from");
                from.add(ref);
            }
        }
        for (String line : cacheTo) {
            Map<String, String> a = attributes(line);
            if (a.get("type").equals("inline")) {
                notes.add("cache-to " + line + ": the image Slipway builds carries its build cache already");
                continue;
            }
            String ref = reference(line, a, ownRegistry, repository, warnings, "cache-to");
            if (ref == null) {
                continue;
            }
            ignoredAttributes(line, a, a.get("type").equals("gha") ? GHA_TO : REGISTRY_TO, warnings, "cache-to");
            if ("max".equalsIgnoreCase(a.get("mode"))) {
                warnings.add("cache-to " + line + ": mode=max is not supported by Slipway's builds (the engine's classic builder): only the "
                        + "layers of the image's own stage are cached, as with mode=min");
            }
            to.add(ref);
        }
        return new Plan(from, to, warnings, notes);
    }

    /** The cache image a registry or gha entry names; null (with a warning) for one Slipway cannot use. */
    private static String reference(String line, Map<String, String> a, String ownRegistry, String repository, List<String> warnings,
                                    String input) {
        String type = a.get("type");
        switch (type) {
            case "registry" -> {
                String ref = a.get("ref");
                if (ref == null || ref.isBlank()) {
                    warnings.add(input + " " + line + ": type=registry needs ref=; ignored");
                    return null;
                }
                return ref.contains(":") && ref.lastIndexOf(':') > ref.lastIndexOf('/') ? ref : ref + ":latest";
            }
            case "gha" -> {
                if (ownRegistry == null || ownRegistry.isBlank()) {
                    warnings.add(input + " " + line + ": type=gha is kept in Slipway's registry, which this run does not have; ignored");
                    return null;
                }
                return ghaReference(ownRegistry, repository, a.getOrDefault("scope", "buildkit"));
            }
            default -> {
                warnings.add(input + " " + line + ": type=" + type + " is not supported by Slipway's builds; ignored (type=registry and "
                        + "type=gha are)");
                return null;
            }
        }
    }

    /** The cache image of a gha scope: in Slipway's registry beside the run's repository. */
    static String ghaReference(String ownRegistry, String repository, String scope) {
        String tag = scope.replaceAll("[^A-Za-z0-9_.-]", "-").replaceFirst("^[.-]+", "");
        tag = tag.isEmpty() ? "buildkit" : tag.length() > 128 ? tag.substring(0, 128) : tag;
        return ownRegistry + "/" + repository.toLowerCase(Locale.ROOT) + "/buildcache:" + tag;
    }

    private static void ignoredAttributes(String line, Map<String, String> a, Set<String> known, List<String> warnings, String input) {
        List<String> ignored = a.keySet().stream().filter(k -> !known.contains(k)).sorted().toList();
        if (!ignored.isEmpty()) {
            warnings.add(input + " " + line + ": " + String.join(", ", ignored) + (ignored.size() > 1 ? " are" : " is")
                    + " ignored by Slipway's builds");
        }
    }

    /**
     * An entry's attributes ({@code type=registry,ref=x}); a bare reference is a registry cache, as
     * buildx reads it. {@code type} is always there.
     */
    static Map<String, String> attributes(String line) {
        Map<String, String> a = new LinkedHashMap<>();
        if (!line.contains("=")) {
            a.put("type", "registry");
            a.put("ref", line.strip());
            return a;
        }
        for (String part : line.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                a.put(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip().replaceAll("^\"|\"$", ""));
            }
        }
        a.putIfAbsent("type", a.containsKey("ref") ? "registry" : "");
        a.put("type", a.get("type").toLowerCase(Locale.ROOT));
        return a;
    }
}
