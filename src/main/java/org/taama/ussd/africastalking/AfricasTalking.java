package org.taama.ussd.africastalking;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.taama.flow.Screen;
import org.taama.privacy.CallerHash;
import org.taama.web.BadRequest;
import org.taama.gateway.UssdGateway;
import org.taama.gateway.UssdRequest;

/**
 * Africa's Talking USSD callback: a form POST of {@code sessionId, serviceCode, phoneNumber,
 * networkCode, text}, where {@code text} is every input of the session joined by {@code *}. The answer
 * is {@code 200 text/plain} starting {@code CON } (ask for more) or {@code END } (last screen).
 */
public final class AfricasTalking implements UssdGateway {
    static final int MAX_SESSION_ID = 256;
    static final String CONTENT_TYPE = "text/plain; charset=utf-8";

    @Override
    public String name() {
        return "africastalking";
    }

    @Override
    public UssdRequest parse(RoutingContext ctx) {
        MultiMap form = ctx.request().formAttributes();
        // No field at all: not a form (JSON, empty body) or one Vert.x could not decode (a bad % escape).
        if (form.isEmpty()) {
            throw new BadRequest("no form fields could be read: send an application/x-www-form-urlencoded form"
                    + " with sessionId, serviceCode, phoneNumber and text");
        }
        String sessionId = required(form, "sessionId");
        String serviceCode = required(form, "serviceCode");
        String phoneNumber = required(form, "phoneNumber");
        String text = form.get("text");
        if (text == null) throw new BadRequest("missing field: text (send text= empty on the first request)");
        if (sessionId.isBlank()) throw new BadRequest("sessionId is empty");
        if (sessionId.length() > MAX_SESSION_ID) {
            throw new BadRequest("sessionId is longer than " + MAX_SESSION_ID + " characters");
        }
        if (!CallerHash.plausible(phoneNumber)) throw new BadRequest("phoneNumber is not a phone number");
        return UssdRequest.history(sessionId, phoneNumber, serviceCode, text);
    }

    private static String required(MultiMap form, String name) {
        String v = form.get(name);
        if (v == null) throw new BadRequest("missing field: " + name);
        return v;
    }

    @Override
    public void reply(RoutingContext ctx, Screen screen) {
        ctx.response()
                .putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("Cache-Control", "no-store")
                .end(Buffer.buffer((screen.end() ? "END " : "CON ") + screen.text()));
    }
}
