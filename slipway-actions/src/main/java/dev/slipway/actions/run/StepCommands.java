package dev.slipway.actions.run;

import dev.slipway.actions.run.Annotation.Level;
import dev.slipway.ci.secret.Masks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What one step's workflow commands do, as GitHub's runner does it (ActionCommandManager and
 * OutputManager): commands change the step's outputs and state, the job's environment, path,
 * masks and problem matchers, and report annotations; errors and warnings of the runner's own are
 * annotations too. Also runs the job's problem matchers over the step's output lines. The
 * stdout and stderr threads call in concurrently, so every method is synchronised.
 */
final class StepCommands implements StepOutput.Handler {
    /** Colour and other control sequences (CSI), removed before matching: gcc writes ESC[K after each colour. */
    private static final Pattern ESCAPES = Pattern.compile("\u001b\\[[0-9;?]*[ -/]*[@-~]");
    private static final String DEPRECATED = "The `%s` command is deprecated and will be disabled soon. Please upgrade to using"
            + " Environment Files. For more information see:"
            + " https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/";
    private static final String DISABLED = "The `%s` command is disabled. Please upgrade to using Environment Files or opt into"
            + " unsecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_COMMANDS` environment variable to `true`."
            + " For more information see: https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/";

    /** What a step's commands need from the job. */
    record Job(Masks masks, Consumer<String> system, JobSession session, boolean debug, List<ProblemMatchers.Config> matchers) {}

    private final Job job;
    private final boolean allowUnsecure;
    final Map<String, String> outputs = new LinkedHashMap<>();
    final Map<String, String> state;
    /** {@code ::set-env::} values, for later steps. */
    final Map<String, String> env = new LinkedHashMap<>();
    /** {@code ::add-path::} directories, in the order added. */
    final List<String> paths = new ArrayList<>();
    private final List<Annotation> annotations = new ArrayList<>();
    private final List<ProblemMatchers.Active> active = new ArrayList<>();
    private boolean failed;
    private boolean echo;
    private boolean stopped;
    private String stopToken;

    /**
     * @param state the step's GITHUB_STATE values (shared by an action's pre, main and post steps)
     * @param allowUnsecure ACTIONS_ALLOW_UNSECURE_COMMANDS is true in the step's env: {@code ::set-env::} and {@code ::add-path::} work
     */
    StepCommands(Job job, Map<String, String> state, boolean allowUnsecure) {
        this.job = job;
        this.state = state;
        this.allowUnsecure = allowUnsecure;
        synchronized (job.matchers()) {
            for (ProblemMatchers.Config c : job.matchers()) {
                active.add(new ProblemMatchers.Active(c));
            }
        }
    }

    synchronized List<Annotation> annotations() {
        return List.copyOf(annotations);
    }

    /** Annotations a composite action's steps reported (and logged already): they are this step's too. */
    synchronized void include(List<Annotation> nested) {
        annotations.addAll(nested);
    }

    /** Whether a command (or file command) failed, which fails the step even when its process succeeded. */
    synchronized boolean failed() {
        return failed;
    }

    synchronized void fail(String message) {
        failed = true;
        error(message);
    }

    /** An error of the runner's own: an annotation and a line in the log. */
    synchronized void error(String message) {
        report(Annotation.of(Level.ERROR, job.masks().mask(message)));
    }

    synchronized void warning(String message) {
        report(Annotation.of(Level.WARNING, job.masks().mask(message)));
    }

    private void report(Annotation a) {
        annotations.add(a);
        job.system().accept("##[" + a.level().word() + "]" + a.message());
    }

    @Override
    public synchronized StepOutput.Disposition command(String line, boolean stderr) {
        WorkflowCommand c = WorkflowCommand.parse(line);
        if (c == null) {
            return StepOutput.Disposition.OUTPUT;
        }
        if (stopped) {
            if (stopToken != null && !stopToken.isEmpty() && c.is(stopToken)) {
                stopped = false;
                stopToken = null;
                return StepOutput.Disposition.SHOWN;
            }
            return StepOutput.Disposition.OUTPUT;
        }
        String name = c.name().toLowerCase(Locale.ROOT);
        boolean omitEcho = switch (name) {
            case "add-mask", "debug", "error", "warning", "notice" -> true;
            default -> false;
        };
        boolean echoed = echo && !omitEcho;
        try {
            switch (name) {
                case "stop-commands" -> {
                    stopped = true;
                    stopToken = c.data();
                    return StepOutput.Disposition.SHOWN;
                }
                case "group", "endgroup" -> {
                    return StepOutput.Disposition.SHOWN;
                }
                case "echo" -> echo(c);
                case "add-mask" -> addMask(c);
                case "debug" -> {
                    if (job.debug()) {
                        lines("##[debug]", c.data());
                    }
                }
                case "error" -> annotate(Level.ERROR, c);
                case "warning" -> annotate(Level.WARNING, c);
                case "notice" -> annotate(Level.NOTICE, c);
                case "set-output" -> {
                    warning(DEPRECATED.formatted("set-output"));
                    outputs.put(required(c, "set-output"), c.data());
                }
                case "save-state" -> {
                    warning(DEPRECATED.formatted("save-state"));
                    state.put(required(c, "save-state"), c.data());
                }
                case "set-env" -> setEnv(c);
                case "add-path" -> addPath(c);
                case "add-matcher" -> addMatcher(c);
                case "remove-matcher" -> removeMatcher(c);
                default -> {
                    return StepOutput.Disposition.OUTPUT; // not a command the runner knows: ordinary output
                }
            }
        } catch (CommandException e) {
            fail("Unable to process command '" + (omitEcho ? name : line.strip()) + "' successfully.");
            error(e.getMessage());
        }
        return echoed ? StepOutput.Disposition.SHOWN : StepOutput.Disposition.CONSUMED;
    }

