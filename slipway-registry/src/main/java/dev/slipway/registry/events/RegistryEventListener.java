package dev.slipway.registry.events;

/**
 * Receives registry events in the server's process, after their transaction committed, in commit
 * order. Delivery is at least once: an event whose hand-over a crash interrupted is handed over
 * again after the restart. Called on the event dispatcher's thread: return quickly.
 */
@FunctionalInterface
public interface RegistryEventListener {
    void onEvent(RegistryEvent event);
}
