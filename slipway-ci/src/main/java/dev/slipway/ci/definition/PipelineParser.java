package dev.slipway.ci.definition;

import dev.slipway.ci.model.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the native pipeline format: one pipeline per {@code .slipway/*.yml} (or {@code .yaml})
 * file, named after the file. The format is documented in {@code docs/pipelines.md}.
 *
 * <p>Everything wrong with a file is reported at once, each problem at the YAML node that caused
 * it, as a {@link PipelineDefinitionException}. The parser is stateless and thread-safe.
 */
public final class PipelineParser {
    /** Where pipelines live in a repository. */
    public static final String DIRECTORY = ".slipway";

    /** Far above any real pipeline; bounds what one push can make the server read. */
    static final int MAX_FILE_BYTES = 1 << 20;

    /**
     * @param fileName the file as the user knows it, such as {@code .slipway/build.yml}: used in
     *                 problems, and its base name without {@code .yml}/{@code .yaml} is the pipeline's name
     * @throws PipelineDefinitionException with every problem found
     */
    public Pipeline parse(String fileName, String yamlText) {
        Source source = new Source(fileName, yamlText);
        String name = pipelineName(fileName);
        if (!Syntax.IDENTIFIER.matcher(name).matches()) {
            source.reportFile("the pipeline name '" + name + "' (the file name without .yml) must be " + Syntax.IDENTIFIER_RULE);
        }
        Pipeline pipeline = new PipelineReader(source).read(name);
        if (source.hasProblems()) {
            throw new PipelineDefinitionException(source.problems());
        }
        return pipeline;
    }

    /** As {@link #parse}, with the problems as a 400 for the API (a trigger, or a stored definition read again). */
    public static Pipeline parseOrRefuse(String fileName, String yamlText) {
        try {
            return new PipelineParser().parse(fileName, yamlText);
        } catch (RuntimeException e) { // problems, or anything else the YAML library throws for odd input
            throw new dev.slipway.core.SlipwayException.BadRequest(e.getMessage());
        }
    }

    /**
     * Every pipeline in {@code checkout}'s {@code .slipway} directory, by name; none when there is
     * no such directory. Subdirectories and other files are ignored. Symbolic links are refused,
     * not followed: a checkout is untrusted, and a link could make the server read (and quote in
     * problems) any file it can read.
     *
     * @throws PipelineDefinitionException with every problem in every file
     * @throws IOException when the directory cannot be listed or a file cannot be read
     */
    public List<Pipeline> loadAll(Path checkout) throws IOException {
        Path dir = checkout.resolve(DIRECTORY);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new PipelineDefinitionException(List.of(new Problem(DIRECTORY, 0, 0,
                    "is not a directory" + (Files.isSymbolicLink(dir) ? " (symbolic links are not followed)" : ""))));
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> isPipelineFile(p.getFileName().toString()))) {
            entries.forEach(files::add);
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));

        List<Pipeline> pipelines = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, String> fileOfPipeline = new HashMap<>();
        for (Path file : files) {
            String display = DIRECTORY + "/" + file.getFileName();
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String other = fileOfPipeline.putIfAbsent(pipelineName(display), display);
            if (other != null) {
                problems.add(new Problem(display, 0, 0, "defines pipeline '" + pipelineName(display)
                        + "' again; " + other + " defines it already"));
                continue;
            }
            try {
                pipelines.add(parse(display, read(file)));
            } catch (UserFileException e) {
                problems.add(new Problem(display, 0, 0, e.getMessage()));
            } catch (PipelineDefinitionException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new PipelineDefinitionException(problems);
        }
        pipelines.sort(Comparator.comparing(Pipeline::name));
        return List.copyOf(pipelines);
    }

    private static boolean isPipelineFile(String fileName) {
        return fileName.endsWith(".yml") || fileName.endsWith(".yaml");
    }

    static String pipelineName(String fileName) {
        String base = fileName.substring(fileName.lastIndexOf('/') + 1);
        if (base.endsWith(".yml")) {
            return base.substring(0, base.length() - 4);
        }
        return base.endsWith(".yaml") ? base.substring(0, base.length() - 5) : base;
    }

    /** A file the user must fix rather than a failure of the server. */
    private static final class UserFileException extends Exception {
        UserFileException(String message) {
            super(message, null, false, false);
        }
    }

    private static String read(Path file) throws IOException, UserFileException {
        byte[] bytes;
        try (InputStream in = Channels.newInputStream(Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) {
                throw new UserFileException("is a symbolic link; pipeline files are not followed through links");
            }
            throw e;
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new UserFileException("is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UserFileException("is not valid UTF-8");
        }
    }
}
