package dev.slipway.ci.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcceptNewHostKeysTest {
    @TempDir
    Path dir;

    static PublicKey newKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair().getPublic();
    }

    static InetSocketAddress loopback(int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
    }

    static String entry(PublicKey key) throws Exception {
        return PublicKeyEntry.appendPublicKeyEntry(new StringBuilder(), key).toString();
    }

    @Test
    void acceptsANewHostOnceAndThenOnlyItsKey() throws Exception {
        Path file = dir.resolve(".ssh/known_hosts");
        AcceptNewHostKeys keys = new AcceptNewHostKeys(file);
        PublicKey first = newKey();
        assertThat(keys.accept("[git.example]:2222", loopback(2222), first, null, null)).isTrue();
        assertThat(Files.readString(file)).isEqualTo("[git.example]:2222 " + entry(first) + "\n");
        assertThat(keys.accept("[git.example]:2222", loopback(2222), first, null, null)).isTrue();
        assertThat(keys.lookup("[git.example]:2222", loopback(2222), null)).singleElement()
                .satisfies(k -> assertThat(KeyUtils.compareKeys(k, first)).isTrue());

        PublicKey impostor = newKey();
        long before = System.nanoTime();
        assertThat(keys.accept("[git.example]:2222", loopback(2222), impostor, null, null)).isFalse();
        assertThat(keys.refusal("git.example", 2222, before))
                .contains("the host key of [git.example]:2222 has changed: it is now " + KeyUtils.getFingerPrint(impostor) + ", but "
                        + file + " records " + KeyUtils.getFingerPrint(first) + ".")
                .contains("ssh-keygen -R '[git.example]:2222' -f " + file);
        assertThat(Files.readAllLines(file)).hasSize(1);

        // Another port of the same host is another server; port 22 is written without brackets.
        assertThat(keys.accept("git.example:22", loopback(22), impostor, null, null)).isTrue();
        assertThat(Files.readAllLines(file)).containsExactly("[git.example]:2222 " + entry(first), "git.example " + entry(impostor));
        assertThat(keys.refusal("git.example", 22, before)).isNull();
        assertThat(keys.refusal("git.example", 2222, System.nanoTime())).as("refused before that operation").isNull();
    }

    @Test
    void readsLinesWrittenByOpenSsh() throws Exception {
        Path file = dir.resolve("known_hosts");
        PublicKey pinned = newKey();
        PublicKey revoked = newKey();
        Files.writeString(file, "# pinned by an administrator\n"
                + "forge.example,10.0.0.7 " + entry(pinned) + "\n"
                + "@revoked forge.example " + entry(revoked) + "\n");
        AcceptNewHostKeys keys = new AcceptNewHostKeys(file);
        long before = System.nanoTime();
        assertThat(keys.accept("forge.example", loopback(22), pinned, null, null)).isTrue();
        assertThat(keys.accept("forge.example", loopback(22), revoked, null, null)).isFalse();
        assertThat(keys.refusal("forge.example", 22, before)).contains("revoked");
        assertThat(keys.accept("forge.example", loopback(22), newKey(), null, null)).isFalse();
        assertThat(keys.refusal("forge.example", 22, before)).contains("has changed");
    }
}
