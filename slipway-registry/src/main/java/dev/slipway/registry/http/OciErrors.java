package dev.slipway.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one writer of the OCI Distribution Spec's error body ({@code {"errors": [{code, message,
 * detail}]}}) for everything under {@code /v2/}: the registry's own errors and the server's errors
 * that reach a registry path. {@code message} is the reason (docker, skopeo and podman print it,
 * not {@code detail}); {@code detail} repeats it for scripts that read it. HEAD answers carry no body.
 */
public final class OciErrors {
    /** After a 413, up to this much of the rest of the body is read and dropped (see {@link #answerThenDrain}). */
    private static final long DRAIN_LIMIT = 64L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private OciErrors() {}

    /** The error body with one error. */
    public static ObjectNode body(String code, String message, String detail) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode item = body.putArray("errors").addObject();
        item.put("code", code);
        item.put("message", message);
        item.put("detail", detail);
        return body;
    }

    /**
     * The code for an error that is not the registry's own (an unknown endpoint, a refused
     * request, an unexpected failure), by its status.
     */
    public static String code(int status) {
        return switch (status) {
            case 401 -> "UNAUTHORIZED";
            case 403 -> "DENIED";
            case 404 -> "NAME_UNKNOWN";
            case 400 -> "UNSUPPORTED";
            default -> "UNKNOWN";
        };
    }

    /** Answers with {@code status} and one error; {@code headers} (a challenge, a range) go with it. */
    public static void write(Context ctx, int status, String code, String message, Map<String, String> headers) {
        ctx.status(status);
        ctx.header("Docker-Distribution-Api-Version", "registry/2.0");
        headers.forEach(ctx::header);
        ctx.contentType("application/json");
        if (ctx.method() == HandlerType.HEAD) {
            return;
        }
        String body = body(code, message, message).toString();
        if (status == 413) {
            answerThenDrain(ctx, body);
        } else {
            ctx.result(body);
        }
    }

    /**
     * Answers a refused request body that may still be arriving: the answer goes out first (Go's
     * HTTP client, in docker and skopeo, reads a response while it is still sending), then at most
     * {@link #DRAIN_LIMIT} bytes of the rest are read and dropped, so that the connection is not
     * reset under a client before it has read the answer. Nothing read here is stored. A client
     * waiting for {@code 100 Continue} has sent nothing and is not asked for the body.
     */
    private static void answerThenDrain(Context ctx, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        try {
            ctx.res().setContentLength(bytes.length);
            OutputStream out = ctx.res().getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException | RuntimeException gone) {
            return; // the client went away
        }
        if (!"100-continue".equalsIgnoreCase(ctx.header("Expect"))) {
            try (InputStream in = ctx.req().getInputStream()) {
                drain(in);
            } catch (IOException | RuntimeException ignored) {
                // the answer is out; a client that went away is fine
            }
        }
    }

    /** Reads and drops up to {@link #DRAIN_LIMIT} bytes of a refused body; a client that went away is fine. */
    private static void drain(InputStream in) {
        byte[] sink = new byte[64 * 1024];
        long drained = 0;
        try {
            int n;
            while (drained < DRAIN_LIMIT && (n = in.read(sink)) > 0) {
                drained += n;
            }
        } catch (IOException | RuntimeException ignored) {
            // the answer is the same either way
        }
    }
}
