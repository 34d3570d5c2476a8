package dev.slipway.ci.workspace;

import dev.slipway.ci.model.RepositoryEntry;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLException;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.errors.UnsupportedCredentialItem;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * How one git operation of an entry authenticates (seed 004: a compromised task cannot reach other
 * repositories), and what its failure means in the user's terms.
 * <ul>
 * <li>ssh: only the deploy key the entry names, public-key authentication only. Never the server
 *     user's ~/.ssh (keys, config, known_hosts), never an ssh-agent; host keys are checked by
 *     {@link AcceptNewHostKeys}.
 * <li>http(s): the entry's credentials, sent only to the entry's own scheme, host and port (not to
 *     submodules on other servers).
 * </ul>
 * Closing it closes the ssh client the operation used.
 */
final class GitAccess implements TransportConfigCallback, AutoCloseable {
    private final String owner;
    private final RepositoryEntry entry;
    private final Path key;
    private final HttpCredentials credentials;
    private final Path home;
    private final AcceptNewHostKeys hostKeys;
    private final GitCertificateAuthorities certificateAuthorities;
    private SshdSessionFactory ssh;
    private URIish sshUri;
    private final long started = System.nanoTime();
    private Login login;

    /**
     * @param key the private key of the entry's deploy key, or null
     * @param credentials the entry's http(s) credentials, or null
     * @param home a directory of the server's own to stand for the ssh client's home
     * @param certificateAuthorities extra CAs for https, or null
     */
    GitAccess(String owner, RepositoryEntry entry, Path key, HttpCredentials credentials, Path home, AcceptNewHostKeys hostKeys,
              GitCertificateAuthorities certificateAuthorities) {
        this.owner = owner;
        this.entry = entry;
        this.key = key;
        this.credentials = credentials;
        this.home = home;
        this.hostKeys = hostKeys;
        this.certificateAuthorities = certificateAuthorities;
    }

    @Override
    public void configure(Transport t) {
        if (t instanceof SshTransport s) {
            if (ssh == null) {
                ssh = new SshdSessionFactoryBuilder()
                        .setHomeDirectory(home.toFile())
                        .setSshDirectory(hostKeys.knownHosts().getParent().toFile())
                        .setDefaultIdentities(dir -> key == null ? List.of() : List.of(key))
                        .setPreferredAuthentications("publickey")
                        .setConnectorFactory(null) // no ssh-agent
                        .setServerKeyDatabase((homeDir, sshDir) -> hostKeys)
                        .build(null);
            }
            sshUri = t.getURI();
            s.setSshSessionFactory(ssh);
        } else if (t instanceof TransportHttp http) {
            if (certificateAuthorities != null) {
                http.setHttpConnectionFactory(certificateAuthorities);
            }
            if (sameServer(t.getURI())) {
                login = new Login();
                t.setCredentialsProvider(login);
            }
        }
    }

    private boolean sameServer(URIish uri) {
        try {
            URIish own = new URIish(entry.url());
            return own.getScheme().equalsIgnoreCase(uri.getScheme()) && own.getHost().equalsIgnoreCase(uri.getHost())
                    && own.getPort() == uri.getPort();
        } catch (URISyntaxException | RuntimeException e) {
            return false;
        }
    }

    /** The failure of an operation, for a message that already names the URL. */
    String explain(Exception e) {
        if (sshUri != null) {
            String refusal = hostKeys.refusal(sshUri.getHost(), sshUri.getPort() < 0 ? 22 : sshUri.getPort(), started);
            if (refusal != null) {
                return refusal;
            }
            SshException ssh = cause(e, SshException.class);
            if (ssh != null && ssh.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
                return entry.key() == null
                        ? "authentication failed: the server wants a key, and the repository names no deploy key ('key')"
                        : "authentication failed: the server did not accept deploy key '" + entry.key() + "' of " + owner
                                + "; add its public key (slipway keys show " + entry.key() + " --owner " + owner
                                + ") to the repository's deploy keys";
            }
        }
        if (login != null && login.asked && credentials == null) {
            return "authentication failed: the server wants credentials, and the repository names none ('credentials': "
                    + "a secret with user:token)";
        }
        if (login != null && login.refused) {
            return "authentication failed: the server did not accept the credentials of secret '" + entry.credentials()
                    + "' (user '" + credentials.username() + "')";
        }
        if (cause(e, SSLException.class) != null) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return "TLS failed: " + root.getMessage() + "; if the server's certificate comes from a private certificate authority, "
                    + "add it to ci.git-ca-file (see docs/ci.md)";
        }
        String message = String.valueOf(e.getMessage());
        // JGit starts its messages with the URL, which the caller already names.
        return message.startsWith(entry.url() + ": ") ? message.substring(entry.url().length() + 2) : message;
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (ssh != null) {
            ssh.close();
        }
    }

    /**
     * The entry's credentials, or none; it remembers whether the server asked for them (a 401)
     * and whether it asked again after getting them (JGit resets the provider before a retry).
     */
    private final class Login extends UsernamePasswordCredentialsProvider {
        volatile boolean asked;
        volatile boolean refused;

        Login() {
            super(credentials == null ? "" : credentials.username(), credentials == null ? "" : credentials.password());
        }

        @Override
        public boolean get(URIish uri, CredentialItem... items) throws UnsupportedCredentialItem {
            asked = true;
            return credentials != null && super.get(uri, items);
        }

        @Override
        public void reset(URIish uri) {
            refused = true;
            super.reset(uri);
        }
    }
}
