package dev.slipway.ci.definition;

import dev.slipway.ci.model.Permissions;
import dev.slipway.ci.model.Publish;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a task's {@code publish:} mapping. What can be checked before the run is checked here:
 * the image is declared, {@code to} is a repository, each tag template can become a valid tag and
 * names only known variables, {@code keep} and {@code credentials} fit the registry. A tag with
 * references is checked again once they have values (an empty {@code ${SLIPWAY_TAG}} on a branch
 * push fails the task then).
 */
final class PublishReader {
    private static final Set<String> KEYS = Set.of("image", "to", "tags", "keep", "credentials");
    private static final int MAX_REPOSITORY = 255;

    private final Source source;
    private final Set<String> images;
    private final Set<String> variables;
    private final Permissions permissions;

    PublishReader(Source source, Set<String> images, Set<String> variables, Permissions permissions) {
        this.source = source;
        this.images = images;
        this.variables = variables;
        this.permissions = permissions;
    }

    /** The publish spec, or null when it has problems (all reported). */
    Publish read(Node node, Node keyNode, String task) {
        String where = "'publish' of " + task;
        int before = source.problemCount();
        Fields f = source.fields(node, keyNode, where, KEYS);
        if (!f.isMapping()) {
            return null;
        }
        String image = TaskReader.declaredImage(source, f, where, images);
        String to = to(f, where);
        List<String> tags = tags(f, where);
        Integer keep = keep(f, where);
        String credentials = f.text("credentials", "'credentials' of " + where);
        if (credentials != null) {
            source.checkEnvName(f.get("credentials"), credentials, "secret");
        }
        if (to != null) {
            boolean own = !Publish.hasRegistryHost(to);
            if (own && credentials != null) {
                source.report(f.keyNode("credentials"), "'credentials' of " + where + " is for another registry; Slipway's own"
                        + " registry needs none (the push has the rights of the user the run belongs to)");
            }
            if (!own && keep != null) {
                source.report(f.keyNode("keep"), "'keep' of " + where + " applies Slipway's own retention, so it is only for"
                        + " Slipway's own registry (owner/name); another registry cleans up by its own rules");
            }
            if (own && permissions.packages() != Permissions.Access.WRITE) {
                source.report(f.get("to"), task + " publishes to Slipway's registry, which needs 'packages: write' in 'permissions'"
                        + " (the pipeline gives 'packages: " + permissions.packages().wire() + "')");
            }
        }
        if (source.problemCount() > before) {
            return null;
        }
        return new Publish(image, to, tags, keep, credentials);
    }

    /** {@code owner/name[/path]} (Slipway's registry) or {@code host[:port]/path/name}, without a tag or digest. */
    private String to(Fields f, String where) {
        Node node = f.require("to");
        String to = node == null ? null : source.text(node, "'to' of " + where);
        if (to == null) {
            return null;
        }
        int tagAt = to.indexOf('@') >= 0 ? to.indexOf('@') : to.lastIndexOf(':') > to.lastIndexOf('/') ? to.lastIndexOf(':') : -1;
        if (tagAt > 0 && to.lastIndexOf('/') >= 0) {
            source.report(node, "'to' of " + where + " names a repository, without a tag or digest ('" + to.substring(tagAt)
                    + "'); list tags under 'tags'");
            return null;
        }
        boolean own = !Publish.hasRegistryHost(to);
        boolean valid = to.length() <= MAX_REPOSITORY
                && (own ? Syntax.OWN_REPOSITORY : Syntax.OTHER_REPOSITORY).matcher(to).matches();
        if (!valid) {
            source.report(node, "'to' of " + where + " must be owner/name for Slipway's own registry, or host[:port]/path/name"
                    + " for another registry (lower-case path components), not '" + to + "'");
            return null;
        }
        return to;
    }

    private List<String> tags(Fields f, String where) {
        Node node = f.require("tags");
        List<String> tags = new ArrayList<>();
        Map<String, Node> seen = new HashMap<>();
        for (Source.Text tag : source.texts(node, "'tags' of " + where, "a tag of " + where)) {
            int before = source.problemCount();
            Variables.check(source, tag.node(), tag.value(), where, "tags", variables);
            if (source.problemCount() == before) {
                checkTag(tag, where);
            }
            if (seen.putIfAbsent(tag.value(), tag.node()) != null) {
                source.report(tag.node(), where + " lists tag '" + tag.value() + "' twice");
            }
            tags.add(tag.value());
        }
        if (node != null && tags.isEmpty() && source.items(node, "'tags' of " + where).isEmpty()) {
            source.report(node, where + " needs at least one tag, such as \"${SLIPWAY_COMMIT_SHORT}\" or latest");
        }
        return tags;
    }

    /**
     * A tag without references must be valid as written; one with references must be valid for
     * some values (each reference stands for "0" here), so a '/' or a leading '-' is caught now.
     */
    private void checkTag(Source.Text tag, String where) {
        List<Variables.Reference> refs = Variables.references(tag.value());
        if (refs.isEmpty()) {
            if (!Publish.isTag(tag.value())) {
                source.report(tag.node(), "'" + tag.value() + "' in " + where + " is not a valid tag: " + Publish.TAG_RULE);
            }
            return;
        }
        Map<String, String> sample = new HashMap<>();
        refs.forEach(r -> sample.put(r.name(), "0"));
        String shape = Variables.substitute(tag.value(), sample);
        if (!Publish.isTag(shape.length() > 128 ? shape.substring(0, 128) : shape)) {
            source.report(tag.node(), "'" + tag.value() + "' in " + where + " can never be a valid tag: " + Publish.TAG_RULE);
        }
    }

    private Integer keep(Fields f, String where) {
        Node node = f.get("keep");
        if (node == null) {
            return null;
        }
        String text = source.text(node, "'keep' of " + where);
        if (text == null) {
            return null;
        }
        int keep;
        try {
            keep = node instanceof ScalarNode s && s.isPlain() && text.matches("[0-9]{1,6}") ? Integer.parseInt(text) : 0;
        } catch (NumberFormatException e) {
            keep = 0;
        }
        if (keep < 1) {
            source.report(node, "'keep' of " + where + " must be a number of tags of at least 1 (the newest N are kept;"
                    + " latest always is), not '" + text + "'");
            return null;
        }
        return keep;
    }
}
