package org.taama.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Twilio's Messages.json on loopback for the benchmarks: answers as Twilio does (201 and a Message),
 * recording when, for which account and recipient, and what it answered.
 *
 * <p>For the fault benchmark it can also misbehave: hold every answer a random time in a range,
 * refuse a share with 429 (20429) or 500 (20500), and hold a share past the SDK's 30 s socket
 * time-out. A held-too-long request is counted as taken: a real Twilio may well have created the
 * message whose answer the client never read, so a resend of it is a duplicate.
 */
final class FakeTwilio implements AutoCloseable {
    /** One request: when (nanoTime), the account in its path, its {@code To}, and what it was answered (0: held past the time-out). */
    record Hit(long at, String account, String to, int status) {
        static final int HELD = 0;

        /** Twilio has the message: accepted, or held past the client's time-out (it may have been created). */
        boolean taken() {
            return status == 201 || status == HELD;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    final ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Hit> hits = new ConcurrentLinkedQueue<>();
    private final Vertx vertx;
    private HttpServer server;
    private volatile int latencyMinMs;
    private volatile int latencyMaxMs;
    private volatile double rateLimited;
    private volatile double serverError;
    private volatile double heldShare;
    private volatile long heldMs;

    private FakeTwilio(Vertx vertx) {
        this.vertx = vertx;
    }

    static FakeTwilio start(Vertx vertx) {
        return start(vertx, 0, null);
    }

    /** On {@code port} (0: any free one); {@code each} is told every accepted message: its form fields and the sid given. */
    static FakeTwilio start(Vertx vertx, int port, BiConsumer<Map<String, String>, String> each) {
        FakeTwilio f = new FakeTwilio(vertx);
        f.server = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            long at = System.nanoTime();
            String[] path = req.path().split("/"); // /2010-04-01/Accounts/{sid}/Messages.json
            String account = path.length > 3 ? path[3] : "";
            Map<String, String> form = form(body.toString(StandardCharsets.UTF_8));
            int status = f.pick();
            f.times.add(at);
            f.hits.add(new Hit(at, account, form.getOrDefault("To", ""), status));
            if (status == Hit.HELD) {
                // Never answered in time: the connection is left open past the client's time-out, then closed.
                vertx.setTimer(f.heldMs, t -> req.connection().close());
                return;
            }
            String sid = sid();
            String answer = status == 201 ? message(account, sid) : error(status);
            Runnable reply = () -> req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(answer);
            int wait = f.latencyMaxMs == 0 ? 0 : ThreadLocalRandom.current().nextInt(f.latencyMinMs, f.latencyMaxMs + 1);
            if (wait > 0) vertx.setTimer(wait, t -> reply.run());
            else reply.run();
            if (status == 201 && each != null) each.accept(form, sid);
        })).listen(port, "localhost"));
        return f;
    }

    /** Holds each answer {@code minMs} to {@code maxMs} (a real provider's round trip). */
    FakeTwilio latency(int minMs, int maxMs) {
        latencyMinMs = minMs;
        latencyMaxMs = maxMs;
        return this;
    }

    /** Refuses these shares with 429 and 500, and holds this share unanswered for {@code heldMs}. */
    FakeTwilio faults(double rateLimitedShare, double serverErrorShare, double heldShare, long heldMs) {
        this.rateLimited = rateLimitedShare;
        this.serverError = serverErrorShare;
        this.heldShare = heldShare;
        this.heldMs = heldMs;
        return this;
    }

    String url() {
        return "http://localhost:" + server.actualPort();
    }

    void clear() {
        times.clear();
        hits.clear();
    }

    @Override
    public void close() {
        await(server.close());
    }

    private int pick() {
        double r = ThreadLocalRandom.current().nextDouble();
        if (r < rateLimited) return 429;
        if (r < rateLimited + serverError) return 500;
        if (r < rateLimited + serverError + heldShare) return Hit.HELD;
        return 201;
    }

    private static String sid() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "SM" + HexFormat.of().formatHex(bytes);
    }

    private static String message(String account, String sid) {
        return new JsonObject().put("account_sid", account).put("api_version", "2010-04-01").put("direction", "outbound-api")
                .put("num_segments", "1").put("num_media", "0").put("price_unit", "USD")
                .put("sid", sid).put("status", "queued").encode();
    }

    private static String error(int status) {
        int code = status == 429 ? 20429 : 20500;
        return new JsonObject().put("code", code).put("message", status == 429 ? "Too Many Requests" : "Internal Server Error")
                .put("more_info", "https://www.twilio.com/docs/errors/" + code).put("status", status).encode();
    }

    static Map<String, String> form(String body) {
        Map<String, String> m = new java.util.TreeMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            m.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
