package dev.slipway.web.view;

import java.util.List;

/** What the settings and administration pages show beside the services' own records. */
public final class SettingsItems {
    private SettingsItems() {}

    /** What the new-token form shows again after a refusal. */
    public record TokenForm(String name, List<String> scopes) {
        public TokenForm {
            scopes = List.copyOf(scopes);
        }
    }

    /** A deploy key whose deletion was refused because repositories or pipelines still use it. */
    public record KeyInUse(String owner, String name, List<String> usedBy) {
        public KeyInUse {
            usedBy = List.copyOf(usedBy);
        }
    }

    /** An organization in the administration's list. */
    public record OrgRow(String name, int members) {}

    /**
     * A CI cache as the caches page shows it.
     *
     * @param quotaBytes its own quota, else the server's default
     * @param ownQuota whether the quota is its own
     * @param owners the owning repositories the viewer may see and release it for (a site admin: all; anyone else: their own)
     * @param otherOwners how many other repositories also own it
     */
    public record CacheRow(String id, String name, boolean shared, long sizeBytes, long quotaBytes, boolean ownQuota, List<String> owners,
                           int otherOwners) {
        public CacheRow {
            owners = List.copyOf(owners);
        }

        public boolean over() {
            return sizeBytes > quotaBytes;
        }
    }
}
