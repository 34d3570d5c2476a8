package dev.slipway.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * Seals secrets that Slipway must use again in the clear (upstream registry passwords, webhook
 * signing secrets) before they go into the database, so a database dump alone does not reveal
 * them, with {@link Aead} (AES-256-GCM, a random 96-bit nonce per value, no associated data); the key is
 * {@code <data>/secrets/credentials.key}. Sealed text is {@code v1:<base64(nonce || ciphertext)>}.
 */
public final class SecretBox {
    private static final String PREFIX = "v1:";
    private static final byte[] NO_AAD = new byte[0];

    private final Aead aead;

    private SecretBox(byte[] key) {
        this.aead = new Aead(Arrays.copyOf(key, 32));
    }

    public static SecretBox open(Path secretsDir) {
        try {
            return new SecretBox(KeyFiles.loadOrCreate(keyFile(secretsDir), 32));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + keyFile(secretsDir), e);
        }
    }

    /** The key's file, created with the data directory: the database's sealed values are readable only with it. */
    public static Path keyFile(Path secretsDir) {
        return secretsDir.resolve("credentials.key");
    }

    public String seal(String plain) {
        return PREFIX + Base64.getEncoder().encodeToString(aead.seal(plain.getBytes(StandardCharsets.UTF_8), NO_AAD));
    }

    /** The clear text; fails if the value was sealed with another key (the key file was replaced). */
    public String unseal(String sealed) {
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("not a sealed secret");
        }
        try {
            return new String(aead.open(Base64.getDecoder().decode(sealed.substring(PREFIX.length())), NO_AAD), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot unseal a stored secret: was data/secrets/credentials.key replaced?", e);
        }
    }
}
