package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** action.yml: what is read from each kind of action, and the problems of bad ones at their line and column (actions.txt). */
class ActionManifestTest {
    private static final String FILE = "octo/hello@v1/action.yml";

    @TestFactory
    Stream<DynamicTest> cases() {
        List<CaseFile.Case> cases = CaseFile.parse(TestFiles.resource("actions.txt")).cases();
        assertThat(cases).isNotEmpty();
        return cases.stream().map(c -> DynamicTest.dynamicTest("actions.txt:" + c.line() + " " + c.name(), () -> {
            String actual;
            if (c.kind().equals("errors")) {
                try {
                    ActionManifest.read(FILE, c.yaml());
                    throw new AssertionError("the action was read without problems:\n" + c.yaml());
                } catch (WorkflowException e) {
                    assertThat(e.problems()).allSatisfy(p -> assertThat(p.file()).isEqualTo(FILE));
                    actual = lines(e.problems());
                }
            } else {
                actual = lines(ActionManifest.read(FILE, c.yaml()).warnings());
            }
            assertThat(actual).isEqualTo(String.join("\n", c.expected()));
        }));
    }

    private static String lines(List<dev.slipway.ci.definition.Problem> problems) {
        return String.join("\n", problems.stream().map(p -> p.line() + ":" + p.column() + ": " + p.message()).toList());
    }

    @Test
    void aCompositeActionHasInputsWithDefaultsOutputsWithValuesAndStepsWithShells() {
        ActionManifest m = ActionManifest.read(FILE, """
                name: Hello
                description: says hello
                inputs:
                  who:
                    description: whom to greet
                    required: true
                  token:
                    default: ${{ github.token }}
                  old:
                    deprecationMessage: use who
                  empty:
                outputs:
                  greeting:
                    description: what was said
                    value: ${{ steps.say.outputs.greeting }}
                runs:
                  using: composite
                  steps:
                    - id: say
                      run: echo "greeting=hello ${{ inputs.who }}" >> "$GITHUB_OUTPUT"
                      shell: bash
                      working-directory: ${{ github.action_path }}
                    - uses: ./inner
                      if: failure()
                      with:
                        x: ${{ steps.say.outputs.greeting }}
                """);
        assertThat(m.name()).isEqualTo("Hello");
        assertThat(m.inputs().keySet()).containsExactly("who", "token", "old", "empty");
        assertThat(m.inputs().get("who").required()).isTrue();
        assertThat(m.inputs().get("who").defaultValue()).isNull();
        assertThat(m.inputs().get("token").defaultValue().source()).isEqualTo("${{ github.token }}");
        assertThat(m.inputs().get("old").deprecationMessage()).isEqualTo("use who");
        assertThat(m.outputs().get("greeting").value().source()).isEqualTo("${{ steps.say.outputs.greeting }}");
        ActionManifest.Composite runs = (ActionManifest.Composite) m.runs();
        assertThat(runs.steps()).hasSize(2);
        Step.Run say = (Step.Run) runs.steps().getFirst();
        assertThat(say.id()).isEqualTo("say");
        assertThat(say.shell().source()).isEqualTo("bash");
        Step.Uses inner = (Step.Uses) runs.steps().get(1);
        assertThat(inner.uses()).isEqualTo(new ActionRef.Local("inner", "./inner"));
        assertThat(inner.condition().source()).isEqualTo("failure()");
        assertThat(m.warnings()).isEmpty();
    }

    @Test
    void javascriptAndDockerActionsHaveTheirEntryPointsAndHooks() {
        ActionManifest.Node node = (ActionManifest.Node) ActionManifest.read(FILE, """
                runs:
                  using: node20
                  main: dist/index.js
                  pre: dist/setup.js
                  pre-if: runner.os == 'Linux'
                  post: dist/cleanup.js
                """).runs();
        assertThat(node.using()).isEqualTo("node20");
        assertThat(node.main()).isEqualTo("dist/index.js");
        assertThat(node.pre()).isEqualTo("dist/setup.js");
        assertThat(node.preIf().source()).isEqualTo("runner.os == 'Linux'");
        assertThat(node.post()).isEqualTo("dist/cleanup.js");
        assertThat(node.postIf().source()).isEqualTo("always()");

        ActionManifest.Docker docker = (ActionManifest.Docker) ActionManifest.read(FILE, """
                runs:
                  using: docker
                  image: docker://alpine:3.21
                  entrypoint: /bin/echo
                  args:
                    - hello ${{ inputs.who }}
                    - second
                  env:
                    WHO: ${{ inputs.who }}
                  post-entrypoint: /cleanup.sh
                """).runs();
        assertThat(docker.isImageReference()).isTrue();
        assertThat(docker.entrypoint()).isEqualTo("/bin/echo");
        assertThat(docker.args()).extracting(Value::source).containsExactly("hello ${{ inputs.who }}", "second");
        assertThat(docker.env().get("WHO").source()).isEqualTo("${{ inputs.who }}");
        assertThat(docker.postEntrypoint()).isEqualTo("/cleanup.sh");
        assertThat(docker.preEntrypoint()).isNull();
    }

    @Test
    void invalidYamlIsAProblemOfTheFile() {
        assertThatThrownBy(() -> ActionManifest.read(FILE, "runs: [composite\n"))
                .isInstanceOf(WorkflowException.class)
                .hasMessageStartingWith(FILE + ":2:1: invalid YAML");
    }
}
