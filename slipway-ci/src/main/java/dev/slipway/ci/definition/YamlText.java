package dev.slipway.ci.definition;

import java.io.StringReader;
import java.util.function.Consumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The one way pipeline files of every format become SnakeYAML node trees: bounded in size, no
 * recursive keys, and a file that is not YAML reported as a {@link Problem} at the place the
 * parser stopped. Public for the other formats' readers (Woodpecker's).
 */
public final class YamlText {
    /** Pipeline files are small; this bounds what one push can make the server parse. */
    public static final int MAX_CODE_POINTS = 1 << 20;

    private YamlText() {}

    /** The document's root node, or null when it is empty or not valid YAML (then reported). */
    public static Node compose(String file, String text, Consumer<Problem> problems) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        try {
            return new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String why = "invalid YAML: " + ((e.getContext() == null ? "" : e.getContext() + ", ") + e.getProblem()).replaceAll("\\s+", " ").strip();
            problems.accept(mark == null ? new Problem(file, 0, 0, why) : new Problem(file, mark.getLine() + 1, mark.getColumn() + 1, why));
        } catch (YAMLException e) {
            problems.accept(new Problem(file, 0, 0, "invalid YAML: " + e.getMessage()));
        }
        return null;
    }
}
