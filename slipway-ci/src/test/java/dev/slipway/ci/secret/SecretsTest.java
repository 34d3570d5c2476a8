package dev.slipway.ci.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    @TempDir
    Path dir;
    TestState state;
    Secrets secrets;

    @BeforeEach
    void open() {
        state = new TestState(dir);
        state.owner("alice", "user");
        state.owner("acme", "org");
        secrets = state.secrets();
    }

    @AfterEach
    void close() {
        state.close();
    }

    @Test
    void valuesRoundTripAndAreStoredSealedUnderAPrivateKeyFile() throws Exception {
        Path keyFile = state.config.secretsDir().resolve("secrets.key");
        assertThat(keyFile).doesNotExist(); // created on first use only
        byte[] binary = {0, (byte) 0xff, 10, 13, (byte) 0x80, 'x'};
        assertThat(secrets.put(SecretScope.repository("acme", "web"), "npm_token", b("npm-value-123"))).isTrue();
        assertThat(secrets.put(SecretScope.repository("acme", "web"), "BLOB", binary)).isTrue();

        Map<String, byte[]> got = secrets.resolve("acme", "web", List.of("npm_token", "BLOB"));
        assertThat(got.keySet()).containsExactly("npm_token", "BLOB");
        assertThat(got.get("npm_token")).isEqualTo(b("npm-value-123"));
        assertThat(got.get("BLOB")).isEqualTo(binary);

        String sealed = state.database.jdbi().withHandle(h -> h.createQuery("SELECT sealed FROM ci_secrets WHERE name = 'NPM_TOKEN'")
                .mapTo(String.class).one());
        assertThat(new String(Base64.getDecoder().decode(sealed), StandardCharsets.ISO_8859_1)).doesNotContain("npm-value");
        assertThat(Files.readAllBytes(keyFile)).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent()))).isEqualTo("rwx------");

        // The same value sealed twice gives different ciphertexts (a fresh nonce each time).
        secrets.put(SecretScope.global(), "A", b("same-value"));
        secrets.put(SecretScope.global(), "B", b("same-value"));
        List<String> both = state.database.jdbi().withHandle(h -> h.createQuery("SELECT sealed FROM ci_secrets WHERE name IN ('A', 'B')")
                .mapTo(String.class).list());
        assertThat(both.get(0)).isNotEqualTo(both.get(1));
    }

    @Test
    void repositoryOverridesOwnerOverridesGlobal() {
        secrets.put(SecretScope.global(), "TOKEN", b("global"));
        secrets.put(SecretScope.global(), "ONLY_GLOBAL", b("g-only"));
        secrets.put(SecretScope.owner("acme"), "TOKEN", b("owner"));
        secrets.put(SecretScope.repository("acme", "web"), "TOKEN", b("repo"));

        assertThat(text(secrets.resolve("acme", "web", List.of("TOKEN", "only_global")))).containsExactly(
                Map.entry("TOKEN", "repo"), Map.entry("only_global", "g-only"));
        assertThat(text(secrets.resolve("acme", "api", List.of("TOKEN")))).containsExactly(Map.entry("TOKEN", "owner"));
        assertThat(text(secrets.resolve("alice", "web", List.of("TOKEN")))).containsExactly(Map.entry("TOKEN", "global"));
        assertThat(secrets.resolve("acme", "web", List.of())).isEmpty();
    }

    @Test
    void aMissingSecretFailsNamingItAndTheScopesSearched() {
        secrets.put(SecretScope.global(), "PRESENT", b("here-it-is"));
        assertThatThrownBy(() -> secrets.resolve("acme", "web", List.of("PRESENT", "deploy_key", "OTHER")))
                .isInstanceOf(MissingSecretException.class)
                .hasMessage("secrets 'deploy_key', 'OTHER' are not set; searched repo:acme/web, owner:acme, global")
                .satisfies(e -> assertThat(((MissingSecretException) e).names()).containsExactly("deploy_key", "OTHER"));
        assertThatThrownBy(() -> secrets.resolve("acme", "web", List.of("X")))
                .hasMessage("secret 'X' is not set; searched repo:acme/web, owner:acme, global");
    }

    @Test
    void aChangedMovedOrForeignValueIsRefused() throws Exception {
        secrets.put(SecretScope.repository("acme", "web"), "TOKEN", b("repo-value"));
        secrets.put(SecretScope.owner("acme"), "OTHER", b("owner-value"));

        // Flip one bit of the ciphertext.
        String sealed = state.database.jdbi().withHandle(h -> h.createQuery("SELECT sealed FROM ci_secrets WHERE name = 'TOKEN'")
                .mapTo(String.class).one());
        byte[] raw = Base64.getDecoder().decode(sealed);
        raw[raw.length - 20] ^= 1;
        state.database.jdbi().useHandle(h -> h.createUpdate("UPDATE ci_secrets SET sealed = :s WHERE name = 'TOKEN'")
                .bind("s", Base64.getEncoder().encodeToString(raw)).execute());
        assertThatThrownBy(() -> secrets.resolve("acme", "web", List.of("TOKEN")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("TOKEN").hasMessageContaining("integrity");

        // A valid ciphertext moved to another scope and name does not open there: the scope and name are bound in.
        state.database.jdbi().useHandle(h -> h.createUpdate(
                "UPDATE ci_secrets SET scope = 'repo:acme/web', name = 'MOVED' WHERE name = 'OTHER'").execute());
        assertThatThrownBy(() -> secrets.resolve("acme", "web", List.of("MOVED"))).hasMessageContaining("integrity");

        // Another key file: the message says so instead of claiming tampering.
        secrets.put(SecretScope.global(), "G", b("global-value"));
        Path otherData = dir.resolve("other");
        Files.createDirectories(otherData);
        Secrets foreign = new Secrets(state.database.jdbi(), otherData, state.identity, System::currentTimeMillis);
        assertThatThrownBy(() -> foreign.resolve("acme", "web", List.of("G")))
                .hasMessageContaining("was sealed with key").hasMessageContaining("restore the key file");
    }

    @Test
    void cipherDetectsTamperingAndWrongAssociatedData() throws Exception {
        dev.slipway.core.Aead c = new dev.slipway.core.Aead(new byte[32]);
        byte[] aad = Secrets.aad(SecretScope.global(), "X");
        byte[] sealed = c.seal(b("value"), aad);
        assertThat(sealed).hasSize(12 + 5 + 16);
        assertThat(c.open(sealed, aad)).isEqualTo(b("value"));
        assertThatThrownBy(() -> c.open(sealed, Secrets.aad(SecretScope.global(), "Y"))).isInstanceOf(AEADBadTagException.class);
        for (int i = 0; i < sealed.length; i++) {
            byte[] t = sealed.clone();
            t[i] ^= (byte) 0x40;
            assertThatThrownBy(() -> c.open(t, aad)).as("byte %d changed", i).isInstanceOf(AEADBadTagException.class);
        }
        assertThatThrownBy(() -> c.open(new byte[10], aad)).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void listingShowsNamesAndTimesAndDeleteRemoves() {
        assertThat(secrets.put(SecretScope.owner("acme"), "b_token", b("value-1"))).isTrue();
        assertThat(secrets.put(SecretScope.owner("acme"), "B_TOKEN", b("value-2"))).isFalse(); // names ignore case
        secrets.put(SecretScope.owner("acme"), "A_TOKEN", b("value-3"));
        secrets.put(SecretScope.global(), "G", b("value-4"));
        assertThat(secrets.list(SecretScope.owner("acme"))).extracting(SecretInfo::name).containsExactly("A_TOKEN", "B_TOKEN");
        assertThat(secrets.list()).extracting(i -> i.scope().wireName() + " " + i.name())
                .containsExactly("global G", "owner:acme A_TOKEN", "owner:acme B_TOKEN");
        assertThat(text(secrets.resolve("acme", "x", List.of("B_TOKEN")))).containsEntry("B_TOKEN", "value-2");

        secrets.delete(SecretScope.owner("acme"), "a_token");
        assertThat(secrets.list(SecretScope.owner("acme"))).extracting(SecretInfo::name).containsExactly("B_TOKEN");
        assertThatThrownBy(() -> secrets.delete(SecretScope.owner("acme"), "A_TOKEN")).isInstanceOf(SlipwayException.NotFound.class);
    }

    @Test
    void badNamesScopesAndValuesAreRefused() {
        for (String name : List.of("", "1ABC", "A-B", "GITHUB_TOKEN", "gitea_x", "SLIPWAY_X", "A".repeat(129))) {
            assertThatThrownBy(() -> secrets.put(SecretScope.global(), name, b("value"))).as(name)
                    .isInstanceOf(SlipwayException.BadRequest.class);
        }
        assertThatThrownBy(() -> secrets.put(SecretScope.global(), "E", new byte[0])).hasMessageContaining("empty");
        assertThatThrownBy(() -> secrets.put(SecretScope.global(), "BIG", new byte[Secrets.MAX_VALUE_BYTES + 1]))
                .hasMessageContaining("at most");
        assertThatThrownBy(() -> secrets.put(SecretScope.owner("nobody"), "X", b("value"))).isInstanceOf(SlipwayException.NotFound.class);
        for (String scope : List.of("", "org:acme", "owner:", "repo:acme", "repo:acme/", "repo:acme/..", "repo:Acme/web", "repo:acme/a/b",
                "env:acme/web", "env:acme/web/", "env:acme/web/a/b", "env:acme/web/a b", "env:acme/a b/prod")) {
            assertThatThrownBy(() -> SecretScope.parse(scope)).as(scope).isInstanceOf(SlipwayException.BadRequest.class);
        }
        assertThat(SecretScope.parse("repo:acme/web.site_2")).isEqualTo(SecretScope.repository("acme", "web.site_2"));
        assertThat(SecretScope.parse("owner:acme").wireName()).isEqualTo("owner:acme");
        assertThat(SecretScope.parse("env:acme/web/Prod")).isEqualTo(SecretScope.environment("acme", "web", "prod"));
        assertThat(SecretScope.parse("env:acme/web/Prod").wireName()).isEqualTo("env:acme/web/prod");
    }

    private static Map<String, String> text(Map<String, byte[]> m) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
        return out;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
