package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in actions/cache on a real server and engine, in the Debian runner image: a miss that
 * saves after the job, an exact hit, a restore key's partial match, a feature branch restoring
 * the default branch's cache, and a branch's own cache that no other branch sees. The entries are
 * one Slipway cache of the repository; slipway exec keeps them between its runs too. And docker/build-push-action's {@code type=gha} build cache,
 * an image in Slipway's registry that the next build reuses.
 */
class ActionsCacheIT {
    static TestServer server;
    static CiClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.sharedWorkflows();
        TestImages.buildBusybox(new java.util.HashMap<>(), "local/busybox:1");
        admin = new CiClient(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD), "admin");
    }

    static final String WORKFLOW = """
            on:
              workflow_dispatch:
                inputs:
                  key: {}
                  restore: {}
                  content: {}
            jobs:
              deps:
                runs-on: ubuntu-latest
                steps:
                  - id: c
                    uses: actions/cache@v4
                    with:
                      path: |
                        deps
                        ~/.tool
                      key: ${{ inputs.key }}
                      restore-keys: ${{ inputs.restore }}
                  - run: |
                      echo "hit=[${{ steps.c.outputs.cache-hit }}] matched=[${{ steps.c.outputs.cache-matched-key }}]"
                      cat deps/f ~/.tool/g 2>/dev/null || echo "nothing restored"
                      mkdir -p deps ~/.tool && echo "${{ inputs.content }}" > deps/f && echo "${{ inputs.content }}" > ~/.tool/g
            """;

    JsonNode run(String ref, String key, String restore, String content) throws Exception {
        JsonNode run = admin.run("cached", "{\"ref\":\"" + ref + "\",\"workflow\":\"cache.yml\",\"inputs\":{\"key\":\"" + key
                + "\",\"restore\":\"" + restore + "\",\"content\":\"" + content + "\"}}");
        assertThat(run.get("status").asText()).as(run.toPrettyString() + admin.log(run, "deps")).isEqualTo("success");
        return run;
    }

    @Test
    void cachesAreSavedRestoredByKeyAndPrefixAndScopedByBranch() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/cache.yml", WORKFLOW));
        GitRepos.git(repo, "branch", "feature");
        GitRepos.git(repo, "branch", "other");
        admin.register("cached", repo);

        String first = admin.log(run("main", "deps-1", "", "one"), "deps");
        assertThat(first).contains("hit=[] matched=[]", "nothing restored", "Cache not found for input keys: deps-1", "Cache saved with key: deps-1");

        String hit = admin.log(run("main", "deps-1", "deps-", "two"), "deps");
        assertThat(hit).contains("hit=[true] matched=[deps-1]", "one\none\n", "Cache restored from key: deps-1",
                "Cache hit occurred on the primary key deps-1, not saving cache.");

        String partial = admin.log(run("main", "deps-2", "deps-", "three"), "deps");
        assertThat(partial).contains("hit=[false] matched=[deps-1]", "one\none\n", "Cache saved with key: deps-2");

        String feature = admin.log(run("feature", "feat-1", "deps-", "four"), "deps");
        assertThat(feature).contains("hit=[false] matched=[deps-2]", "three\nthree\n", "(saved on refs/heads/main)",
                "Cache saved with key: feat-1 (", "scope refs/heads/feature)");

        String other = admin.log(run("other", "feat-1", "feat-", "five"), "deps");
        assertThat(other).contains("hit=[] matched=[]", "nothing restored",
                "Cache not found for input keys: feat-1, feat- (looked in refs/heads/other, refs/heads/main)");

        var cache = server.slipway().caches().list().stream().filter(c -> c.id().equals("repo:admin/cached:@actions")).findFirst().orElseThrow();
        assertThat(cache.owners()).containsExactly("admin/cached");
        assertThat(cache.sizeBytes()).isPositive();
    }

    @Test
    void aGhaBuildCacheIsAnImageInSlipwaysRegistryThatTheNextBuildReuses() throws Exception {
        String registry = java.net.URI.create(server.baseUrl()).getAuthority();
        Path repo = GitRepos.create(Map.of("Dockerfile", "FROM local/busybox:1\nRUN echo built-once > /stamp\n",
                ".gitea/workflows/image.yml", """
                on: workflow_dispatch
                jobs:
                  image:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                      - uses: docker/build-push-action@v6
                        with:
                          context: .
                          push: true
                          tags: @REGISTRY@/admin/img:1
                          cache-from: |
                            type=gha
                            type=local,src=/tmp/cache
                          cache-to: type=gha,mode=max
                """.replace("@REGISTRY@", registry)));
        admin.register("img", repo);
        JsonNode first = admin.run("img", "{\"workflow\":\"image.yml\"}");
        String log1 = admin.log(first, "image");
        assertThat(first.get("status").asText()).as(log1).isEqualTo("success");
        assertThat(log1).contains("/admin/img/buildcache:buildkit: not available", "RUN echo built-once > /stamp\n ---> Running in",
                "cache-from type=local,src=/tmp/cache: type=local is not supported by Slipway's builds; ignored",
                "mode=max is not supported by Slipway's builds");
        JsonNode annotations = CiClient.tasks(first).get("image").get("annotations");
        assertThat(annotations.findValuesAsText("message")).anyMatch(m -> m.contains("type=local is not supported"));

        JsonNode second = admin.run("img", "{\"workflow\":\"image.yml\"}");
        String log2 = admin.log(second, "image");
        assertThat(second.get("status").asText()).as(log2).isEqualTo("success");
        // The engine kept no layers of the first build (a push untags what it built): the cache image brought them.
        assertThat(log2).contains("/admin/img/buildcache:buildkit: pulled", "RUN echo built-once > /stamp\n ---> Using cache")
                .doesNotContain("RUN echo built-once > /stamp\n ---> Running in");
    }

    @Test
    void execKeepsCachesBetweenItsRuns() throws Exception {
        Path dir = GitRepos.create(Map.of(".gitea/workflows/cache.yml", WORKFLOW));
        Path home = java.nio.file.Files.createTempDirectory("slipway-exec-cache-");
        String[] args = {"-W", ".gitea/workflows/cache.yml", "-P", "ubuntu-latest=" + TestImages.runner(), "--event", "workflow_dispatch",
                "--input", "key=exec-1", "--input", "restore=", "--input", "content=local"};
        Tools.Result first = ServerProcess.exec(Map.of("XDG_CACHE_HOME", home.toString()), dir, args);
        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("hit=[] matched=[]", "Cache saved with key: exec-1");
        Tools.Result second = ServerProcess.exec(Map.of("XDG_CACHE_HOME", home.toString()), dir, args);
        assertThat(second.exit()).as(second.out() + second.err()).isZero();
        assertThat(second.out()).contains("hit=[true] matched=[exec-1]", "[deps] local\n[deps] local\n", "Cache restored from key: exec-1");
        assertThat(home.resolve("slipway/caches/@actions/local_repo/entries")).isNotEmptyDirectory();
    }
}
