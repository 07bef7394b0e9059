package org.taama.web;

/** A request we refuse, with the one-line reason the sender gets back. */
public final class BadRequest extends RuntimeException {
    private final int status;

    public BadRequest(String reason) {
        this(400, reason);
    }

    public BadRequest(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
