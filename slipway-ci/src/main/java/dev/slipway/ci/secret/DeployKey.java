package dev.slipway.ci.secret;

/**
 * The public half of a deploy key, safe to show.
 *
 * @param publicKey the OpenSSH public key line to paste into the forge: {@code ssh-ed25519 AAAA... slipway/<owner>/<name>}
 * @param fingerprint as {@code ssh-keygen -l} and forges show it: {@code SHA256:...}
 * @param createdAt epoch milliseconds
 */
public record DeployKey(String owner, String name, String publicKey, String fingerprint, long createdAt) {}
