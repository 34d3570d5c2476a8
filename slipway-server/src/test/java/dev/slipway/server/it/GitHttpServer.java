package dev.slipway.server.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Git's smart HTTP protocol on loopback, as a forge serves it: {@code git http-backend} (CGI) behind
 * a small HTTP or HTTPS server that demands HTTP Basic credentials for every request. Repositories
 * are bare clones under a temporary root, served at {@code /git/<name>.git}.
 */
public final class GitHttpServer implements AutoCloseable {
    public static final Path BACKEND = Path.of("/usr/lib/git-core/git-http-backend");
    static final Path OPENSSL = Path.of("/usr/bin/openssl");
    /** Password of the keystore {@link #https} writes. */
    public static final String STORE_PASSWORD = "changeit";

    private final HttpServer server;
    private final Path root;
    private final Map<String, String> accounts;
    private final List<String> authorized = new CopyOnWriteArrayList<>();

    private GitHttpServer(HttpServer server, Map<String, String> accounts) throws IOException {
        this.server = server;
        this.root = Files.createTempDirectory("slipway-git-http-");
        this.accounts = Map.copyOf(accounts);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/git/", this::handle);
        server.start();
    }

    /** Plain HTTP, accepting only these accounts (user name to password). */
    public static GitHttpServer http(Map<String, String> accounts) throws IOException {
        Tools.requireExecutable(BACKEND, "git");
        return new GitHttpServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), accounts);
    }

    /**
     * HTTPS, accepting only these accounts, with a new self-signed certificate for 127.0.0.1 made
     * with openssl in {@code dir}: {@code dir/server.p12} holds the key, {@code dir/ca.pem} the
     * certificate, as a private certificate authority would hand it out.
     */
    public static GitHttpServer https(Map<String, String> accounts, Path dir) throws Exception {
        Tools.requireExecutable(BACKEND, "git");
        Tools.requireExecutable(OPENSSL, "openssl");
        Path keys = dir.resolve("server.p12");
        Tools.run(Map.of(), dir, OPENSSL.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "key.pem", "-out", "ca.pem", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2").ok();
        Tools.run(Map.of(), dir, OPENSSL.toString(), "pkcs12", "-export", "-in", "ca.pem", "-inkey", "key.pem", "-out", keys.toString(),
                "-passout", "pass:" + STORE_PASSWORD).ok();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, STORE_PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new GitHttpServer(server, accounts);
    }

    /** Serves a bare clone of {@code repository} as {@code name}; returns its URL. */
    public String serve(String name, Path repository) {
        GitRepos.git(root, "clone", "-q", "--bare", repository.toString(), name + ".git");
        return url(name);
    }

    public String url(String name) {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort() + "/git/" + name + ".git";
    }

    /** User names of the requests that got through, in order. */
    public List<String> authorized() {
        return List.copyOf(authorized);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String user = user(ex.getRequestHeaders().getFirst("Authorization"));
            if (user == null) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            authorized.add(user);
            cgi(ex, user);
        }
    }

    /** The account these Basic credentials log in to, or null. */
    private String user(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return null;
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = pair.indexOf(':');
        String user = colon < 0 ? null : pair.substring(0, colon);
        return user != null && pair.substring(colon + 1).equals(accounts.get(user)) ? user : null;
    }

    /** Runs git http-backend for one request (RFC 3875) and relays its answer. */
    private void cgi(HttpExchange ex, String user) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        ProcessBuilder pb = new ProcessBuilder(BACKEND.toString());
        Map<String, String> env = pb.environment();
        env.put("GIT_PROJECT_ROOT", root.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("REQUEST_METHOD", ex.getRequestMethod());
        env.put("PATH_INFO", ex.getRequestURI().getRawPath().substring("/git".length()));
        env.put("QUERY_STRING", ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
        env.put("REMOTE_USER", user);
        env.put("REMOTE_ADDR", ex.getRemoteAddress().getAddress().getHostAddress());
        env.put("CONTENT_LENGTH", Integer.toString(body.length));
        putHeader(ex, env, "Content-Type", "CONTENT_TYPE");
        putHeader(ex, env, "Content-Encoding", "HTTP_CONTENT_ENCODING");
        putHeader(ex, env, "Git-Protocol", "GIT_PROTOCOL");
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread.ofVirtual().start(() -> {
            try (OutputStream in = p.getOutputStream()) {
                in.write(body);
            } catch (IOException ignored) {
                // the backend stopped reading
            }
        });
        InputStream out = p.getInputStream();
        int status = 200;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = out.read()) >= 0; ) {
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String header = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
            line.reset();
            if (header.isEmpty()) {
                break;
            }
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ")[0]);
            } else {
                ex.getResponseHeaders().add(name, value);
            }
        }
        ex.sendResponseHeaders(status, 0);
        try (OutputStream response = ex.getResponseBody()) {
            out.transferTo(response);
        }
    }

    private static void putHeader(HttpExchange ex, Map<String, String> env, String header, String variable) {
        String v = ex.getRequestHeaders().getFirst(header);
        if (v != null) {
            env.put(variable, v);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        Tools.deleteTree(root);
    }
}
