package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.actions.workflow.Permissions.Access;
import org.junit.jupiter.api.Test;

/** permissions: to the job token's scopes, with Slipway's default when absent. */
class TokenScopesTest {
    private static Workflow workflow(String permissions, String jobPermissions) {
        return TestFiles.read("on: push\n" + (permissions == null ? "" : "permissions: " + permissions + "\n")
                + "jobs:\n  build:\n    runs-on: x\n" + (jobPermissions == null ? "" : "    permissions: " + jobPermissions + "\n")
                + "    steps: [{run: make}]\n");
    }

    private static TokenScopes scopes(String permissions, String jobPermissions, boolean fork) {
        Workflow w = workflow(permissions, jobPermissions);
        return TokenScopes.of(w, w.job("build"), fork);
    }

    @Test
    void withoutPermissionsTheTokenWritesAsGiteasDoes() {
        TokenScopes token = scopes(null, null, false);
        assertThat(token.canWrite("contents")).isTrue();
        assertThat(token.canWrite("packages")).isTrue();
        assertThat(token.access("id-token")).isEqualTo(Access.NONE);
        assertThat(token.access("models")).isEqualTo(Access.READ);
        assertThat(token).isEqualTo(TokenScopes.DEFAULT);
    }

    @Test
    void aMappingGrantsWhatItNamesAndNothingElse() {
        TokenScopes token = scopes("{contents: write, packages: write}", null, false);
        assertThat(token.summary()).isEqualTo("contents: write, packages: write");
        assertThat(scopes("{}", null, false).summary()).isEqualTo("none");
        assertThat(scopes("{contents: read}", null, false).canWrite("contents")).isFalse();
    }

    @Test
    void theJobsPermissionsReplaceTheWorkflows() {
        TokenScopes token = scopes("write-all", "{packages: read}", false);
        assertThat(token.summary()).isEqualTo("packages: read");
        assertThat(scopes("{packages: read}", null, false).summary()).isEqualTo("packages: read");
    }

    @Test
    void shorthandsFollowEachScopesLevels() {
        TokenScopes read = scopes("read-all", null, false);
        assertThat(read.access("contents")).isEqualTo(Access.READ);
        assertThat(read.access("id-token")).isEqualTo(Access.NONE);
        TokenScopes write = scopes("write-all", null, false);
        assertThat(write.access("contents")).isEqualTo(Access.WRITE);
        assertThat(write.access("id-token")).isEqualTo(Access.WRITE);
        assertThat(write.access("models")).isEqualTo(Access.READ);
    }

    @Test
    void aForkedPullRequestReadsAtMost() {
        assertThat(scopes(null, "{contents: write, packages: write, id-token: write}", true).summary())
                .isEqualTo("contents: read, packages: read");
    }
}
