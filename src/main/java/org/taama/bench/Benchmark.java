package org.taama.bench;

/** Placeholder replaced below. */
public final class Benchmark {
    public static void main(String[] args) {
        throw new UnsupportedOperationException("not yet");
    }
}
