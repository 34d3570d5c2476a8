package dev.slipway.ci.workspace;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * Trust on first use, like {@code StrictHostKeyChecking=accept-new}: the forge's host key is
 * accepted the first time. (Pinning known hosts per repository is future work; seed 004's
 * experiment used no checking at all.)
 */
final class AcceptNewHostKeys implements ServerKeyDatabase {
    private final Path knownHosts;

    AcceptNewHostKeys(Path knownHosts) {
        this.knownHosts = knownHosts;
    }

    @Override
    public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
        return List.of();
    }

    @Override
    public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey, Configuration config,
                          CredentialsProvider provider) {
        return true;
    }

    Path knownHosts() {
        return knownHosts;
    }
}
