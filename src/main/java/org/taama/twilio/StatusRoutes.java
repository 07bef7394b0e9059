package org.taama.twilio;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.privacy.CallerHash;
import org.taama.stats.Events;

import java.util.regex.Pattern;

/**
 * {@code POST /twilio/status}: Twilio's message status callbacks (form, signed with
 * {@code X-Twilio-Signature}). Bad or missing signature → 403; no MessageSid or MessageStatus → 400
 * with a one-line reason; otherwise the status is recorded without ever moving backwards
 * ({@link DeliveryStatus}), ErrorCode 21610 (the recipient replied STOP) opts the recipient out on
 * that channel, and the answer is 204. A Redis failure answers 503.
 */
public final class StatusRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(StatusRoutes.class);
    public static final String PATH = TwilioSender.STATUS_PATH;
    static final int BODY_LIMIT = 16 * 1024;
    private static final Pattern SID = Pattern.compile("[A-Za-z0-9]{2,64}");
    private static final Pattern CODE = Pattern.compile("\\d{1,10}");
    private static final String WHATSAPP = "whatsapp:";

    private StatusRoutes() {}

    public static void mount(Router router, TwilioSignature signature, DeliveryStatus status,
                             ConsentStore consent, CallerHash callers) {
        mount(router, signature, status, consent, callers, Events.NONE);
    }

    /** As above, adding each status recorded to the message log (the recipient by a hash prefix only). */
    public static void mount(Router router, TwilioSignature signature, DeliveryStatus status,
                             ConsentStore consent, CallerHash callers, Events events) {
        router.post(PATH)
                .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
                .handler(ctx -> handle(ctx, signature, status, consent, callers, events))
                .failureHandler(ctx -> org.taama.web.Failures.plain(ctx, BODY_LIMIT));
    }

    private static void handle(RoutingContext ctx, TwilioSignature signature, DeliveryStatus status,
                               ConsentStore consent, CallerHash callers, Events events) {
        if (!signature.valid(ctx)) {
            text(ctx, 403, "invalid or missing X-Twilio-Signature");
            return;
        }
        MultiMap form = ctx.request().formAttributes();
        String sid = form.get("MessageSid");
        String messageStatus = form.get("MessageStatus");
        if (sid == null || sid.isBlank()) {
            text(ctx, 400, "missing MessageSid");
            return;
        }
        if (!SID.matcher(sid).matches()) {
            text(ctx, 400, "malformed MessageSid");
            return;
        }
        if (messageStatus == null || messageStatus.isBlank()) {
            text(ctx, 400, "missing MessageStatus");
            return;
        }
        String errorCode = form.get("ErrorCode");
        if (errorCode != null && !CODE.matcher(errorCode.trim()).matches()) errorCode = null;
        String code = errorCode == null ? null : errorCode.trim();

        Future<DeliveryStatus.Outcome> recorded = status.record(sid, messageStatus, code);
        Future<Void> optedOut = Future.succeededFuture();
        String to = form.get("To");
        if ("21610".equals(code) && to != null && !to.isBlank()) {
            Channel channel = to.startsWith(WHATSAPP) ? Channel.WHATSAPP : Channel.SMS;
            String number = to.startsWith(WHATSAPP) ? to.substring(WHATSAPP.length()) : to;
            optedOut = consent.optOut(callers.of(number), channel, "twilio 21610");
        }
        Future.all(recorded, optedOut).onComplete(ar -> {
            if (ar.failed()) {
                LOG.error("status callback for message {} not stored: {}", sid, ar.cause().toString());
                text(ctx, 503, "status not stored, try again");
                return;
            }
            DeliveryStatus.Outcome o = recorded.result();
            if (o == DeliveryStatus.Outcome.RECORDED && to != null && !to.isBlank()) {
                String number = to.startsWith(WHATSAPP) ? to.substring(WHATSAPP.length()) : to;
                if (CallerHash.plausible(number) || CallerHash.isScopedId(number)) {
                    events.log(to.startsWith(WHATSAPP) ? "whatsapp" : "sms", "out", callers.ofAddress(to),
                            messageStatus.trim().toLowerCase(java.util.Locale.ROOT));
                }
            }
            if (o == DeliveryStatus.Outcome.UNKNOWN_STATUS) {
                LOG.warn("status callback for message {}: unknown MessageStatus ignored", sid);
            } else if (o == DeliveryStatus.Outcome.IGNORED_OUT_OF_ORDER) {
                LOG.debug("status callback for message {}: {} arrived out of order, ignored", sid, messageStatus);
            }
            if ("21610".equals(code)) LOG.info("message {}: recipient unsubscribed (21610), opted out", sid);
            ctx.response().setStatusCode(204).end();
        });
    }

    private static void text(RoutingContext ctx, int status, String reason) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(reason + "\n");
    }
}
