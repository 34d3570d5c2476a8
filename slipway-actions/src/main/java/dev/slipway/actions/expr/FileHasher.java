package dev.slipway.actions.expr;

import java.io.IOException;
import java.nio.file.Path;
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

    /**
     * The runner's hashFiles under {@code workspace}: the SHA-256 of the concatenated SHA-256 digests of
     * the matching files, in the order {@code @actions/glob} finds them; files outside the workspace
     * and directories do not count.
     */
    static FileHasher workspace(Path workspace) {
        return new GlobHasher(workspace);
    }
}
