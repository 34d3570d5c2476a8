package dev.slipway.actions.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a {@code run} step's script file is run: GitHub's built-in shells and custom templates
 * ({@code jobs.<job_id>.steps[*].shell}). Without a shell, GitHub runs {@code bash -e {0}} when
 * the session has bash and {@code sh -e {0}} otherwise; {@code shell: bash} adds
 * {@code --noprofile --norc -o pipefail}.
 *
 * @param template the command with {@code {0}} where the script's path goes, as GitHub prints it
 * @param extension of the script file ({@code .sh}, {@code .py}, {@code .ps1}), or ''
 */
record Shell(String template, String extension) {
    /** Finds out whether a command exists in the session (with the step's PATH). */
    @FunctionalInterface
    interface Probe {
        boolean has(String command) throws IOException, InterruptedException;
    }

    /** A shell that cannot be used; the message says why and what to do. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    static final String INVALID = "Invalid shell option. Shell must be a valid built-in (bash, sh, cmd, powershell, pwsh) or a format string containing '{0}'";

    /** The shell for {@code spec} (a step's or the defaults' {@code shell}, null for none). */
    static Shell of(String spec, Probe probe) throws Unavailable, IOException, InterruptedException {
        String s = spec == null ? "" : spec.trim();
        switch (s) {
            case "" -> {
                return probe.has("bash") ? new Shell("bash -e {0}", ".sh") : new Shell("sh -e {0}", ".sh");
            }
            case "bash" -> {
                return new Shell("bash --noprofile --norc -eo pipefail {0}", ".sh");
            }
            case "sh" -> {
                return new Shell("sh -e {0}", ".sh");
            }
            case "python" -> {
                if (probe.has("python")) {
                    return new Shell("python {0}", ".py");
                }
                if (probe.has("python3")) {
                    return new Shell("python3 {0}", ".py");
                }
                throw new Unavailable("shell: python needs python or python3 in the job's environment, and it has neither;"
                        + " use an image with Python, or another shell");
            }
            case "pwsh" -> {
                if (!probe.has("pwsh")) {
                    throw new Unavailable("shell: pwsh needs PowerShell (pwsh) in the job's environment, and it has none;"
                            + " use an image with PowerShell, or another shell (bash, sh, python)");
                }
                return new Shell("pwsh -command \". '{0}'\"", ".ps1");
            }
            case "powershell", "cmd" -> throw new Unavailable("shell: " + s + " runs only on Windows runners, and Slipway runs jobs on Linux;"
                    + " use bash, sh, python or pwsh");
            default -> {
                if (!s.contains("{0}")) {
                    throw new Unavailable(INVALID);
                }
                String command = s.split("\\s+", 2)[0];
                return new Shell(s, extension(command));
            }
        }
    }

    private static String extension(String command) {
        String name = command.substring(command.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return switch (name) {
            case "bash", "sh" -> ".sh";
            case "python", "python3" -> ".py";
            case "pwsh", "powershell" -> ".ps1";
            default -> "";
        };
    }

    boolean powershell() {
        return extension.equals(".ps1");
    }

    /** The script as the file holds it: PowerShell gets GitHub's prologue and epilogue, so errors stop it and its exit code counts. */
    String file(String script) {
        if (!powershell()) {
            return script;
        }
        return "$ErrorActionPreference = 'stop'\n" + script + "\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }\n";
    }

    /** The argv for a script at {@code path}: {0} replaced, then split as the runner splits arguments (double quotes group, backslashes escape them). */
    List<String> argv(String path) {
        return split(template.replace("{0}", path));
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder arg = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                int n = 0;
                while (i < line.length() && line.charAt(i) == '\\') {
                    n++;
                    i++;
                }
                if (i < line.length() && line.charAt(i) == '"') {
                    arg.append("\\".repeat(n / 2));
                    if (n % 2 == 1) {
                        arg.append('"');
                    } else {
                        quoted = !quoted;
                    }
                } else {
                    arg.append("\\".repeat(n));
                    i--;
                }
                any = true;
            } else if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (!quoted && Character.isWhitespace(c)) {
                if (any) {
                    out.add(arg.toString());
                    arg.setLength(0);
                    any = false;
                }
            } else {
                arg.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(arg.toString());
        }
        return out;
    }
}
