package org.taama.twilio;

import org.taama.stats.Events;
import org.taama.stats.Metric;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taama.config.Config;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.privacy.CallerHash;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Sends SMS and WhatsApp messages through Twilio's REST API with the Twilio Java SDK.
 *
 * <p>The SDK blocks, so every call runs on a small bounded pool ({@code SENDER_THREADS} threads, a
 * bounded queue) and never on an event loop; when the queue is full a send fails at once with
 * {@link SendFailure.Busy} instead of waiting. Futures complete on the caller's Vert.x context.
 *
 * <p>Outcomes: a {@link SendResult}, or a failed future holding a {@link SendFailure}:
 * RateLimited (429), Stopped (21610; the caller is opted out on that channel first),
 * OutsideWhatsAppWindow, Rejected(code, message), Unavailable (5xx after the SDK's 3 attempts, no
 * connection, not configured), Busy. Neither log lines nor failures ever contain the number.
 *
 * <p>Every message asks Twilio for status callbacks at {@code PUBLIC_BASE_URL/twilio/status}
 * ({@link StatusRoutes}); the status Twilio answers with is recorded at once in {@link DeliveryStatus},
 * since Twilio sends no callback for the initial status.
 */
public final class TwilioSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TwilioSender.class);
    public static final String STATUS_PATH = "/twilio/status";
    /** Queue places per sender thread when no capacity is given. */
    public static final int QUEUE_PER_THREAD = 64;
    static final int STOPPED = 21610;
    static final int RATE_LIMITED = 20429;
    static final int OUTSIDE_WINDOW = 63016;
    private static final String WHATSAPP = "whatsapp:";
    /** Twilio keeps a message queued at most 10 hours (ValidityPeriod 1 to 36,000 s, error 90007 beyond). */
    public static final int MAX_VALIDITY = 36_000;
    /** Anything that looks like a phone number in Twilio's error texts. */
    private static final Pattern NUMBER = Pattern.compile("\\+?\\d[\\d ().-]{4,}\\d");

    private final Vertx vertx;
    private final TwilioRestClient client;
    private final String smsFrom;
    private final java.util.List<String> smsCountries;
    private final String whatsappFrom;
    private final String templateSid;
    private final String statusCallback;
    private final CallerHash callers;
    private final ConsentStore consent;
    private final WhatsAppWindow window;
    private final DeliveryStatus statuses;
    private final ThreadPoolExecutor executor;
    private final int threads;
    private final int queueCapacity;
    private final Events events;

    public TwilioSender(Vertx vertx, Config config, CallerHash callers, ConsentStore consent,
                        WhatsAppWindow window, DeliveryStatus statuses) {
        this(vertx, config, callers, consent, window, statuses, Math.max(1, config.senderThreads()) * QUEUE_PER_THREAD);
    }

    /** @param queueCapacity sends that may wait for a free thread before new ones fail with Busy */
    public TwilioSender(Vertx vertx, Config config, CallerHash callers, ConsentStore consent,
                        WhatsAppWindow window, DeliveryStatus statuses, int queueCapacity) {
        this(vertx, config, callers, consent, window, statuses, queueCapacity, Events.NONE);
    }

    /** As above, telling the dashboard and the message log of every message Twilio took. */
    public TwilioSender(Vertx vertx, Config config, CallerHash callers, ConsentStore consent,
                        WhatsAppWindow window, DeliveryStatus statuses, int queueCapacity, Events events) {
        this.events = events;
        this.vertx = vertx;
        this.callers = callers;
        this.consent = consent;
        this.window = window;
        this.statuses = statuses;
        this.smsFrom = config.twilioSmsFrom();
        this.smsCountries = config.smsAllowedCountries();
        this.whatsappFrom = config.twilioWhatsappFrom() == null ? null : withPrefix(config.twilioWhatsappFrom());
        this.templateSid = config.whatsappTemplateSid();
        this.statusCallback = config.publicBaseUrl() + STATUS_PATH;
        this.client = config.twilioAuthToken() == null ? null
                : new TwilioRestClient.Builder(config.twilioAccountSid(), config.twilioAuthToken())
                        .httpClient(new TwilioHttpClient(config.twilioApiUrl()))
                        .build();
        this.threads = Math.max(1, config.senderThreads());
        this.queueCapacity = Math.max(1, queueCapacity);
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(this.queueCapacity), daemonThreads(), new ThreadPoolExecutor.AbortPolicy());
        this.executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Sends an SMS from {@code TWILIO_SMS_FROM} to {@code to} in any spelling ({@code +223…},
     * {@code 00223…}, a local 8-digit number), sent as E.164. Every SMS of every feature comes
     * through here, so the country allow list ({@code SMS_ALLOWED_COUNTRIES}) is checked here:
     * elsewhere fails with {@link SendFailure.NotAllowed} without asking Twilio.
     */
    public Future<SendResult> sendSms(String to, String body) {
        return sendSms(to, body, 0);
    }

    /**
     * As {@link #sendSms(String, String)}, asking Twilio to drop the message rather than send it more
     * than {@code validitySeconds} (1 to {@value #MAX_VALIDITY}) after it got it; 0 leaves Twilio's own 10 hours.
     */
    public Future<SendResult> sendSms(String to, String body, int validitySeconds) {
        Context ctx = context();
        if (smsFrom == null) {
            return Future.failedFuture(new SendFailure.Unavailable("SMS sending is not configured (TWILIO_SMS_FROM unset)", null, null));
        }
        String caller = callers.of(to);
        if (!allowsSms(to)) {
            LOG.info("sms send to caller {} refused: country not in SMS_ALLOWED_COUNTRIES", shortHash(caller));
            return Future.failedFuture(new SendFailure.NotAllowed());
        }
        String e164 = "+" + CallerHash.normalize(to);
        return submit(ctx, Channel.SMS, caller, false, validitySeconds,
                () -> Message.creator(new PhoneNumber(e164), new PhoneNumber(smsFrom), body));
    }

    /** Whether SMS may go to this number: a plausible number whose country code is in SMS_ALLOWED_COUNTRIES. */
    public boolean allowsSms(String to) {
        return to != null && to.length() <= 32 && CallerHash.plausible(to)
                && CallerHash.inCountries(to, smsCountries);
    }

    /**
     * Sends a WhatsApp message from {@code TWILIO_WHATSAPP_FROM}. Inside the caller's 24-hour window
     * the free-form {@code body} is sent; outside it the template {@code WHATSAPP_TEMPLATE_SID} with
     * {@code templateVariables} (as ContentVariables JSON, no Body); with no template configured the
     * future fails with {@link SendFailure.OutsideWhatsAppWindow}.
     *
     * @param to                E.164, with or without the {@code whatsapp:} prefix
     * @param templateVariables the template's placeholders ({@code "1" -> "…"}); null or empty for none
     */
    public Future<SendResult> sendWhatsApp(String to, String body, Map<String, String> templateVariables) {
        return sendWhatsApp(to, body, templateSid, templateVariables, 0);
    }

    /**
     * As {@link #sendWhatsApp(String, String, Map)} with another template than {@code WHATSAPP_TEMPLATE_SID}
     * (a campaign's own, in the recipient's language) and a validity as for {@link #sendSms(String, String, int)}.
     */
    public Future<SendResult> sendWhatsApp(String to, String body, String templateSid, Map<String, String> templateVariables,
                                           int validitySeconds) {
        Context ctx = context();
        if (whatsappFrom == null) {
            return Future.failedFuture(new SendFailure.Unavailable("WhatsApp sending is not configured (TWILIO_WHATSAPP_FROM unset)", null, null));
        }
        String number = to.startsWith(WHATSAPP) ? to.substring(WHATSAPP.length()) : to;
        String caller = callers.of(number);
        PhoneNumber waTo = new PhoneNumber(WHATSAPP + number);
        PhoneNumber waFrom = new PhoneNumber(whatsappFrom);
        Promise<SendResult> result = Promise.promise();
        window.isOpen(caller).onComplete(open -> {
            if (open.failed()) {
                LOG.warn("whatsapp send for caller {}: cannot check the 24-hour window: {}", shortHash(caller), open.cause().toString());
                result.fail(new SendFailure.Unavailable("cannot check the WhatsApp 24-hour window (Redis): " + open.cause().getMessage(), null, open.cause()));
            } else if (open.result()) {
                submit(ctx, Channel.WHATSAPP, caller, false, validitySeconds, () -> Message.creator(waTo, waFrom, body)).onComplete(result);
            } else if (templateSid != null) {
                String variables = contentVariables(templateVariables);
                submit(ctx, Channel.WHATSAPP, caller, true, validitySeconds, () -> {
                    MessageCreator c = Message.creator(waTo, waFrom, (String) null).setContentSid(templateSid);
                    return variables == null ? c : c.setContentVariables(variables);
                }).onComplete(result);
            } else {
                LOG.info("whatsapp send for caller {} refused: outside the 24-hour window and no template", shortHash(caller));
                result.fail(new SendFailure.OutsideWhatsAppWindow("outside the WhatsApp 24-hour window and no template"
                        + " configured (WHATSAPP_TEMPLATE_SID unset): free-form text cannot be sent", null));
            }
        });
        return result.future();
    }

    /** ContentVariables JSON, keys in order ("1", "2", …), or null when there are none. */
    static String contentVariables(Map<String, String> variables) {
        if (variables == null || variables.isEmpty()) return null;
        JsonObject json = new JsonObject();
        new TreeMap<>(variables).forEach(json::put);
        return json.encode();
    }

    /** Sends waiting for a thread (for metrics). */
    public int queued() {
        return executor.getQueue().size();
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) executor.shutdownNow();
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private Future<SendResult> submit(Context ctx, Channel channel, String caller, boolean template, int validitySeconds,
                                      Supplier<MessageCreator> creator) {
        if (validitySeconds < 0 || validitySeconds > MAX_VALIDITY) {
            return Future.failedFuture(new IllegalArgumentException("validity must be 0 (Twilio's own) to " + MAX_VALIDITY + " seconds"));
        }
        if (client == null) {
            return Future.failedFuture(new SendFailure.Unavailable("Twilio is not configured (TWILIO_AUTH_TOKEN unset)", null, null));
        }
        Promise<SendResult> promise = Promise.promise();
        try {
            executor.execute(() -> {
                Object outcome = call(channel, template, validitySeconds == 0 ? creator
                        : () -> creator.get().setValidityPeriod(validitySeconds));
                ctx.runOnContext(v -> settle(promise, channel, caller, outcome));
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("{} send for caller {} refused: send queue full", channel.id(), shortHash(caller));
            return Future.failedFuture(new SendFailure.Busy(threads, queueCapacity));
        }
        return promise.future();
    }

    /** Runs on a sender thread: the SDK call, answering a SendResult or a SendFailure. */
    private Object call(Channel channel, boolean template, Supplier<MessageCreator> creator) {
        TwilioHttpClient.clearLastStatus();
        try {
            Message m = creator.get().setStatusCallback(statusCallback).create(client);
            String status = m.getStatus() == null ? "queued" : m.getStatus().toString();
            if (m.getSid() == null) return new SendFailure.Unavailable("Twilio answered without a MessageSid", null, null);
            return new SendResult(m.getSid(), status, channel, template);
        } catch (ApiConnectionException e) {
            return new SendFailure.Unavailable("Twilio unreachable after the SDK's retries: " + e.getClass().getSimpleName(), null, null);
        } catch (ApiException e) {
            return classify(e.getCode(), httpStatus(e), e.getMessage());
        } catch (RuntimeException e) {
            Integer status = TwilioHttpClient.lastStatus();
            return new SendFailure.Unavailable("Twilio call failed" + (status == null ? "" : " (HTTP " + status + ")")
                    + ": " + e.getClass().getSimpleName(), null, null);
        } finally {
            TwilioHttpClient.clearLastStatus();
        }
    }

    private static Integer httpStatus(ApiException e) {
        Integer s = TwilioHttpClient.lastStatus();
        if (s != null) return s;
        if (e.getHttpStatusCode() != null) return e.getHttpStatusCode();
        return e.getStatusCode();
    }

    static SendFailure classify(Integer code, Integer httpStatus, String message) {
        if ((httpStatus != null && httpStatus == 429) || (code != null && code == RATE_LIMITED)) {
            return new SendFailure.RateLimited(code);
        }
        if (code != null && code == STOPPED) return new SendFailure.Stopped();
        if (code != null && code == OUTSIDE_WINDOW) {
            return new SendFailure.OutsideWhatsAppWindow("Twilio refused free-form WhatsApp text outside the 24-hour window (code 63016)", code);
        }
        if (httpStatus == null) {
            return new SendFailure.Unavailable("Twilio unreachable: no HTTP answer" + (code == null ? "" : ", code " + code), code, null);
        }
        if (httpStatus >= 500) {
            return new SendFailure.Unavailable("Twilio unavailable" + (httpStatus == null ? "" : " (HTTP " + httpStatus + ")")
                    + " after the SDK's retries" + (code == null ? "" : ", code " + code), code, null);
        }
        return new SendFailure.Rejected(code, redact(message));
    }

    /** Replaces anything that looks like a phone number. */
    static String redact(String text) {
        return text == null ? null : NUMBER.matcher(text).replaceAll("[number]");
    }

    private void settle(Promise<SendResult> promise, Channel channel, String caller, Object outcome) {
        if (outcome instanceof SendResult r) {
            LOG.info("{} message {} to caller {}: {}{}", channel.id(), r.sid(), shortHash(caller), r.status(), r.template() ? " (template)" : "");
            events.count(Metric.MESSAGES_OUT, channel.id());
            events.log(channel.id(), "out", caller, r.status().toLowerCase(java.util.Locale.ROOT));
            statuses.record(r.sid(), r.status(), null).onComplete(ar -> {
                if (ar.failed()) LOG.warn("could not record the status of message {}: {}", r.sid(), ar.cause().toString());
                promise.complete(r);
            });
        } else if (outcome instanceof SendFailure.Stopped stopped) {
            LOG.info("{} send to caller {}: recipient unsubscribed (21610), opting out", channel.id(), shortHash(caller));
            consent.optOut(caller, channel, "twilio 21610").onComplete(ar -> {
                if (ar.failed()) LOG.error("could not opt out caller {} after Twilio 21610: {}", shortHash(caller), ar.cause().toString());
                promise.fail(stopped);
            });
        } else {
            SendFailure f = (SendFailure) outcome;
            LOG.warn("{} send to caller {} failed: {}: {}", channel.id(), shortHash(caller), f.getClass().getSimpleName(), f.getMessage());
            promise.fail(f);
        }
    }

    private Context context() {
        Context c = Vertx.currentContext();
        return c != null ? c : vertx.getOrCreateContext();
    }

    private static String withPrefix(String n) {
        return n.startsWith(WHATSAPP) ? n : WHATSAPP + n;
    }

    private static String shortHash(String caller) {
        return caller.length() > 8 ? caller.substring(0, 8) : caller;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "twilio-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
