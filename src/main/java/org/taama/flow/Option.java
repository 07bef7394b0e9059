package org.taama.flow;

/**
 * One numbered choice: its label key, the node it leads to, for a language menu the language it
 * sets, and optionally something it does on the way ({@code do: sms} texts the screen's information
 * to the caller; {@code do: subscribe} with a {@code region} signs them up for awareness messages).
 */
public record Option(String label, String go, String lang, String action, String region) {
    public static final java.util.Set<String> ACTIONS = java.util.Set.of("sms", "subscribe");

    public Option(String label, String go, String lang) {
        this(label, go, lang, null, null);
    }
}
