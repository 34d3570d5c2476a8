package dev.slipway.web.view;

import dev.slipway.core.Sizes;
import dev.slipway.registry.browse.PackageBrowser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What the package pages show (see {@code PackagePages}). */
public final class PackageView {
    private PackageView() {}

    /** {@code /{owner}/-/packages/container/{name}}, the name escaped as the packages API's {@code html_url} has it. */
    public static String packageUrl(String owner, String name) {
        return "/" + owner + "/-/packages/container/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    public static String versionUrl(String owner, String name, String version) {
        return packageUrl(owner, name) + "/" + URLEncoder.encode(version, StandardCharsets.UTF_8);
    }

    public static String size(long bytes) {
        return Sizes.format(bytes);
    }

    /** {@code sha256:0123456789ab}. */
    public static String shortDigest(Object digest) {
        String d = String.valueOf(digest);
        int colon = d.indexOf(':');
        return colon >= 0 && d.length() > colon + 13 ? d.substring(0, colon + 13) : d;
    }

    /** A row of the owner's page. */
    public record Item(PackageBrowser.Summary summary, String url) {}

    /** A repository's page: its tags and visibility. */
    public record Package(String owner, String name, boolean isPublic, String host, List<PackageBrowser.Tag> tags, boolean canDelete,
                          boolean canManage, String error, String copyJs) {
        public Package {
            tags = List.copyOf(tags);
        }

        public String url() {
            return packageUrl(owner, name);
        }

        public String versionUrl(String version) {
            return PackageView.versionUrl(owner, name, version);
        }

        public String image() {
            return host + "/" + owner + "/" + name;
        }
    }

    /** An image or index, by tag or by digest. */
    public record Version(String owner, String name, boolean isPublic, String host, PackageBrowser.Image image, boolean canDelete,
                          String error, String copyJs) {
        public String packageUrl() {
            return PackageView.packageUrl(owner, name);
        }

        public String url() {
            return PackageView.versionUrl(owner, name, image.reference());
        }

        public String digestUrl(Object digest) {
            return PackageView.versionUrl(owner, name, String.valueOf(digest));
        }

        public boolean byDigest() {
            return image.reference().equals(image.digest().toString());
        }

        /** {@code docker pull host/owner/name:tag}, or null when the page names a digest. */
        public String pullByTag() {
            return byDigest() ? null : "docker pull " + host + "/" + owner + "/" + name + ":" + image.reference();
        }

        public String pullByDigest() {
            return "docker pull " + host + "/" + owner + "/" + name + "@" + image.digest();
        }
    }
}
