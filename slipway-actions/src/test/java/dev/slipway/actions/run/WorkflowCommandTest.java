package dev.slipway.actions.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Workflow command lines as the runner parses them; cases from act's command_test.go and GitHub's docs. */
class WorkflowCommandTest {
    @Test
    void dataIsUnescapedAsTheRunnerDoesIt() {
        assertThat(WorkflowCommand.parse("::set-output name=x::valz").data()).isEqualTo("valz");
        assertThat(WorkflowCommand.parse("::set-output name=x::percent2%25").data()).isEqualTo("percent2%");
        assertThat(WorkflowCommand.parse("::set-output name=x::percent2%25%0Atest").data()).isEqualTo("percent2%\ntest");
        assertThat(WorkflowCommand.parse("::set-output name=x::percent2%25%0Atest another3%25test").data())
                .isEqualTo("percent2%\ntest another3%test");
        assertThat(WorkflowCommand.parse("::error::a%0D%0Ab").data()).isEqualTo("a\r\nb");
        // %25 is replaced last: %250A is a literal %0A, not a line break
        assertThat(WorkflowCommand.parse("::error::100%250A").data()).isEqualTo("100%0A");
        // in data, %3A and %2C stay as written; only properties unescape them
        assertThat(WorkflowCommand.parse("::error::a%3Ab%2Cc").data()).isEqualTo("a%3Ab%2Cc");
        // data may hold '::' and ','
        assertThat(WorkflowCommand.parse("::notice::time 10:30::00, ok").data()).isEqualTo("time 10:30::00, ok");
    }

    @Test
    void propertiesAreSplitAtCommasAndUnescapedWithColonAndComma() {
        WorkflowCommand c = WorkflowCommand.parse("::set-output name=x%3A%2C%0A%25%0D%3A::percent2%25%0Atest");
        assertThat(c.property("name")).isEqualTo("x:,\n%\r:");
        assertThat(c.data()).isEqualTo("percent2%\ntest");
        WorkflowCommand e = WorkflowCommand.parse("::error file=app.js,line=1,col=5,endColumn=7,title=A%2C B::Missing semicolon");
        assertThat(e.property("file")).isEqualTo("app.js");
        assertThat(e.property("line")).isEqualTo("1");
        assertThat(e.property("col")).isEqualTo("5");
        assertThat(e.property("endColumn")).isEqualTo("7");
        assertThat(e.property("title")).isEqualTo("A, B");
        // names of properties ignore case; empty values and pairs without '=' are dropped
        assertThat(e.property("ENDCOLUMN")).isEqualTo("7");
        WorkflowCommand odd = WorkflowCommand.parse("::warning  file=,line,title=t=u ,, ::m");
        assertThat(odd.properties()).containsOnlyKeys("title");
        assertThat(odd.property("title")).as("values are not trimmed").isEqualTo("t=u ");
    }

    @Test
    void whatIsACommandLine() {
        assertThat(WorkflowCommand.parse("   \t::group::Build").name()).isEqualTo("group");
        assertThat(WorkflowCommand.parse("::ERROR::x").is("error")).isTrue();
        assertThat(WorkflowCommand.parse("::endgroup::").data()).isEmpty();
        assertThat(WorkflowCommand.parse("::debug::crlf\r").data()).isEqualTo("crlf");
        assertThat(WorkflowCommand.parse("x ::error::no")).isNull();
        assertThat(WorkflowCommand.parse("::error no end")).isNull();
        assertThat(WorkflowCommand.parse(":::: empty name")).isNull();
        assertThat(WorkflowCommand.parse(": :error::x")).isNull();
    }
}
