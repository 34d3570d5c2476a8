package dev.slipway.registry.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.Digest;
import dev.slipway.core.SlipwayException;
import dev.slipway.registry.lifecycle.RetentionPlanner.Node;
import dev.slipway.registry.lifecycle.RetentionPlanner.Plan;
import dev.slipway.registry.lifecycle.RetentionPlanner.Snapshot;
import dev.slipway.registry.lifecycle.RetentionPlanner.Tag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionPlannerTest {
    static final long DAY = Duration.ofDays(1).toMillis();
    static final long NOW = 1000 * DAY;
    static final String REPO = "alice/app";

    static Digest d(String name) {
        return Digest.sha256(name);
    }

    static Node image(String name, long createdAt) {
        return new Node(d(name), "application/vnd.oci.image.manifest.v1+json", 500, createdAt, null, List.of(), 10_000);
    }

    static Node index(String name, long createdAt, String... children) {
        return new Node(d(name), "application/vnd.oci.image.index.v1+json", 300, createdAt, null,
                List.of(children).stream().map(RetentionPlannerTest::d).toList(), 0);
    }

    static Node referrer(String name, long createdAt, String subject) {
        return new Node(d(name), "application/vnd.oci.image.manifest.v1+json", 400, createdAt, d(subject), List.of(), 100);
    }

    static Tag tag(String name, String manifest, long pushedAt) {
        return new Tag(name, d(manifest), pushedAt);
    }

    static RetentionPolicy keepLast(int n) {
        return new RetentionPolicy("alice", null, n, null, null, null, null);
    }

    static Plan plan(RetentionPolicy p, List<Tag> tags, List<Node> nodes) {
        return plan(p, tags, nodes, Set.of());
    }

    static Plan plan(RetentionPolicy p, List<Tag> tags, List<Node> nodes, Set<String> immutable) {
        return RetentionPlanner.plan(p, new Snapshot(REPO, tags, nodes), NOW, immutable::contains);
    }

    static List<String> tagNames(Plan p) {
        return p.tags().stream().map(RetentionReport.Tag::tag).toList();
    }

    static List<Digest> manifests(Plan p) {
        return p.manifests().stream().map(RetentionReport.Manifest::digest).toList();
    }

    /** Builds n images b1..bn, tagged b1..bn, pushed one day apart (bn newest). */
    static void builds(int n, List<Tag> tags, List<Node> nodes) {
        for (int i = 1; i <= n; i++) {
            nodes.add(image("b" + i, NOW - (n - i + 1) * DAY));
            tags.add(tag("b" + i, "b" + i, NOW - (n - i + 1) * DAY));
        }
    }

    @Test
    void keepLastKeepsTheNewestAndRemovesTheRestWithTheirManifests() {
        List<Tag> tags = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        builds(5, tags, nodes);
        Plan p = plan(keepLast(2), tags, nodes);
        assertThat(tagNames(p)).containsExactly("b3", "b2", "b1");
        assertThat(manifests(p)).containsExactlyInAnyOrder(d("b1"), d("b2"), d("b3"));
        assertThat(p.manifests()).allSatisfy(m -> assertThat(m.reason()).isEqualTo("its tags were removed"));
        assertThat(p.manifests().getFirst().blobBytes()).isEqualTo(10_000);
    }

    @Test
    void latestIsKeptUnlessARuleNamesIt() {
        List<Tag> tags = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        builds(3, tags, nodes);
        tags.add(tag("latest", "b1", NOW - 10 * DAY)); // the oldest push of all
        assertThat(tagNames(plan(keepLast(0), tags, nodes))).containsExactlyInAnyOrder("b1", "b2", "b3");
        // b1 stays: latest still points at it.
        assertThat(manifests(plan(keepLast(0), tags, nodes))).containsExactlyInAnyOrder(d("b2"), d("b3"));
        RetentionPolicy namesLatest = new RetentionPolicy("alice", null, 0, null, null, TagPattern.parse("*,latest"), null);
        assertThat(tagNames(plan(namesLatest, tags, nodes))).contains("latest");
        assertThat(manifests(plan(namesLatest, tags, nodes))).contains(d("b1"));
        RetentionPolicy star = new RetentionPolicy("alice", null, 0, null, null, TagPattern.parse("*"), null);
        assertThat(tagNames(plan(star, tags, nodes))).doesNotContain("latest");
    }

    @Test
    void keepPatternsRemovePatternsKeepWithinAndImmutableTags() {
        List<Tag> tags = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        for (String t : List.of("v1.0", "v1.1", "sha-aaa", "sha-bbb", "pr-1", "main")) {
            nodes.add(image(t, NOW - 100 * DAY));
            tags.add(tag(t, t, NOW - 100 * DAY));
        }
        nodes.add(image("sha-new", NOW - DAY));
        tags.add(tag("sha-new", "sha-new", NOW - DAY));
        RetentionPolicy p = new RetentionPolicy("alice", null, null, Duration.ofDays(7), TagPattern.parse("v*"),
                TagPattern.parse("sha-*,pr-*"), null);
        assertThat(tagNames(plan(p, tags, nodes))).containsExactlyInAnyOrder("sha-aaa", "sha-bbb", "pr-1");
        assertThat(tagNames(plan(p, tags, nodes, Set.of("sha-aaa")))).containsExactlyInAnyOrder("sha-bbb", "pr-1");
        // keep-last counts among the removable tags only: the newest sha-/pr- tag besides sha-new stays.
        RetentionPolicy last2 = new RetentionPolicy("alice", null, 2, null, TagPattern.parse("v*"), TagPattern.parse("sha-*,pr-*"), null);
        assertThat(tagNames(plan(last2, tags, nodes))).hasSize(2).doesNotContain("sha-new", "v1.0", "v1.1", "main");
    }

    @Test
    void indexChildrenStayWhileTheIndexIsKeptAndGoWithIt() {
        List<Tag> tags = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        nodes.add(image("amd64", NOW - 50 * DAY));
        nodes.add(image("arm64", NOW - 50 * DAY));
        nodes.add(index("multi", NOW - 50 * DAY, "amd64", "arm64"));
        tags.add(tag("v1", "multi", NOW - 50 * DAY));
        RetentionPolicy untagged = new RetentionPolicy("alice", null, null, null, null, null, Duration.ZERO);
        // Only the index is tagged; its untagged children are not "untagged manifests".
        assertThat(plan(untagged, tags, nodes).manifests()).isEmpty();
        assertThat(plan(keepLast(5), tags, nodes).manifests()).isEmpty();
        // When the index goes, its children go after it.
        Plan gone = plan(keepLast(0), tags, nodes);
        assertThat(manifests(gone).getFirst()).isEqualTo(d("multi"));
        assertThat(manifests(gone)).containsExactlyInAnyOrder(d("multi"), d("amd64"), d("arm64"));
        assertThat(gone.manifests().get(1).reason()).startsWith("its index");
    }

    @Test
    void referrersGoWithTheirSubjectAndAKeptReferrerKeepsItsSubject() {
        List<Tag> tags = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        builds(2, tags, nodes);
        nodes.add(referrer("sig1", NOW, "b1"));
        nodes.add(referrer("sbom1", NOW, "b1"));
        nodes.add(referrer("sig-of-sbom1", NOW, "sbom1"));
        nodes.add(referrer("sig2", NOW, "b2"));
        Plan p = plan(keepLast(1), tags, nodes);
        List<Digest> order = manifests(p);
        assertThat(order).containsExactlyInAnyOrder(d("b1"), d("sig1"), d("sbom1"), d("sig-of-sbom1"));
        // Referrers come before their subjects, so each deletion finds nothing pointing at it.
        assertThat(order.indexOf(d("sig-of-sbom1"))).isLessThan(order.indexOf(d("sbom1")));
        assertThat(order.indexOf(d("sbom1"))).isLessThan(order.indexOf(d("b1")));
        assertThat(order.indexOf(d("sig1"))).isLessThan(order.indexOf(d("b1")));
        // Fresh referrers of a kept image are kept, even with untagged-older-than 0.
        RetentionPolicy untagged = new RetentionPolicy("alice", null, null, null, null, null, Duration.ZERO);
        assertThat(plan(untagged, tags, nodes).manifests()).isEmpty();
        // A tagged (kept) referrer keeps its subject although the subject's tag goes.
        tags.add(tag("sha256-b1.sig", "sig1", NOW));
        RetentionPolicy onlyBuilds = new RetentionPolicy("alice", null, 0, null, null, TagPattern.parse("b*"), null);
        Plan kept = plan(onlyBuilds, tags, nodes);
        assertThat(tagNames(kept)).containsExactlyInAnyOrder("b1", "b2");
        assertThat(manifests(kept)).doesNotContain(d("b1"), d("sig1")).contains(d("b2"), d("sig2"));
    }

    @Test
    void untaggedManifestsGoOnlyWhenOldEnough() {
        List<Tag> tags = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        nodes.add(image("old", NOW - 10 * DAY));
        nodes.add(image("young", NOW - DAY));
        nodes.add(referrer("orphan-sig", NOW - 10 * DAY, "never-pushed"));
        RetentionPolicy p = new RetentionPolicy("alice", null, null, null, null, null, Duration.ofDays(7));
        Plan plan = plan(p, tags, nodes);
        assertThat(manifests(plan)).containsExactlyInAnyOrder(d("old"), d("orphan-sig"));
        assertThat(plan.manifests()).allSatisfy(m -> assertThat(m.reason()).isEqualTo("untagged for longer than the policy allows"));
        // Without untagged-older-than, untagged manifests are left alone.
        assertThat(plan(keepLast(0), tags, nodes).manifests()).isEmpty();
    }

    @Test
    void aManifestWithAKeptTagStaysWhenAnotherOfItsTagsGoes() {
        List<Tag> tags = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        nodes.add(image("img", NOW - 30 * DAY));
        tags.add(tag("old-name", "img", NOW - 30 * DAY));
        tags.add(tag("v1", "img", NOW - 30 * DAY));
        RetentionPolicy p = new RetentionPolicy("alice", null, null, null, TagPattern.parse("v*"), null, Duration.ZERO);
        assertThat(p.removesTags()).isFalse();
        RetentionPolicy byPattern = new RetentionPolicy("alice", null, null, null, null, TagPattern.parse("old-*"), null);
        Plan plan = plan(byPattern, tags, nodes);
        assertThat(tagNames(plan)).containsExactly("old-name");
        assertThat(plan.manifests()).isEmpty();
    }

    @Test
    void aPolicyMustRemoveSomething() {
        assertThatThrownBy(() -> new RetentionPolicy("alice", null, null, null, TagPattern.parse("v*"), null, null))
                .isInstanceOf(SlipwayException.BadRequest.class).hasMessageContaining("removes nothing");
        assertThatThrownBy(() -> new RetentionPolicy("alice", null, -1, null, null, null, null))
                .isInstanceOf(SlipwayException.BadRequest.class);
        assertThat(new RetentionPolicy("alice", "alice/app", 3, Duration.ofDays(30), TagPattern.parse("v*"), null, Duration.ofDays(7))
                .describe()).isEqualTo("keep-last=3 keep-within=30d keep=v* untagged-older-than=7d");
    }
}
