package dev.slipway.actions.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE and GITHUB_PATH as the runner reads them; cases from act's environment-files workflow and GitHub's docs. */
class FileCommandsTest {
    @Test
    void nameValueLines() {
        assertThat(FileCommands.keyValues("KEY=value\n")).containsExactly(Map.entry("KEY", "value"));
        assertThat(FileCommands.keyValues("KEY=value=anothervalue\n")).containsExactly(Map.entry("KEY", "value=anothervalue"));
        assertThat(FileCommands.keyValues("A=1\n\nB=\nA=3")).containsExactly(Map.entry("A", "3"), Map.entry("B", ""));
        // the first of '=' and '<<' decides: this is a value with '<<' in it
        assertThat(FileCommands.keyValues("X=a<<b\n")).containsExactly(Map.entry("X", "a<<b"));
        // a CR stays part of the value, as on the runner's Linux build
        assertThat(FileCommands.keyValues("W=dos\r\n")).containsExactly(Map.entry("W", "dos\r"));
    }

    @Test
    void multiLineValuesEndAtTheLineThatIsTheDelimiter() {
        assertThat(FileCommands.keyValues("KEY2<<EOF\nvalue2\nEOF\n")).containsExactly(Map.entry("KEY2", "value2"));
        assertThat(FileCommands.keyValues("KEY3<<ghadelimiter_b8273c6d-d535-419a-a010-b0aaac240e36\nvalue3\n"
                + "ghadelimiter_b8273c6d-d535-419a-a010-b0aaac240e36\n")).containsExactly(Map.entry("KEY3", "value3"));
        assertThat(FileCommands.keyValues("MULTI<<EOF\nhello\nworld\nEOF")).containsExactly(Map.entry("MULTI", "hello\nworld"));
        assertThat(FileCommands.keyValues("E<<EOF\nEOF\nF=1\n")).containsExactly(Map.entry("E", ""), Map.entry("F", "1"));
        // GitHub's docs: JSON over several lines; a line holding the delimiter with more text does not end it
        assertThat(FileCommands.keyValues("JSON_RESPONSE<<EOF\n{\n  \"a\": \"EOF \"\n}\nEOF\n"))
                .containsExactly(Map.entry("JSON_RESPONSE", "{\n  \"a\": \"EOF \"\n}"));
        assertThat(FileCommands.keyValues("B<<EOF\n\n\nEOF\n")).containsExactly(Map.entry("B", "\n"));
    }

    @Test
    void malformedFilesAreErrorsWithTheRunnersWords() {
        assertThatThrownBy(() -> FileCommands.keyValues("BAD<<EOF\nvalue")).hasMessage("Invalid value. EOF marker missing new line.");
        assertThatThrownBy(() -> FileCommands.keyValues("BAD<<EOF\nvalue\n")).hasMessage("Invalid value. Matching delimiter not found 'EOF'");
        assertThatThrownBy(() -> FileCommands.keyValues("INVALID")).hasMessage("Invalid format 'INVALID'");
        assertThatThrownBy(() -> FileCommands.keyValues("=value\n")).hasMessage("Invalid format '=value'. Name must not be empty");
        assertThatThrownBy(() -> FileCommands.keyValues("<<EOF\n")).hasMessageContaining("delimiter must not be empty");
        assertThatThrownBy(() -> FileCommands.keyValues("N<<\n")).hasMessageContaining("delimiter must not be empty");
    }

    @Test
    void pathLines() {
        assertThat(FileCommands.paths("/opt/a\n\n/opt/b\r\n")).containsExactly("/opt/a", "/opt/b");
        assertThat(FileCommands.paths("")).isEmpty();
    }
}
