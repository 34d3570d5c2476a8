package dev.slipway.ci.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Environments and what a job sees ({@link RunValues}) on SQLite and PostgreSQL: GitHub's
 * precedence, environment-scoped secrets and variables, reviewers.
 */
class EnvironmentsTest {
    /** SQLite, and PostgreSQL when the tests have one. */
    private static final String DATABASES = "dev.slipway.core.db.TestDatabases#kinds";

    @TempDir
    Path dir;

    private TestState open(String db) throws Exception {
        TestState state = new TestState(dir, db);
        state.user("alice", false);
        state.user("bob", false);
        state.user("root", true);
        state.identity.createOrg("acme", "alice");
        return state;
    }

    @ParameterizedTest
    @MethodSource(DATABASES)
    void environmentsAreSetListedFoundWithoutRegardToCaseAndReplaced(String db) throws Exception {
        try (TestState state = open(db)) {
            Environments envs = state.environments();
            assertThat(envs.put("acme", "web", "Production", "https://web.acme.example", List.of("alice", "root", "alice"))).isTrue();
            assertThat(envs.put("acme", "web", "staging", null, List.of())).isTrue();
            Environment prod = envs.require("acme", "web", "PRODUCTION");
            assertThat(prod.name()).isEqualTo("Production");
            assertThat(prod.url()).isEqualTo("https://web.acme.example");
            assertThat(prod.reviewers()).as("duplicates dropped, order kept").containsExactly("alice", "root");
            assertThat(prod.requiresApproval()).isTrue();
            assertThat(prod.mayApprove("root")).isTrue();
            assertThat(prod.mayApprove("bob")).isFalse();
            assertThat(prod.scope().wireName()).isEqualTo("env:acme/web/production");
            assertThat(envs.list("acme", "web")).extracting(Environment::name).containsExactly("Production", "staging");
            assertThat(envs.list("acme", "api")).isEmpty();
            assertThat(envs.require("acme", "web", "staging").requiresApproval()).isFalse();

            // A PUT replaces every setting; the name's spelling follows the last PUT.
            assertThat(envs.put("acme", "web", "production", null, List.of())).isFalse();
            Environment replaced = envs.require("acme", "web", "production");
            assertThat(replaced).extracting(Environment::name, Environment::url, Environment::reviewers)
                    .containsExactly("production", null, List.of());
            assertThat(replaced.createdAt()).isEqualTo(prod.createdAt());
            assertThatThrownBy(() -> envs.require("acme", "web", "qa")).isInstanceOf(SlipwayException.NotFound.class)
                    .hasMessageContaining("environment 'qa' does not exist in acme/web").hasMessageContaining("slipway envs set");
        }
    }

