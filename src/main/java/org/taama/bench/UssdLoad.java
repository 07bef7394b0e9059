package org.taama.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Callers, each on its own thread, walking the real menus to a subscription as a new caller does:
 * dial (the language menu), 1 Français (the main menu), 5 our messages, 1 receive them (the regions),
 * then a region of the first screen (the confirmation, which tells how to STOP). Every answer is checked
 * against the screen the walk expects, so a walk counts as acknowledged only when the caller read the
 * confirmation.
 *
 * <p>A hop nobody answers (refused connection, time-out, non-200, blank) is sent again, the same
 * history, to {@code resendPort}, as Africa's Talking's retry or a load balancer does: that is how a hop
 * can be applied twice. An apology ends the walk; the caller dials again after a short pause, as a new
 * walk with a new number, so a subscription recorded twice can only come from a resent hop.
 *
 * <p>Every answer is stamped (good or not) so the outage is measured as callers saw it.
 */
final class UssdLoad {
    static final String APOLOGY = "Service indisponible";
    /** Hops of one walk: what is typed (null: the dial) and a text of the screen it must answer. */
    private static final String[][] WALK = {
            {null, "Bamanankan"},       // a new caller: the language menu first
            {"1", "Nos messages"},      // Français: the main menu
            {"5", "Recevoir"},          // our messages: receive or stop them
            {"1", "Votre région"},      // receive them: the first screen of regions
            {"REGION", "Vous recevrez"} // a region: the confirmation (it says how to STOP)
    };
    /** The first screen lists seven regions (98 shows the next ones). */
    private static final int REGIONS_ON_FIRST_SCREEN = 7;
    private static final int RESENDS = 5;
    private static final AtomicLong NUMBERS = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000_000, 5_000_000));

    private final int callers;
    private final IntSupplier port;
    private final IntSupplier resendPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** Numbers that read the confirmation. */
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    /** Numbers whose last hop (the subscription) was sent, answered or not: where a duplicate may be. */
    final Set<String> subscribing = ConcurrentHashMap.newKeySet();
    final AtomicLong requests = new AtomicLong(), apologies = new AtomicLong(), unanswered = new AtomicLong(),
            wrong = new AtomicLong();
    /** {nanoTime, 1 good / 0 not} of every answer. */
    private final ConcurrentLinkedQueue<long[]> answers = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    UssdLoad(int callers, IntSupplier port, IntSupplier resendPort) {
        this.callers = callers;
        this.port = port;
        this.resendPort = resendPort;
    }

    int callers() {
        return callers;
    }

    void start() {
        running.set(true);
        for (int i = 0; i < callers; i++) {
            Thread t = new Thread(this::caller, "fault-caller-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) t.join(10_000);
    }

    /**
     * Waits until callers have had {@code ms} of good answers only, counted from {@code since} or the
     * last bad answer, whichever is later (or until {@code timeoutMs} passed).
     */
    void awaitSteady(long since, long ms, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < end) {
            long from = Math.max(since, lastBadAt());
            if (System.nanoTime() - from >= ms * 1_000_000L && goodSince(from) > 0) return;
            Thread.sleep(50);
        }
    }

    private void caller() {
        while (running.get()) {
            if (!walk()) pause(200);
        }
    }

    /** One walk with a new number; true when it reached the confirmation. */
    private boolean walk() {
        String number = "+2237" + String.format("%07d", NUMBERS.incrementAndGet() % 10_000_000);
        String session = "fault-" + System.nanoTime() + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
        StringBuilder typed = new StringBuilder();
        for (int step = 0; step < WALK.length && running.get(); step++) {
            String input = WALK[step][0];
            if ("REGION".equals(input)) input = Integer.toString(1 + ThreadLocalRandom.current().nextInt(REGIONS_ON_FIRST_SCREEN));
            if (input != null) typed.append(typed.length() == 0 ? "" : "*").append(input);
            if (step == WALK.length - 1) subscribing.add(number);
            String screen = hop(body(session, number, typed.toString()));
            if (screen == null) return false;
            if (screen.contains(APOLOGY)) {
                apologies.incrementAndGet();
                stamp(false);
                return false;
            }
            if (!screen.contains(WALK[step][1])) {
                if (wrong.incrementAndGet() == 1) System.err.println("first unexpected screen at hop " + step + ": " + screen);
                stamp(false);
                return false;
            }
            stamp(true);
        }
        if (!running.get()) return false;
        acked.add(number);
        return true;
    }

    /** The screen, sent again (same history) to the resend port while nobody answers; null if nobody ever does. */
    private String hop(String body) {
        String screen = send(port.getAsInt(), body);
        for (int i = 0; screen == null && i < RESENDS && running.get(); i++) {
            pause(20L << i);
            screen = send(resendPort.getAsInt(), body);
        }
        return screen;
    }

    /** A USSD screen ("CON ..." or "END ..."), or null after counting an answer that is none. */
    private String send(int to, String body) {
        requests.incrementAndGet();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to + "/ussd/africastalking"))
                    .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && (r.body().startsWith("CON ") || r.body().startsWith("END "))) return r.body();
            noAnswer(r.statusCode() + " " + r.body());
        } catch (Exception e) {
            noAnswer(e.toString());
        }
        return null;
    }

    private void noAnswer(String what) {
        if (unanswered.incrementAndGet() == 1) System.err.println("first unanswered hop: " + what);
        stamp(false);
    }

    private static String body(String session, String number, String text) {
        return "sessionId=" + session + "&serviceCode=*123%23&phoneNumber=" + number.replace("+", "%2B")
                + "&networkCode=61002&text=" + text.replace("*", "%2A");
    }

    private void stamp(boolean good) {
        answers.add(new long[] {System.nanoTime(), good ? 1 : 0});
    }

    // ------------------------------------------------------------------ the outage as callers saw it

    /** ms after {@code fault} of the first answer that was not good, or -1 if there was none. */
    long outageSeenMs(long fault) {
        long first = Long.MAX_VALUE;
        for (long[] a : answers) if (a[1] == 0 && a[0] >= fault) first = Math.min(first, a[0]);
        return first == Long.MAX_VALUE ? -1 : (first - fault) / 1_000_000;
    }

    /**
     * ms after {@code fault} of the first good answer after the last bad one: from then on callers had
     * only good answers (a steady run, checked by {@link #awaitSteady}). 0 when nothing went wrong.
     */
    long recoveredMs(long fault) {
        long lastBad = lastBadAt();
        if (lastBad < fault) return 0;
        long firstGood = Long.MAX_VALUE;
        for (long[] a : answers) if (a[1] == 1 && a[0] > lastBad) firstGood = Math.min(firstGood, a[0]);
        return firstGood == Long.MAX_VALUE ? -1 : (firstGood - fault) / 1_000_000;
    }

    private long lastBadAt() {
        long last = 0;
        for (long[] a : answers) if (a[1] == 0) last = Math.max(last, a[0]);
        return last;
    }

    private long goodSince(long at) {
        long n = 0;
        for (long[] a : answers) if (a[1] == 1 && a[0] > at) n++;
        return n;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
