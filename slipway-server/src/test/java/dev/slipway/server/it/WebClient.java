package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The web UI as a browser without scripts sees it, over real HTTP: cookies kept from answer to
 * request, forms posted with their token, redirects not followed (tests look at them).
 */
public final class WebClient {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Pattern TOKEN = Pattern.compile("name=\"_csrf\" value=\"([0-9a-f]+)\"");

    private final String baseUrl;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    /** Every Set-Cookie header received, for tests of the attributes. */
    public final java.util.List<String> setCookies = new java.util.ArrayList<>();

    public WebClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Signs in through the form; fails the test unless that works. */
    public static WebClient signedIn(String baseUrl, String user, String password) {
        WebClient c = new WebClient(baseUrl);
        HttpResponse<String> r = c.signIn(user, password);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        assertThat(c.cookie("slipway_session")).isNotNull();
        return c;
    }

    public HttpResponse<String> signIn(String user, String password) {
        String token = token("/-/login");
        return post("/-/login", Map.of("_csrf", token, "username", user, "password", password, "next", "/"));
    }

    /** Sends {@code name: value} with every request from now on. */
    public WebClient withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public String cookie(String name) {
        return cookies.get(name);
    }

    public void setCookie(String name, String value) {
        cookies.put(name, value);
    }

    /** A page as a browser asks for it (Accept: text/html). */
    public HttpResponse<String> get(String path) {
        return send(request(path).header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").GET());
    }

    /** As a script of the page asks (fetch: Accept: *&#47;*). */
    public HttpResponse<String> fetch(String path) {
        return send(request(path).header("Accept", "*/*").GET());
    }

    /** The form token of the page at {@code path}. */
    public String token(String path) {
        HttpResponse<String> r = get(path);
        Matcher m = TOKEN.matcher(r.body());
        assertThat(m.find()).as("a form token on %s (HTTP %d)", path, r.statusCode()).isTrue();
        return m.group(1);
    }

    public HttpResponse<String> post(String path, Map<String, String> form) {
        return post(path, List.copyOf(form.entrySet()));
    }

    /** A form whose fields may repeat (checkboxes of one name): name, value, name, value... */
    public HttpResponse<String> postFields(String path, String... nameValues) {
        List<Map.Entry<String, String>> fields = new java.util.ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            fields.add(Map.entry(nameValues[i], nameValues[i + 1]));
        }
        return post(path, fields);
    }

    private HttpResponse<String> post(String path, List<Map.Entry<String, String>> form) {
        String body = form.stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path));
        headers.forEach(b::header);
        if (!cookies.isEmpty()) {
            b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            for (String c : r.headers().allValues("Set-Cookie")) {
                setCookies.add(c);
                String pair = c.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq);
                String value = pair.substring(eq + 1);
                if (value.isEmpty() || c.contains("Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return r;
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The attributes of the last Set-Cookie for {@code name}, lower-cased. */
    public List<String> cookieAttributes(String name) {
        for (int i = setCookies.size() - 1; i >= 0; i--) {
            if (setCookies.get(i).startsWith(name + "=")) {
                return List.of(setCookies.get(i).toLowerCase(java.util.Locale.ROOT).split(";\\s*"));
            }
        }
        throw new AssertionError("no Set-Cookie for " + name + " in " + setCookies);
    }
}
