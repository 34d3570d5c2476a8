package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command's and subcommand's {@code --help}, at the default width and at a wide terminal:
 * lines break only between words (never inside a URL, a path or {@code ./data}), summaries and
 * paragraphs are whole sentences, and every option and parameter says what it is for.
 */
class HelpTextTest {
    /** The default (no terminal) and a wide terminal; narrower than 80, a long URL may not fit a column at all. */
    private static final int[] WIDTHS = {80, 120};

    @Test
    void everyHelpBreaksLinesBetweenWordsOnly() {
        SoftAssertions soft = new SoftAssertions();
        for (CommandLine cmd : allCommands()) {
            for (int width : WIDTHS) {
                cmd.setUsageHelpAutoWidth(false);
                cmd.setUsageHelpWidth(width);
                String help = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF);
                Set<String> rendered = new HashSet<>(Arrays.asList(help.split("\\s+")));
                for (String source : sourceTexts(cmd)) {
                    for (String word : source.replace("%n", " ").strip().split("\\s+")) {
                        soft.assertThat(rendered).as("'%s' of '%s' at width %d is split", word, name(cmd), width).contains(word);
                    }
                }
                soft.assertThat(help).as(name(cmd) + " at width " + width).doesNotContain(". /").doesNotContain(":// ");
            }
        }
        soft.assertAll();
    }

    @Test
    void summariesAndParagraphsAreWholeSentences() {
        SoftAssertions soft = new SoftAssertions();
        for (CommandLine cmd : allCommands()) {
            if (cmd.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                continue; // picocli's own text
            }
            String[] description = cmd.getCommandSpec().usageMessage().description();
            soft.assertThat(description).as(name(cmd) + " has a description").isNotEmpty();
            if (description.length > 0) {
                // The first line is the summary in the parent's command list.
                soft.assertThat(description[0]).as("summary of " + name(cmd)).endsWith(".");
            }
            for (String paragraph : description) {
                if (!paragraph.isEmpty()) {
                    soft.assertThat(paragraph).as("a line of the description of " + name(cmd) + " (each line is printed as a paragraph)")
                            .matches("(?s).*[.:]");
                }
            }
            for (ArgSpec arg : cmd.getCommandSpec().args()) {
                String what = name(cmd) + " " + (arg.isOption() ? ((CommandLine.Model.OptionSpec) arg).longestName() : arg.paramLabel());
                soft.assertThat(arg.description()).as(what + " has a description").isNotEmpty();
                if (arg.description().length > 1) {
                    for (String line : arg.description()) {
                        soft.assertThat(line).as("a line of the description of " + what).matches("(?s).*[.:]");
                    }
                }
            }
        }
        soft.assertAll();
    }

    @Test
    void theExamplesFromTheIssueReadWhole() {
        CommandLine root = Main.commandLine();
        root.setUsageHelpAutoWidth(false);
        String server = words(root.getSubcommands().get("server").getUsageMessage(CommandLine.Help.Ansi.OFF));
        assertThat(server).contains("Default: ./data.").contains("jdbc:postgresql://HOST:PORT/DB");
        String trigger = words(root.getSubcommands().get("run").getSubcommands().get("trigger").getUsageMessage(CommandLine.Help.Ansi.OFF));
        assertThat(trigger).contains("http://127.0.0.1:8080");
    }

    private static String words(String help) {
        return help.replaceAll("\\s+", " ");
    }

    private static List<CommandLine> allCommands() {
        List<CommandLine> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine cmd, List<CommandLine> into) {
        into.add(cmd);
        cmd.getSubcommands().values().stream().filter(sub -> sub.getCommandSpec().parent() == cmd.getCommandSpec()
               ).forEach(sub -> collect(sub, into));
    }

    /** The texts a command's help must show word for word: its description, its options' and parameters', its subcommands' summaries. */
    private static List<String> sourceTexts(CommandLine cmd) {
        CommandSpec spec = cmd.getCommandSpec();
        List<String> texts = new ArrayList<>(Arrays.asList(spec.usageMessage().description()));
        for (ArgSpec arg : spec.args()) {
            if (!arg.hidden()) {
                texts.addAll(Arrays.asList(arg.description()));
            }
        }
        for (CommandLine sub : cmd.getSubcommands().values()) {
            String[] d = sub.getCommandSpec().usageMessage().description();
            if (d.length > 0) {
                texts.add(d[0].split("%n")[0]); // the command list shows the first line
            }
        }
        texts.removeIf(String::isBlank);
        return texts;
    }

    private static String name(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName();
    }
}
