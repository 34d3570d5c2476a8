package dev.slipway.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The documents a README, a doc page or a script points its reader at are in the project: a user
 * has only the project, so no absolute paths to notes elsewhere, and no files that do not exist.
 */
class DocumentReferencesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** {@code docs/testing.md}, {@code ../../docs/testing.md#anchor}, {@code /somewhere/NOTES.md}: a .md file named in text. */
    private static final Pattern MD = Pattern.compile("(?<![\\w/.-])(/?[\\w.-]+(?:/[\\w.-]+)*\\.md)\\b");

    @Test
    void everyReferencedDocumentIsInTheProject() throws IOException {
        SoftAssertions soft = new SoftAssertions();
        for (Path file : readerFacingFiles()) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Matcher m = MD.matcher(text);
            while (m.find()) {
                String ref = m.group(1);
                String where = ROOT.relativize(file) + " names " + ref;
                soft.assertThat(ref).as(where + ": an absolute path, which a user of the project does not have").doesNotStartWith("/");
                if (!ref.startsWith("/")) {
                    soft.assertThat(Files.exists(file.getParent().resolve(ref)) || Files.exists(ROOT.resolve(ref)))
                            .as(where + ", which is neither beside it nor under the project root").isTrue();
                }
            }
        }
        soft.assertAll();
    }

    /** READMEs, docs and scripts: Markdown, shell scripts and the extension-less scripts. */
    private static List<Path> readerFacingFiles() throws IOException {
        try (Stream<Path> all = Files.walk(ROOT)) {
            return all.filter(Files::isRegularFile)
                    .filter(p -> {
                        String rel = ROOT.relativize(p).toString();
                        return !rel.startsWith(".git") && !rel.contains("/target/") && !rel.contains("node_modules");
                    })
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        String rel = ROOT.relativize(p).toString();
                        return name.endsWith(".md") || name.endsWith(".sh") || rel.equals("slipway") || rel.startsWith("scripts/")
                                || rel.startsWith(".ci/");
                    })
                    .toList();
        }
    }
}
