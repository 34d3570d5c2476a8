package dev.slipway.ci.executor;

import com.github.dockerjava.api.model.ResponseItem;
import dev.slipway.core.Sizes;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns the engine's push progress into task log lines, as {@code docker push} shows it without a
 * terminal: each layer's changes of state ("Preparing", "Waiting", "Layer already exists",
 * "Mounted from ..."), and while a layer uploads, its bytes and rate at most once a second, then
 * "Pushed" with its size, time and mean rate. A log keeps every line, so a redrawn progress bar
 * would cost thousands of them for a large image.
 */
final class PushProgress {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    /** A layer being uploaded: when it started, its last figures and when they were shown. */
    private static final class Layer {
        long startedAt = -1;
        long current;
        long total;
        long shownAt;
        String status;
    }

    private final Consumer<String> output;
    private final LongSupplier clock;
    private final Map<String, Layer> layers = new HashMap<>();
    private String digest;
    private String error;

    PushProgress(Consumer<String> output, LongSupplier nanoClock) {
        this.output = output;
        this.clock = nanoClock;
    }

    /** The manifest digest the engine reported (the aux record after the last layer), or null. */
    String digest() {
        return digest;
    }

    /** The engine's or registry's error, or null. */
    String error() {
        return error;
    }

    void accept(ResponseItem item) {
        if (item.isErrorIndicated()) {
            error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                    ? item.getErrorDetail().getMessage() : item.getError();
            return;
        }
        if (item.getAux() != null && item.getAux().getDigest() != null) {
            digest = item.getAux().getDigest();
            return;
        }
        String status = item.getStatus();
        if (status == null || status.isEmpty()) {
            return;
        }
        String id = item.getId();
        if (id == null || id.isEmpty()) {
            output.accept(status); // "The push refers to repository [...]", "<tag>: digest: sha256:... size: N"
            return;
        }
        Layer layer = layers.computeIfAbsent(id, k -> new Layer());
        long now = clock.getAsLong();
        if (status.equals("Pushing")) {
            ResponseItem.ProgressDetail d = item.getProgressDetail();
            if (d != null && d.getCurrent() != null) {
                layer.current = d.getCurrent();
            }
            if (d != null && d.getTotal() != null && d.getTotal() > 0) {
                layer.total = d.getTotal();
            }
            if (layer.startedAt < 0) {
                layer.startedAt = now;
            }
            if (!"Pushing".equals(layer.status) || now - layer.shownAt >= INTERVAL_NANOS) {
                output.accept(id + ": Pushing " + Sizes.format(layer.current) + (layer.total > 0 ? " / " + Sizes.format(layer.total) : "")
                        + rate(layer.current, now - layer.startedAt));
                layer.shownAt = now;
            }
            layer.status = status;
            return;
        }
        if (status.equals("Pushed") && layer.startedAt >= 0) {
            long bytes = Math.max(layer.current, layer.total);
            long nanos = now - layer.startedAt;
            output.accept(id + ": Pushed " + Sizes.format(bytes) + " in " + String.format(Locale.ROOT, "%.1f s", nanos / 1e9)
                    + rate(bytes, nanos));
        } else if (!status.equals(layer.status)) {
            output.accept(id + ": " + status);
        }
        layer.status = status;
        layer.shownAt = now;
    }

    private static String rate(long bytes, long nanos) {
        if (nanos < 1_000_000 || bytes <= 0) {
            return "";
        }
        return " (" + Sizes.format((long) (bytes / (nanos / 1e9))) + "/s)";
    }
}
