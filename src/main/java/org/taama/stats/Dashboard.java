package org.taama.stats;

/** The dashboard's parts one node holds: what counts, what reads, what pushes. */
public record Dashboard(Recorder recorder, StatsView view, MessageLog log, Live live) implements AutoCloseable {
    @Override
    public void close() {
        live.close();
        recorder.close();
    }
}
