package dev.slipway.actions.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * Where jobs run, from their {@code runs-on} labels: the labels Slipway's runner has
 * ({@code ci.actions.labels}, each a label and what it means) decide a container image or the
 * host. As in GitHub and Gitea, a job runs only on a runner that has every label it names,
 * ignoring case; of its labels, the first with a target decides. A job whose labels Slipway does
 * not have fails at once with a message listing the labels it has, instead of waiting forever
 * for a runner (seed 000's "jobs not picked up").
 *
 * <p>A target is an image ({@code node:20-bookworm}, or act_runner's {@code docker://node:20-bookworm})
 * or {@code host}: the local executor, without isolation. {@code self-hosted} and {@code host}
 * mean the host when they are not configured otherwise, if running jobs on the host is allowed.
 */
public final class Runners {
    private static final String HOST = "host";
    private static final String DOCKER = "docker://";

    /** Where a job runs. */
    public sealed interface Runner permits Runner.Container, Runner.Host, Runner.Unavailable {
        /** In a container of this image; {@code label} is the label that chose it. */
        record Container(String image, String label) implements Runner {}

        /** On the host, with the local executor. */
        record Host(String label) implements Runner {}

        /** Nowhere: the job fails with this message, which names the labels there are. */
        record Unavailable(String message) implements Runner {}
    }

    private final SequencedMap<String, Target> labels;
    private final boolean hostAllowed;

    private record Target(String label, String image) {
        boolean host() {
            return image == null;
        }
    }

    private Runners(SequencedMap<String, Target> labels, boolean hostAllowed) {
        this.labels = labels;
        this.hostAllowed = hostAllowed;
    }

    /**
     * @param labels label to target, in the configuration's order: an image, {@code docker://image} or {@code host}
     * @param hostAllowed whether jobs may run on the host (the local executor)
     * @throws IllegalArgumentException for an empty label or target
     */
    public static Runners of(Map<String, String> labels, boolean hostAllowed) {
        SequencedMap<String, Target> targets = new LinkedHashMap<>();
        labels.forEach((label, target) -> {
            if (label == null || label.isBlank() || target == null || target.isBlank()) {
                throw new IllegalArgumentException("ci.actions.labels: '" + label + ": " + target + "' needs a label and an image"
                        + " (or docker://image, or host)");
            }
            String t = target.strip();
            String image = t.equals(HOST) ? null : t.startsWith(DOCKER) ? t.substring(DOCKER.length()) : t;
            if (image != null && image.isBlank()) {
                throw new IllegalArgumentException("ci.actions.labels: '" + label + "' names no image after docker://");
            }
            targets.put(key(label), new Target(label.strip(), image));
        });
        return new Runners(targets, hostAllowed);
    }

    /**
     * act_runner's way of writing a label with its target, {@code ubuntu-latest:docker://node:20-bookworm}
     * or {@code self-hosted:host}, as a label and target for {@link #of}.
     *
     * @throws IllegalArgumentException when there is no ':' between them
     */
    public static Map.Entry<String, String> parseLabel(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not LABEL:docker://IMAGE or LABEL:host");
        }
        return Map.entry(text.substring(0, colon).strip(), text.substring(colon + 1).strip());
    }

    /** The labels Slipway has, as configured. */
    public List<String> labels() {
        List<String> names = new ArrayList<>();
        labels.values().forEach(t -> names.add(t.label()));
        return names;
    }

    /** Where a job with these (evaluated) {@code runs-on} labels runs. */
    public Runner choose(List<String> runsOn) {
        if (runsOn.isEmpty() || runsOn.stream().allMatch(String::isBlank)) {
            return new Runner.Unavailable("runs-on names no label; " + known());
        }
        List<String> unknown = new ArrayList<>();
        Target chosen = null;
        for (String label : runsOn) {
            Target target = labels.get(key(label));
            if (target == null && isHostLabel(label)) {
                target = new Target(label, null);
            }
            if (target == null) {
                unknown.add(label);
            } else if (chosen == null) {
                chosen = target;
            }
        }
        String written = "runs-on " + (runsOn.size() == 1 ? "'" + runsOn.getFirst() + "'" : runsOn.toString());
        if (!unknown.isEmpty()) {
            return new Runner.Unavailable("no runner has " + (unknown.size() == 1 ? "the label '" + unknown.getFirst() + "'"
                    : "the labels " + unknown) + " (" + written + "); " + known()
                    + "; add it to ci.actions.labels with an image, for example '" + unknown.getFirst() + ": node:20-bookworm'");
        }
        if (chosen.host() && !hostAllowed) {
            return new Runner.Unavailable(written + " means running on the host, which this server does not allow;"
                    + " give '" + chosen.label() + "' an image in ci.actions.labels, or name a label that has one; " + known());
        }
        return chosen.host() ? new Runner.Host(chosen.label()) : new Runner.Container(chosen.image(), chosen.label());
    }

    private String known() {
        List<String> names = labels();
        if (hostAllowed && names.stream().noneMatch(Runners::isHostLabel)) {
            names.add("self-hosted (the host)");
        }
        return names.isEmpty() ? "no labels are configured (ci.actions.labels)" : "the labels are: " + String.join(", ", names);
    }

    private static boolean isHostLabel(String label) {
        String k = key(label);
        return k.equals("self-hosted") || k.equals(HOST);
    }

    private static String key(String label) {
        return Objects.requireNonNull(label).strip().toLowerCase(Locale.ROOT);
    }
}
