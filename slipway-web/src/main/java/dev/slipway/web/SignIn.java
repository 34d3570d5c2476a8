package dev.slipway.web;

import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Sessions;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Optional;

/** Signing in with a password and out again: the session cookie's life. */
final class SignIn {
    private final Identity identity;
    private final Sessions sessions;
    private final Cookies cookies;
    private final Csrf csrf;
    private final Pages pages;
    private final WebAuth auth;

    SignIn(Identity identity, Sessions sessions, Cookies cookies, Csrf csrf, Pages pages, WebAuth auth) {
        this.identity = identity;
        this.sessions = sessions;
        this.cookies = cookies;
        this.csrf = csrf;
        this.pages = pages;
        this.auth = auth;
    }

    void form(Context ctx) {
        String next = next(ctx.queryParam("next"));
        if (!auth.principal(ctx).isAnonymous()) {
            ctx.redirect(next, HttpStatus.SEE_OTHER);
            return;
        }
        show(ctx, 200, next, "", null);
    }

    void signIn(Context ctx) {
        csrf.check(ctx);
        String user = Optional.ofNullable(ctx.formParam("username")).orElse("").strip();
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        String next = next(ctx.formParam("next"));
        // Passwords only: a token is for scripts, and a page signed in with one would outlive its revocation.
        Optional<Principal> p = identity.authenticateToken(password).isPresent() ? Optional.empty() : identity.authenticate(user, password);
        if (p.isEmpty()) {
            show(ctx, 401, next, user, "Wrong username or password.");
            return;
        }
        sessions.deleteExpired();
        Sessions.Created s = sessions.create(p.get().username());
        String old = ctx.cookie(Web.SESSION_COOKIE);
        if (old != null) {
            sessions.delete(old); // a new id at every sign-in: a cookie planted before it is worth nothing
        }
        cookies.set(ctx, Web.SESSION_COOKIE, s.id(), sessions.maxAge().toSeconds());
        cookies.delete(ctx, Csrf.PRE_SESSION_COOKIE);
        ctx.redirect(next, HttpStatus.SEE_OTHER);
    }

    void signOut(Context ctx) {
        csrf.check(ctx);
        String id = ctx.cookie(Web.SESSION_COOKIE);
        if (id != null) {
            sessions.delete(id);
        }
        cookies.delete(ctx, Web.SESSION_COOKIE);
        ctx.redirect("/-/login", HttpStatus.SEE_OTHER);
    }

    private void show(Context ctx, int status, String next, String username, String error) {
        var chrome = pages.chrome(ctx, Principal.ANONYMOUS, Pages.Frame.of("Sign in", "login"));
        pages.render(ctx, status, "login.jte", chrome, "next", next, "username", username, "error", error);
    }

    /** Where to go after signing in: a path on this server only, never another site. */
    static String next(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.startsWith("/-/log")) {
            return "/";
        }
        return next.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? "/" : next;
    }
}
