package dev.slipway.ci.secret;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 keys in OpenSSH's formats, written by hand from the JDK's Ed25519 so that no SSH library
 * decides the on-disk format: the {@code authorized_keys}-style public line (RFC 8709 key blob)
 * and the unencrypted {@code openssh-key-v1} private key (OpenSSH's PROTOCOL.key), exactly as
 * {@code ssh-keygen -t ed25519 -N ''} writes them.
 */
final class OpenSshFormat {
    private static final String TYPE = "ssh-ed25519";
    /** The DER prefix of an X.509 Ed25519 public key; the raw 32-byte key follows it. */
    private static final int X509_PREFIX = 12;

    private OpenSshFormat() {}

    /** A new key pair: {@code [0]} the 32-byte public key, {@code [1]} the 32-byte private seed. */
    static byte[][] generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] x509 = pair.getPublic().getEncoded();
            byte[] pub = Arrays.copyOfRange(x509, X509_PREFIX, x509.length);
            byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
            if (pub.length != 32 || seed.length != 32) {
                throw new IllegalStateException("unexpected Ed25519 key encoding");
            }
            return new byte[][] {pub, seed};
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available in this JDK", e);
        }
    }

    /** The key blob: string "ssh-ed25519", string key. */
    static byte[] publicBlob(byte[] pub) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        string(b, TYPE.getBytes(StandardCharsets.US_ASCII));
        string(b, pub);
        return b.toByteArray();
    }

    static String publicLine(byte[] pub, String comment) {
        return TYPE + " " + Base64.getEncoder().encodeToString(publicBlob(pub)) + " " + comment + "\n";
    }

    /** {@code SHA256:<base64 without padding>} of the key blob, as ssh-keygen -l and forges print it. */
    static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key blob of a public key line, or an exception if the line is not an ssh-ed25519 key. */
    static byte[] blobOfLine(String line) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length < 2 || !parts[0].equals(TYPE)) {
            throw new IllegalArgumentException("not an ssh-ed25519 public key line");
        }
        return Base64.getDecoder().decode(parts[1]);
    }

    static String privateKey(byte[] pub, byte[] seed, String comment, int checkInt) {
        ByteArrayOutputStream secret = new ByteArrayOutputStream();
        int32(secret, checkInt);
        int32(secret, checkInt); // the same twice: a wrong passphrase shows as a mismatch
        string(secret, TYPE.getBytes(StandardCharsets.US_ASCII));
        string(secret, pub);
        byte[] both = new byte[64]; // OpenSSH keeps seed || public key as the private key
        System.arraycopy(seed, 0, both, 0, 32);
        System.arraycopy(pub, 0, both, 32, 32);
        string(secret, both);
        string(secret, comment.getBytes(StandardCharsets.UTF_8));
        for (int pad = 1; secret.size() % 8 != 0; pad++) {
            secret.write(pad); // cipher "none" has block size 8
        }
        ByteArrayOutputStream key = new ByteArrayOutputStream();
        key.writeBytes("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII));
        string(key, "none".getBytes(StandardCharsets.US_ASCII)); // cipher
        string(key, "none".getBytes(StandardCharsets.US_ASCII)); // kdf
        string(key, new byte[0]); // kdf options
        int32(key, 1); // number of keys
        string(key, publicBlob(pub));
        string(key, secret.toByteArray());
        String encoded = Base64.getEncoder().encodeToString(key.toByteArray());
        StringBuilder pem = new StringBuilder("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        for (int i = 0; i < encoded.length(); i += 70) { // ssh-keygen's line length (not a multiple of 4, so no MIME encoder)
            pem.append(encoded, i, Math.min(encoded.length(), i + 70)).append('\n');
        }
        return pem.append("-----END OPENSSH PRIVATE KEY-----\n").toString();
    }

    private static void string(ByteArrayOutputStream out, byte[] value) {
        int32(out, value.length);
        out.writeBytes(value);
    }

    private static void int32(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
    }
}
