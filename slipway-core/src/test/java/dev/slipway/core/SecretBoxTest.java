package dev.slipway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @TempDir
    Path dir;

    @Test
    void sealsWithAFreshNonceAndUnsealsWithTheSameKeyFile() throws Exception {
        SecretBox box = SecretBox.open(dir);
        String a = box.seal("hunter2");
        String b = box.seal("hunter2");
        assertThat(a).startsWith("v1:").doesNotContain("hunter2").isNotEqualTo(b);
        assertThat(SecretBox.open(dir).unseal(a)).isEqualTo("hunter2");
        assertThat(Files.getPosixFilePermissions(dir.resolve("credentials.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void refusesTamperedTextAndAnotherKey(@TempDir Path other) {
        String sealed = SecretBox.open(dir).seal("secret");
        char[] c = sealed.toCharArray();
        c[10] = c[10] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> SecretBox.open(dir).unseal(new String(c))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SecretBox.open(other).unseal(sealed)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("credentials.key");
    }
}
