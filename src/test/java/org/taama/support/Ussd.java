package org.taama.support;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A simulated phone on the Africa's Talking gateway: it keeps the session's history the way the
 * gateway does (every input joined by {@code *}) and posts real HTTP callbacks.
 */
public final class Ussd {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;
    private final String sessionId;
    private final String phoneNumber;
    private String history = null;

    public Ussd(int port, String sessionId, String phoneNumber) {
        this("http://localhost:" + port, sessionId, phoneNumber);
    }

    public Ussd(String baseUrl, String sessionId, String phoneNumber) {
        this.baseUrl = baseUrl;
        this.sessionId = sessionId;
        this.phoneNumber = phoneNumber;
    }

    /** Dials: the first callback, with empty text. */
    public Reply dial() {
        history = "";
        return send("");
    }

    /** Types an input and presses send. */
    public Reply type(String input) {
        history = history == null || history.isEmpty() ? input : history + "*" + input;
        return send(history);
    }

    public Reply send(String text) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("sessionId", sessionId);
        form.put("serviceCode", "*123#");
        form.put("phoneNumber", phoneNumber);
        form.put("networkCode", "61002");
        form.put("text", text);
        return post(baseUrl, form);
    }

    public static Reply post(String baseUrl, Map<String, String> form) {
        return postRaw(baseUrl, encode(form), "application/x-www-form-urlencoded");
    }

    public static String encode(Map<String, String> form) {
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(enc(k) + "=" + enc(v)));
        return body.toString();
    }

    public static Reply postRaw(String baseUrl, String body, String contentType) {
        return postAt(baseUrl + "/ussd/africastalking", body, Map.of("Content-Type", contentType));
    }

    /** A form posted to any URL (a callback path with a token, a wrong one), with extra headers. */
    public static Reply postAt(String url, Map<String, String> form, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(Map.of("Content-Type", "application/x-www-form-urlencoded"));
        h.putAll(headers);
        return postAt(url, encode(form), h);
    }

    private static Reply postAt(String url, String body, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(b::header);
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** One answer from the server. */
    public record Reply(int status, String contentType, String body) {
        public boolean continues() {
            return body.startsWith("CON ");
        }

        public boolean ends() {
            return body.startsWith("END ");
        }

        /** The screen the caller reads, without CON/END. */
        public String screen() {
            return body.length() >= 4 ? body.substring(4) : body;
        }
    }
}
