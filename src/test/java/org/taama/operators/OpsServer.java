package org.taama.operators;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.taama.cases.CaseStore;
import org.taama.config.Config;
import org.taama.privacy.CallerHash;
import org.taama.privacy.NumberCipher;
import org.taama.redis.Redis;
import org.taama.web.BadRequest;
import org.taama.support.TestRedis;
import org.taama.web.ClientAddress;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The operator routes on their own Router and real HTTP server (with a router-level failure handler
 * like HttpVerticle's after them), against the real test Redis.
 */
final class OpsServer implements AutoCloseable {
    static final byte[] HASH_KEY = "ops-hash-key-ops-hash-key-000000".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ENC_KEY = "ops-enc-key-ops-enc-key-00000000".getBytes(StandardCharsets.US_ASCII);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Vertx vertx;
    final Redis redis;
    final HttpServer server;
    final CallerHash callers = new CallerHash(HASH_KEY);
    final NumberCipher cipher = new NumberCipher(ENC_KEY);
    final CaseStore cases;
    final Accounts accounts;
    final Erasure erasure;
    final String adminUser = "admin-" + suffix();
    final String adminPass = "admin-password-" + UUID.randomUUID();

    OpsServer() throws Exception {
        this(new ClientAddress(List.of()));
    }

    /** With how the client's address is found (behind trusted proxies: from X-Forwarded-For). */
    OpsServer(ClientAddress clientAddress) throws Exception {
        vertx = Vertx.vertx();
        redis = Redis.connect(vertx, TestRedis.url(), TestRedis.cluster(), Duration.ofSeconds(5));
        cases = new CaseStore(redis, cipher, Clock.systemUTC(), callers);
        accounts = new Accounts(redis, Clock.systemUTC());
        erasure = new Erasure(redis, callers);
        Config config = Config.from(Map.of("ADMIN_USERNAME", adminUser, "ADMIN_PASSWORD", adminPass));
        if (!await(accounts.ensureAdmin(config))) throw new AssertionError("admin not created");
        Router router = Router.router(vertx);
        OperatorRoutes.mount(router, vertx, accounts, cases, erasure, callers, clientAddress::of);
        // As HttpVerticle: a router-wide failure handler after every route (plain text there).
        router.route().failureHandler(ctx -> {
            int status = ctx.failure() instanceof BadRequest b ? b.status() : 500;
            if (!ctx.response().ended()) ctx.response().setStatusCode(status).end("router-level\n");
        });
        server = vertx.createHttpServer().requestHandler(router).listen(0, "localhost")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String suffix() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }

    /** A random Malian mobile number, as a person would write it. */
    static String number() {
        int n = ThreadLocalRandom.current().nextInt(10_000_000, 100_000_000);
        String d = Integer.toString(n);
        return "+223 " + d.substring(0, 2) + " " + d.substring(2, 4) + " " + d.substring(4, 6) + " " + d.substring(6);
    }

    record Reply(int status, String body, Map<String, java.util.List<String>> headers) {
        JsonObject json() {
            return new JsonObject(body);
        }

        String error() {
            return json().getString("error");
        }
    }

    Reply call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.actualPort() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers().map());
    }

    Reply get(String path, String token) throws Exception {
        return call("GET", path, token, null);
    }

    Reply post(String path, String token, JsonObject body) throws Exception {
        return call("POST", path, token, body == null ? null : body.encode());
    }

    String login(String user, String pass) throws Exception {
        Reply r = post("/api/login", null, new JsonObject().put("username", user).put("password", pass));
        if (r.status() != 200) throw new AssertionError("login " + user + ": " + r.status() + " " + r.body());
        return r.json().getString("token");
    }

    String adminToken() throws Exception {
        return login(adminUser, adminPass);
    }

    /** Creates an operator through the API and answers its token. */
    String newOperator(String adminToken, String name) throws Exception {
        String pass = "operator-pass-" + UUID.randomUUID();
        Reply r = post("/api/operators", adminToken,
                new JsonObject().put("username", name).put("password", pass).put("role", "operator"));
        if (r.status() != 201) throw new AssertionError("create " + name + ": " + r.status() + " " + r.body());
        return login(name, pass);
    }

    static <T> T await(Future<T> f) {
        return org.taama.support.Await.result(f);
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
