package dev.slipway.ci.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.stream.Stream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;

/**
 * Certificate authorities that git over https trusts besides the JVM's own ({@code ci.git-ca-file}):
 * a forge behind a private CA needs its certificate here, not a replaced JVM trust store. Only
 * checkouts use it; hostnames are still verified.
 */
final class GitCertificateAuthorities implements HttpConnectionFactory {
    private final JDKHttpConnectionFactory connections = new JDKHttpConnectionFactory();
    private final TrustManager[] trust;

    private GitCertificateAuthorities(X509TrustManager jvm, X509TrustManager extra) {
        this.trust = new TrustManager[] {new Either(jvm, extra)};
    }

    /** Reads the PEM certificates of {@code file}; the message of the exception names the file and what is wrong. */
    static GitCertificateAuthorities load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("ci.git-ca-file " + file + " holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            return new GitCertificateAuthorities(trustManager(null), trustManager(store));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("ci.git-ca-file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The X.509 trust manager of {@code store}, or of the JVM's default trust store when null. */
    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        for (TrustManager t : f.getTrustManagers()) {
            if (t instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    @Override
    public HttpConnection create(URL url) throws IOException {
        return trusting(connections.create(url));
    }

    @Override
    public HttpConnection create(URL url, Proxy proxy) throws IOException {
        return trusting(connections.create(url, proxy));
    }

    private HttpConnection trusting(HttpConnection c) throws IOException {
        if (c.getURL().getProtocol().equalsIgnoreCase("https")) {
            try {
                c.configure(null, trust, null);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot set up TLS: " + e.getMessage(), e);
            }
        }
        return c;
    }

    /** Trusts a server chain that either the JVM's authorities or the extra ones accept. */
    private record Either(X509TrustManager jvm, X509TrustManager extra) implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                jvm.checkServerTrusted(chain, authType);
            } catch (CertificateException notByTheJvm) {
                extra.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("git checkouts do not accept client connections");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return Stream.concat(Stream.of(jvm.getAcceptedIssuers()), Stream.of(extra.getAcceptedIssuers())).toArray(X509Certificate[]::new);
        }
    }
}
