package dev.slipway.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slipway's one authenticated cipher: AES-256-GCM with a random 96-bit nonce per value. A sealed
 * value is {@code nonce || ciphertext || 128-bit tag}. Random nonces are safe far beyond any
 * number of secrets a server will hold (the 2^32 bound for one key). The caller's associated data
 * binds a value to where it is stored (CI secrets: scope and name), so a ciphertext copied
 * elsewhere fails to open. Used by {@link SecretBox} (credentials in the database) and by CI
 * secrets.
 */
public final class Aead {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final String keyId;

    public Aead(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
        this.keyId = keyId(key);
    }

    /** A short, non-secret name for the key, stored beside each value to tell "wrong key" from "tampered". */
    public String keyId() {
        return keyId;
    }

    public byte[] seal(byte[] plaintext, byte[] aad) {
        byte[] nonce = Ids.randomBytes(NONCE_BYTES);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            byte[] out = new byte[NONCE_BYTES + c.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            c.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** @throws AEADBadTagException if the value was changed, moved to another scope or name, or sealed with another key */
    public byte[] open(byte[] sealed, byte[] aad) throws AEADBadTagException {
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new AEADBadTagException("sealed value is too short");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            c.updateAAD(aad);
            return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static String keyId(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("slipway secrets key id\0".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest(key), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
