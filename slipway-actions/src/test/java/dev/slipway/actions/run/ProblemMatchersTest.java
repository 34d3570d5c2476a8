package dev.slipway.actions.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Problem matcher files and matching, as the runner's IssueMatcher; formats of real tools (gcc, eslint's stylish output). */
class ProblemMatchersTest {
    static final String GCC = """
            {"problemMatcher": [{"owner": "gcc-problem-matcher",
              "pattern": [{"regexp": "^(.*?):(\\\\d+):(\\\\d*):?\\\\s+(?:fatal\\\\s+)?(warning|error):\\\\s+(.*)$",
                           "file": 1, "line": 2, "column": 3, "severity": 4, "message": 5}]}]}
            """;
    /** actions/setup-node's eslint-stylish matcher: a file line, then one line per problem (loop). */
    static final String ESLINT_STYLISH = """
            {"problemMatcher": [{"owner": "eslint-stylish",
              "pattern": [{"regexp": "^([^\\\\s].*)$", "file": 1},
                          {"regexp": "^\\\\s+(\\\\d+):(\\\\d+)\\\\s+(error|warning|info)\\\\s+(.*)\\\\s\\\\s+(.*)$",
                           "line": 1, "column": 2, "severity": 3, "message": 4, "code": 5, "loop": true}]}]}
            """;

    private static List<ProblemMatchers.Config> read(String json) {
        return ProblemMatchers.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSinglePatternMatcherReadsAGccDiagnostic() {
        ProblemMatchers.Active gcc = new ProblemMatchers.Active(read(GCC).getFirst());
        ProblemMatchers.Match m = gcc.match("src/main.c:3:9: warning: unused variable 'x' [-Wunused-variable]");
        assertThat(m).isEqualTo(new ProblemMatchers.Match("src/main.c", "3", "9", "warning", null,
                "unused variable 'x' [-Wunused-variable]", null));
        assertThat(gcc.match("src/main.c: In function 'main':")).isNull();
        assertThat(gcc.match("main.c:7:1: error: expected ';' before '}' token").severity()).isEqualTo("error");
    }

    @Test
    void aLoopPatternReportsEveryProblemUnderOneFileLine() {
        ProblemMatchers.Active eslint = new ProblemMatchers.Active(read(ESLINT_STYLISH).getFirst());
        List<ProblemMatchers.Match> found = new ArrayList<>();
        for (String line : List.of(
                "/work/app/src/index.js",
                "  1:10  error    'unused' is defined but never used  no-unused-vars",
                "  3:1   warning  Unexpected console statement        no-console",
                "",
                "/work/app/src/other.js",
                "  2:5  error  Missing semicolon  semi",
                "",
                "  9:9  error  not after a file line  rule",
                "✖ 3 problems (2 errors, 1 warning)")) {
            ProblemMatchers.Match m = eslint.match(line);
            if (m != null) {
                found.add(m);
            }
        }
        assertThat(found).extracting(ProblemMatchers.Match::file, ProblemMatchers.Match::line, ProblemMatchers.Match::severity,
                        ProblemMatchers.Match::code)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/work/app/src/index.js", "1", "error", "no-unused-vars"),
                        org.assertj.core.groups.Tuple.tuple("/work/app/src/index.js", "3", "warning", "no-console"),
                        org.assertj.core.groups.Tuple.tuple("/work/app/src/other.js", "2", "error", "semi"));
        assertThat(found.getFirst().message()).isEqualTo("'unused' is defined but never used");
    }

