package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11's acceptance: the seeds' GitHub Actions workflows, started by a forge's push webhook,
 * with only host names and image names changed. Seed 000's build-push workflow (version from the
 * push's head commit message, registry auth from secrets, build and push to Slipway's own
 * registry); seed 001's build.yml (push to master only; lint and test; build and push :sha and
 * :latest; a deploy job that POSTs to a deploy endpoint, here Slipway's own run API starting the
 * repository's native deploy pipeline with the image, as Woodpecker's API did for the seed).
 */
class SeedWorkflowsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static CiClient admin;
    static String registry;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.sharedWorkflows();
        TestImages.buildBusybox(new java.util.HashMap<>(), "local/busybox:1");
        admin = new CiClient(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD), "admin");
        registry = java.net.URI.create(server.baseUrl()).getAuthority();
    }

    static ForgeHooks forge(String name, String secret, Map<String, String> files) throws Exception {
        ForgeHooks f = new ForgeHooks("admin/" + name, server.baseUrl(), secret, files);
        HttpResponse<String> r = admin.registration(name, f.cloneUrl(), Map.of("webhook_secret", secret));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return f;
    }

    static List<String> tags(String repo) throws Exception {
        HttpResponse<String> r = admin.http().get("/v2/admin/" + repo + "/tags/list");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new java.util.ArrayList<>();
        JSON.readTree(r.body()).path("tags").forEach(t -> out.add(t.asText()));
        return out;
    }

    static JsonNode onlyRun(ForgeHooks.Answer a) throws Exception {
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        assertThat(a.body().get("runs")).as(a.body().toString()).hasSize(1);
        return admin.await(a.body().at("/runs/0/id").asLong());
    }

    static final String SEED_000 = """
            name: build-push
            on:
              push:
                branches: [main]
                paths: ['dockerfiles/**', '.gitea/workflows/build-push.yaml']
              workflow_dispatch:
            jobs:
              determine-version:
                runs-on: ubuntu-latest
                outputs:
                  version: ${{ steps.version.outputs.version }}
                steps:
                  - uses: actions/checkout@v4
                    with:
                      fetch-depth: 0
                  - name: Calculate semantic version
                    id: version
                    run: |
                      LATEST=$(git describe --tags --abbrev=0 2>/dev/null || echo "v0.0.0")
                      VERSION=${LATEST#v}
                      IFS='.' read -r MAJOR MINOR PATCH <<< "$VERSION"
                      COMMIT_MSG="${{ github.event.head_commit.message }}"
                      if echo "$COMMIT_MSG" | grep -qiE "^(major:|breaking:)"; then
                        MAJOR=$((MAJOR + 1)); MINOR=0; PATCH=0
                      elif echo "$COMMIT_MSG" | grep -qiE "^(minor:|feat:|feature:)"; then
                        MINOR=$((MINOR + 1)); PATCH=0
                      else
                        PATCH=$((PATCH + 1))
                      fi
                      NEW_VERSION="v${MAJOR}.${MINOR}.${PATCH}"
                      echo "version=${NEW_VERSION}" >> $GITHUB_OUTPUT
                      echo "New version: ${NEW_VERSION}"
              build:
                needs: determine-version
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    image: [worker]
                steps:
                  - uses: actions/checkout@v4
                  - name: Configure registry auth
                    if: github.event_name != 'pull_request'
                    run: |
                      mkdir -p ~/.docker
                      AUTH=$(echo -n "${{ secrets.REGISTRY_USER }}:${{ secrets.REGISTRY_TOKEN }}" | base64 -w0)
                      echo "{\\"auths\\":{\\"@REGISTRY@\\":{\\"auth\\":\\"$AUTH\\"}}}" > ~/.docker/config.json
                  - uses: docker/setup-buildx-action@v3
                  - name: Build and push
                    uses: docker/build-push-action@v6
                    with:
                      context: dockerfiles/${{ matrix.image }}
                      push: ${{ github.event_name != 'pull_request' }}
                      tags: |
                        @REGISTRY@/admin/${{ matrix.image }}:${{ needs.determine-version.outputs.version }}
                        @REGISTRY@/admin/${{ matrix.image }}:latest
            """;

    @Test
    void seed000BuildPushRunsOnAPushAndPushesTheVersionToSlipwaysRegistry() throws Exception {
        ForgeHooks f = forge("kuberay", "seed-000-secret", Map.of(
                ".gitea/workflows/build-push.yaml", SEED_000.replace("@REGISTRY@", registry),
                "dockerfiles/worker/Dockerfile", "FROM local/busybox:1\nRUN echo worker > /name\n"));
        GitRepos.git(f.work, "tag", "v1.4.2");
        GitRepos.git(f.work, "push", "-q", "origin", "v1.4.2");
        admin.http().send(admin.http().request("/api/v1/repos/admin/kuberay/actions/secrets/REGISTRY_USER")
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"data\":\"admin\"}")));
        admin.http().send(admin.http().request("/api/v1/repos/admin/kuberay/actions/secrets/REGISTRY_TOKEN")
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"data\":\"" + TestServer.ADMIN_PASSWORD + "\"}")));

        String before = f.head();
        String after = f.commitAndPush(Map.of("dockerfiles/worker/extra", "x\n"), "feat: a worker flag");
        JsonNode run = onlyRun(f.deliver("gitea", "push", "gitea-push",
                ForgeHooks.push("refs/heads/main", before, after, "feat: a worker flag"), null));
        assertThat(run.get("status").asText()).as(run.toPrettyString() + admin.log(run, "build-worker")).isEqualTo("success");
        assertThat(run.get("event").asText()).isEqualTo("push");
        assertThat(admin.log(run, "determine-version")).contains("New version: v1.5.0");
        assertThat(tags("worker")).contains("v1.5.0", "latest");
        // The registry password reached the job as a secret and never its log.
        assertThat(admin.log(run, "build-worker")).doesNotContain(TestServer.ADMIN_PASSWORD);

        // A push that changes nothing under dockerfiles/ starts nothing, and says why.
        String later = f.commitAndPush(Map.of("README.md", "docs\n"), "docs only");
        ForgeHooks.Answer docs = f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/main", after, later, "docs only"), null);
        assertThat(docs.body().get("runs")).as(docs.body().toString()).isEmpty();
        assertThat(docs.body().toString()).contains("paths");
    }

    static final String SEED_001 = """
            name: build
            on:
              push:
                branches: [master]
            jobs:
              build:
                runs-on: ubuntu-latest
                permissions:
                  contents: write # svu tag push
                  packages: write # ghcr push
                steps:
                  - uses: actions/checkout@v4
                  - name: lint + test
                    run: make lint test
                  - name: svu tag -> Forgejo
                    run: |
                      VERSION=$(git describe --tags --abbrev=0 2>/dev/null || echo v0.0.0)
                      echo "next after $VERSION"
                  - uses: docker/setup-buildx-action@v3
                  - uses: docker/build-push-action@v6
                    with:
                      platforms: linux/amd64
                      provenance: false
                      push: true
                      tags: |
                        @REGISTRY@/admin/app:${{ github.sha }}
                        @REGISTRY@/admin/app:latest
              deploy:
                needs: build
                runs-on: ubuntu-latest
                steps:
                  - name: Trigger deploy
                    run: |
                      curl -fsS -X POST "$SLIPWAY_SERVER/api/v1/repos/admin/app/runs" \\
                        -H "Authorization: Bearer ${{ secrets.DEPLOY_TOKEN }}" -H 'Content-Type: application/json' \\
                        -d '{"ref":"master","pipeline":"deploy","variables":{"IMAGE_TAG":"${{ github.sha }}","IMAGE_NAME":"@REGISTRY@/admin/app"}}'
            """;

    static final String DEPLOY = """
            variables: { IMAGE_NAME: "", IMAGE_TAG: "" }
            images: { box: local/busybox:1 }
            tasks:
              deploy:
                image: box
                commands:
                  - echo "kubectl set image deployment/app app=${IMAGE_NAME}:${IMAGE_TAG}"
            """;

    @Test
    void seed001BuildsOnMasterOnlyPushesShaAndLatestAndTriggersTheDeployPipeline() throws Exception {
        ForgeHooks f = forge("app", "seed-001-secret", Map.of(
                ".github/workflows/build.yml", SEED_001.replace("@REGISTRY@", registry),
                ".slipway/deploy.yml", DEPLOY,
                "Makefile", "lint:\n\t@echo lint ok\ntest:\n\t@echo tests ok\n",
                "Dockerfile", "FROM local/busybox:1\nCOPY Makefile /app/Makefile\n"));
        // The deploy job's token, as the seed's WOODPECKER_TOKEN: a user's, kept as a secret.
        String deployToken = server.token("admin", "write:repository");
        var put = admin.http().send(admin.http().request("/api/v1/repos/admin/app/actions/secrets/DEPLOY_TOKEN")
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"data\":\"" + deployToken + "\"}")));
        assertThat(put.statusCode()).as(put.body()).isIn(201, 204);
        // A feature branch builds nothing (the seed's safety valve).
        GitRepos.git(f.work, "checkout", "-q", "-b", "feature");
        String base = f.head();
        String feature = f.commitAndPush(Map.of("f.txt", "f\n"), "wip");
        ForgeHooks.Answer none = f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/feature", base, feature, "wip"), null);
        assertThat(none.body().get("runs")).as(none.body().toString()).isEmpty();

        GitRepos.git(f.work, "checkout", "-q", "-b", "master", base);
        String master = f.commitAndPush(Map.of("VERSION", "1\n"), "fix: something");
        JsonNode run = onlyRun(f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/master", base, master, "fix: something"), null));
        assertThat(run.get("status").asText()).as(run.toPrettyString() + admin.log(run, "build") + admin.log(run, "deploy"))
                .isEqualTo("success");
        assertThat(run.get("file").asText()).isEqualTo(".github/workflows/build.yml");
        assertThat(admin.log(run, "build")).contains("lint ok").contains("tests ok").doesNotContain("input 'provenance'");
        assertThat(tags("app")).contains(master, "latest");

        // The deploy job started the native deploy pipeline with the image it built.
        List<JsonNode> runs = admin.awaitRuns("app", all -> all.stream().anyMatch(r -> r.get("pipeline").asText().equals("deploy")));
        JsonNode deploy = runs.stream().filter(r -> r.get("pipeline").asText().equals("deploy")).findFirst().orElseThrow();
        deploy = admin.await(deploy.get("id").asLong());
        assertThat(deploy.get("status").asText()).isEqualTo("success");
        assertThat(admin.log(deploy, "deploy")).contains("kubectl set image deployment/app app=" + registry + "/admin/app:" + master);
    }
}
