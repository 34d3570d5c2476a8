package dev.slipway.ci.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.core.SlipwayException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.sshd.common.config.keys.loader.openssh.OpenSSHKeyPairResourceParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployKeysTest {
    @TempDir
    Path dir;
    TestState state;
    final List<String> uses = new ArrayList<>();
    DeployKeys keys;
    Path gitSsh;

    @BeforeEach
    void open() {
        state = new TestState(dir);
        state.owner("alice", "user");
        keys = new DeployKeys(state.config.secretsDir(), state.identity, (owner, name) -> List.copyOf(uses));
        gitSsh = state.config.secretsDir().resolve("git-ssh");
    }

    @AfterEach
    void close() {
        state.close();
    }

    @Test
    void createsAKeyPairInSeed004sLayoutAndFormats() throws Exception {
        DeployKey k = keys.create("alice", "websperiments-deploy");
        Path pub = gitSsh.resolve("alice/public/websperiments-deploy");
        Path priv = gitSsh.resolve("alice/private/websperiments-deploy");
        assertThat(k.publicKey()).matches("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} slipway/alice/websperiments-deploy");
        assertThat(Files.readString(pub)).isEqualTo(k.publicKey() + "\n");
        assertThat(k.fingerprint()).matches("SHA256:[A-Za-z0-9+/]{43}");
        String privateText = Files.readString(priv);
        assertThat(privateText).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n").endsWith("\n-----END OPENSSH PRIVATE KEY-----\n");
        assertThat(privateText.lines().skip(1).limit(3)).allSatisfy(l -> assertThat(l).hasSize(70));
        assertThat(mode(priv)).isEqualTo("rw-------");
        for (Path d : List.of(gitSsh, gitSsh.resolve("alice"), priv.getParent(), pub.getParent())) {
            assertThat(mode(d)).as(d.toString()).isEqualTo("rwx------");
        }
        try (var s = Files.list(priv.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("websperiments-deploy"); // no temporary file left
        }
        assertThat(keys.privateKeyPath("alice", "websperiments-deploy")).isEqualTo(priv);
        assertThat(keys.get("alice", "websperiments-deploy")).isEqualTo(k);
        assertThat(keys.list(null)).containsExactly(k);
        assertThat(keys.list("alice")).containsExactly(k);
        assertThat(keys.list("nobody")).isEmpty();
    }

    @Test
    void sshKeygenReadsBothHalves() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "ssh-keygen is not installed");
        DeployKey k = keys.create("alice", "k1");
        Path priv = keys.privateKeyPath("alice", "k1");
        String derived = run("ssh-keygen", "-y", "-f", priv.toString()).trim();
        assertThat(k.publicKey()).startsWith(derived.split(" ")[0] + " " + derived.split(" ")[1]);
        String listed = run("ssh-keygen", "-l", "-f", gitSsh.resolve("alice/public/k1").toString());
        assertThat(listed).startsWith("256 " + k.fingerprint() + " slipway/alice/k1 (ED25519)");
        assertThat(run("ssh-keygen", "-l", "-f", priv.toString())).contains(k.fingerprint());
    }

    /** JGit's SSH transport reads keys through Apache MINA sshd; the key must load and sign there. */
    @Test
    void minaSshdLoadsThePrivateKey() throws Exception {
        keys.create("alice", "k2");
        Collection<KeyPair> pairs = OpenSSHKeyPairResourceParser.INSTANCE.loadKeyPairs(null, keys.privateKeyPath("alice", "k2"), null);
        assertThat(pairs).hasSize(1);
        KeyPair pair = pairs.iterator().next();
        Signature sig = Signature.getInstance("Ed25519");
        sig.initSign(pair.getPrivate());
        sig.update("hello".getBytes(StandardCharsets.UTF_8));
        byte[] signature = sig.sign();
        assertThat(signature).hasSize(64);
    }

    @Test
    void refusesToOverwriteAndCheckNames() {
        keys.create("alice", "k");
        assertThatThrownBy(() -> keys.create("alice", "k")).isInstanceOf(SlipwayException.Conflict.class)
                .hasMessageContaining("already exists");
        for (String bad : List.of("", ".hidden", "../x", "a/b", "x".repeat(101), "-dash")) {
            assertThatThrownBy(() -> keys.create("alice", bad)).as(bad).isInstanceOf(SlipwayException.BadRequest.class);
        }
        assertThatThrownBy(() -> keys.create("nobody", "k")).isInstanceOf(SlipwayException.NotFound.class);
        assertThatThrownBy(() -> keys.get("alice", "missing")).isInstanceOf(SlipwayException.NotFound.class);
        assertThatThrownBy(() -> keys.privateKeyPath("alice", "missing")).isInstanceOf(SlipwayException.NotFound.class);
    }

    @Test
    void deleteRefusesWhileReferencedUnlessForced() {
        keys.create("alice", "k");
        uses.add("repository alice/web");
        assertThat(keys.references("alice", "k")).containsExactly("repository alice/web");
        assertThatThrownBy(() -> keys.delete("alice", "k", false)).isInstanceOf(SlipwayException.Conflict.class)
                .hasMessageContaining("repository alice/web");
        assertThat(keys.list("alice")).hasSize(1);
        assertThat(keys.delete("alice", "k", true)).containsExactly("repository alice/web");
        assertThat(keys.list("alice")).isEmpty();
        assertThat(gitSsh.resolve("alice/public/k")).doesNotExist();
        assertThatThrownBy(() -> keys.delete("alice", "k", true)).isInstanceOf(SlipwayException.NotFound.class);

        uses.clear();
        keys.create("alice", "k"); // the name is free again
        assertThat(keys.delete("alice", "k", false)).isEmpty();
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }
}