    /** A command that cannot be processed; the step fails. */
    private static final class CommandException extends Exception {
        CommandException(String message) {
            super(message);
        }
    }

    private void echo(WorkflowCommand c) throws CommandException {
        switch (c.data().trim().toUpperCase(Locale.ROOT)) {
            case "ON" -> echo = true;
            case "OFF" -> echo = false;
            default -> throw new CommandException("Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: '"
                    + c.data() + "'.");
        }
    }

    private void addMask(WorkflowCommand c) {
        if (c.data().isBlank()) {
            warning("Can't add secret mask for empty string in ##[add-mask] command.");
            return;
        }
        if (echo) {
            job.system().accept("::add-mask::***");
        }
        if (!job.masks().add(c.data())) {
            warning("::add-mask:: of a value shorter than " + dev.slipway.ci.secret.SecretMasker.MIN_LENGTH
                    + " characters: Slipway does not mask values this short, so it stays visible in the log");
        }
    }

    private static String required(WorkflowCommand c, String command) throws CommandException {
        String name = c.property("name");
        if (name == null || name.isEmpty()) {
            throw new CommandException("Required field 'name' is missing in ##[" + command + "] command.");
        }
        return name;
    }

    private void setEnv(WorkflowCommand c) throws CommandException {
        if (!allowUnsecure) {
            throw new CommandException(DISABLED.formatted("set-env"));
        }
        String name = required(c, "set-env");
        if (name.equalsIgnoreCase("NODE_OPTIONS")) {
            error("Can't update NODE_OPTIONS environment variable using ::set-env:: command.");
            return;
        }
        env.put(name, c.data());
    }

    private void addPath(WorkflowCommand c) throws CommandException {
        if (!allowUnsecure) {
            throw new CommandException(DISABLED.formatted("add-path"));
        }
        if (c.data().isEmpty()) {
            throw new CommandException("path must not be empty");
        }
        paths.remove(c.data());
        paths.add(c.data());
    }

    /** {@code ::error file=app.js,line=1,endLine=2,col=5,endColumn=7,title=T::message}, with the runner's checks of lines and columns. */
    private void annotate(Level level, WorkflowCommand c) {
        Integer line = number(c.property("line"));
        Integer endLine = number(c.property("endLine"));
        Integer column = number(c.property("col"));
        Integer endColumn = number(c.property("endColumn"));
        if (endLine != null && line == null) {
            line = endLine;
        }
        if (endColumn != null && column == null) {
            column = endColumn;
        }
        if (line == null && column != null || endLine != null && !endLine.equals(line) && column != null) {
            column = null;
            endColumn = null;
        }
        if (line != null && endLine != null && endLine < line) {
            line = null;
            endLine = null;
        }
        if (column != null && endColumn != null && endColumn < column) {
            column = null;
            endColumn = null;
        }
        String file = c.property("file");
        if (file != null && !file.isEmpty()) {
            file = relativeToWorkspace(file);
        } else {
            file = null;
        }
        String title = c.property("title");
        String message = job.masks().mask(c.data());
        annotations.add(new Annotation(level, message, title == null ? null : job.masks().mask(title), file, line, endLine, column,
                endColumn, null));
        lines("##[" + level.word() + "]", message);
    }

    private static Integer number(String text) {
        if (text == null || !text.matches("\\s*[+-]?\\d{1,9}\\s*")) {
            return null;
        }
        return Integer.parseInt(text.trim());
    }

    private void lines(String prefix, String text) {
        String[] lines = text.split("\r?\n", -1);
        job.system().accept(prefix + lines[0]);
        for (int i = 1; i < lines.length; i++) {
            job.system().accept(lines[i]);
        }
    }

    private String workspace() {
        String ws = job.session().workspace();
        return ws.endsWith("/") ? ws.substring(0, ws.length() - 1) : ws;
    }

    /** A path as the session sees it, relative to the workspace when it is inside it (with '/'). */
    private String relativeToWorkspace(String file) {
        String ws = workspace();
        String normal = Path.of(file).normalize().toString();
        if (normal.startsWith(ws + "/")) {
            return normal.substring(ws.length() + 1);
        }
        return file;
    }

