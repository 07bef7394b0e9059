package org.taama.support;

import io.vertx.core.json.JsonObject;
import org.taama.server.Server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real Taama server for the console's tests, with an admin, a way to make accounts of any role
 * through the API, and plain HTTP calls with or without the console's session cookie.
 */
public final class ConsoleServer implements AutoCloseable {
    public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public final Server server;
    public final String base;
    public final Account admin;
    private String adminToken;
    /**
     * The address this server's calls come from, through the trusted loopback proxy. The sign-in throttle
     * counts wrong passwords per network; were every test's to come from 127.0.0.1, the tests that try
     * wrong passwords on purpose would add up on a shared Redis and hold back the next test's sign-ins.
     */
    private final String network = "198.18." + ThreadLocalRandom.current().nextInt(256) + "." + (1 + ThreadLocalRandom.current().nextInt(254));

    /** Who may sign in: username, password, role. */
    public record Account(String username, String password, String role) {}

    /** A signed-in console session: the Cookie header it sends and its CSRF token. */
    public record Session(String cookie, String csrf, Reply signIn) {}

    public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonObject json() {
            return new JsonObject(body);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public List<String> all(String name) {
            return headers.allValues(name);
        }
    }

    private ConsoleServer(Server server, Account admin) {
        this.server = server;
        this.base = "http://localhost:" + server.port();
        this.admin = admin;
    }

    public static ConsoleServer start() throws Exception {
        return start(Map.of());
    }

    public static ConsoleServer start(Map<String, String> overrides) throws Exception {
        Account admin = new Account("admin-" + suffix(), "admin-password-" + UUID.randomUUID(), "admin");
        Map<String, String> env = new HashMap<>(overrides);
        env.putIfAbsent("TRUSTED_PROXIES", "127.0.0.1, ::1");
        env.put("ADMIN_USERNAME", admin.username());
        env.put("ADMIN_PASSWORD", admin.password());
        return new ConsoleServer(TestServers.start(env), admin);
    }

    public static String suffix() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }

    /** A new account of {@code role} ("admin", "operator", "volunteer"), made by the admin through the API. */
    public Account account(String role) throws Exception {
        Account a = new Account(role.substring(0, 3) + "-" + suffix(), role + "-password-" + UUID.randomUUID(), role);
        Reply r = call("POST", "/api/operators", Map.of("Authorization", "Bearer " + adminToken()),
                new JsonObject().put("username", a.username()).put("password", a.password()).put("role", role).encode());
        if (r.status() != 201) throw new AssertionError("create " + a.username() + ": " + r.status() + " " + r.body());
        return a;
    }

    public synchronized String adminToken() throws Exception {
        if (adminToken == null) adminToken = token(admin);
        return adminToken;
    }

    /** An API token (Bearer) for the account. */
    public String token(Account a) throws Exception {
        Reply r = call("POST", "/api/login", Map.of(), credentials(a));
        if (r.status() != 200) throw new AssertionError("login " + a.username() + ": " + r.status() + " " + r.body());
        return r.json().getString("token");
    }

    /** Signs in as the console does (POST /api/session); fails the test unless it is let in. */
    public Session signIn(Account a) throws Exception {
        Reply r = call("POST", "/api/session", Map.of("Content-Type", "application/json"), credentials(a));
        if (r.status() != 200) throw new AssertionError("sign in " + a.username() + ": " + r.status() + " " + r.body());
        String set = r.all("Set-Cookie").stream().filter(c -> c.contains("taama_session=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie in " + r.headers().map()));
        return new Session(set.substring(0, set.indexOf(';')), r.json().getString("csrf"), r);
    }

    private static String credentials(Account a) {
        return new JsonObject().put("username", a.username()).put("password", a.password()).encode();
    }

    /** One request; {@code body} sent as it is (null: none). */
    public Reply call(String method, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        if (headers.keySet().stream().noneMatch("X-Forwarded-For"::equalsIgnoreCase)) b.header("X-Forwarded-For", network);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers());
    }

    public Reply get(String path, Map<String, String> headers) throws Exception {
        return call("GET", path, headers, null);
    }

    /** A request with the session's cookie, and its CSRF token when {@code withCsrf}. */
    public Reply withSession(Session s, String method, String path, String body, boolean withCsrf) throws Exception {
        Map<String, String> h = new HashMap<>();
        h.put("Cookie", s.cookie());
        if (withCsrf) h.put("X-CSRF-Token", s.csrf());
        if (body != null) h.put("Content-Type", "application/json");
        return call(method, path, h, body);
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
