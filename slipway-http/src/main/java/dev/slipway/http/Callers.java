package dev.slipway.http;

import dev.slipway.core.identity.Caller;
import io.javalin.http.Context;

/**
 * The caller of a request, as the server's pipeline resolved it once before any route ran and kept
 * on the request ({@link Caller#ATTRIBUTE}). Route classes read it here and never look at
 * credentials themselves.
 */
public final class Callers {
    private Callers() {}

    public static Caller of(Context ctx) {
        Caller caller = ctx.attribute(Caller.ATTRIBUTE);
        if (caller == null) {
            throw new IllegalStateException("no caller on " + ctx.path() + ": the authentication pipeline did not run");
        }
        return caller;
    }
}
