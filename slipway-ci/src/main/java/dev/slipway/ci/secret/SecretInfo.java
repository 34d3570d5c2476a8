package dev.slipway.ci.secret;

/** A stored secret without its value: what listings show. Times are epoch milliseconds. */
public record SecretInfo(SecretScope scope, String name, long createdAt, long updatedAt) {}
