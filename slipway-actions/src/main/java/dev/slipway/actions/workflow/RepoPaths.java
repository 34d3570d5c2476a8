package dev.slipway.actions.workflow;

import java.util.ArrayList;
import java.util.List;

/** Paths inside the repository, as {@code uses: ./...} writes them. */
final class RepoPaths {
    private RepoPaths() {}

    /**
     * {@code ./a/./b/} as {@code a/b}; "" for the root.
     *
     * @throws IllegalArgumentException for a path that leaves the repository ({@code ./../x})
     */
    static String normalize(String path, String what) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new IllegalArgumentException(what + " must be inside the repository, not '" + path + "'");
                }
                parts.removeLast();
            } else {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }
}
