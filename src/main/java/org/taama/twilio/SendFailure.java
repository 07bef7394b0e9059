package org.taama.twilio;

/**
 * Why Twilio did not take a message. Every subtype says what to do next; none carries the number
 * (Twilio's own error texts can quote it, so they are redacted before they get here).
 */
public abstract sealed class SendFailure extends RuntimeException
        permits SendFailure.RateLimited, SendFailure.Stopped, SendFailure.OutsideWhatsAppWindow,
        SendFailure.Rejected, SendFailure.Unavailable, SendFailure.Busy, SendFailure.NotAllowed {
    private final Integer code;

    SendFailure(String message, Integer code, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Twilio's error code (e.g. 21610), or null when Twilio gave none. */
    public Integer code() {
        return code;
    }

    /** HTTP 429 / code 20429: too many requests; retry later, slower. */
    public static final class RateLimited extends SendFailure {
        public RateLimited(Integer code) {
            super("Twilio rate limit (HTTP 429" + (code == null ? "" : ", code " + code) + "): retry later", code, null);
        }
    }

    /** Code 21610: the recipient replied STOP; the caller has been opted out. Never retry. */
    public static final class Stopped extends SendFailure {
        public Stopped() {
            super("recipient has unsubscribed (Twilio code 21610): opted out, do not retry", 21610, null);
        }
    }

    /** Free-form WhatsApp outside the 24-hour window and no template configured (or Twilio 63016). */
    public static final class OutsideWhatsAppWindow extends SendFailure {
        public OutsideWhatsAppWindow(String message, Integer code) {
            super(message, code, null);
        }
    }

    /** Twilio refused the message (4xx other than the above): fix the request, do not retry as is. */
    public static final class Rejected extends SendFailure {
        private final String twilioMessage;

        public Rejected(Integer code, String twilioMessage) {
            super("Twilio rejected the message" + (code == null ? "" : " (code " + code + ")")
                    + (twilioMessage == null || twilioMessage.isBlank() ? "" : ": " + twilioMessage), code, null);
            this.twilioMessage = twilioMessage;
        }

        /** Twilio's message, with anything that looks like a phone number replaced by [number]. */
        public String twilioMessage() {
            return twilioMessage;
        }
    }

    /** Twilio answered 5xx after the SDK's retries, could not be reached, or is not configured. */
    public static final class Unavailable extends SendFailure {
        public Unavailable(String message, Integer code, Throwable cause) {
            super(message, code, cause);
        }
    }

    /** Our own send queue is full: fail fast instead of blocking; retry later. */
    public static final class Busy extends SendFailure {
        public Busy(int threads, int queue) {
            super("Twilio send queue full (" + threads + " threads busy, " + queue + " waiting): retry later", null, null);
        }
    }

    /** The number's country is not in SMS_ALLOWED_COUNTRIES: refused before Twilio was asked. Never retry. */
    public static final class NotAllowed extends SendFailure {
        public NotAllowed() {
            super("SMS to this country is not allowed (SMS_ALLOWED_COUNTRIES)", null, null);
        }
    }
}
