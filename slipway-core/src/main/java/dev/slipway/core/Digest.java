package dev.slipway.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest {@code algorithm:hex}; sha256 and sha512 as the OCI image spec registers them. */
public record Digest(String algorithm, String hex) {
    private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern HEX128 = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        boolean ok = switch (algorithm) {
            case "sha256" -> HEX64.matcher(hex).matches();
            case "sha512" -> HEX128.matcher(hex).matches();
            default -> false;
        };
        if (!ok) {
            throw new IllegalArgumentException("invalid digest '" + algorithm + ":" + hex + "'");
        }
    }

    /** Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}; throws IllegalArgumentException otherwise. */
    public static Digest parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing digest");
        }
        int colon = text.indexOf(':');
        if (colon <= 0 || text.length() > 200) {
            throw new IllegalArgumentException("invalid digest '" + text + "'");
        }
        String algorithm = text.substring(0, colon);
        if (!algorithm.equals("sha256") && !algorithm.equals("sha512")) {
            throw new IllegalArgumentException("unsupported digest algorithm '" + algorithm + "' (supported: sha256, sha512)");
        }
        return new Digest(algorithm, text.substring(colon + 1));
    }

    public static boolean looksLikeDigest(String text) {
        return text.indexOf(':') > 0;
    }

    public static Digest sha256(byte[] content) {
        return of("sha256", content);
    }

    public static Digest of(String algorithm, byte[] content) {
        MessageDigest md = newMessageDigest(algorithm);
        return new Digest(algorithm, HexFormat.of().formatHex(md.digest(content)));
    }

    public static Digest sha256(String content) {
        return sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    public static MessageDigest newMessageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(switch (algorithm) {
                case "sha256" -> "SHA-256";
                case "sha512" -> "SHA-512";
                default -> throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
            });
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public MessageDigest newMessageDigest() {
        return newMessageDigest(algorithm);
    }

    public static Digest fromMessageDigest(String algorithm, MessageDigest md) {
        return new Digest(algorithm, HexFormat.of().formatHex(md.digest()));
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
