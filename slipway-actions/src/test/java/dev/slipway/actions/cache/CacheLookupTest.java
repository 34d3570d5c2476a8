package dev.slipway.actions.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** GitHub's cache key matching and scopes, as its documentation states them. */
class CacheLookupTest {
    static final String V = CacheLookup.version(List.of("~/.npm"));
    static final String MAIN = "refs/heads/main";
    static final String FEATURE = "refs/heads/feature";

    static CacheEntry entry(String scope, String key, long created) {
        return new CacheEntry(scope, key, V, created, created, 1, null);
    }

    static String found(List<CacheEntry> entries, String key, List<String> restoreKeys, List<String> scopes) {
        Optional<CacheLookup.Match> m = CacheLookup.find(entries, key, restoreKeys, V, scopes);
        return m.map(x -> x.entry().scope() + " " + x.entry().key() + (x.exact() ? " hit" : " partial")).orElse("miss");
    }

    @Test
    void anExactKeyWinsOverNewerPrefixMatchesAndIsTheOnlyHit() {
        var entries = List.of(entry(MAIN, "npm-abc", 1), entry(MAIN, "npm-abcdef", 5), entry(MAIN, "npm-x", 9));
        assertThat(found(entries, "npm-abc", List.of("npm-"), List.of(MAIN))).isEqualTo(MAIN + " npm-abc hit");
    }

    @Test
    void theKeyIsAPrefixBeforeTheRestoreKeysAndEachPrefixTakesItsNewestMatch() {
        var entries = List.of(entry(MAIN, "npm-abc-1", 1), entry(MAIN, "npm-abc-2", 2), entry(MAIN, "npm-zzz", 9), entry(MAIN, "deps-1", 10));
        assertThat(found(entries, "npm-abc", List.of("deps-", "npm-"), List.of(MAIN))).isEqualTo(MAIN + " npm-abc-2 partial");
        assertThat(found(entries, "npm-new", List.of("npm-", "deps-"), List.of(MAIN))).isEqualTo(MAIN + " npm-zzz partial");
        assertThat(found(entries, "npm-new", List.of("deps-", "npm-"), List.of(MAIN))).isEqualTo(MAIN + " deps-1 partial");
        assertThat(found(entries, "other", List.of("nothing-"), List.of(MAIN))).isEqualTo("miss");
    }

    @Test
    void onlyEntriesSavedWithTheSamePathsMatch() {
        var other = new CacheEntry(MAIN, "npm-abc", CacheLookup.version(List.of("node_modules")), 1, 1, 1, null);
        assertThat(CacheLookup.find(List.of(other), "npm-abc", List.of("npm-"), V, List.of(MAIN))).isEmpty();
        assertThat(CacheLookup.version(List.of("a", "b"))).isNotEqualTo(CacheLookup.version(List.of("b", "a")));
    }

    @Test
    void aBranchSeesItsOwnScopeFirstThenTheDefaultBranchAndNeverASibling() {
        List<String> feature = CacheLookup.restoreScopes(FEATURE, null, null, "main");
        assertThat(feature).containsExactly(FEATURE, MAIN);
        var entries = List.of(entry(MAIN, "npm-1", 1), entry(FEATURE, "npm-0", 0), entry("refs/heads/other", "npm-1", 5));
        // Its own scope is searched through (with the restore keys) before the default branch's.
        assertThat(found(entries, "npm-1", List.of("npm-"), feature)).isEqualTo(FEATURE + " npm-0 partial");
        assertThat(found(entries, "npm-1", List.of(), feature)).isEqualTo(MAIN + " npm-1 hit");
        // A sibling's entry is never seen.
        assertThat(found(List.of(entry("refs/heads/other", "npm-2", 5)), "npm-2", List.of("npm-"), feature)).isEqualTo("miss");
        assertThat(CacheLookup.restoreScopes(MAIN, null, null, "main")).containsExactly(MAIN);
    }

    @Test
    void aPullRequestSavesInItsMergeRefAndReadsItsBaseThenTheDefaultBranch() {
        assertThat(CacheLookup.saveScope("refs/pull/7/head", 7)).isEqualTo("refs/pull/7/merge");
        assertThat(CacheLookup.restoreScopes("refs/pull/7/head", 7, "release", "main"))
                .containsExactly("refs/pull/7/merge", "refs/heads/release", MAIN);
        assertThat(CacheLookup.saveScope("refs/tags/v1", null)).isEqualTo("refs/tags/v1");
    }

    @Test
    void keysAreCheckedAsGithubChecksThem() {
        CacheLookup.checkKeys("a", List.of("b"));
        assertThatThrownBy(() -> CacheLookup.checkKeys(" ", List.of())).hasMessage("Input required and not supplied: key");
        assertThatThrownBy(() -> CacheLookup.checkKeys("a,b", List.of())).hasMessageContaining("cannot contain commas");
        assertThatThrownBy(() -> CacheLookup.checkKeys("k".repeat(513), List.of())).hasMessageContaining("cannot be larger than 512");
        assertThatThrownBy(() -> CacheLookup.checkKeys("a", List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10")))
                .hasMessageContaining("maximum of 10");
    }
}
