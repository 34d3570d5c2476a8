package dev.slipway.actions.workflow;

/**
 * What a step's {@code uses:} names: an action in the repository, an action in a git
 * repository, or a Docker image.
 */
public sealed interface ActionRef permits ActionRef.Local, ActionRef.Remote, ActionRef.Docker {
    /** As written in the workflow. */
    String source();

    /** {@code ./path}: a directory of the workspace with an action.yml; {@code path} is relative, "" for the root. */
    record Local(String path, String source) implements ActionRef {}

    /**
     * {@code owner/repo@ref}, {@code owner/repo/path@ref}, or with a URL in front
     * ({@code https://gitea.example/owner/repo@ref}), as Gitea allows.
     *
     * @param baseUrl the server, such as {@code https://gitea.example}; null for Slipway's
     *                configured default ({@code ci.actions.url}, github.com unless set)
     * @param path the directory of the action in the repository, "" for the root
     */
    record Remote(String baseUrl, String owner, String repo, String path, String ref, String source) implements ActionRef {
        /** {@code owner/repo}. */
        public String repository() {
            return owner + "/" + repo;
        }

        /** {@code actions/checkout}, {@code actions/cache/restore}: the name built-in actions are known by, without the ref. */
        public String name() {
            return path.isEmpty() ? repository() : repository() + "/" + path;
        }
    }

    /** {@code docker://image}: the image runs as the action. */
    record Docker(String image, String source) implements ActionRef {}

    /** @throws IllegalArgumentException saying what is wrong and what is expected */
    public static ActionRef parse(String uses) {
        if (uses.startsWith("./") || uses.equals(".")) {
            String path = RepoPaths.normalize(uses, "a local action");
            return new Local(path, uses);
        }
        if (uses.startsWith("docker://")) {
            String image = uses.substring("docker://".length());
            if (image.isBlank()) {
                throw new IllegalArgumentException("'" + uses + "' names no image; write docker://alpine:3.21");
            }
            return new Docker(image, uses);
        }
        String baseUrl = null;
        String rest = uses;
        int scheme = uses.indexOf("://");
        if (uses.startsWith("https://") || uses.startsWith("http://")) {
            int slash = uses.indexOf('/', scheme + 3);
            if (slash < 0) {
                throw new IllegalArgumentException("'" + uses + "' names no repository; write https://host/owner/repo@ref");
            }
            baseUrl = uses.substring(0, slash);
            rest = uses.substring(slash + 1);
        } else if (scheme >= 0) {
            throw new IllegalArgumentException("'" + uses + "': only ./path, owner/repo@ref, https://host/owner/repo@ref and"
                    + " docker://image are actions");
        }
        int at = rest.lastIndexOf('@');
        String[] parts = (at < 0 ? rest : rest.substring(0, at)).split("/", 3);
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("'" + uses + "' is not an action: write ./path for one in this repository,"
                    + " owner/repo@ref (such as actions/checkout@v4), or docker://image");
        }
        if (at < 0 || at == rest.length() - 1) {
            throw new IllegalArgumentException("'" + uses + "' needs a version after '@', such as " + rest.replaceAll("@$", "") + "@v1"
                    + " (a tag, a branch or a commit)");
        }
        String path = parts.length == 3 ? parts[2].replaceAll("/+$", "") : "";
        return new Remote(baseUrl, parts[0], parts[1], path, rest.substring(at + 1), uses);
    }
}
