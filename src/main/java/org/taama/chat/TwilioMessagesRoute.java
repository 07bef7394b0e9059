package org.taama.chat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.taama.consent.Channel;
import org.taama.web.BadRequest;
import org.taama.twilio.TwilioSignature;

/**
 * {@code POST /twilio/messages}: Twilio's inbound SMS and WhatsApp webhook. A request without a valid
 * {@code X-Twilio-Signature} is refused with 403 before anything is read; the reply is TwiML.
 */
public final class TwilioMessagesRoute {
    static final String EMPTY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";
    private static final String WHATSAPP = "whatsapp:";
    private static final int MAX_BODY = 1600;

    private final TwilioSignature signature;
    private final ChatService chat;

    public TwilioMessagesRoute(TwilioSignature signature, ChatService chat) {
        this.signature = signature;
        this.chat = chat;
    }

    public void handle(RoutingContext ctx) {
        if (!signature.valid(ctx)) throw new BadRequest(403, "invalid or missing X-Twilio-Signature");
        Inbound m = parse(ctx.request().formAttributes());
        chat.handle(m).onComplete(ar -> {
            if (ar.failed()) {
                // Twilio retries on 5xx; the reply was not stored, so the retry is answered afresh.
                ctx.response().setStatusCode(503).putHeader("Content-Type", "text/plain").end("try again\n");
                return;
            }
            ctx.response().putHeader("Content-Type", "text/xml; charset=utf-8").end(Buffer.buffer(twiml(ar.result())));
        });
    }

    static Inbound parse(MultiMap form) {
        if (form.isEmpty()) throw new BadRequest("no form fields could be read: send Twilio's form");
        String sid = form.get("MessageSid");
        String from = form.get("From");
        if (sid == null || sid.isBlank()) throw new BadRequest("missing field: MessageSid");
        if (from == null || from.isBlank()) throw new BadRequest("missing field: From");
        if (sid.length() > 64) throw new BadRequest("MessageSid is longer than 64 characters");
        boolean whatsapp = from.startsWith(WHATSAPP);
        String number = whatsapp ? from.substring(WHATSAPP.length()) : from;
        if (whatsapp && org.taama.privacy.CallerHash.isScopedId(number)) {
            // A business-scoped WhatsApp user id (PROTOCOLS.md §2.3): a caller without a visible number.
        } else {
            if (!org.taama.privacy.CallerHash.plausible(number)) throw new BadRequest("From is not a phone number");
        }
        // A WhatsApp quick-reply button's text is what the person chose.
        String body = whatsapp && form.get("ButtonText") != null ? form.get("ButtonText") : form.get("Body");
        if (body != null && body.length() > MAX_BODY) body = body.substring(0, MAX_BODY);
        int media;
        try {
            media = Integer.parseInt(form.get("NumMedia") == null ? "0" : form.get("NumMedia").trim());
        } catch (NumberFormatException e) {
            media = 0;
        }
        return new Inbound(sid, whatsapp ? Channel.WHATSAPP : Channel.SMS, number, body == null ? "" : body, media);
    }

    static String twiml(String reply) {
        if (reply == null || reply.isEmpty()) return EMPTY;
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>" + xml(reply) + "</Message></Response>";
    }

    private static String xml(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    // XML 1.0 forbids most control characters; drop them rather than send broken TwiML.
                    if (c >= 0x20 || c == '\n' || c == '\r' || c == '\t') b.append(c);
                }
            }
        }
        return b.toString();
    }
}