    @Test
    void withoutLoopAMultiLinePatternCompletesOnce() {
        String json = """
                {"problemMatcher": [{"owner": "two", "severity": "warning", "pattern": [
                  {"regexp": "^FILE (.*)$", "file": 1},
                  {"regexp": "^  (\\\\d+): (.*)$", "line": 1, "message": 2}]}]}
                """;
        ProblemMatchers.Active two = new ProblemMatchers.Active(read(json).getFirst());
        assertThat(two.match("  1: before any file")).isNull();
        assertThat(two.match("FILE a.txt")).isNull();
        ProblemMatchers.Match m = two.match("  4: first");
        assertThat(m.file()).isEqualTo("a.txt");
        assertThat(m.severity()).as("the matcher's default severity").isEqualTo("warning");
        assertThat(two.match("  5: second")).as("not a loop: the match is complete").isNull();
        assertThat(two.match("FILE b.txt")).isNull();
        assertThat(two.match("something else")).isNull();
        assertThat(two.match("  6: the running match was broken")).isNull();
    }

    @Test
    void invalidFilesAreRefusedWithTheRunnersMessages() {
        assertThatThrownBy(() -> read("{\"problemMatcher\": [{\"pattern\": [{\"regexp\": \"x\", \"message\": 0}]}]}"))
                .hasMessage("Owner must not be empty");
        assertThatThrownBy(() -> read("{\"problemMatcher\": [{\"owner\": \"o\", \"severity\": \"fatal\", \"pattern\": [{\"regexp\": \"x\", \"message\": 0}]}]}"))
                .hasMessage("Matcher 'o' contains unexpected default severity 'fatal'");
        assertThatThrownBy(() -> read("{\"problemMatcher\": [{\"owner\": \"o\", \"pattern\": []}]}"))
                .hasMessage("Matcher 'o' does not contain any patterns");
        assertThatThrownBy(() -> read("{\"problemMatcher\": [{\"owner\": \"o\", \"pattern\": [{\"regexp\": \"(x)\", \"file\": 1}]}]}"))
                .hasMessage("At least one pattern must set 'message'");
        assertThatThrownBy(() -> read("{\"problemMatcher\": [{\"owner\": \"o\", \"pattern\": [{\"regexp\": \"(x)\", \"message\": 2}]}]}"))
                .hasMessage("The property 'message' is set to 2 which is out of range");
        assertThatThrownBy(() -> read("{\"problemMatcher\": [{\"owner\": \"o\", \"pattern\": [{\"regexp\": \"(x)\", \"message\": 1},"
                + " {\"regexp\": \"(y)\", \"message\": 1}]}]}")).hasMessage("The property 'message' is set twice");
        assertThatThrownBy(() -> read("{\"problemMatcher\": [{\"owner\": \"o\", \"pattern\": [{\"regexp\": \"(x)\", \"message\": 1, \"loop\": true}]}]}"))
                .hasMessage("Only the last pattern in a multiline matcher may set 'loop'");
        assertThatThrownBy(() -> read("{\"problemMatcher\": [{\"owner\": \"o\", \"pattern\": [{\"regexp\": \"(x)\", \"message\": 1},"
                + " {\"regexp\": \"(y)\", \"file\": 1, \"loop\": true}]}]}")).hasMessage("The loop pattern must set 'message'");
        assertThatThrownBy(() -> read("{\"problemMatcher\": [{\"owner\": \"o\", \"pattern\": [{\"regexp\": \"(x\", \"message\": 0}]}]}"))
                .hasMessageContaining("is not a regular expression");
        assertThatThrownBy(() -> read("{\"problemMatcher\": [{\"owner\": \"o\", \"pattern\": [{\"regexp\": \"x\", \"message\": 0}]},"
                + " {\"owner\": \"O\", \"pattern\": [{\"regexp\": \"x\", \"message\": 0}]}]}")).hasMessage("Duplicate owner name 'O'");
        assertThatThrownBy(() -> read("not json")).hasMessageStartingWith("not JSON");
    }

    @Test
    void propertyNamesIgnoreCase() {
        ProblemMatchers.Config c = read("{\"ProblemMatcher\": [{\"Owner\": \"o\", \"Pattern\": [{\"RegExp\": \"^(\\\\w+)$\", \"Message\": 1}]}]}").getFirst();
        assertThat(new ProblemMatchers.Active(c).match("word").message()).isEqualTo("word");
    }
}
