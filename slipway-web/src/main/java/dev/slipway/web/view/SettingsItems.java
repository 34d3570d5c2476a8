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
}
