package dev.slipway.web;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Principal;
import dev.slipway.registry.events.Webhooks;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The registry's webhooks under {@code /-/admin/webhooks} (site admins only, as
 * {@code /api/v1/admin/webhooks}): their URLs, owners and delivery counts, never their secrets;
 * add one, remove one. See docs/events.md for what they receive.
 */
final class WebhookPages {
    private final AdminPages admin;
    private final Pages pages;
    private final Webhooks webhooks;

    WebhookPages(AdminPages admin, Pages pages, Webhooks webhooks) {
        this.admin = admin;
        this.pages = pages;
        this.webhooks = webhooks;
    }

    void list(Context ctx) {
        admin.admin(ctx).ifPresent(p -> show(ctx, p, 200, null, null));
    }

    void add(Context ctx) {
        Optional<Principal> p = admin.admin(ctx);
        if (p.isEmpty()) {
            return;
        }
        String owner = Optional.ofNullable(ctx.formParam("owner")).orElse("").strip();
        Webhooks.Webhook w;
        try {
            w = webhooks.add(Optional.ofNullable(ctx.formParam("url")).orElse("").strip(), Optional.ofNullable(ctx.formParam("secret")).orElse(""),
                    owner.isEmpty() ? null : owner);
        } catch (SlipwayException.BadRequest | SlipwayException.NotFound e) {
            show(ctx, p.get(), 400, null, e.getMessage());
            return;
        }
        show(ctx, p.get(), 201, "Added webhook " + w.id() + " for " + (w.owner() == null ? "every owner" : w.owner()) + ".", null);
    }

    void remove(Context ctx) {
        Optional<Principal> p = admin.admin(ctx);
        if (p.isEmpty()) {
            return;
        }
        String id = ctx.pathParam("id");
        webhooks.remove(id);
        show(ctx, p.get(), 200, "Removed webhook " + id + ".", null);
    }

    private void show(Context ctx, Principal p, int status, String done, String error) {
        boolean failed = error != null;
        pages.render(ctx, status, "admin/webhooks.jte", admin.chrome(ctx, p, "Webhooks"), "webhooks", webhooks.list(), "done", done,
                "error", error, "url", failed ? Optional.ofNullable(ctx.formParam("url")).orElse("") : "",
                "owner", failed ? Optional.ofNullable(ctx.formParam("owner")).orElse("") : "");
    }
}