    @ParameterizedTest
    @MethodSource(DATABASES)
    void badNamesUrlsAndReviewersAreRefusedAndChangeNothing(String db) throws Exception {
        try (TestState state = open(db)) {
            Environments envs = state.environments();
            envs.put("acme", "web", "prod", "https://kept.example", List.of("alice"));
            for (String name : List.of("", "a b", "a/b", "..", "x".repeat(51), "pröd")) {
                assertThatThrownBy(() -> envs.put("acme", "web", name, null, List.of())).as(name)
                        .isInstanceOf(SlipwayException.BadRequest.class).hasMessageContaining("invalid environment name");
            }
            for (String url : List.of("web.acme.example", "ftp://x.example/", "https://", "http://a b/")) {
                assertThatThrownBy(() -> envs.put("acme", "web", "prod", url, List.of())).as(url)
                        .isInstanceOf(SlipwayException.BadRequest.class).hasMessageContaining("invalid url");
            }
            assertThatThrownBy(() -> envs.put("acme", "web", "prod", null, List.of("ghost")))
                    .hasMessage("reviewer 'ghost' is not a user");
            assertThatThrownBy(() -> envs.put("acme", "web", "prod", null, List.of("acme")))
                    .hasMessageContaining("it is an organization");
            assertThatThrownBy(() -> envs.put("acme", "web", "prod", null, List.of("bob")))
                    .isInstanceOf(SlipwayException.BadRequest.class).hasMessageContaining("reviewer 'bob' has no access to acme's repositories");
            for (int i = 0; i < 7; i++) {
                state.user("u" + i, true);
            }
            assertThatThrownBy(() -> envs.put("acme", "web", "prod", null, List.of("u0", "u1", "u2", "u3", "u4", "u5", "u6")))
                    .hasMessageContaining("at most 6 reviewers");
            assertThatThrownBy(() -> envs.put("nobody", "web", "prod", null, List.of())).isInstanceOf(SlipwayException.NotFound.class);
            assertThatThrownBy(() -> envs.put("acme", "a b", "prod", null, List.of())).isInstanceOf(SlipwayException.BadRequest.class);

            assertThat(envs.list("acme", "web")).extracting(Environment::name, Environment::url, Environment::reviewers)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("prod", "https://kept.example", List.of("alice")));
            // Reviewers in the owner's namespace: the owner itself, members, site admins.
            state.identity.addMember("acme", "bob");
            envs.put("acme", "web", "prod", null, List.of("bob", "u0"));
            envs.put("alice", "site", "prod", null, List.of("alice"));
        }
    }

    @ParameterizedTest
    @MethodSource(DATABASES)
    void aJobSeesItsEnvironmentOverItsRepositoryOverItsOwnerOverTheSite(String db) throws Exception {
        try (TestState state = open(db)) {
            Secrets secrets = state.secrets();
            Variables vars = state.variables();
            Environments envs = state.environments();
            RunValues values = new RunValues(secrets, vars, envs, state.approvals());
            envs.put("acme", "web", "Production", null, List.of("alice", "root"));
            envs.put("acme", "web", "staging", null, List.of());
            envs.put("acme", "api", "production", null, List.of()); // another repository's: never seen by acme/web
            SecretScope prod = SecretScope.environment("acme", "web", "production");
            for (String[] v : new String[][] {{"global", "SITE_ONLY"}, {"global", "LEVEL"}, {"owner:acme", "LEVEL"}, {"owner:acme", "OWNER_ONLY"},
                    {"repo:acme/web", "LEVEL"}, {"repo:acme/web", "REPO_ONLY"}, {"env:acme/web/production", "LEVEL"},
                    {"env:acme/web/production", "ENV_ONLY"}, {"env:acme/api/production", "LEVEL"}, {"owner:alice", "LEVEL"}}) {
                vars.create(SecretScope.parse(v[0]), v[1], v[0] + "-var", null);
                secrets.put(SecretScope.parse(v[0]), v[1], (v[0] + "-secret").getBytes(StandardCharsets.UTF_8));
            }

            RunValues.Visible inProd = values.resolve("acme", "web", "PRODUCTION");
            assertThat(inProd.variables()).containsExactly(Map.entry("ENV_ONLY", "env:acme/web/production-var"),
                    Map.entry("LEVEL", "env:acme/web/production-var"), Map.entry("OWNER_ONLY", "owner:acme-var"),
                    Map.entry("REPO_ONLY", "repo:acme/web-var"), Map.entry("SITE_ONLY", "global-var"));
            assertThat(text(inProd.secrets())).isEqualTo(Map.of("ENV_ONLY", "env:acme/web/production-secret",
                    "LEVEL", "env:acme/web/production-secret", "OWNER_ONLY", "owner:acme-secret",
                    "REPO_ONLY", "repo:acme/web-secret", "SITE_ONLY", "global-secret"));
            assertThat(inProd.searched()).containsExactly(prod, SecretScope.repository("acme", "web"), SecretScope.owner("acme"),
                    SecretScope.global());
            assertThat(inProd.requiresApproval()).isTrue();
            assertThat(inProd.reviewers()).containsExactly("alice", "root");
            assertThat(inProd.mayApprove("alice")).isTrue();
            assertThat(inProd.mayApprove("bob")).isFalse();
            assertThat(inProd.environment().orElseThrow().name()).isEqualTo("Production");

            RunValues.Visible noEnv = values.resolve("acme", "web", null);
            assertThat(noEnv.variables()).containsEntry("LEVEL", "repo:acme/web-var").doesNotContainKey("ENV_ONLY");
            assertThat(text(noEnv.secrets())).containsEntry("LEVEL", "repo:acme/web-secret").doesNotContainKey("ENV_ONLY");
            assertThat(noEnv.requiresApproval()).isFalse();
            assertThat(noEnv.environment()).isEmpty();
            assertThat(values.resolve("acme", "web", "staging").variables()).containsEntry("LEVEL", "repo:acme/web-var");
            RunValues.Visible unknown = values.resolve("acme", "web", "qa");
            assertThat(unknown.environment()).isEmpty();
            assertThat(unknown.searched()).hasSize(3);
            assertThat(unknown.variables()).isEqualTo(noEnv.variables());

            RunValues.Visible api = values.resolve("acme", "api", "production");
            assertThat(api.variables()).containsEntry("LEVEL", "env:acme/api/production-var").doesNotContainKeys("ENV_ONLY", "REPO_ONLY");
            assertThat(values.resolve("alice", "x", null).variables()).containsOnly(Map.entry("LEVEL", "owner:alice-var"),
                    Map.entry("SITE_ONLY", "global-var"));
            assertThat(values.resolve("bob", "x", null).variables()).containsOnly(Map.entry("LEVEL", "global-var"),
                    Map.entry("SITE_ONLY", "global-var"));
        }
    }

    @ParameterizedTest
    @MethodSource(DATABASES)
    void anEnvironmentScopeNeedsTheEnvironmentAndDeletingItDeletesItsSecretsAndVariablesOnly(String db) throws Exception {
        try (TestState state = open(db)) {
            Secrets secrets = state.secrets();
            Variables vars = state.variables();
            Environments envs = state.environments();
            SecretScope prod = SecretScope.environment("acme", "web", "prod");
            assertThatThrownBy(() -> secrets.put(prod, "TOKEN", new byte[] {1, 2, 3, 4})).isInstanceOf(SlipwayException.NotFound.class)
                    .hasMessageContaining("environment 'prod' does not exist");
            envs.put("acme", "web", "prod", null, List.of());
            envs.put("acme", "web", "prod2", null, List.of());
            secrets.put(prod, "TOKEN", new byte[] {1, 2, 3, 4});
            vars.create(prod, "V", "1", null);
            secrets.put(SecretScope.environment("acme", "web", "prod2"), "TOKEN", new byte[] {5, 6, 7, 8});
            vars.create(SecretScope.environment("acme", "web", "prod2"), "V", "2", null);
            secrets.put(SecretScope.repository("acme", "web"), "TOKEN", new byte[] {9, 9, 9, 9});
            vars.create(SecretScope.repository("acme", "web"), "V", "3", null);

            envs.delete("acme", "web", "PROD");
            assertThatThrownBy(() -> envs.delete("acme", "web", "prod")).isInstanceOf(SlipwayException.NotFound.class);
            assertThat(secrets.list()).extracting(i -> i.scope().wireName()).containsExactly("env:acme/web/prod2", "repo:acme/web");
            assertThat(vars.list()).extracting(v -> v.scope().wireName()).containsExactly("env:acme/web/prod2", "repo:acme/web");
            // Made again, it starts empty.
            envs.put("acme", "web", "prod", null, List.of());
            assertThat(vars.list(prod)).isEmpty();
            assertThat(secrets.list(prod)).isEmpty();
        }
    }

    private static Map<String, String> text(Map<String, byte[]> m) {
        Map<String, String> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
        return out;
    }

    @ParameterizedTest
    @MethodSource(DATABASES)
    void aDeploymentWaitsUntilAReviewerDecidesOncePerAttempt(String db) throws Exception {
        try (TestState state = open(db)) {
            Environments envs = state.environments();
            EnvironmentApprovals approvals = state.approvals();
            RunValues values = new RunValues(state.secrets(), state.variables(), envs, approvals);
            envs.put("acme", "web", "Production", null, List.of("alice"));
            envs.put("acme", "web", "staging", null, List.of());
            // No reviewers, or no such environment: approved at once, nothing recorded.
            assertThat(values.awaitApproval(7, 1, "acme", "web", "staging", () -> false)).hasValueSatisfying(d ->
                    assertThat(d.approved()).isTrue());
            assertThat(values.awaitApproval(7, 1, "acme", "web", "qa", () -> false).orElseThrow().approved()).isTrue();
            assertThat(approvals.waiting("acme", "web", 7)).isEmpty();

            java.util.concurrent.CompletableFuture<java.util.Optional<EnvironmentApprovals.Deployment>> job =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return values.awaitApproval(7, 1, "acme", "web", "production", () -> false);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
            while (approvals.waiting("acme", "web", 7).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(approvals.waiting("acme", "web", 7)).singleElement().satisfies(d -> {
                assertThat(d.environment()).isEqualTo("production");
                assertThat(d.reviewers()).containsExactly("alice");
            });
            assertThat(approvals.waiting("acme", "api", 7)).isEmpty();
            Thread.sleep(300);
            assertThat(job).isNotDone();
            assertThatThrownBy(() -> approvals.decide("acme", "web", 7, "production", "bob", true, null))
                    .isInstanceOf(SlipwayException.Forbidden.class).hasMessageContaining("only the reviewers");
            assertThatThrownBy(() -> approvals.decide("acme", "web", 8, "production", "alice", true, null))
                    .isInstanceOf(SlipwayException.NotFound.class).hasMessageContaining("no deployment to environment 'production'");
            assertThatThrownBy(() -> approvals.decide("acme", "web", 7, "a b", "alice", true, null))
                    .isInstanceOf(SlipwayException.BadRequest.class);
            EnvironmentApprovals.Deployment decided = approvals.decide("acme", "web", 7, "PRODUCTION", "alice", true, "ship it");
            assertThat(decided.state()).isEqualTo("approved");
            EnvironmentApprovals.Deployment seen = job.get(20, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
            assertThat(seen.approved()).isTrue();
            assertThat(seen.decidedBy()).isEqualTo("alice");
            assertThat(seen.comment()).isEqualTo("ship it");
            // Decided once for the attempt: later jobs pass at once; a second decision is a 404.
            assertThat(values.awaitApproval(7, 1, "acme", "web", "production", () -> false).orElseThrow().approved()).isTrue();
            assertThatThrownBy(() -> approvals.decide("acme", "web", 7, "production", "alice", false, null))
                    .isInstanceOf(SlipwayException.NotFound.class);
            // A retry asks again; a cancelled run stops waiting.
            assertThat(values.awaitApproval(7, 2, "acme", "web", "production", () -> true)).isEmpty();
            assertThat(approvals.waiting("acme", "web", 7)).singleElement().satisfies(d -> assertThat(d.attempt()).isEqualTo(2));
            approvals.decide("acme", "web", 7, "production", "alice", false, "not today");
            EnvironmentApprovals.Deployment rejected = values.awaitApproval(7, 2, "acme", "web", "production", () -> false).orElseThrow();
            assertThat(rejected.approved()).isFalse();
            assertThat(rejected.state()).isEqualTo("rejected");
        }
    }
}
