package dev.slipway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DigestTest {
    @Test
    void parsesSha256AndSha512() {
        Digest d = Digest.sha256("hello");
        assertThat(d.toString()).isEqualTo("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assertThat(Digest.parse(d.toString())).isEqualTo(d);
        Digest s512 = Digest.of("sha512", new byte[0]);
        assertThat(Digest.parse(s512.toString()).algorithm()).isEqualTo("sha512");
    }

    @Test
    void rejectsMalformedDigests() {
        for (String bad : new String[] {"sha256:abc", "md5:d41d8cd98f00b204e9800998ecf8427e", "sha256:" + "G".repeat(64),
                "sha256:" + "A".repeat(64), "nocolon", ":" + "a".repeat(64), "sha256:../../etc/passwd"}) {
            assertThatThrownBy(() -> Digest.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
