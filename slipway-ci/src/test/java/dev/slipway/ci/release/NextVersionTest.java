package dev.slipway.ci.release;

import static dev.slipway.ci.model.Versioning.Rules.CONVENTIONAL;
import static dev.slipway.ci.model.Versioning.Rules.SIMPLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.ci.model.RepositoryEntry;
import dev.slipway.ci.model.Versioning;
import dev.slipway.ci.workspace.GitHistory;
import dev.slipway.ci.workspace.Worktrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.MergeCommand;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions computed from real git histories (made with JGit, read through a registration's
 * store as the server reads them): tags, prefixes, merges, pre-releases, no tags yet.
 */
class NextVersionTest {
    static final Versioning CONV = new Versioning(CONVENTIONAL, "v", null, false);
    static final Versioning SIMPLE_V = new Versioning(SIMPLE, "v", null, false);
    static final Versioning RC = new Versioning(CONVENTIONAL, "v", "rc", false);

    @TempDir
    Path dir;
    Git git;
    int files;

    @BeforeEach
    void init() throws Exception {
        git = Git.init().setInitialBranch("main").setDirectory(dir.resolve("src").toFile()).call();
    }

    @AfterEach
    void close() {
        git.close();
    }

    /** A commit on the current branch that changes a file of its own (so merges have something to merge). */
    String commit(String message) throws Exception {
        Files.writeString(dir.resolve("src").resolve("f" + (++files)), message);
        git.add().addFilepattern(".").call();
        return git.commit().setMessage(message).setAuthor("T", "t@example.invalid").setCommitter("T", "t@example.invalid").call().name();
    }

    void tag(String name, String commit) throws Exception {
        try (var walk = new org.eclipse.jgit.revwalk.RevWalk(git.getRepository())) {
            git.tag().setName(name).setObjectId(walk.parseCommit(ObjectId.fromString(commit))).setAnnotated(true).setMessage(name).call();
        }
    }

    void lightweightTag(String name, String commit) throws Exception {
        try (var walk = new org.eclipse.jgit.revwalk.RevWalk(git.getRepository())) {
            git.tag().setName(name).setObjectId(walk.parseCommit(ObjectId.fromString(commit))).setAnnotated(false).call();
        }
    }

    void branch(String name, String from) throws Exception {
        git.checkout().setCreateBranch(true).setName(name).setStartPoint(from).call();
    }

    void checkout(String name) throws Exception {
        git.checkout().setName(name).call();
    }

    /** A merge commit (never a fast-forward) of {@code branch} into the current branch. */
    String merge(String branch, String message) throws Exception {
        var r = git.merge().include(git.getRepository().resolve(branch)).setFastForward(MergeCommand.FastForwardMode.NO_FF)
                .setMessage(message).call();
        assertThat(r.getMergeStatus().isSuccessful()).as(r.toString()).isTrue();
        RevCommit merge = git.log().setMaxCount(1).call().iterator().next();
        assertThat(merge.getParentCount()).isEqualTo(2);
        return merge.name();
    }

    /** "version bump previous" as the server computes it for {@code commit}. */
    String next(Versioning spec, String commit) throws Exception {
        NextVersion.Computed c = compute(spec, commit);
        return spec.prefix() + c.version() + " " + c.bump().wire() + " " + (c.previous() == null ? "-" : spec.prefix() + c.previous());
    }

    NextVersion.Computed compute(Versioning spec, String commit) throws Exception {
        Worktrees worktrees = new Worktrees(dir.resolve("worktrees"), (owner, key) -> {
            throw new IllegalArgumentException("no keys here");
        }, null);
        RepositoryEntry entry = new RepositoryEntry(dir.resolve("src").toUri().toString(), "main", true, null, null, false, "src");
        worktrees.refresh("alice", entry, null);
        try (GitHistory history = worktrees.history("alice", entry)) {
            return NextVersion.compute(spec, history, commit);
        }
    }

    @Test
    void withNoVersionTagYetTheFirstVersionIs010WhateverTheMessagesSay() throws Exception {
        commit("initial");
        String head = commit("feat!: a breaking feature before any release");
        assertThat(next(CONV, head)).isEqualTo("v0.1.0 minor -");
        assertThat(next(SIMPLE_V, head)).isEqualTo("v0.1.0 minor -");
        assertThat(next(RC, head)).isEqualTo("v0.1.0-rc.1 minor -");
        assertThat(next(new Versioning(CONVENTIONAL, "", null, false), head)).isEqualTo("0.1.0 minor -");
    }

