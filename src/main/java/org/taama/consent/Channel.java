package org.taama.consent;

/** Where a caller reached us or asked us to reach them. */
public enum Channel {
    USSD, SMS, WHATSAPP;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
