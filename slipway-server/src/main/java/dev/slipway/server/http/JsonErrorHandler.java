package dev.slipway.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.registry.http.OciErrors;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before any route runs (an unparseable request line, a path above the
 * root, 414, 431). Jetty no longer knows the path then ("/badMessage"), so the body carries both
 * shapes: the registry's {@code errors} array ({@link OciErrors}) and the API's {@code message}.
 */
public final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String text = message == null || message.isBlank() ? "bad request" : message;
        ObjectNode body = OciErrors.body(switch (code) {
            case 400 -> "NAME_INVALID"; // with URI compliance UNSAFE, Jetty only refuses paths it cannot resolve
            case 401 -> "UNAUTHORIZED";
            case 403 -> "DENIED";
            case 404 -> "NAME_UNKNOWN";
            case 413, 414, 431 -> "SIZE_INVALID";
            default -> "UNSUPPORTED";
        }, text, "the request was refused before routing: " + text);
        body.put("message", text);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("Docker-Distribution-Api-Version", "registry/2.0");
        response.write(true, ByteBuffer.wrap(body.toString().getBytes(StandardCharsets.UTF_8)), callback);
    }
}
