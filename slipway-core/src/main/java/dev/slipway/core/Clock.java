package dev.slipway.core;

/** Wall-clock milliseconds; an interface so lifecycle code can be driven by tests. */
@FunctionalInterface
public interface Clock {
    long millis();

    static Clock system() {
        return System::currentTimeMillis;
    }
}
