package dev.slipway.registry.browse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PackageBrowserTest {
    @Test
    void referrersAreMarkedByWhatTheirArtifactTypeSays() {
        assertThat(PackageBrowser.kind("application/vnd.dev.cosign.artifact.sig.v1+json")).isEqualTo("signature");
        assertThat(PackageBrowser.kind("application/vnd.cncf.notary.signature")).isEqualTo("signature");
        assertThat(PackageBrowser.kind("application/spdx+json")).isEqualTo("SBOM");
        assertThat(PackageBrowser.kind("application/vnd.cyclonedx+json")).isEqualTo("SBOM");
        assertThat(PackageBrowser.kind("application/vnd.in-toto+json")).isEqualTo("attestation");
        assertThat(PackageBrowser.kind("application/vnd.example.thing")).isEqualTo("application/vnd.example.thing");
        assertThat(PackageBrowser.kind(null)).isEqualTo("artifact");
    }
}
