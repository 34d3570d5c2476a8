package dev.slipway.ci.model;

import java.util.Locale;
import java.util.Objects;

/**
 * A pipeline's {@code version:}: how the run's next semantic version is computed from the commit
 * messages since the last version tag, and whether the run pushes it as a tag when it succeeds.
 *
 * @param prefix what every version tag starts with ({@code v} by default; may be empty)
 * @param prerelease the pre-release identifier ({@code rc} gives {@code v1.3.0-rc.1}), or null
 * @param tag push the version as an annotated tag at the run's commit when the run succeeds
 */
public record Versioning(Rules rules, String prefix, String prerelease, boolean tag) {
    public static final String DEFAULT_PREFIX = "v";

    public Versioning {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(prefix, "prefix");
    }

    /** How commit messages choose the bump. */
    public enum Rules {
        /** Conventional Commits, as svu reads them. */
        CONVENTIONAL,
        /** Seed 000's table: {@code major:}, {@code minor:}/{@code feat:}/{@code feature:}, anything else. */
        SIMPLE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
