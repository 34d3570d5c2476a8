package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a step's uses names, in every form GitHub and Gitea accept. */
class ActionRefTest {
    @Test
    void forms() {
        assertThat(ActionRef.parse("./")).isEqualTo(new ActionRef.Local("", "./"));
        assertThat(ActionRef.parse("./.github/actions/setup/")).isEqualTo(new ActionRef.Local(".github/actions/setup", "./.github/actions/setup/"));
        assertThat(ActionRef.parse("./a/../b")).isEqualTo(new ActionRef.Local("b", "./a/../b"));
        assertThat(ActionRef.parse("actions/checkout@v4"))
                .isEqualTo(new ActionRef.Remote(null, "actions", "checkout", "", "v4", "actions/checkout@v4"));
        ActionRef.Remote restore = (ActionRef.Remote) ActionRef.parse("actions/cache/restore@v4");
        assertThat(restore.path()).isEqualTo("restore");
        assertThat(restore.name()).isEqualTo("actions/cache/restore");
        assertThat(restore.repository()).isEqualTo("actions/cache");
        assertThat(ActionRef.parse("https://gitea.com/actions/go-hashfiles@v0.0.1"))
                .isEqualTo(new ActionRef.Remote("https://gitea.com", "actions", "go-hashfiles", "", "v0.0.1",
                        "https://gitea.com/actions/go-hashfiles@v0.0.1"));
        assertThat(ActionRef.parse("http://git.local:3000/team/tools/lint@main"))
                .isEqualTo(new ActionRef.Remote("http://git.local:3000", "team", "tools", "lint", "main",
                        "http://git.local:3000/team/tools/lint@main"));
        assertThat(ActionRef.parse("docker://alpine:3.21")).isEqualTo(new ActionRef.Docker("alpine:3.21", "docker://alpine:3.21"));
    }

    @Test
    void mistakesSayWhatIsExpected() {
        assertThatThrownBy(() -> ActionRef.parse("actions/checkout@"))
                .hasMessage("'actions/checkout@' needs a version after '@', such as actions/checkout@v1 (a tag, a branch or a commit)");
        assertThatThrownBy(() -> ActionRef.parse("ftp://x/y@z")).hasMessageContaining("only ./path, owner/repo@ref");
        assertThatThrownBy(() -> ActionRef.parse("https://gitea.com@v1")).hasMessageContaining("names no repository");
        assertThatThrownBy(() -> ActionRef.parse("/abs/path@v1")).hasMessageContaining("is not an action");
    }
}
