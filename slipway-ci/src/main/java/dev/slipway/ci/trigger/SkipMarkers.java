package dev.slipway.ci.trigger;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Commit message markers that skip runs for a push or a pull request, as GitHub and Gitea read
 * them: anywhere in the head commit's message (only the head: a push of several commits is
 * skipped only when its newest commit says so), case-insensitive. A pipeline adds its own markers
 * with {@code on.push.skip} (seed 000's {@code [skip images]}). Runs started through the API or by
 * hand are never skipped.
 */
final class SkipMarkers {
    static final List<String> STANDARD = List.of("[skip ci]", "[ci skip]", "[no ci]", "[skip actions]", "[actions skip]");

    private SkipMarkers() {}

    /** The first marker found in {@code message}, standard ones first, or empty. */
    static Optional<String> find(String message, List<String> custom) {
        if (message == null) {
            return Optional.empty();
        }
        String m = message.toLowerCase(Locale.ROOT);
        for (List<String> markers : List.of(STANDARD, custom)) {
            for (String marker : markers) {
                if (m.contains(marker.toLowerCase(Locale.ROOT))) {
                    return Optional.of(marker);
                }
            }
        }
        return Optional.empty();
    }
}
