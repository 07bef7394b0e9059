package org.taama.flow;

/** One numbered choice: its label key, the node it leads to, and for a language menu the language it sets. */
public record Option(String label, String go, String lang) {}
