package org.taama.chat;

import org.taama.consent.Channel;

/**
 * One message a person sent us through Twilio. {@code number} is their number without the
 * {@code whatsapp:} prefix: used to derive the caller hash and, only with their consent, kept
 * encrypted to send to.
 */
public record Inbound(String messageSid, Channel channel, String number, String body, int media) {
    /** True when {@code number} is a WhatsApp business-scoped user id ("US.1234"), not a phone number. */
    public boolean scopedId() {
        return org.taama.privacy.CallerHash.isScopedId(number);
    }

    @Override
    public String toString() {
        return "Inbound[" + channel + ", bodyLength=" + (body == null ? 0 : body.length()) + ", media=" + media + "]";
    }
}
