package org.taama.http;

import org.taama.support.Ussd;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A simulated phone like {@link Ussd}, keeping the gateway's '*'-joined history, that can send each
 * hop to a different server (two instances behind one load balancer) and send raw, hand-made texts.
 */
final class Phone {
    private final String sessionId;
    private final String number;
    private String history;

    Phone(String sessionId, String number) {
        this.sessionId = sessionId;
        this.number = number;
    }

    /** A number no earlier run can have used, so "a new caller" is really new even on a shared Redis. */
    static String freshNumber() {
        return org.taama.support.Numbers.fresh();
    }

    static String freshSessionId(String label) {
        return "ATUid_" + label + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    String sessionId() {
        return sessionId;
    }

    String number() {
        return number;
    }

    String history() {
        return history;
    }

    Ussd.Reply dial(int port) {
        history = "";
        return sendText(port, "");
    }

    Ussd.Reply type(int port, String input) {
        history = history == null || history.isEmpty() ? input : history + "*" + input;
        return sendText(port, history);
    }

    /** Sends a text as is, without touching the history this phone keeps. */
    Ussd.Reply sendText(int port, String text) {
        return Ussd.post(base(port), form(text));
    }

    Map<String, String> form(String text) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("sessionId", sessionId);
        form.put("serviceCode", "*123#");
        form.put("phoneNumber", number);
        form.put("networkCode", "61002");
        form.put("text", text);
        return form;
    }

    static String base(int port) {
        return "http://localhost:" + port;
    }
}