    @Test
    void theLargestBumpSinceTheLastTagWins() throws Exception {
        String released = commit("feat: first");
        tag("v1.2.3", released);
        String fix = commit("fix: a");
        String chore = commit("chore: b");
        String feat = commit("feat: add x");
        String fixAfter = commit("fix: c");
        String breaking = commit("refactor!: d");
        String after = commit("fix: e");
        assertThat(next(CONV, fix)).isEqualTo("v1.2.4 patch v1.2.3");
        assertThat(next(CONV, chore)).isEqualTo("v1.2.4 patch v1.2.3");
        assertThat(next(CONV, feat)).isEqualTo("v1.3.0 minor v1.2.3");
        assertThat(next(CONV, fixAfter)).isEqualTo("v1.3.0 minor v1.2.3");
        assertThat(next(CONV, breaking)).isEqualTo("v2.0.0 major v1.2.3");
        assertThat(next(CONV, after)).isEqualTo("v2.0.0 major v1.2.3");
        assertThat(next(SIMPLE_V, feat)).isEqualTo("v1.3.0 minor v1.2.3");
        assertThat(next(SIMPLE_V, breaking)).as("'!' is not in seed 000's table").isEqualTo("v1.3.0 minor v1.2.3");
    }

    @Test
    void belowOneZeroABreakingChangeBumpsMinorWithConventionalButMajorIsMajorWithSimple() throws Exception {
        tag("v0.3.1", commit("init"));
        String breaking = commit("feat!: new API\n\nBREAKING CHANGE: all of it");
        assertThat(next(CONV, breaking)).isEqualTo("v0.4.0 minor v0.3.1");
        String major = commit("major: one point oh");
        assertThat(next(SIMPLE_V, major)).as("seed 000's snippet adds 1 to MAJOR").isEqualTo("v1.0.0 major v0.3.1");
        tag("v1.0.0", major);
        assertThat(next(CONV, commit("fix!: after 1.0.0 a breaking change is major"))).isEqualTo("v2.0.0 major v1.0.0");
    }

    @Test
    void tagsOfOtherPrefixesAndTagsThatAreNotSemanticVersionsAreIgnored() throws Exception {
        String a = commit("a");
        tag("v1.2.3", a);
        for (String other : List.of("v2", "v3.0", "v01.2.3", "v4.0.0.1", "release-9.9.9", "latest", "x5.0.0", "V6.0.0", "app/v7.0.0", "8.0.0")) {
            lightweightTag(other, a);
        }
        String b = commit("fix: b");
        assertThat(next(CONV, b)).isEqualTo("v1.2.4 patch v1.2.3");
        assertThat(next(new Versioning(CONVENTIONAL, "app/v", null, false), b)).isEqualTo("app/v7.0.1 patch app/v7.0.0");
        assertThat(next(new Versioning(CONVENTIONAL, "", null, false), b)).isEqualTo("8.0.1 patch 8.0.0");
        assertThat(next(new Versioning(CONVENTIONAL, "release-", null, false), b)).isEqualTo("release-9.9.10 patch release-9.9.9");
        assertThat(next(new Versioning(CONVENTIONAL, "lib/v", null, false), b)).as("no tag of this prefix yet").isEqualTo("lib/v0.1.0 minor -");
    }

    @Test
    void lightweightAndAnnotatedTagsCountAlikeAndTheHighestVersionWinsOverTheNearestTag() throws Exception {
        String a = commit("a");
        lightweightTag("v1.10.0", a);
        String b = commit("b");
        tag("v1.9.0", b); // tagged later, lower: the base is still 1.10.0
        String c = commit("feat: c");
        assertThat(next(CONV, c)).isEqualTo("v1.11.0 minor v1.10.0");
        lightweightTag("v1.11.0-rc.1", c);
        assertThat(next(CONV, commit("fix: d"))).as("a pre-release tag is no base").isEqualTo("v1.11.0 minor v1.10.0");
    }

    @Test
    void tagsOnCommitsTheRunsCommitDoesNotContainAreNoBase() throws Exception {
        String base = commit("init");
        tag("v1.0.0", base);
        branch("hotfix", base);
        tag("v1.0.1", commit("fix: only on the hotfix branch"));
        checkout("main");
        assertThat(next(CONV, commit("feat: on main"))).isEqualTo("v1.1.0 minor v1.0.0");
        branch("maintenance", base);
        tag("v1.4.0", commit("feat: released from a branch main never merged"));
        checkout("main");
        assertThat(next(CONV, commit("feat!: main's own"))).isEqualTo("v2.0.0 major v1.0.0");
    }

    @Test
    void mergeCommitsCountTheCommitsTheyMergedAndTheirOwnMessage() throws Exception {
        String base = commit("init");
        tag("v1.0.0", base);
        branch("feature", base);
        commit("feat: y on a branch");
        commit("fix: z on the branch");
        checkout("main");
        commit("fix: main moved on");
        String merged = merge("feature", "Merge branch 'feature'");
        assertThat(next(CONV, merged)).as("the merged feat counts").isEqualTo("v1.1.0 minor v1.0.0");

        tag("v1.1.0", merged);
        branch("second", merged);
        commit("fix: only a fix on the second branch");
        checkout("main");
        String plain = merge("second", "Merge branch 'second'");
        assertThat(next(CONV, plain)).as("feat: y was in v1.1.0 already").isEqualTo("v1.1.1 patch v1.1.0");

        // The merge commit's own message counts too: a breaking merge of a branch of fixes.
        branch("third", plain);
        commit("fix: q");
        checkout("main");
        String breakingMerge = merge("third", "Merge branch 'third'\n\nBREAKING CHANGE: the third branch changes the API");
        assertThat(next(CONV, breakingMerge)).isEqualTo("v2.0.0 major v1.1.0");
        assertThat(next(SIMPLE_V, breakingMerge)).isEqualTo("v2.0.0 major v1.1.0");
    }

