package dev.slipway.ci.definition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ${NAME}} variables in task commands and env values. The parser checks the names; the
 * runner substitutes with {@link #substitute} (env values) and {@link #substituteKnown}
 * (commands), so both read the text the same way: left to right, <code>$${</code> is an escape
 * that leaves <code>${</code> for the shell, {@code ${NAME}} with NAME a letter or '_' then
 * letters, digits or '_' is a reference, and all else is literal (so {@code $HOME}, {@code $$}
 * and {@code ${x:-y}} reach the shell unchanged).
 *
 * <p>In commands, a reference to a name the pipeline does not declare is the shell's own
 * variable and reaches the shell unchanged, so pasted shell scripts work as written
 * ({@code VERSION=${LATEST#v}}, {@code echo ${MAJOR}}). Env values never reach a shell, so there
 * every reference must be declared. Names starting with {@code SLIPWAY_} are Slipway's: an
 * unknown one is an error everywhere (a typo of a built-in would otherwise be silently empty).
 */
public final class Variables {
    /**
     * Set by the server for every run, and reserved: a pipeline may not declare a {@code SLIPWAY_}
     * name. Empty when not applicable ({@code SLIPWAY_TAG} on a branch push).
     */
    public static final Set<String> BUILT_INS = Set.of(
            "SLIPWAY_COMMIT",         // full commit id of the triggering repository
            "SLIPWAY_COMMIT_SHORT",   // its first 8 characters (seed 001's sha8)
            "SLIPWAY_COMMIT_MESSAGE", // the commit's message
            "SLIPWAY_COMMIT_AUTHOR",  // the commit's author, "Name <email>"
            "SLIPWAY_BEFORE",         // for a push: the commit the ref pointed at before (empty for a new ref)
            "SLIPWAY_REF",            // full ref, such as refs/heads/main, refs/tags/v1.2.0 or refs/pull/7/head
            "SLIPWAY_BRANCH",         // branch name, for a branch push
            "SLIPWAY_TAG",            // tag name, for a tag push
            "SLIPWAY_EVENT",          // push, tag, pull_request, manual, cron or api
            "SLIPWAY_PULL_REQUEST",   // the pull request's number
            "SLIPWAY_PR_HEAD_REF",    // the pull request's head branch
            "SLIPWAY_PR_BASE_REF",    // the pull request's base branch
            "SLIPWAY_REPO",           // owner/name of the triggering repository
            "SLIPWAY_PIPELINE",       // the pipeline's name
            "SLIPWAY_TASK",           // the task's name
            "SLIPWAY_RUN_ID",         // the run's id
            "SLIPWAY_VERSION",        // the run's version from 'version:', such as v1.3.0
            "SLIPWAY_VERSION_BUMP",   // major, minor or patch
            "SLIPWAY_PREVIOUS_VERSION", // the version tag it was computed from (empty with none yet)
            "SLIPWAY_TOKEN",          // the run's job token (empty in slipway exec)
            "SLIPWAY_SERVER",         // the server's URL as tasks reach it
            "SLIPWAY_REGISTRY");      // host:port of the server's registry as tasks reach it

    /**
     * Values that only notification texts see, besides the built-ins: how the run ended and where
     * to look at it. Tasks run before either is known.
     */
    public static final Set<String> NOTIFICATION_VALUES = Set.of(
            "SLIPWAY_STATUS",         // success, failure, error or cancelled
            "SLIPWAY_RUN_URL");       // the run's URL

    static final String RESERVED_PREFIX = "SLIPWAY_";

    /**
     * Checks values given for a run (API {@code variables}, {@code exec --var}) against the
     * pipeline's declared {@code variables}: a value may only set a declared variable, never a
     * built-in one. Returns the problem, or null when all is well.
     */
    public static String checkGiven(java.util.Collection<String> given, java.util.Map<String, String> declared) {
        for (String name : given) {
            if (reserved(name)) {
                return "variable '" + name + "' cannot be set: names starting with " + RESERVED_PREFIX + " are Slipway's built-ins";
            }
            if (!declared.containsKey(name)) {
                return "the pipeline declares no variable '" + name + "'" + (declared.isEmpty() ? " (it declares none)"
                        : "; it declares " + String.join(", ", new java.util.TreeSet<>(declared.keySet())));
            }
        }
        return null;
    }

    private Variables() {}

    /**
     * Reports the references in {@code text} that have no value. In commands ({@code unshelled}
     * null), only references that start with SLIPWAY_ must be known: others are the shell's own
     * variables. Elsewhere ("env values", "tags") every reference must be declared or built in.
     */
    static void check(Source source, org.yaml.snakeyaml.nodes.Node node, String text, String where, String unshelled,
                      java.util.Set<String> declared) {
        boolean shell = unshelled == null;
        for (Reference ref : references(text)) {
            String name = ref.name();
            if (declared.contains(name) || BUILT_INS.contains(name) || (shell && !reserved(name))) {
                continue;
            }
            java.util.Set<String> known = new java.util.HashSet<>(declared);
            known.addAll(BUILT_INS);
            String message = where + " uses " + (reserved(name) ? "unknown built-in" : "undeclared") + " variable '" + name + "'"
                    + Syntax.didYouMean(name, known);
            source.reportWithin(node, "${" + name + "}", message + (reserved(name)
                    ? "; names starting with SLIPWAY_ are Slipway's (see the built-in variables)"
                    : "; declare it under 'variables' (" + unshelled + " are not read by a shell)"));
        }
    }

    /** A variable reference: its name and where it starts in the text. */
    record Reference(String name, int offset) {}

    static List<Reference> references(String text) {
        List<Reference> found = new ArrayList<>();
        scan(text, (name, offset) -> found.add(new Reference(name, offset)), null);
        return found;
    }

    /**
     * The text with every reference replaced by its value and every <code>$${</code> by <code>${</code>.
     *
     * @throws IllegalArgumentException for a name without a value (the parser rejects those)
     */
    public static String substitute(String text, Map<String, String> values) {
        StringBuilder out = new StringBuilder(text.length());
        scan(text, (name, offset) -> {
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("no value for variable '" + name + "'");
            }
            out.append(value);
        }, out);
        return out.toString();
    }

    /**
     * For commands: references to names in {@code values} are replaced, other references are left
     * for the shell as written, and <code>$${</code> becomes <code>${</code>.
     */
    public static String substituteKnown(String text, Map<String, String> values) {
        StringBuilder out = new StringBuilder(text.length());
        scan(text, (name, offset) -> {
            String value = values.get(name);
            out.append(value != null ? value : "${" + name + "}");
        }, out);
        return out.toString();
    }

    /** Whether a name is reserved for Slipway (and so must be a built-in wherever it is referenced). */
    static boolean reserved(String name) {
        return name.toUpperCase(java.util.Locale.ROOT).startsWith(RESERVED_PREFIX);
    }

    private interface Visitor {
        void reference(String name, int offset);
    }

    /** The one reading of the syntax; appends literal text to {@code out} when given. */
    private static void scan(String text, Visitor visitor, StringBuilder out) {
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                append(out, "${");
                i += 3;
                continue;
            }
            if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end > 0 && Syntax.ENV_NAME.matcher(text.substring(i + 2, end)).matches()) {
                    visitor.reference(text.substring(i + 2, end), i);
                    i = end + 1;
                    continue;
                }
            }
            append(out, String.valueOf(text.charAt(i)));
            i++;
        }
    }

    private static void append(StringBuilder out, String s) {
        if (out != null) {
            out.append(s);
        }
    }
}
