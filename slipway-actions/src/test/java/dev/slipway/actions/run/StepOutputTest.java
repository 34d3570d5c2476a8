package dev.slipway.actions.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.secret.Masks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Output on its way to the log: command lines held and handed over, everything else streamed, masks followed. */
class StepOutputTest {
    private final RecordingLog log = new RecordingLog();
    private final Masks masks = Masks.of(Map.of("PW", "s3cr3t-pw".getBytes(StandardCharsets.UTF_8)));
    private final List<String> commands = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();

    /** Consumes ::add-mask:: (adding the mask) and ::set-output::, shows ::group::, and lets other lines through. */
    private final StepOutput.Handler handler = new StepOutput.Handler() {
        @Override
        public synchronized StepOutput.Disposition command(String line, boolean stderr) {
            commands.add((stderr ? "err " : "out ") + line);
            WorkflowCommand c = WorkflowCommand.parse(line);
            if (c == null) {
                return StepOutput.Disposition.OUTPUT;
            }
            if (c.is("add-mask")) {
                masks.add(c.data());
                return StepOutput.Disposition.CONSUMED;
            }
            if (c.is("set-output")) {
                return StepOutput.Disposition.CONSUMED;
            }
            return c.is("group") ? StepOutput.Disposition.SHOWN : StepOutput.Disposition.OUTPUT;
        }

        @Override
        public synchronized void line(String text) {
            lines.add(text);
        }
    };

    private final StepOutput output = new StepOutput(handler, masks, log);

    private void out(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        output.stdout(b, 0, b.length);
    }

    private void err(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        output.stderr(b, 0, b.length);
    }

    @Test
    void ordinaryOutputPassesAtOnceWithoutWaitingForALineBreak() {
        out("progress 10%\r");
        assertThat(log.stdout()).isEqualTo("progress 10%\r");
        out("progress 100%\n  indented: text\n");
        assertThat(log.stdout()).isEqualTo("progress 10%\rprogress 100%\n  indented: text\n");
        assertThat(commands).isEmpty();
        assertThat(lines).containsExactly("progress 10%\rprogress 100%", "  indented: text");
    }

    @Test
    void aCommandLineIsHeldUntilItsLineBreakEvenWhenSplitAcrossWrites() {
        out("before\n  ");
        out(":");
        out(":set-output name=a::");
        assertThat(log.stdout()).isEqualTo("before\n");
        out("value\r\nafter\n");
        assertThat(commands).containsExactly("out   ::set-output name=a::value\r");
        assertThat(log.stdout()).isEqualTo("before\nafter\n");
        assertThat(lines).containsExactly("before", "after");
    }

    @Test
    void linesThatOnlyStartLikeCommandsAreOutput() {
        out(": not a command\n::\n:::x\n::unknown::kept\n::group::Build\n");
        assertThat(log.stdout()).isEqualTo(": not a command\n::\n:::x\n::unknown::kept\n::group::Build\n");
        assertThat(commands).containsExactly("out ::", "out :::x", "out ::unknown::kept", "out ::group::Build");
        assertThat(lines).as("shown commands are not matched").containsExactly(": not a command", "::", ":::x", "::unknown::kept");
    }

    @Test
    void aMaskAddedMidStepHidesLaterOutputOnBothStreamsAndNotEarlierOutput() {
        out("token is tok-ABCDEF-123 (not yet secret)\n");
        err("err: s3cr"); // held back: it may begin the known secret
        out("::add-mask::s3cr-999\n");
        out("::add-mask::tok-ABCDEF-123\n");
        err("-999 and s3cr3t-pw\n");
        out("now tok-ABCD");
        out("EF-123 is hidden\n");
        output.close();
        assertThat(log.stdout()).isEqualTo("token is tok-ABCDEF-123 (not yet secret)\nnow *** is hidden\n");
        assertThat(log.stderr()).as("held back bytes are rescanned with the new value").isEqualTo("err: *** and ***\n");
        assertThat(lines).as("matchers see the output as written").contains("now tok-ABCDEF-123 is hidden");
    }

    @Test
    void theLastLineWithoutALineBreakIsHandledOnClose() {
        out("::set-output name=x::1");
        err("tail without newline");
        output.close();
        assertThat(commands).containsExactly("out ::set-output name=x::1");
        assertThat(log.stdout()).isEmpty();
        assertThat(log.stderr()).isEqualTo("tail without newline");
        assertThat(lines).containsExactly("tail without newline");
    }

    @Test
    void aRunawayCommandLineIsReleasedAsOutput() {
        String big = "::" + "x".repeat(StepOutput.COMMAND_LIMIT + 10);
        out(big);
        assertThat(log.stdout()).isEqualTo(big);
        out("\n");
        assertThat(commands).isEmpty();
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).hasSize(StepOutput.MATCH_LIMIT);
    }
}
