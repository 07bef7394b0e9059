package org.taama.ussd.hubtel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A phone on Hubtel's gateway: one JSON callback per screen, saying the phase and carrying only the
 * latest input, with Hubtel's count of the session's callbacks in {@code Sequence}.
 */
final class HubtelPhone {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String url;
    final String sessionId;
    final String mobile;
    int sequence;

    HubtelPhone(String url, String mobile) {
        this(url, Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(ThreadLocalRandom.current().nextLong()), mobile);
    }

    HubtelPhone(String url, String sessionId, String mobile) {
        this.url = url;
        this.sessionId = sessionId;
        this.mobile = mobile;
    }

    /** A number no earlier run can have used (Hubtel writes it without '+'). */
    static String freshMobile() {
        return "2237" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }

    Reply dial() {
        sequence = 1;
        return post(payload("initiation", "*123#", sequence));
    }

    Reply type(String input) {
        return post(payload("response", input, ++sequence));
    }

    Reply release() {
        return post(payload("release", "", ++sequence));
    }

    ObjectNode payload(String type, String message, int seq) {
        ObjectNode o = JSON.createObjectNode();
        o.put("Type", type).put("Mobile", mobile).put("SessionId", sessionId).put("ServiceCode", "*123#")
                .put("Message", message).put("Operator", "mtn").put("ClientState", "").put("Sequence", Integer.toString(seq));
        return o;
    }

    Reply post(JsonNode body) {
        return postRaw(url, body.toString(), Map.of());
    }

    static Reply postRaw(String url, String body, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(b::header);
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    record Reply(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String type() {
            return json().path("Type").asText();
        }

        String message() {
            return json().path("Message").asText();
        }
    }
}
