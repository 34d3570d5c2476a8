package dev.slipway.actions.engine;

import dev.slipway.ci.executor.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code options:} of a service (extra {@code docker create} flags), and its {@code ports:}.
 * Only flags that keep the service a container of its job are taken; any other is refused by
 * name, so a workflow never runs with a flag silently dropped.
 */
record ServiceOptions(ServiceSpec.Health health, Map<String, String> env, String user, String workdir, String entrypoint,
                      Long memoryBytes, Double cpus) {
    static final List<String> SUPPORTED = List.of("--health-cmd", "--health-interval", "--health-timeout", "--health-retries",
            "--health-start-period", "--no-healthcheck", "-e/--env", "-u/--user", "-w/--workdir", "--entrypoint", "-m/--memory", "--cpus");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    private static final Pattern PORT = Pattern.compile("(?:(?:(\\[[0-9a-fA-F:.]+\\]|[0-9.]+):)?(\\d*):)?(\\d+)(?:/(tcp|udp))?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)([bkmg]?)", Pattern.CASE_INSENSITIVE);

    static final ServiceOptions NONE = new ServiceOptions(null, Map.of(), null, null, null, null, null);

    /** @param where {@code jobs.test.services.db.options}, for messages */
    static ServiceOptions parse(String options, String where) {
        if (options == null || options.isBlank()) {
            return NONE;
        }
        List<String> words = words(options, where);
        String healthCmd = null;
        Duration interval = null;
        Duration timeout = null;
        Duration startPeriod = null;
        Integer retries = null;
        boolean noHealth = false;
        Map<String, String> env = new LinkedHashMap<>();
        String user = null;
        String workdir = null;
        String entrypoint = null;
        Long memory = null;
        Double cpus = null;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            String flag = word;
            String value = null;
            int eq = word.indexOf('=');
            if (word.startsWith("--") && eq > 0) {
                flag = word.substring(0, eq);
                value = word.substring(eq + 1);
            }
            if (!flag.startsWith("-")) {
                throw new IllegalArgumentException(where + ": '" + word + "' is not an option (a service's command is its 'command:')");
            }
            if (flag.equals("--no-healthcheck")) {
                noHealth = true;
                continue;
            }
            String named = flag;
            if (SUPPORTED.stream().noneMatch(s -> List.of(s.split("/")).contains(named))) {
                throw new IllegalArgumentException(where + ": " + flag + " is not supported for services by Slipway; it takes "
                        + String.join(", ", SUPPORTED));
            }
            if (value == null) {
                if (i + 1 >= words.size()) {
                    throw new IllegalArgumentException(where + ": " + flag + " needs a value");
                }
                value = words.get(++i);
            }
            switch (flag) {
                case "--health-cmd" -> healthCmd = value;
                case "--health-interval" -> interval = duration(value, flag, where);
                case "--health-timeout" -> timeout = duration(value, flag, where);
                case "--health-start-period" -> startPeriod = duration(value, flag, where);
                case "--health-retries" -> {
                    try {
                        retries = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        retries = -1;
                    }
                    if (retries < 1) {
                        throw new IllegalArgumentException(where + ": --health-retries must be a number of at least 1, not '" + value + "'");
                    }
                }
                case "-e", "--env" -> {
                    int at = value.indexOf('=');
                    if (at < 1) {
                        throw new IllegalArgumentException(where + ": " + flag + " takes NAME=VALUE, not '" + value + "' (use the service's env:)");
                    }
                    env.put(value.substring(0, at), value.substring(at + 1));
                }
                case "-u", "--user" -> user = value;
                case "-w", "--workdir" -> workdir = value;
                case "--entrypoint" -> entrypoint = value;
                case "-m", "--memory" -> memory = size(value, flag, where);
                case "--cpus" -> {
                    try {
                        cpus = Double.parseDouble(value);
                    } catch (NumberFormatException e) {
                        cpus = -1.0;
                    }
                    if (!(cpus > 0)) {
                        throw new IllegalArgumentException(where + ": --cpus must be a positive number, not '" + value + "'");
                    }
                }
                default -> throw new IllegalStateException(flag);
            }
        }
        boolean anyHealth = healthCmd != null || interval != null || timeout != null || retries != null || startPeriod != null;
        if (noHealth && anyHealth) {
            throw new IllegalArgumentException(where + ": --no-healthcheck conflicts with the --health-* options");
        }
        ServiceSpec.Health health = noHealth || anyHealth ? new ServiceSpec.Health(healthCmd, interval, timeout, retries, startPeriod, noHealth) : null;
        return new ServiceOptions(health, env, user, workdir, entrypoint, memory, cpus);
    }

    /**
     * One item of {@code volumes:}: {@code name:/path} (a volume of the run, shared by the job's
     * container and its services that name it, removed with the run's workspace) or {@code /path}
     * (the container's own). A host path ({@code /src:/dst}) is refused: on a shared server a job
     * never mounts the host's files.
     *
     * @param where {@code jobs.test.container.volumes}, for messages
     */
    static dev.slipway.ci.executor.TaskSpec.Mount.Volume volume(String item, String where) {
        String v = item.strip();
        String[] parts = v.split(":", -1);
        if (parts.length == 3 && (parts[2].equals("rw") || parts[2].equals("ro"))) {
            if (parts[2].equals("ro")) {
                throw new IllegalArgumentException(where + ": '" + v + "': read-only volumes are not supported by Slipway");
            }
            parts = new String[] {parts[0], parts[1]};
        }
        try {
            if (parts.length == 1) {
                return new dev.slipway.ci.executor.TaskSpec.Mount.Volume(null, parts[0]);
            }
            if (parts.length == 2 && !parts[0].startsWith("/") && !parts[0].startsWith(".") && !parts[0].startsWith("~")) {
                return new dev.slipway.ci.executor.TaskSpec.Mount.Volume(parts[0], parts[1]);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": '" + v + "': " + e.getMessage());
        }
        if (parts.length == 2) {
            throw new IllegalArgumentException(where + ": '" + v + "' mounts a path of the host, which Slipway never gives a job; "
                    + "use a named volume (name:" + parts[1] + "), a cache or an artifact");
        }
        throw new IllegalArgumentException(where + ": '" + v + "' is not name:/path or /path");
    }

    /**
     * One item of {@code ports:}: {@code 8080} (a free host port), {@code 8080:80},
     * {@code 127.0.0.1:8080:80}, with {@code /udp} or {@code /tcp}. Without an address it is
     * published on the host's loopback only.
     */
    static ServiceSpec.Port port(String text, String where) {
        Matcher m = PORT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(where + ": '" + text + "' is not a port; write CONTAINER, HOST:CONTAINER or"
                    + " ADDRESS:HOST:CONTAINER, with /udp for UDP (ranges are not supported)");
        }
        String ip = m.group(1) == null ? "127.0.0.1" : m.group(1).replaceAll("[\\[\\]]", "");
        Integer host = m.group(2) == null || m.group(2).isEmpty() ? null : Integer.valueOf(m.group(2));
        try {
            return new ServiceSpec.Port(Integer.parseInt(m.group(3)), m.group(4) == null ? "tcp" : m.group(4), ip, host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": '" + text + "': " + e.getMessage());
        }
    }

    /** Go's durations as docker takes them: {@code 10s}, {@code 1m30s}, {@code 500ms}. */
    static Duration duration(String text, String flag, String where) {
        Matcher m = DURATION.matcher(text);
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += (long) (n * unit);
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException(where + ": " + flag + " takes a duration such as 10s, 1m30s or 500ms, not '" + text + "'");
        }
        return Duration.ofNanos(nanos);
    }

    private static long size(String text, String flag, String where) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(where + ": " + flag + " takes a size such as 512m or 2g, not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }

    /** Words as a shell splits them: blanks separate, single and double quotes group, backslash escapes. */
    static List<String> words(String text, String where) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < text.length() && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) {
                    word.append(text.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '\\' && i + 1 < text.length()) {
                    word.append(text.charAt(++i));
                } else {
                    word.append(c);
                }
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException(where + ": a quote (" + quote + ") is not closed");
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
