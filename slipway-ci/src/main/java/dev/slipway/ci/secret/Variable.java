package dev.slipway.ci.secret;

/**
 * A configuration variable: a named value that workflows read as {@code vars.NAME}. Not secret:
 * the API and the CLI show values, and logs do not mask them.
 *
 * @param name upper case
 * @param description the empty string when there is none
 * @param createdAt epoch milliseconds
 * @param updatedAt epoch milliseconds
 */
public record Variable(SecretScope scope, String name, String value, String description, long createdAt, long updatedAt) {}
