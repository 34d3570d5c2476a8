package dev.slipway.registry.lifecycle;

import dev.slipway.core.Digest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides, without side effects, what a {@link RetentionPolicy} removes from one repository. The
 * plan is then carried out step by step with re-checks under locks ({@link Retention}).
 */
final class RetentionPlanner {
    private RetentionPlanner() {}

    /** A repository as retention sees it. */
    record Snapshot(String repository, List<Tag> tags, List<Node> manifests) {}

    record Tag(String name, Digest digest, long pushedAt) {}

    /** A manifest: its subject (null if none), the manifests it lists (an index) and the bytes of the blobs it lists. */
    record Node(Digest digest, String mediaType, long size, long createdAt, Digest subject, List<Digest> children, long blobBytes) {}

    /** Tags to remove, then manifests to remove in an order that deletes indexes and referrers before what they point at. */
    record Plan(List<RetentionReport.Tag> tags, List<RetentionReport.Manifest> manifests) {}

    static Plan plan(RetentionPolicy policy, Snapshot repo, long now, Predicate<String> immutable) {
        String name = repo.repository();
        List<Tag> removedTags = selectTags(policy, repo.tags(), now, immutable);
        Set<String> removedNames = new HashSet<>();
        removedTags.forEach(t -> removedNames.add(t.name()));

        Map<Digest, Node> nodes = new LinkedHashMap<>();
        repo.manifests().forEach(n -> nodes.put(n.digest(), n));
        Map<Digest, List<Digest>> parents = new HashMap<>();
        Map<Digest, List<Digest>> referrers = new HashMap<>();
        for (Node n : nodes.values()) {
            for (Digest c : n.children()) {
                parents.computeIfAbsent(c, k -> new ArrayList<>()).add(n.digest());
            }
            if (n.subject() != null && nodes.containsKey(n.subject())) {
                referrers.computeIfAbsent(n.subject(), k -> new ArrayList<>()).add(n.digest());
            }
        }
        Set<Digest> tagged = new HashSet<>();
        Set<Digest> keptTagged = new HashSet<>();
        for (Tag t : repo.tags()) {
            tagged.add(t.digest());
            if (!removedNames.contains(t.name())) {
                keptTagged.add(t.digest());
            }
        }

        // Roots: what kept tags point at, and untagged manifests that stand alone (not an index's
        // child, not a referrer of something here) and are not yet old enough to go.
        Deque<Digest> work = new ArrayDeque<>();
        for (Node n : nodes.values()) {
            boolean dependent = parents.containsKey(n.digest()) || (n.subject() != null && nodes.containsKey(n.subject()));
            boolean oldUntagged = policy.untaggedOlderThan() != null && n.createdAt() <= now - policy.untaggedOlderThan().toMillis();
            if (keptTagged.contains(n.digest()) || (!tagged.contains(n.digest()) && !dependent && !oldUntagged)) {
                work.add(n.digest());
            }
        }
        // Kept: everything reachable from the roots through index children, subjects and referrers.
        Set<Digest> kept = new HashSet<>();
        while (!work.isEmpty()) {
            Digest d = work.pop();
            Node n = nodes.get(d);
            if (n == null || !kept.add(d)) {
                continue;
            }
            work.addAll(n.children());
            if (n.subject() != null) {
                work.add(n.subject());
            }
            work.addAll(referrers.getOrDefault(d, List.of()));
        }

        // Removed: the rest, deleting what points at a manifest before the manifest itself.
        Set<Digest> doomed = new LinkedHashSet<>();
        nodes.keySet().stream().filter(d -> !kept.contains(d)).forEach(doomed::add);
        List<Digest> order = new ArrayList<>();
        Set<Digest> visited = new HashSet<>();
        for (Digest d : doomed) {
            visit(d, doomed, parents, referrers, visited, order);
        }
        List<RetentionReport.Manifest> manifests = new ArrayList<>();
        for (Digest d : order) {
            Node n = nodes.get(d);
            manifests.add(new RetentionReport.Manifest(name, d, n.mediaType(), n.size(), n.blobBytes(),
                    reason(n, tagged, parents, referrers, nodes)));
        }
        List<RetentionReport.Tag> tags = removedTags.stream().map(t -> new RetentionReport.Tag(name, t.name(), t.digest())).toList();
        return new Plan(tags, manifests);
    }

    /** Depth-first: indexes listing {@code d} and referrers of {@code d} come before it. */
    private static void visit(Digest d, Set<Digest> doomed, Map<Digest, List<Digest>> parents, Map<Digest, List<Digest>> referrers,
                              Set<Digest> visited, List<Digest> order) {
        if (!visited.add(d)) {
            return;
        }
        for (Digest p : parents.getOrDefault(d, List.of())) {
            if (doomed.contains(p)) {
                visit(p, doomed, parents, referrers, visited, order);
            }
        }
        for (Digest r : referrers.getOrDefault(d, List.of())) {
            if (doomed.contains(r)) {
                visit(r, doomed, parents, referrers, visited, order);
            }
        }
        order.add(d);
    }

    private static String reason(Node n, Set<Digest> tagged, Map<Digest, List<Digest>> parents, Map<Digest, List<Digest>> referrers,
                                 Map<Digest, Node> nodes) {
        if (tagged.contains(n.digest())) {
            return "its tags were removed";
        }
        if (parents.containsKey(n.digest())) {
            return "its index " + parents.get(n.digest()).getFirst() + " was removed";
        }
        if (n.subject() != null && nodes.containsKey(n.subject())) {
            return "its subject " + n.subject() + " was removed";
        }
        return "untagged for longer than the policy allows";
    }

    /** The tags the policy removes, newest first. */
    static List<Tag> selectTags(RetentionPolicy policy, List<Tag> tags, long now, Predicate<String> immutable) {
        if (!policy.removesTags()) {
            return List.of();
        }
        List<Tag> candidates = new ArrayList<>();
        for (Tag t : tags) {
            boolean selected = policy.remove() == null || policy.remove().matches(t.name());
            boolean keptByPattern = policy.keep() != null && policy.keep().matches(t.name());
            boolean latestKept = t.name().equals("latest") && (policy.remove() == null || !policy.remove().names("latest"));
            if (selected && !keptByPattern && !latestKept && !immutable.test(t.name())) {
                candidates.add(t);
            }
        }
        candidates.sort(Comparator.comparingLong(Tag::pushedAt).reversed().thenComparing(Tag::name));
        int keepLast = policy.keepLast() == null ? 0 : policy.keepLast();
        long recent = policy.keepWithin() == null ? Long.MAX_VALUE : now - policy.keepWithin().toMillis();
        List<Tag> removed = new ArrayList<>();
        for (int i = keepLast; i < candidates.size(); i++) {
            Tag t = candidates.get(i);
            if (t.pushedAt() < recent) {
                removed.add(t);
            }
        }
        return removed;
    }
}
