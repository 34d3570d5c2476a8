package dev.slipway.ci.model;

/**
 * What a run's job token ({@code SLIPWAY_TOKEN}) may do, as GitHub Actions' {@code permissions}
 * key says it: {@code packages} are the registry repositories of the run repository's owner,
 * {@code repository} is the run's own repository in the CI API (its runs and logs).
 */
public record Permissions(Access packages, Access repository) {
    /** Without a {@code permissions} key: read and write the owner's packages, read the repository's runs. */
    public static final Permissions DEFAULT = new Permissions(Access.WRITE, Access.READ);

    /** GitHub's words: {@code none}, {@code read}, {@code write}. */
    public enum Access {
        NONE, READ, WRITE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public Access atMost(Access other) {
            return compareTo(other) <= 0 ? this : other;
        }
    }

    /** These permissions, but no more than {@code limit} allows. */
    public Permissions atMost(Permissions limit) {
        return new Permissions(packages.atMost(limit.packages), repository.atMost(limit.repository));
    }
}
