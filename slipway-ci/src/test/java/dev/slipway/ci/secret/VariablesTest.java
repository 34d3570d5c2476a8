package dev.slipway.ci.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The variables store on SQLite and PostgreSQL: Gitea's create, update and delete rules, names and values. */
class VariablesTest {
    /** SQLite, and PostgreSQL when the tests have one. */
    private static final String DATABASES = "dev.slipway.core.db.TestDatabases#kinds";

    @TempDir
    Path dir;

    private TestState open(String db) throws Exception {
        TestState state = new TestState(dir, db);
        state.owner("acme", "org");
        state.owner("alice", "user");
        return state;
    }

    @ParameterizedTest
    @MethodSource(DATABASES)
    void createReadUpdateRenameAndDeleteAsGiteaDoes(String db) throws Exception {
        try (TestState state = open(db)) {
            Variables vars = state.variables();
            SecretScope repo = SecretScope.repository("acme", "web");
            Variable created = vars.create(repo, "node_version", "20", "which node the jobs use");
            assertThat(created.name()).isEqualTo("NODE_VERSION");
            assertThat(created.value()).isEqualTo("20");
            assertThat(created.description()).isEqualTo("which node the jobs use");
            assertThat(created.scope()).isEqualTo(repo);
            assertThatThrownBy(() -> vars.create(repo, "NODE_VERSION", "22", null)).isInstanceOf(SlipwayException.Conflict.class)
                    .hasMessageContaining("already exists in repo:acme/web");
            assertThat(vars.get(repo, "Node_Version").value()).as("names ignore case").isEqualTo("20");

            // PUT: a null description keeps it, "" clears it; a new name renames.
            assertThat(vars.update(repo, "NODE_VERSION", null, "22", null).description()).isEqualTo("which node the jobs use");
            Variable renamed = vars.update(repo, "node_version", "node", "24", "");
            assertThat(renamed.name()).isEqualTo("NODE");
            assertThat(renamed.value()).isEqualTo("24");
            assertThat(renamed.description()).isEmpty();
            assertThat(vars.find(repo, "NODE_VERSION")).isEmpty();
            vars.create(repo, "OTHER", "x", null);
            assertThatThrownBy(() -> vars.update(repo, "NODE", "other", "1", null)).isInstanceOf(SlipwayException.Conflict.class);
            assertThatThrownBy(() -> vars.update(repo, "MISSING", null, "1", null)).isInstanceOf(SlipwayException.NotFound.class)
                    .hasMessage("variable 'MISSING' is not set in scope repo:acme/web");

            // The CLI's set: create or replace.
            assertThat(vars.put(SecretScope.owner("acme"), "REGION", "eu", "where")).isTrue();
            assertThat(vars.put(SecretScope.owner("acme"), "region", "us", null)).isFalse();
            assertThat(vars.get(SecretScope.owner("acme"), "REGION")).extracting(Variable::value, Variable::description)
                    .containsExactly("us", "where");

            assertThat(vars.list(repo)).extracting(Variable::name).containsExactly("NODE", "OTHER");
            assertThat(vars.list()).extracting(v -> v.scope().wireName() + " " + v.name())
                    .containsExactly("owner:acme REGION", "repo:acme/web NODE", "repo:acme/web OTHER");

            vars.delete(repo, "other");
            assertThatThrownBy(() -> vars.delete(repo, "OTHER")).isInstanceOf(SlipwayException.NotFound.class);
            assertThat(vars.list(repo)).extracting(Variable::name).containsExactly("NODE");
        }
    }

    @ParameterizedTest
    @MethodSource(DATABASES)
    void valuesKeepEverythingButLineEndingsWhichBecomeLf(String db) throws Exception {
        try (TestState state = open(db)) {
            Variables vars = state.variables();
            String text = "line one\r\nline two\rline three\n  ünïcødé ✓ \t${{ not an expression }}  ";
            vars.create(SecretScope.global(), "TEXT", text, null);
            assertThat(vars.get(SecretScope.global(), "TEXT").value())
                    .isEqualTo("line one\nline two\nline three\n  ünïcødé ✓ \t${{ not an expression }}  ");
            String big = "é".repeat(Variables.MAX_VALUE_BYTES / 2);
            vars.create(SecretScope.global(), "BIG", big, "d".repeat(Variables.MAX_DESCRIPTION_LENGTH));
            assertThat(vars.get(SecretScope.global(), "BIG").value()).isEqualTo(big);
        }
    }

    @ParameterizedTest
    @MethodSource(DATABASES)
    void badNamesValuesDescriptionsAndOwnersAreRefusedAndChangeNothing(String db) throws Exception {
        try (TestState state = open(db)) {
            Variables vars = state.variables();
            SecretScope repo = SecretScope.repository("acme", "web");
            vars.create(repo, "KEPT", "v1", "d1");
            for (String name : List.of("", "1ABC", "A-B", "GITHUB_REF", "gitea_x", "SLIPWAY_X", "A".repeat(129))) {
                assertThatThrownBy(() -> vars.create(repo, name, "v", null)).as(name).isInstanceOf(SlipwayException.BadRequest.class)
                        .hasMessageContaining("invalid variable name");
            }
            assertThatThrownBy(() -> vars.create(repo, "E", "", null)).hasMessage("the value of variable 'E' is empty");
            assertThatThrownBy(() -> vars.create(repo, "E", null, null)).isInstanceOf(SlipwayException.BadRequest.class);
            assertThatThrownBy(() -> vars.create(repo, "BIG", "é".repeat(Variables.MAX_VALUE_BYTES / 2 + 1), null))
                    .hasMessageContaining("at most 65536");
            assertThatThrownBy(() -> vars.create(repo, "D", "v", "d".repeat(Variables.MAX_DESCRIPTION_LENGTH + 1)))
                    .hasMessageContaining("at most 4096");
            assertThatThrownBy(() -> vars.update(repo, "KEPT", "1BAD", "v2", null)).isInstanceOf(SlipwayException.BadRequest.class);
            assertThatThrownBy(() -> vars.update(repo, "KEPT", null, "", "d2")).isInstanceOf(SlipwayException.BadRequest.class);
            assertThatThrownBy(() -> vars.put(repo, "KEPT", "v2", "d".repeat(5000))).isInstanceOf(SlipwayException.BadRequest.class);
            assertThatThrownBy(() -> vars.create(SecretScope.owner("nobody"), "X", "v", null)).isInstanceOf(SlipwayException.NotFound.class)
                    .hasMessage("user or organization 'nobody' does not exist");
            assertThatThrownBy(() -> vars.create(SecretScope.environment("acme", "web", "prod"), "X", "v", null))
                    .isInstanceOf(SlipwayException.NotFound.class).hasMessageContaining("environment 'prod' does not exist in acme/web");

            assertThat(vars.list()).extracting(Variable::name, Variable::value, Variable::description).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("KEPT", "v1", "d1"));
        }
    }
}
