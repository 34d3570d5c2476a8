package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.actions.expr.Scope;
import dev.slipway.core.SlipwayException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The inputs context of workflow_dispatch and workflow_call runs: checked, typed, defaults filled. */
class DispatchInputsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private static final On.Dispatch DISPATCH = TestFiles.read("""
            on:
              workflow_dispatch:
                inputs:
                  tag:
                    required: true
                  push:
                    type: boolean
                    default: true
                  dry-run:
                    type: boolean
                  replicas:
                    type: number
                    default: 3
                  target:
                    type: choice
                    options: [staging, production]
                    default: staging
                  note:
                    description: free text
            jobs: {build: {runs-on: x, steps: [{run: make}]}}
            """).on().workflowDispatch();

    private static Map<String, JsonNode> given(Object... pairs) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], JSON.valueToTree(pairs[i + 1]));
        }
        return map;
    }

    @Test
    void inputsAreReadWithTheirTypes() {
        assertThat(DISPATCH.inputs().keySet()).containsExactly("tag", "push", "dry-run", "replicas", "target", "note");
        On.Input tag = DISPATCH.inputs().get("tag");
        assertThat(tag.type()).isEqualTo(On.InputType.STRING);
        assertThat(tag.required()).isTrue();
        assertThat(tag.defaultValue()).isNull();
        assertThat(DISPATCH.inputs().get("push").defaultValue().isBoolean()).isTrue();
        assertThat(DISPATCH.inputs().get("replicas").defaultValue().doubleValue()).isEqualTo(3.0);
        assertThat(DISPATCH.inputs().get("target").options()).containsExactly("staging", "production");
        assertThat(DISPATCH.inputs().get("note").description()).isEqualTo("free text");
        assertThat(DISPATCH.inputs().get("note").at().line()).isEqualTo(18);
    }

    @Test
    void defaultsFillWhatIsNotGivenInDeclarationOrder() throws Exception {
        ObjectNode inputs = DISPATCH.inputs(given("tag", "v1.2.0"));
        assertThat(JSON.writeValueAsString(inputs)).isEqualTo(
                "{\"tag\":\"v1.2.0\",\"push\":true,\"dry-run\":false,\"replicas\":3.0,\"target\":\"staging\",\"note\":\"\"}");
    }

    @Test
    void givenTextBecomesTheInputsType() throws Exception {
        ObjectNode inputs = DISPATCH.inputs(given("tag", "v1", "push", "FALSE", "dry-run", true, "replicas", " 2.5 ",
                "target", "production", "note", 42));
        assertThat(JSON.writeValueAsString(inputs)).isEqualTo(
                "{\"tag\":\"v1\",\"push\":false,\"dry-run\":true,\"replicas\":2.5,\"target\":\"production\",\"note\":\"42\"}");
        assertThat(JSON.writeValueAsString(On.Dispatch.eventInputs(inputs))).isEqualTo(
                "{\"tag\":\"v1\",\"push\":\"false\",\"dry-run\":\"true\",\"replicas\":\"2.5\",\"target\":\"production\",\"note\":\"42\"}");
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        assertThatThrownBy(() -> DISPATCH.inputs(given("tga", "v1", "push", "yes", "replicas", "three", "target", "prod",
                "note", F.arrayNode())))
                .isInstanceOf(SlipwayException.BadRequest.class)
                .hasMessage(String.join("\n",
                        "unknown input 'tga' (did you mean 'tag'?); the inputs are tag, push, dry-run, replicas, target, note",
                        "input 'tag' is required",
                        "input 'push' must be true or false, not 'yes'",
                        "input 'replicas' must be a number, not 'three'",
                        "input 'target' must be one of staging, production, not 'prod'",
                        "input 'note' must be a single value, not a list"));
    }

    @Test
    void aWorkflowWithoutInputsTakesNone() {
        On.Dispatch none = TestFiles.read("on: workflow_dispatch\njobs: {build: {runs-on: x, steps: [{run: make}]}}\n")
                .on().workflowDispatch();
        assertThat(none.inputs(Map.of())).isEmpty();
        assertThatThrownBy(() -> none.inputs(given("tag", "v1")))
                .hasMessage("unknown input 'tag'; the workflow takes no inputs");
    }

    @Test
    void callInputsEvaluateTheirDefaults() throws Exception {
        On.Call call = TestFiles.read("""
                on:
                  workflow_call:
                    inputs:
                      tag: {type: string, required: true}
                      replicas: {type: number, default: "${{ vars.REPLICAS }}"}
                      debug: {type: boolean}
                jobs: {build: {runs-on: x, steps: [{run: make}]}}
                """).on().workflowCall();
        Scope scope = Scope.of(Map.of("vars", JSON.createObjectNode().put("REPLICAS", "4")));
        assertThat(JSON.writeValueAsString(call.inputs(given("tag", "v1"), scope)))
                .isEqualTo("{\"tag\":\"v1\",\"replicas\":4.0,\"debug\":false}");
        assertThatThrownBy(() -> call.inputs(given("debug", "on"), scope))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input 'tag' is required\ninput 'debug' must be true or false, not 'on'");
    }
}
