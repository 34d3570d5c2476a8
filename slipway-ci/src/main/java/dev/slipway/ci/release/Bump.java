package dev.slipway.ci.release;

import java.util.Locale;

/** Which part of the version a run's commits move, smallest first (so the largest of several wins). */
public enum Bump {
    PATCH, MINOR, MAJOR;

    /** major, minor or patch: SLIPWAY_VERSION_BUMP and the run JSON. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Bump max(Bump a, Bump b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
