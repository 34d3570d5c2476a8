package dev.slipway.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets that Slipway must use again in the clear (upstream registry passwords, webhook
 * signing secrets) before they go into the database, so a database dump alone does not reveal
 * them. AES-256-GCM with a random 96-bit nonce per value; the key is
 * {@code <data>/secrets/credentials.key}. Sealed text is {@code v1:<base64(nonce || ciphertext)>}.
 */
public final class SecretBox {
    private static final String PREFIX = "v1:";
    private static final int NONCE = 12;

    private final SecretKeySpec key;

    private SecretBox(byte[] key) {
        this.key = new SecretKeySpec(Arrays.copyOf(key, 32), "AES");
    }

    public static SecretBox open(Path secretsDir) {
        try {
            return new SecretBox(KeyFiles.loadOrCreate(secretsDir.resolve("credentials.key"), 32));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + secretsDir.resolve("credentials.key"), e);
        }
    }

    public String seal(String plain) {
        try {
            byte[] nonce = Ids.randomBytes(NONCE);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The clear text; fails if the value was sealed with another key (the key file was replaced). */
    public String unseal(String sealed) {
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("not a sealed secret");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, NONCE));
            return new String(c.doFinal(in, NONCE, in.length - NONCE), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot unseal a stored secret: was data/secrets/credentials.key replaced?", e);
        }
    }
}
