package dev.slipway.actions.workflow;

/** The reusable workflow a job's {@code uses:} names. */
public sealed interface WorkflowRef permits WorkflowRef.Local, WorkflowRef.Remote {
    String source();

    /** {@code ./.github/workflows/deploy.yml}: a workflow file of the same repository and commit; {@code path} without {@code ./}. */
    record Local(String path, String source) implements WorkflowRef {}

    /**
     * {@code owner/repo/.github/workflows/deploy.yml@ref}: a workflow of another repository.
     * Slipway reads it but does not run it yet; the reader warns.
     */
    record Remote(String owner, String repo, String path, String ref, String source) implements WorkflowRef {}

    /** @throws IllegalArgumentException saying what is wrong and what is expected */
    static WorkflowRef parse(String uses) {
        if (uses.startsWith("./")) {
            String path = RepoPaths.normalize(uses, "a reusable workflow");
            if (!WorkflowFiles.isWorkflowPath(path)) {
                throw new IllegalArgumentException("a reusable workflow is a .yml or .yaml file directly in "
                        + String.join(", ", WorkflowFiles.DIRECTORIES) + ", not '" + uses + "'");
            }
            return new Local(path, uses);
        }
        int at = uses.lastIndexOf('@');
        String[] parts = (at < 0 ? uses : uses.substring(0, at)).split("/", 3);
        if (at < 0 || at == uses.length() - 1 || parts.length < 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("'" + uses + "' is not a reusable workflow: write ./.github/workflows/NAME.yml for one"
                    + " in this repository, or owner/repo/.github/workflows/NAME.yml@ref");
        }
        return new Remote(parts[0], parts[1], parts[2], uses.substring(at + 1), uses);
    }
}
