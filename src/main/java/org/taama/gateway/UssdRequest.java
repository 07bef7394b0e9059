package org.taama.gateway;

/**
 * One USSD callback, whatever the gateway: the gateway's session id, the caller's number (used only
 * to derive the caller hash, never stored), and what the caller typed — either the whole history of
 * the session joined by {@code *} (Africa's Talking) or only the latest input (gateways that say so).
 */
public record UssdRequest(String sessionId, String phoneNumber, String serviceCode, String text, boolean textIsHistory) {
    @Override
    public String toString() {
        // Never print the number: callers may be trafficking victims.
        return "UssdRequest[serviceCode=" + serviceCode + ", textLength=" + (text == null ? 0 : text.length()) + "]";
    }
}
