package org.taama.flow;

import org.taama.i18n.Locales;

/**
 * What a text conversation adds around the engine's screen, shared by the chat channel and the
 * console's simulator so both show the same reply.
 */
public final class ChatOpening {
    private ChatOpening() {}

    /**
     * The first reply of a conversation says what Taama is and that STOP stops messages: in the
     * texter's language, or in every language while we do not know theirs (as the language menu does).
     */
    public static String intro(Engine engine, String knownLang, String defaultLang) {
        if (knownLang != null) return engine.text(knownLang, "chat.intro");
        StringBuilder b = new StringBuilder(engine.text(defaultLang, "chat.intro"));
        for (String l : Locales.LANGUAGES) {
            if (!l.equals(defaultLang)) b.append('\n').append(engine.text(l, "chat.intro"));
        }
        return b.toString();
    }

    /**
     * The reply to a message: the screen, after the "text only" line when the message was a picture
     * without words, and after the intro on a conversation's first reply.
     */
    public static String reply(Engine engine, String screen, String lang, boolean mediaOnly, boolean first,
                               String knownLang, String defaultLang) {
        String reply = screen;
        if (mediaOnly) reply = engine.text(lang, "chat.text_only") + "\n" + reply;
        if (first) reply = intro(engine, knownLang, defaultLang) + "\n" + reply;
        return reply;
    }
}
