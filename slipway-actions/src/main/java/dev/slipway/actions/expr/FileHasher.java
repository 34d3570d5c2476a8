package dev.slipway.actions.expr;

import java.io.IOException;
import java.util.List;

/**
 * What {@code hashFiles()} calls: the caller knows where the job's workspace is on disk (the
 * expression only knows its path inside the job's container).
 */
@FunctionalInterface
public interface FileHasher {
    /**
     * GitHub's hash of the files matching {@code patterns} (each may hold several lines, one pattern
     * a line, {@code !} excluding), or '' when none match.
     */
    String hash(List<String> patterns, boolean followSymbolicLinks) throws IOException;
}