    @Test
    void aBranchMergedFromBeforeTheTagBringsOnlyItsNewCommits() throws Exception {
        String root = commit("init");
        branch("old", root);
        String oldFeat = commit("feat!: merged into v2.0.0 long ago");
        checkout("main");
        String m = merge("old", "Merge branch 'old'");
        tag("v2.0.0", m);
        checkout("old");
        commit("fix: the old branch goes on");
        checkout("main");
        String again = merge("old", "Merge branch 'old' again");
        assertThat(oldFeat).isNotEqualTo(again);
        assertThat(next(CONV, again)).isEqualTo("v2.0.1 patch v2.0.0");
    }

    @Test
    void aCommitThatHasItsVersionTagAlreadyGetsThatVersionAgain() throws Exception {
        tag("v1.2.3", commit("a"));
        String b = commit("fix: b");
        tag("v1.3.0", b); // tagged by hand: the tag is the answer, not the messages
        assertThat(next(CONV, b)).isEqualTo("v1.3.0 minor v1.2.3");
        assertThat(next(RC, b)).as("a release tag answers a pre-release pipeline too").isEqualTo("v1.3.0 minor v1.2.3");
        String c = commit("feat: c");
        tag("v1.4.0-rc.1", c);
        tag("v1.4.0-rc.2", c);
        assertThat(next(RC, c)).isEqualTo("v1.4.0-rc.2 minor v1.3.0");
        assertThat(next(CONV, c)).as("a release pipeline does not take a pre-release tag").isEqualTo("v1.4.0 minor v1.3.0");
        assertThat(next(CONV, commit("init-only"))).isEqualTo("v1.4.0 minor v1.3.0");
    }

    @Test
    void preReleasesCountUpPerReleaseAcrossBranches() throws Exception {
        tag("v1.2.3", commit("a"));
        String feat = commit("feat: add x");
        assertThat(next(RC, feat)).isEqualTo("v1.3.0-rc.1 minor v1.2.3");
        tag("v1.3.0-rc.1", feat);
        String fix = commit("fix: y");
        assertThat(next(RC, fix)).isEqualTo("v1.3.0-rc.2 minor v1.2.3");
        tag("v1.3.0-rc.2", fix);
        String ten = commit("fix: more");
        for (int n = 3; n <= 9; n++) {
            lightweightTag("v1.3.0-rc." + n, fix);
        }
        assertThat(next(RC, ten)).as("numbers compare as numbers").isEqualTo("v1.3.0-rc.10 minor v1.2.3");
        assertThat(next(new Versioning(CONVENTIONAL, "v", "beta", false), ten)).as("each identifier counts on its own")
                .isEqualTo("v1.3.0-beta.1 minor v1.2.3");
        assertThat(next(CONV, ten)).as("the release after its pre-releases").isEqualTo("v1.3.0 minor v1.2.3");

        branch("other", fix);
        lightweightTag("v1.3.0-rc.11", commit("fix: on another branch"));
        checkout("main");
        assertThat(next(RC, ten)).as("a number another branch took is taken").isEqualTo("v1.3.0-rc.12 minor v1.2.3");

        String breaking = commit("feat!: z");
        assertThat(next(RC, breaking)).isEqualTo("v2.0.0-rc.1 major v1.2.3");
    }

    @Test
    void aVersionThatAnotherBranchWasReleasedAsIsRefusedWithTheReason() throws Exception {
        String base = commit("a");
        tag("v1.2.3", base);
        branch("hotfix", base);
        String elsewhere = commit("feat: released from the branch");
        tag("v1.3.0", elsewhere);
        checkout("main");
        String main = commit("feat: main's own feature");
        assertThatThrownBy(() -> compute(CONV, main)).isInstanceOf(NextVersion.Refused.class)
                .hasMessage("the next version is v1.3.0, but tag v1.3.0 already exists at " + elsewhere.substring(0, 8)
                        + ", which this commit does not contain (another branch was released as v1.3.0); merge that branch, or tag this"
                        + " commit by hand");
    }

    @Test
    void semanticVersionOrder() {
        List<String> ordered = List.of("0.1.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0");
        for (int i = 1; i < ordered.size(); i++) {
            SemVer lower = SemVer.parse(ordered.get(i - 1), "").orElseThrow();
            SemVer higher = SemVer.parse(ordered.get(i), "").orElseThrow();
            assertThat(lower).as(lower + " < " + higher).isLessThan(higher);
        }
        assertThat(SemVer.parse("v1.2.3+build.7", "v").orElseThrow()).isEqualByComparingTo(SemVer.parse("v1.2.3", "v").orElseThrow())
                .hasToString("1.2.3+build.7");
        assertThat(SemVer.parse("v1.2.3-01", "v")).as("no leading zeros").isEmpty();
        assertThat(SemVer.parse("v99999999999999999999.0.0", "v")).as("too large").isEmpty();
    }
}
