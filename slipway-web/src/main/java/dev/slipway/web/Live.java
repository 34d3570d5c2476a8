package dev.slipway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.ChangeCounter;
import dev.slipway.core.Ids;
import dev.slipway.core.SlipwayException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Live parts of pages over Server-Sent Events: after every change of a run, the parts are rendered
 * again and those whose HTML changed are sent as {@code event: fragment} with
 * {@code {"id": element id, "html": ...}}; the page's script puts the HTML in place. The server
 * renders every byte of HTML, so pages and their live updates can never disagree.
 *
 * <p>A page names the change version it was rendered at ({@link #version}); a stream that starts
 * at that version sends nothing until the next change. A comment every 15 s keeps proxies from
 * closing an idle stream, and finds out when the browser has gone.
 */
final class Live {
    private static final long KEEPALIVE_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** Changes closer together than this are sent together (a run's tasks often change in bursts). */
    private static final long COALESCE_MILLIS = 150;
    /** Tells versions of this process from those of an earlier one (the counter starts again at a restart). */
    private static final String BOOT = Ids.randomHex(4);

    private final ChangeCounter changes;
    private final ObjectMapper json = new ObjectMapper();

    Live(ChangeCounter changes) {
        this.changes = changes;
    }

    /** The version a page rendered now shows, for its live URL's {@code v} parameter. */
    String version() {
        return BOOT + "-" + changes.version();
    }

    /**
     * Streams the parts {@code render} returns (element id to HTML) until the client goes away or
     * {@code render} throws (the thing shown was deleted: the stream then sends {@code event: gone}).
     */
    void stream(Context ctx, Supplier<Map<String, String>> render) throws Exception {
        Pages.headers(ctx, false);
        ctx.status(200).contentType("text/event-stream");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        long seen = changes.version();
        Map<String, String> shown = new HashMap<>();
        // A page rendered at this very version shows the parts as they are: nothing to send yet.
        boolean current = (BOOT + "-" + seen).equals(ctx.queryParam("v"));
        while (true) {
            Map<String, String> now;
            try {
                now = render.get();
            } catch (SlipwayException.NotFound gone) {
                write(out, "event: gone\ndata: {}\n\n");
                return;
            }
            if (!current) {
                for (Map.Entry<String, String> e : now.entrySet()) {
                    if (!e.getValue().equals(shown.get(e.getKey()))) {
                        write(out, "event: fragment\ndata: " + json.createObjectNode().put("id", e.getKey()).put("html", e.getValue()) + "\n\n");
                    }
                }
            }
            current = false;
            shown = now;
            long before = seen;
            seen = changes.await(seen, KEEPALIVE_NANOS);
            if (seen == before) {
                write(out, ": keep-alive\n\n"); // fails once the browser has gone, which ends this handler
            } else {
                Thread.sleep(COALESCE_MILLIS);
                seen = changes.version();
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
