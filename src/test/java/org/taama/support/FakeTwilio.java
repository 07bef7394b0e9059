package org.taama.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on localhost (free port) that answers Twilio's
 * {@code POST /2010-04-01/Accounts/{sid}/Messages.json} the way Twilio does: Basic auth
 * ({@code sid:token}) or 401 JSON; 201 with a Message JSON and a fresh {@code SM…} sid by default,
 * or the answers queued with {@link #answerNext}. Every request is recorded with its form fields, when it
 * came and what it was answered.
 *
 * <p>For load: {@link #latency} holds each answer a random time in a range, {@link #errors} refuses a
 * random share with 429 (20429) or 500, and {@link #rateLimitFor} answers everything 429 for a while (a
 * burst of rate limiting, as Twilio does when an account's queue is full).
 *
 * <p>Point the SDK at {@link #url()} ({@code http://localhost:PORT}); never use 127.0.0.1 (PROTOCOLS §4).
 */
public final class FakeTwilio implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final String accountSid;
    private final String expectedAuth;
    private final List<Received> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> next = new ConcurrentLinkedQueue<>();
    private final Map<String, ConcurrentLinkedQueue<Answer>> byNumber = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long delayMillis;
    private volatile long latencyMinMicros;
    private volatile long latencyMaxMicros;
    private volatile double rateLimitedShare;
    private volatile double serverErrorShare;
    private volatile long rateLimitedUntilNanos;
    private HttpServer server;

    private FakeTwilio(Vertx vertx, String accountSid, String authToken) {
        this.vertx = vertx;
        this.accountSid = accountSid;
        this.expectedAuth = "Basic " + Base64.getEncoder()
                .encodeToString((accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
    }

    /** Starts on a free port (blocking; call from the test thread). */
    public static FakeTwilio start(Vertx vertx, String accountSid, String authToken) throws Exception {
        FakeTwilio f = new FakeTwilio(vertx, accountSid, authToken);
        f.server = vertx.createHttpServer().requestHandler(f::handle)
                .listen(0, "localhost").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return f;
    }

    /** {@code http://localhost:PORT}: the value for TWILIO_API_URL. */
    public String url() {
        return "http://localhost:" + server.actualPort();
    }

    /** Every request received so far, oldest first. */
    public List<Received> requests() {
        return List.copyOf(requests);
    }

    /** Forgets recorded requests, queued answers and any delay. */
    public void reset() {
        requests.clear();
        next.clear();
        byNumber.clear();
        delayMillis = 0;
        latencyMinMicros = 0;
        latencyMaxMicros = 0;
        rateLimitedShare = 0;
        serverErrorShare = 0;
        rateLimitedUntilNanos = 0;
    }

    /** Answers the next requests with these, in order; afterwards 201 again. */
    public FakeTwilio answerNext(Answer... answers) {
        next.addAll(List.of(answers));
        return this;
    }

    /** Answers the next requests to this number ({@code To}) with these, in order, before any {@link #answerNext}. */
    public FakeTwilio answerTo(String to, Answer... answers) {
        byNumber.computeIfAbsent(to, k -> new ConcurrentLinkedQueue<>()).addAll(List.of(answers));
        return this;
    }

    /** Holds every answer this long (to fill the sender's queue). */
    public FakeTwilio delay(Duration d) {
        delayMillis = d.toMillis();
        return this;
    }

    /** Holds each answer a random time from {@code min} to {@code max} (a real provider's round trip). */
    public FakeTwilio latency(Duration min, Duration max) {
        if (max.compareTo(min) < 0) throw new IllegalArgumentException("max < min");
        latencyMinMicros = min.toNanos() / 1000;
        latencyMaxMicros = max.toNanos() / 1000;
        return this;
    }

    /** Refuses this share of the requests not answered otherwise with 429 (20429), and this share with 500. */
    public FakeTwilio errors(double rateLimited, double serverError) {
        if (rateLimited < 0 || serverError < 0 || rateLimited + serverError > 1) throw new IllegalArgumentException("shares");
        rateLimitedShare = rateLimited;
        serverErrorShare = serverError;
        return this;
    }

    /** Answers every request 429 (20429) from now for {@code d}: a burst of rate limiting. */
    public FakeTwilio rateLimitFor(Duration d) {
        rateLimitedUntilNanos = System.nanoTime() + d.toNanos();
        return this;
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** One request as received: when ({@link System#nanoTime}), and the HTTP status it was answered. */
    public record Received(String method, String path, String authorization, String contentType,
                           Map<String, List<String>> form, long atNanos, int status) {
        /** Twilio took the message (201). */
        public boolean accepted() {
            return status == 201;
        }

        /** The first value of a form field, or null. */
        public String field(String name) {
            List<String> v = form.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    /** What to answer. */
    public record Answer(int status, JsonObject body) {
        public static Answer created() {
            return new Answer(201, null);
        }

        public static Answer rateLimited() {
            return new Answer(429, new JsonObject().put("code", 20429).put("message", "Too Many Requests")
                    .put("more_info", "https://www.twilio.com/docs/errors/20429").put("status", 429));
        }

        public static Answer stopped() {
            return error(400, 21610, "Attempt to send to unsubscribed recipient");
        }

        public static Answer error(int status, int code, String message) {
            return new Answer(status, new JsonObject().put("code", code).put("message", message)
                    .put("more_info", "https://www.twilio.com/docs/errors/" + code).put("status", status));
        }

        public static Answer serverError() {
            return error(500, 20500, "Internal Server Error");
        }
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(buf -> {
            Map<String, List<String>> form = decode(buf.toString(StandardCharsets.UTF_8));
            long at = System.nanoTime();
            String auth = req.getHeader("Authorization");
            String expectedPath = "/2010-04-01/Accounts/" + accountSid + "/Messages.json";
            Answer a;
            JsonObject body;
            if (!expectedAuth.equals(auth)) {
                a = Answer.error(401, 20003, "Authenticate");
                body = a.body();
            } else if (!"POST".equals(req.method().name()) || !expectedPath.equals(req.path())) {
                a = Answer.error(404, 20404, "The requested resource was not found");
                body = a.body();
            } else {
                ConcurrentLinkedQueue<Answer> mine = byNumber.get(one(form, "To"));
                Answer queued = mine != null && !mine.isEmpty() ? mine.poll() : next.poll();
                a = queued != null ? queued : random(at);
                body = a.body() != null ? a.body() : message(form);
            }
            requests.add(new Received(req.method().name(), req.path(), auth, req.getHeader("Content-Type"), form, at, a.status()));
            Runnable reply = () -> req.response().setStatusCode(a.status())
                    .putHeader("Content-Type", "application/json").end(body.encode());
            long wait = delayMillis * 1000 + (latencyMaxMicros == 0 ? 0
                    : ThreadLocalRandom.current().nextLong(latencyMinMicros, latencyMaxMicros + 1));
            if (wait >= 1000) vertx.setTimer(wait / 1000, t -> reply.run());
            else reply.run();
        });
    }

    private Answer random(long at) {
        long until = rateLimitedUntilNanos;
        if (until != 0 && at - until < 0) return Answer.rateLimited();
        double r = ThreadLocalRandom.current().nextDouble();
        if (r < rateLimitedShare) return Answer.rateLimited();
        if (r < rateLimitedShare + serverErrorShare) return Answer.serverError();
        return Answer.created();
    }

    private JsonObject message(Map<String, List<String>> form) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        String sid = "SM" + HexFormat.of().formatHex(b);
        String first = null;
        return new JsonObject()
                .put("account_sid", accountSid)
                .put("api_version", "2010-04-01")
                .put("body", one(form, "Body"))
                .put("date_created", "Thu, 30 Jul 2015 20:12:31 +0000")
                .put("date_sent", first)
                .put("date_updated", "Thu, 30 Jul 2015 20:12:31 +0000")
                .put("direction", "outbound-api")
                .put("error_code", first)
                .put("error_message", first)
                .put("from", one(form, "From"))
                .put("messaging_service_sid", one(form, "MessagingServiceSid"))
                .put("num_media", "0")
                .put("num_segments", "1")
                .put("price", first)
                .put("price_unit", "USD")
                .put("sid", sid)
                .put("status", "queued")
                .put("subresource_uris", new JsonObject().put("media",
                        "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid + "/Media.json"))
                .put("to", one(form, "To"))
                .put("uri", "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid + ".json");
    }

    private static String one(Map<String, List<String>> form, String name) {
        List<String> v = form.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static Map<String, List<String>> decode(String body) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) return m;
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return m;
    }
}
