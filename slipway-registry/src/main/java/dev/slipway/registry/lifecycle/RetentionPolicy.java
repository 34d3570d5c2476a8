package dev.slipway.registry.lifecycle;

import dev.slipway.core.Durations;
import dev.slipway.core.SlipwayException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What retention removes from the repositories of {@code owner}, or from {@code repository} only
 * (a repository's own policy replaces its owner's). Null fields are not part of the policy.
 *
 * <p>A tag is removed when all of these hold: the policy has {@code keepLast}, {@code keepWithin}
 * or {@code remove}; the tag matches {@code remove} (every tag if unset); it does not match
 * {@code keep}; it is not {@code latest}, unless {@code remove} names {@code latest} literally; no
 * immutable-tag rule covers it; it is not among the {@code keepLast} most recently pushed of the
 * tags left so far; and it was not pushed within {@code keepWithin}. A manifest is removed when
 * nothing kept needs it (docs/gc.md: a kept tag, a kept index listing it, a kept referrer naming it
 * as subject) and it lost its last tag in this run, or was already untagged for longer than
 * {@code untaggedOlderThan}, or belongs to a removed manifest (index children, referrers).
 */
public record RetentionPolicy(String owner, String repository, Integer keepLast, Duration keepWithin, TagPattern keep,
                              TagPattern remove, Duration untaggedOlderThan) {
    public RetentionPolicy {
        if (keepLast != null && keepLast < 0) {
            throw new SlipwayException.BadRequest("keep-last must not be negative");
        }
        if ((keepWithin != null && keepWithin.isNegative()) || (untaggedOlderThan != null && untaggedOlderThan.isNegative())) {
            throw new SlipwayException.BadRequest("durations must not be negative");
        }
        if (keepLast == null && keepWithin == null && remove == null && untaggedOlderThan == null) {
            throw new SlipwayException.BadRequest(
                    "a retention policy needs at least one of keep-last, keep-within, remove or untagged-older-than; otherwise it removes nothing");
        }
    }

    /** True if the policy removes tags at all (a policy may only clean untagged manifests). */
    public boolean removesTags() {
        return keepLast != null || keepWithin != null || remove != null;
    }

    /** {@code OWNER} or {@code OWNER/NAME}, as the CLI takes it. */
    public String target() {
        return repository == null ? owner : repository;
    }

    /** One line for listings, e.g. {@code keep-last=10 keep=v* untagged-older-than=7d}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (keepLast != null) {
            parts.add("keep-last=" + keepLast);
        }
        if (keepWithin != null) {
            parts.add("keep-within=" + Durations.format(keepWithin));
        }
        if (keep != null) {
            parts.add("keep=" + keep);
        }
        if (remove != null) {
            parts.add("remove=" + remove);
        }
        if (untaggedOlderThan != null) {
            parts.add("untagged-older-than=" + Durations.format(untaggedOlderThan));
        }
        return String.join(" ", parts);
    }
}
