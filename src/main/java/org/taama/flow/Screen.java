package org.taama.flow;

/** What the caller reads, and whether the session ends with it. */
public record Screen(String text, boolean end) {}
