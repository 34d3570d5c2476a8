package dev.slipway.ci.workspace;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.config.hosts.KnownHostHashValue;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * OpenSSH's {@code StrictHostKeyChecking=accept-new} over one known_hosts file the server owns:
 * a host seen for the first time has its key appended; a host whose key differs from the recorded
 * one is refused (it may be an impostor) until an administrator removes the old line. The file is
 * in OpenSSH's format, so {@code ssh-keygen -R '[host]:port' -f FILE} edits it and a line copied
 * from a workstation's known_hosts pins a forge's key in advance.
 *
 * <p>Why a connection was refused is kept per {@code host:port}, so that the checkout's error can
 * say so instead of JGit's generic failure.
 */
final class AcceptNewHostKeys implements ServerKeyDatabase {
    private final Path knownHosts;
    private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();

    private record Refusal(String why, long at) {}

    AcceptNewHostKeys(Path knownHosts) {
        this.knownHosts = knownHosts;
    }

    Path knownHosts() {
        return knownHosts;
    }

    @Override
    public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
        List<PublicKey> keys = new ArrayList<>();
        List<KnownHostEntry> known;
        try {
            known = matching(candidates(connectAddress, remoteAddress));
        } catch (IOException e) {
            return keys; // accept() reports it
        }
        for (KnownHostEntry e : known) {
            PublicKey k = key(e);
            if (k != null) {
                keys.add(k);
            }
        }
        return keys;
    }

    @Override
    public synchronized boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey, Configuration config,
                                       CredentialsProvider provider) {
        Set<HostPort> candidates = candidates(connectAddress, remoteAddress);
        HostPort named = candidates.iterator().next();
        List<KnownHostEntry> known;
        try {
            known = matching(candidates);
        } catch (IOException e) {
            return refuse(named, "cannot read " + knownHosts + ": " + e.getMessage());
        }
        List<String> recorded = new ArrayList<>();
        for (KnownHostEntry e : known) {
            PublicKey k = key(e);
            if (k != null && KeyUtils.compareKeys(k, serverKey)) {
                if ("revoked".equals(e.getMarker())) {
                    return refuse(named, "the host key of " + named + " (" + KeyUtils.getFingerPrint(serverKey) + ") is marked revoked in "
                            + knownHosts);
                }
                refusals.remove(named.toString());
                return true;
            }
            if (k != null && !"revoked".equals(e.getMarker())) {
                recorded.add(KeyUtils.getFingerPrint(k));
            }
        }
        if (!recorded.isEmpty()) {
            return refuse(named, "the host key of " + named + " has changed: it is now " + KeyUtils.getFingerPrint(serverKey) + ", but "
                    + knownHosts + " records " + String.join(", ", recorded) + ". This can be a man-in-the-middle attack, or the "
                    + "server's key was replaced; if the change is expected, remove the old key with ssh-keygen -R '" + named.pattern()
                    + "' -f " + knownHosts);
        }
        try {
            StringBuilder line = new StringBuilder();
            KnownHostHashValue.appendHostPattern(line, named.host(), named.port());
            line.append(' ');
            PublicKeyEntry.appendPublicKeyEntry(line, serverKey);
            Files.createDirectories(knownHosts.getParent());
            Files.writeString(knownHosts, line.append('\n'), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            return refuse(named, "cannot record the host key of " + named + " in " + knownHosts + ": " + e.getMessage());
        }
        refusals.remove(named.toString());
        return true;
    }

    /** Why a connection to {@code host:port} was refused at or after {@code since} ({@link System#nanoTime()}), or null. */
    String refusal(String host, int port, long since) {
        Refusal r = refusals.get(new HostPort(host, port).toString());
        return r == null || r.at() - since < 0 ? null : r.why();
    }

    private boolean refuse(HostPort hp, String why) {
        refusals.put(hp.toString(), new Refusal(why, System.nanoTime()));
        return false;
    }

    private List<KnownHostEntry> matching(Set<HostPort> candidates) throws IOException {
        List<KnownHostEntry> all;
        try {
            all = KnownHostEntry.readKnownHostEntries(knownHosts);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<KnownHostEntry> m = new ArrayList<>();
        for (KnownHostEntry e : all) {
            if (candidates.stream().anyMatch(c -> e.isHostMatch(c.host(), c.port()))) {
                m.add(e);
            }
        }
        return m;
    }

    private static PublicKey key(KnownHostEntry e) {
        AuthorizedKeyEntry k = e.getKeyEntry();
        try {
            return k == null ? null : k.resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
        } catch (IOException | GeneralSecurityException ex) {
            return null;
        }
    }

    /** The address as the URL names it first, then the address actually connected to. */
    private static Set<HostPort> candidates(String connectAddress, InetSocketAddress remote) {
        Set<HostPort> c = new LinkedHashSet<>();
        HostPort named = HostPort.parse(connectAddress, remote.getPort());
        if (named != null) {
            c.add(named);
        }
        c.add(new HostPort(remote.getAddress() == null ? remote.getHostString() : remote.getAddress().getHostAddress(), remote.getPort()));
        return c;
    }

    private record HostPort(String host, int port) {
        /** {@code [host]:port}, {@code host:port} or {@code host}, as JGit passes the connect address. */
        static HostPort parse(String address, int defaultPort) {
            if (address == null || address.isEmpty()) {
                return null;
            }
            try {
                if (address.startsWith("[")) {
                    int end = address.indexOf(']');
                    return end < 0 ? null : new HostPort(address.substring(1, end),
                            end + 2 < address.length() ? Integer.parseInt(address.substring(end + 2)) : defaultPort);
                }
                int colon = address.lastIndexOf(':');
                return colon > 0 && address.indexOf(':') == colon
                        ? new HostPort(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))
                        : new HostPort(address, defaultPort);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        /** known_hosts' host pattern: {@code host} for port 22, else {@code [host]:port}. */
        String pattern() {
            return port == 22 ? host : "[" + host + "]:" + port;
        }

        @Override
        public String toString() {
            return pattern();
        }
    }
}
