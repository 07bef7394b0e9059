package org.taama.web;

/** A request we refuse, with the one-line reason the sender gets back. */
public final class BadRequest extends RuntimeException {
    private final int status;
    private final long retryAfterSeconds;

    public BadRequest(String reason) {
        this(400, reason);
    }

    public BadRequest(int status, String reason) {
        this(status, reason, 0);
    }

    /** A refusal that passes: the sender may try again after {@code retryAfterSeconds} (Retry-After). */
    public BadRequest(int status, String reason, long retryAfterSeconds) {
        super(reason, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    /** Seconds for Retry-After, or 0 when there is none to give. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
