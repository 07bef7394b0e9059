package org.taama.flow;

/**
 * Something the caller asked for that the engine cannot do itself (it does no I/O): the channel
 * carries it out after saving the state.
 *
 * @param action  "sms" (text the caller {@code textKey}) or "subscribe" (sign up for {@code region})
 * @param textKey for "sms", the locale key of the information to send
 * @param lang    the caller's language when they asked
 * @param region  for "subscribe", the region chosen
 */
public record Effect(String action, String textKey, String lang, String region) {}
