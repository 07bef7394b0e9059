package org.taama.ussd.hubtel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.taama.flow.Screen;
import org.taama.gateway.UssdGateway;
import org.taama.gateway.UssdRequest;
import org.taama.privacy.CallerHash;
import org.taama.web.BadRequest;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Hubtel Programmable Services (USSD): a JSON POST of {@code Type, SessionId, ServiceCode, Mobile,
 * Message, Operator, ClientState, Sequence}. Unlike Africa's Talking it says which phase the session is
 * in — {@code initiation} (a dial: {@code Message} is the dialled string, not an input), {@code response}
 * (Message is the caller's latest input only), {@code release} or {@code timeout} (the session is over) —
 * and counts its callbacks in {@code Sequence} (1 at initiation), which a retry repeats. The answer is
 * JSON: {@code Type} {@code Response} (ask for more) or {@code Release} (last screen), {@code Message}.
 *
 * <p>Field names are matched ignoring case: Hubtel's own pages spell {@code ServiceCode} both ways.
 * Sources: developers.hubtel.com/docs/api-reference-prog-services; hubtel.readme.io sample
 * interaction; hubtel/programmable-services-sdk-dotnet {@code ProgrammableServiceRequest/Response}.
 */
public final class Hubtel implements UssdGateway {
    static final int MAX_SESSION_ID = 256;
    /** One USSD screen at most: a longer "input" did not come from a phone's keypad. */
    static final int MAX_MESSAGE = 182;
    static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final String SESSION = "hubtel.session";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "hubtel";
    }

    @Override
    public UssdRequest parse(RoutingContext ctx) {
        Map<String, JsonNode> f = fields(ctx.body().buffer());
        String type = required(f, "Type").strip().toLowerCase(Locale.ROOT);
        String sessionId = required(f, "SessionId");
        if (sessionId.isBlank()) throw new BadRequest("SessionId is empty");
        if (sessionId.length() > MAX_SESSION_ID) throw new BadRequest("SessionId is longer than " + MAX_SESSION_ID + " characters");
        String mobile = required(f, "Mobile");
        if (mobile.length() > 32 || !CallerHash.plausible(mobile)) throw new BadRequest("Mobile is not a phone number");
        String serviceCode = required(f, "ServiceCode");
        ctx.put(SESSION, sessionId);
        return switch (type) {
            case "initiation" -> UssdRequest.start(sessionId, mobile, serviceCode);
            case "response" -> {
                String message = required(f, "Message");
                if (message.length() > MAX_MESSAGE) throw new BadRequest("Message is longer than " + MAX_MESSAGE + " characters");
                yield UssdRequest.input(sessionId, mobile, serviceCode, message, sequence(f));
            }
            case "release", "timeout" -> UssdRequest.ended(sessionId, mobile, serviceCode);
            default -> throw new BadRequest("Type must be initiation, response, release or timeout");
        };
    }

    @Override
    public void reply(RoutingContext ctx, Screen screen) {
        ObjectNode out = JSON.createObjectNode();
        String session = ctx.get(SESSION);
        if (session != null) out.put("SessionId", session);
        out.put("Type", screen.end() ? "Release" : "Response")
                .put("Message", screen.text())
                .put("Label", "Taama")
                .put("ClientState", "")
                .put("DataType", screen.end() ? "display" : "input")
                .put("FieldType", "text");
        ctx.response()
                .putHeader("Content-Type", CONTENT_TYPE)
                .end(Buffer.buffer(out.toString()));
    }

    /** The body's top-level fields by lower-case name; anything but one JSON object is refused. */
    private static Map<String, JsonNode> fields(Buffer body) {
        if (body == null || body.length() == 0) throw new BadRequest("empty body: send a JSON object with Type, SessionId, Mobile, ServiceCode and Message");
        JsonNode root;
        try {
            root = JSON.readTree(body.getBytes());
        } catch (JsonProcessingException e) {
            throw new BadRequest("the body is not JSON");
        } catch (java.io.IOException e) {
            throw new BadRequest("the body cannot be read");
        }
        if (root == null || !root.isObject()) throw new BadRequest("the body must be a JSON object");
        Map<String, JsonNode> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        }
        return out;
    }

    private static String required(Map<String, JsonNode> f, String name) {
        JsonNode v = f.get(name.toLowerCase(Locale.ROOT));
        if (v == null || v.isNull()) throw new BadRequest("missing field: " + name);
        // Hubtel sends strings; a number where a string belongs (Mobile, Sequence) is read as its digits.
        if (!v.isTextual() && !v.isIntegralNumber()) throw new BadRequest(name + " must be a string");
        return v.asText();
    }

    /** Sequence, as a string or a number; 0 when absent (then retries cannot be told apart). */
    private static long sequence(Map<String, JsonNode> f) {
        JsonNode v = f.get("sequence");
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) return 0;
        String s = v.isIntegralNumber() ? v.asText() : v.isTextual() ? v.asText().strip() : null;
        if (s == null || !s.matches("[0-9]{1,9}")) throw new BadRequest("Sequence must be a whole number");
        return Long.parseLong(s);
    }
}
