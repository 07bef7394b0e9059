package org.taama.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counters and timers looked up once per name and tags: a registry lookup on every request costs
 * more than the count itself. Tags carry channels and outcomes only, never a number or free text.
 */
public final class Meters {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public Meters(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** @param tags name, value, name, value… */
    public Counter counter(String name, String... tags) {
        return counters.computeIfAbsent(key(name, tags), k -> registry.counter(name, tags));
    }

    public Timer timer(String name, String... tags) {
        return timers.computeIfAbsent(key(name, tags), k -> registry.timer(name, tags));
    }

    private static String key(String name, String[] tags) {
        return name + '\u0000' + String.join("\u0000", tags);
    }
}
