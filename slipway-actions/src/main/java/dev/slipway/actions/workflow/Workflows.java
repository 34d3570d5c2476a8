package dev.slipway.actions.workflow;

import dev.slipway.ci.definition.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * GitHub Actions workflows: the door to this package. Reads a workflow file into a checked
 * {@link Workflow}, finds a checkout's workflow files, and loads them all. Everything wrong with
 * a file is reported at once, each problem at its file, line and column; what Slipway reads but
 * does not act on is a warning, never silently dropped. The syntax read is documented in
 * {@code docs/actions.md}. Stateless and thread-safe.
 *
 * <pre>{@code
 * Workflow w = Workflows.read(".gitea/workflows/build.yaml", text);
 * Optional<String> why = w.on().whyNot(new WorkflowEvent.Push("refs/heads/main"), changedFiles);
 * for (String id : w.graph().order()) {
 *     Job job = w.job(id);
 *     Expansion runs = job.expand(scope);                  // the matrix, fail-fast, max-parallel
 *     if (job instanceof Job.Steps steps) {
 *         Runners.Runner where = runners.choose(steps.runsOn().evaluate(scope));
 *         TokenScopes token = TokenScopes.of(w, job, forkPullRequest);
 *     }
 * }
 * }</pre>
 */
public final class Workflows {
    /** Far above any real workflow; bounds what one push can make the server read. */
    static final int MAX_FILE_BYTES = 1 << 20;

    private Workflows() {}

    /**
     * @param file the file as the user knows it ({@code .gitea/workflows/build.yaml}), for positions
     * @throws WorkflowException with every problem (and the warnings found with them)
     */
    public static Workflow read(String file, String text) {
        return Doc.read(file, text, doc -> new WorkflowReader(doc).read());
    }

    /** One workflow file of a checkout: read, or with the problems that keep it from running. */
    public sealed interface Loaded permits Loaded.Valid, Loaded.Invalid {
        String file();

        record Valid(Workflow workflow) implements Loaded {
            @Override
            public String file() {
                return workflow.file();
            }
        }

        record Invalid(String file, List<Problem> problems, List<Problem> warnings) implements Loaded {
            public Invalid {
                problems = List.copyOf(problems);
                warnings = List.copyOf(warnings);
            }
        }
    }

    /**
     * Every workflow of a checkout ({@link WorkflowFiles#scan}), each read on its own: one broken
     * file does not keep the others from running, as in GitHub. A file that is a symbolic link,
     * larger than 1 MiB or not UTF-8 is invalid.
     *
     * @throws IOException when a directory cannot be listed or a file cannot be read
     */
    public static List<Loaded> load(Path checkout) throws IOException {
        List<Loaded> loaded = new ArrayList<>();
        for (String file : WorkflowFiles.scan(checkout).files()) {
            String text;
            try {
                text = readFile(checkout.resolve(file));
            } catch (UnreadableFile e) {
                loaded.add(new Loaded.Invalid(file, List.of(Position.file(file).problem(e.getMessage())), List.of()));
                continue;
            }
            try {
                loaded.add(new Loaded.Valid(read(file, text)));
            } catch (WorkflowException e) {
                loaded.add(new Loaded.Invalid(file, e.problems(), e.warnings()));
            }
        }
        return loaded;
    }

    /** A file the user must fix rather than a failure of the server. */
    private static final class UnreadableFile extends Exception {
        UnreadableFile(String message) {
            super(message, null, false, false);
        }
    }

    private static String readFile(Path file) throws IOException, UnreadableFile {
        if (Files.isSymbolicLink(file)) {
            throw new UnreadableFile("is a symbolic link; workflow files are not read through links");
        }
        byte[] bytes;
        try (InputStream in = Channels.newInputStream(Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new UnreadableFile("is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UnreadableFile("is not valid UTF-8");
        }
    }
}
