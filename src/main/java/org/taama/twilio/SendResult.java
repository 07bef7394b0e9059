package org.taama.twilio;

import org.taama.consent.Channel;

/**
 * A message Twilio accepted.
 *
 * @param sid      Twilio's MessageSid ({@code SM…}/{@code MM…}); delivery updates arrive on /twilio/status
 * @param status   the status Twilio answered with (usually {@code queued} or {@code accepted})
 * @param channel  SMS or WHATSAPP
 * @param template true when a WhatsApp template (ContentSid) was sent instead of the free-form body
 */
public record SendResult(String sid, String status, Channel channel, boolean template) {
}
