package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.actions.expr.Scope;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Matrix expansion as GitHub documents it, job names, and matrices built by expressions at run time. */
class MatrixTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Position AT = new Position(".github/workflows/test.yml", 7, 9);

    private static List<String> expand(String json) throws Exception {
        return Matrix.expand(JSON.readTree(json), AT).stream().map(c -> {
            try {
                return JSON.writeValueAsString(c.context());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void theProductVariesTheFirstKeySlowest() throws Exception {
        assertThat(expand("{\"os\":[\"ubuntu\",\"debian\"],\"node\":[18,20]}")).containsExactly(
                "{\"os\":\"ubuntu\",\"node\":18}", "{\"os\":\"ubuntu\",\"node\":20}",
                "{\"os\":\"debian\",\"node\":18}", "{\"os\":\"debian\",\"node\":20}");
    }

    /** GitHub's own example of include ("Expanding or adding matrix configurations"). */
    @Test
    void includeExtendsCombinationsItDoesNotChangeElseAddsItsOwn() throws Exception {
        assertThat(expand("""
                {"fruit": ["apple", "pear"], "animal": ["cat", "dog"],
                 "include": [{"color": "green"}, {"color": "pink", "animal": "cat"}, {"fruit": "apple", "shape": "circle"},
                             {"fruit": "banana"}, {"fruit": "banana", "animal": "cat"}]}
                """)).containsExactly(
                "{\"fruit\":\"apple\",\"animal\":\"cat\",\"color\":\"pink\",\"shape\":\"circle\"}",
                "{\"fruit\":\"apple\",\"animal\":\"dog\",\"color\":\"green\",\"shape\":\"circle\"}",
                "{\"fruit\":\"pear\",\"animal\":\"cat\",\"color\":\"pink\"}",
                "{\"fruit\":\"pear\",\"animal\":\"dog\",\"color\":\"green\"}",
                "{\"fruit\":\"banana\"}",
                "{\"fruit\":\"banana\",\"animal\":\"cat\"}");
    }

    /** GitHub's example of exclude: a partial match is enough. */
    @Test
    void excludeRemovesWhatItMatchesPartly() throws Exception {
        assertThat(expand("""
                {"os": ["macos-latest", "windows-latest"], "version": [12, 14, 16], "environment": ["staging", "production"],
                 "exclude": [{"os": "macos-latest", "version": 12, "environment": "production"}, {"os": "windows-latest", "version": 16}]}
                """)).hasSize(12 - 1 - 2).doesNotContain(
                "{\"os\":\"macos-latest\",\"version\":12,\"environment\":\"production\"}",
                "{\"os\":\"windows-latest\",\"version\":16,\"environment\":\"staging\"}",
                "{\"os\":\"windows-latest\",\"version\":16,\"environment\":\"production\"}");
    }

    @Test
    void aMatrixOfIncludesOnlyHasOneCombinationEach() throws Exception {
        assertThat(expand("{\"include\":[{\"site\":\"production\",\"datacenter\":\"site-a\"},{\"site\":\"staging\",\"datacenter\":\"site-b\"}]}"))
                .containsExactly("{\"site\":\"production\",\"datacenter\":\"site-a\"}", "{\"site\":\"staging\",\"datacenter\":\"site-b\"}");
    }

    @Test
    void badShapesAreProblemsAtTheMatrix() {
        assertThatThrownBy(() -> expand("[\"a\"]")).isInstanceOf(WorkflowException.class)
                .hasMessage(".github/workflows/test.yml:7:9: strategy.matrix: the matrix must be a mapping of keys to lists of values, not a list");
        assertThatThrownBy(() -> expand("{}"))
                .hasMessage(".github/workflows/test.yml:7:9: strategy.matrix: the matrix is empty; it needs at least one key with a list of"
                        + " values, or 'include'");
        assertThatThrownBy(() -> expand("{\"os\":\"linux\",\"node\":[],\"include\":{\"a\":1}}")).hasMessage(String.join("\n",
                ".github/workflows/test.yml:7:9: strategy.matrix: 'os' must be a list of values, not the text 'linux'",
                ".github/workflows/test.yml:7:9: strategy.matrix: 'node' has no values; a matrix key needs at least one",
                ".github/workflows/test.yml:7:9: strategy.matrix: 'include' must be a list of mappings, not a mapping"));
        assertThatThrownBy(() -> expand("{\"a\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17],\"b\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}"))
                .hasMessageEndingWith("the matrix makes 272 combinations; GitHub allows at most 256");
        String includes = "{\"include\":[" + "{\"a\":1},".repeat(257).replaceAll(",$", "") + "]}";
        assertThatThrownBy(() -> expand(includes)).hasMessageEndingWith("the matrix makes 257 combinations; GitHub allows at most 256");
    }

    @Test
    void aMatrixFromAJobsOutputExpandsWhenTheJobStarts() throws Exception {
        Workflow w = TestFiles.read("""
                on: push
                jobs:
                  setup:
                    runs-on: x
                    outputs:
                      workers: ${{ steps.list.outputs.workers }}
                    steps:
                      - id: list
                        run: echo 'workers=["worker-a","worker-b"]' >> $GITHUB_OUTPUT
                  build:
                    needs: setup
                    runs-on: x
                    strategy:
                      fail-fast: false
                      max-parallel: 1
                      matrix:
                        worker: ${{ fromJSON(needs.setup.outputs.workers) }}
                        node: [20]
                    steps:
                      - run: make
                """);
        Job build = w.job("build");
        assertThat(build.strategy().matrix().isStatic()).isFalse();
        assertThat(build.strategy().matrix().definition().get("worker").textValue())
                .isEqualTo("${{ fromJSON(needs.setup.outputs.workers) }}");
        JsonNode needs = JSON.readTree("{\"setup\":{\"result\":\"success\",\"outputs\":{\"workers\":\"[\\\"worker-a\\\",\\\"worker-b\\\"]\"}}}");
        Scope scope = Scope.of(Map.of("needs", needs));
        Expansion runs = build.expand(scope);
        assertThat(runs.failFast()).isFalse();
        assertThat(runs.maxParallel()).isEqualTo(1);
        assertThat(runs.combinations()).extracting(c -> build.displayName(c, scope)).containsExactly(
                "build (worker-a, 20)", "build (worker-b, 20)");
        assertThat(JSON.writeValueAsString(runs.strategyContext(1)))
                .isEqualTo("{\"fail-fast\":false,\"job-index\":1.0,\"job-total\":2.0,\"max-parallel\":1.0}");

        JsonNode empty = JSON.readTree("{\"setup\":{\"outputs\":{\"workers\":\"[]\"}}}");
        assertThatThrownBy(() -> build.expand(Scope.of(Map.of("needs", empty))))
                .isInstanceOf(WorkflowException.class)
                .hasMessage(".github/workflows/test.yml:16:7: strategy.matrix: 'worker' has no values; a matrix key needs at least one");
        JsonNode broken = JSON.readTree("{\"setup\":{\"outputs\":{\"workers\":\"[oops\"}}}");
        assertThatThrownBy(() -> build.expand(Scope.of(Map.of("needs", broken))))
                .isInstanceOf(WorkflowException.class)
                .hasMessageStartingWith(".github/workflows/test.yml:16:7: strategy.matrix: ");
    }

    @Test
    void jobNamesFollowGitHub() throws Exception {
        Workflow w = TestFiles.read("""
                on: push
                jobs:
                  plain:
                    runs-on: x
                    steps: [{run: make}]
                  build:
                    runs-on: x
                    strategy:
                      matrix:
                        worker: [worker-a]
                        config: [{arch: amd64, debug: ''}]
                        empty: [null]
                    steps: [{run: make}]
                  named:
                    name: Build
                    runs-on: x
                    strategy: {matrix: {os: [linux]}}
                    steps: [{run: make}]
                  templated:
                    name: Build on ${{ matrix.os }}
                    runs-on: x
                    strategy: {matrix: {os: [linux]}}
                    steps: [{run: make}]
                """);
        Scope none = Scope.of(Map.of());
        Job plain = w.job("plain");
        assertThat(plain.expand(none).combinations()).containsExactly(Combination.NONE);
        assertThat(plain.displayName(Combination.NONE, none)).isEqualTo("plain");
        Job build = w.job("build");
        assertThat(build.displayName(build.expand(none).combinations().getFirst(), none)).isEqualTo("build (worker-a, amd64)");
        Job named = w.job("named");
        assertThat(named.displayName(named.expand(none).combinations().getFirst(), none)).isEqualTo("Build (linux)");
        Job templated = w.job("templated");
        Combination linux = templated.expand(none).combinations().getFirst();
        assertThat(templated.displayName(linux, Scope.of(Map.of("matrix", linux.context())))).isEqualTo("Build on linux");
    }
}
