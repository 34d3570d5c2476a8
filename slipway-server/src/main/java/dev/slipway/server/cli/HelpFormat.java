package dev.slipway.server.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Usage help that wraps lines at spaces only, as wide as the terminal (80 columns when there is
 * none).
 *
 * <p>Picocli wraps with the JDK's line {@link java.text.BreakIterator}, which also breaks after
 * '.', ':', '/' and most other punctuation: {@code ./data} came out as {@code . /data} and
 * {@code http://127.0.0.1:8080} as {@code http://127.} and {@code 0.0.1:8080} on two lines.
 * Picocli already hides '-' from the iterator by swapping it for a letter; every table this help
 * fills does the same for all ASCII punctuation (with private-use characters, which the iterator
 * treats as letters) and swaps them back when the table is printed.
 */
public final class HelpFormat {
    private HelpFormat() {}

    private static final char HIDDEN = '\uE000';

    /** Installs the help on a command and all its subcommands (call once they are all added). */
    public static CommandLine install(CommandLine cli) {
        cli.setHelpFactory(UnbrokenHelp::new);
        cli.setUsageHelpAutoWidth(true);
        return cli;
    }

    private static final class UnbrokenHelp extends Help {
        UnbrokenHelp(CommandSpec spec, ColorScheme scheme) {
            super(spec, scheme);
        }

        @Override
        public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme scheme) {
            Layout layout = super.createDefaultLayout(options, positionals, scheme);
            return new Layout(scheme, new UnbrokenTable(layout.textTable(), scheme), layout.optionRenderer(), layout.parameterRenderer());
        }

        /** Picocli's command list (names, then each one's summary: its header or first description line), in an unbroken table. */
        @Override
        public String commandList(Map<String, Help> subcommands) {
            if (subcommands.isEmpty()) {
                return "";
            }
            int width = commandSpec().usageMessage().width();
            int names = Math.min(subcommands.keySet().stream().mapToInt(String::length).max().orElse(0), width / 2);
            TextTable table = new UnbrokenTable(TextTable.forColumns(colorScheme(), new Column(names + 2, 2, Column.Overflow.SPAN),
                    new Column(width - names - 2, 2, Column.Overflow.WRAP)), colorScheme());
            for (Help sub : subcommands.values()) {
                UsageMessageSpec usage = sub.commandSpec().usageMessage();
                String summary = usage.header().length > 0 ? usage.header()[0] : usage.description().length > 0 ? usage.description()[0] : "";
                Text[] lines = colorScheme().text(String.format(summary)).splitLines();
                for (int i = 0; i < lines.length; i++) {
                    table.addRowValues(i == 0 ? sub.commandNamesText(", ") : colorScheme().text(""), lines[i]);
                }
            }
            return table.toString();
        }

        @Override
        public String description(Object... params) {
            return paragraphs(commandSpec().usageMessage().description(), params);
        }

        @Override
        public String header(Object... params) {
            return paragraphs(commandSpec().usageMessage().header(), params);
        }

        @Override
        public String footer(Object... params) {
            return paragraphs(commandSpec().usageMessage().footer(), params);
        }

        /** What picocli's own description, header and footer do (one wrapped row per line), in an unbroken table. */
        private String paragraphs(String[] lines, Object... params) {
            TextTable table = new UnbrokenTable(TextTable.forColumnWidths(colorScheme(), commandSpec().usageMessage().width()), colorScheme());
            table.indentWrappedLines = 0;
            for (String line : lines) {
                for (Text row : colorScheme().text(String.format(line, params)).splitLines()) {
                    table.addRowValues(row);
                }
            }
            return table.toString();
        }
    }

    /** A table whose cells break only at spaces: punctuation is hidden on the way in and restored on the way out. */
    private static final class UnbrokenTable extends TextTable {
        private final ColorScheme scheme;

        UnbrokenTable(TextTable like, ColorScheme scheme) {
            super(scheme, like.columns());
            this.scheme = scheme;
            this.indentWrappedLines = like.indentWrappedLines;
            setAdjustLineBreaksForWideCJKCharacters(like.isAdjustLineBreaksForWideCJKCharacters());
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            // Styled text (option names in colour) is left alone: rebuilding it would drop its styles, and it never wraps.
            String plain = value.plainString();
            if (!plain.equals(value.toString())) {
                return super.putValue(row, col, value);
            }
            StringBuilder hidden = new StringBuilder(plain.length());
            for (int i = 0; i < plain.length(); i++) {
                char c = plain.charAt(i);
                hidden.append(c > ' ' && c < 127 && !Character.isLetterOrDigit(c) ? (char) (HIDDEN + c) : c);
            }
            return super.putValue(row, col, scheme.ansi().new Text(hidden.toString(), scheme));
        }

        @Override
        public StringBuilder toString(StringBuilder text) {
            int from = text.length();
            super.toString(text);
            for (int i = from; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c > HIDDEN && c < HIDDEN + 127) {
                    text.setCharAt(i, (char) (c - HIDDEN));
                }
            }
            return text;
        }
    }
}
