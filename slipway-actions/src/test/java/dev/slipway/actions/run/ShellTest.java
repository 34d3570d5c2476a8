package dev.slipway.actions.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** GitHub's shells: the templates, and how a custom one is split into arguments. */
class ShellTest {
    private static Shell.Probe having(String... commands) {
        Set<String> set = Set.of(commands);
        return set::contains;
    }

    @Test
    void builtInShellsAsGitHubRunsThem() throws Exception {
        assertThat(Shell.of(null, having("bash", "sh")).argv("/t/s.sh")).containsExactly("bash", "-e", "/t/s.sh");
        assertThat(Shell.of(null, having("sh")).argv("/t/s.sh")).containsExactly("sh", "-e", "/t/s.sh");
        assertThat(Shell.of("bash", having()).argv("/t/s.sh")).containsExactly("bash", "--noprofile", "--norc", "-eo", "pipefail", "/t/s.sh");
        assertThat(Shell.of("sh", having()).template()).isEqualTo("sh -e {0}");
        assertThat(Shell.of("python", having("python3")).argv("/t/s.py")).containsExactly("python3", "/t/s.py");
        assertThat(Shell.of("python", having("python", "python3")).template()).isEqualTo("python {0}");
        Shell pwsh = Shell.of("pwsh", having("pwsh"));
        assertThat(pwsh.argv("/t/s.ps1")).containsExactly("pwsh", "-command", ". '/t/s.ps1'");
        assertThat(pwsh.file("Write-Output hi")).startsWith("$ErrorActionPreference = 'stop'\n").contains("exit $LASTEXITCODE");
        assertThat(Shell.of("bash", having()).file("echo hi")).isEqualTo("echo hi");
    }

    @Test
    void customTemplates() throws Exception {
        Shell perl = Shell.of("perl {0}", having());
        assertThat(perl.argv("/t/x")).containsExactly("perl", "/t/x");
        assertThat(perl.extension()).isEmpty();
        assertThat(Shell.of("bash {0}", having()).argv("/t/s.sh")).containsExactly("bash", "/t/s.sh");
        assertThat(Shell.of("bash {0}", having()).extension()).isEqualTo(".sh");
        assertThat(Shell.of("python3 -u {0} --flag", having()).argv("/t/s.py")).containsExactly("python3", "-u", "/t/s.py", "--flag");
        assertThat(Shell.split("cmd \"two words\" a\\\"b \"x\\\\\" y")).containsExactly("cmd", "two words", "a\"b", "x\\", "y");
    }

    @Test
    void shellsThatCannotRunSaySoAndWhatToDo() {
        assertThatThrownBy(() -> Shell.of("zsh", having("zsh"))).hasMessage(Shell.INVALID);
        assertThatThrownBy(() -> Shell.of("pwsh", having("bash"))).hasMessageContaining("pwsh needs PowerShell").hasMessageContaining("another shell");
        assertThatThrownBy(() -> Shell.of("cmd", having())).hasMessageContaining("only on Windows");
        assertThatThrownBy(() -> Shell.of("powershell", having())).hasMessageContaining("only on Windows");
        assertThatThrownBy(() -> Shell.of("python", having("bash"))).hasMessageContaining("python or python3");
    }
}
