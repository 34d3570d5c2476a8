package dev.slipway.ci.release;

import dev.slipway.ci.model.Versioning;
import dev.slipway.ci.workspace.GitHistory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;

/**
 * Computes a commit's version from the tags and history in a git store (the rules are written
 * out in docs/pipelines.md, "version"):
 * <ol>
 * <li>Only tags that are the prefix followed by a semantic version count; others are ignored.
 * <li>A commit that already has a version tag of the pipeline's kind has that version (a release
 *     tag; with {@code prerelease}, a tag of that pre-release, else a release tag).
 * <li>Otherwise the base is the highest release tag (by version, not date) on a commit the run's
 *     commit contains; none gives {@code 0.1.0}. The bump is the largest any commit since the base
 *     asks for ({@code git log base..commit}: first-parent history, merge commits and the commits
 *     they merged); with {@code conventional}, a major bump below 1.0.0 is a minor one.
 * <li>With {@code prerelease: rc}, the version is {@code <next>-rc.N}, N one above the highest
 *     {@code rc} number any tag of that release has (in any branch), or 1.
 * </ol>
 */
final class NextVersion {
    /** What was computed; {@code previous} is the base (null with none), all three without the prefix. */
    record Computed(SemVer version, Bump bump, SemVer previous) {}

    /** A version that cannot be given: the message says why and what to do. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private NextVersion() {}

    static Computed compute(Versioning spec, GitHistory history, String commit) throws IOException, Refused {
        TreeMap<SemVer, String> tagged = new TreeMap<>(); // version -> commit
        for (Map.Entry<String, String> t : history.tags().entrySet()) {
            SemVer.parse(t.getKey(), spec.prefix()).ifPresent(v -> tagged.merge(v, t.getValue(), (a, b) -> a));
        }
        List<SemVer> own = new ArrayList<>();
        tagged.forEach((v, c) -> {
            if (c.equals(commit)) {
                own.add(v);
            }
        });
        SemVer base = null;
        for (SemVer v : tagged.descendingKeySet()) {
            String at = tagged.get(v);
            if (v.isRelease() && !at.equals(commit) && history.isAncestor(at, commit)) {
                base = v;
                break;
            }
        }
        Optional<SemVer> already = own.stream().filter(v -> spec.prerelease() == null ? v.isRelease() : v.prereleaseNumber(spec.prerelease()) >= 0)
                .max(Comparator.naturalOrder());
        if (already.isEmpty() && spec.prerelease() != null) {
            already = own.stream().filter(SemVer::isRelease).max(Comparator.naturalOrder());
        }
        if (already.isPresent()) {
            return new Computed(already.get(), already.get().bumpFrom(base), base);
        }

        Bump bump;
        SemVer next;
        if (base == null) {
            bump = Bump.MINOR;
            next = SemVer.FIRST;
        } else {
            bump = Bump.PATCH;
            for (String message : history.messagesBetween(tagged.get(base), commit)) {
                bump = Bump.max(bump, CommitRules.bump(spec.rules(), message));
            }
            if (bump == Bump.MAJOR && base.major() == 0 && spec.rules() == Versioning.Rules.CONVENTIONAL) {
                bump = Bump.MINOR; // 0.x: anything may change (semver §4), as svu --v0 does
            }
            next = base.next(bump);
        }
        if (spec.prerelease() != null) {
            SemVer release = next;
            long highest = tagged.keySet().stream().filter(v -> v.core().equals(release))
                    .mapToLong(v -> v.prereleaseNumber(spec.prerelease())).max().orElse(0);
            next = next.prerelease(spec.prerelease(), Math.max(highest, 0) + 1);
        }
        String name = spec.prefix() + next;
        if (!Repository.isValidRefName(Constants.R_TAGS + name)) {
            throw new Refused("'" + name + "' is not a valid git tag name; change 'version.prefix'");
        }
        String taken = tagged.get(next);
        if (taken != null) {
            throw new Refused("the next version is " + name + ", but tag " + name + " already exists at " + taken.substring(0, 8)
                    + ", which this commit does not contain (another branch was released as " + name + "); merge that branch,"
                    + " or tag this commit by hand");
        }
        return new Computed(next, bump, base);
    }
}