    private String absolute(String path) {
        return path.startsWith("/") ? path : workspace() + "/" + path;
    }

    private void addMatcher(WorkflowCommand c) throws CommandException {
        String file = c.data();
        if (file.isEmpty()) {
            warning("File path must be specified.");
            return;
        }
        List<ProblemMatchers.Config> configs = readMatchers(absolute(file));
        for (ProblemMatchers.Config config : configs) {
            synchronized (job.matchers()) {
                job.matchers().removeIf(m -> m.owner().equalsIgnoreCase(config.owner()));
                job.matchers().addFirst(config); // the newest matcher is tried first, as in the runner
            }
            active.removeIf(m -> m.owner().equalsIgnoreCase(config.owner()));
            active.addFirst(new ProblemMatchers.Active(config));
        }
    }

    private void removeMatcher(WorkflowCommand c) throws CommandException {
        String owner = c.property("owner");
        String file = c.data();
        if (owner != null && !owner.isEmpty() && !file.isEmpty()) {
            warning("Either specify an owner name or a file path in ##[remove-matcher] command. Both values cannot be set.");
            return;
        }
        if ((owner == null || owner.isEmpty()) && file.isEmpty()) {
            warning("Either an owner name or a file path must be specified in ##[remove-matcher] command.");
            return;
        }
        List<String> owners = new ArrayList<>();
        if (owner != null && !owner.isEmpty()) {
            owners.add(owner);
        } else {
            for (ProblemMatchers.Config config : readMatchers(absolute(file))) {
                owners.add(config.owner());
            }
        }
        for (String o : owners) {
            synchronized (job.matchers()) {
                job.matchers().removeIf(m -> m.owner().equalsIgnoreCase(o));
            }
            active.removeIf(m -> m.owner().equalsIgnoreCase(o));
        }
    }

    private List<ProblemMatchers.Config> readMatchers(String path) throws CommandException {
        try {
            return ProblemMatchers.read(job.session().readFile(path));
        } catch (IOException e) {
            throw new CommandException("cannot read problem matcher file " + path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException("reading problem matcher file " + path + " was interrupted");
        } catch (IllegalArgumentException e) {
            throw new CommandException("problem matcher file " + path + ": " + e.getMessage());
        }
    }

    /** A line of regular output: the first matcher that completes a match on it reports an annotation, and the others start over. */
    @Override
    public synchronized void line(String text) {
        if (active.isEmpty()) {
            return;
        }
        String stripped = text.indexOf('\u001b') >= 0 ? ESCAPES.matcher(text).replaceAll("") : text;
        for (ProblemMatchers.Active matcher : List.copyOf(active)) {
            ProblemMatchers.Match match = matcher.match(stripped);
            if (match == null) {
                continue;
            }
            for (ProblemMatchers.Active other : active) {
                if (other != matcher) {
                    other.reset();
                }
            }
            Annotation a = annotation(match);
            if (a != null) {
                annotations.add(a);
                return;
            }
        }
    }

    /** The runner's ConvertToIssue: null when the message is empty or the severity unknown; a file only when it is in the workspace. */
    private Annotation annotation(ProblemMatchers.Match m) {
        if (m.message() == null || m.message().isBlank()) {
            return null;
        }
        Level level;
        String severity = m.severity() == null ? "" : m.severity();
        if (severity.isEmpty() || severity.equalsIgnoreCase("error")) {
            level = Level.ERROR;
        } else if (severity.equalsIgnoreCase("warning")) {
            level = Level.WARNING;
        } else if (severity.equalsIgnoreCase("notice")) {
            level = Level.NOTICE;
        } else {
            return null;
        }
        Integer line = digits(m.line());
        Integer column = digits(m.column());
        String code = m.code() == null || m.code().isBlank() ? null : m.code().trim();
        return new Annotation(level, job.masks().mask(m.message()), null, file(m), line, null, column, null, code);
    }

    private static Integer digits(String text) {
        return text != null && text.matches("\\d{1,9}") ? Integer.valueOf(text) : null;
    }

    private String file(ProblemMatchers.Match m) {
        if (m.file() == null || m.file().isBlank()) {
            return null;
        }
        String file = m.file();
        if (m.fromPath() != null && !m.fromPath().isBlank() && !file.startsWith("/")) {
            Path dir = Path.of(m.fromPath()).getParent();
            if (dir != null) {
                file = dir.resolve(file).toString();
            }
        }
        String full = Path.of(absolute(file)).normalize().toString();
        String ws = workspace();
        if (!full.startsWith(ws + "/")) {
            return null;
        }
        String relative = full.substring(ws.length() + 1);
        Optional<Path> host = job.session().hostWorkspace();
        if (host.isPresent() && !Files.isRegularFile(host.get().resolve(relative))) {
            return null;
        }
        return relative;
    }
}
