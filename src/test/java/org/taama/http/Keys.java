package org.taama.http;

import io.vertx.core.Future;
import org.taama.privacy.CallerHash;
import org.taama.support.TestServers;

import java.util.Base64;

/** Where the server keeps a caller's data in Redis, computed the way the server does (same test key). */
final class Keys {
    private static final CallerHash CALLERS = new CallerHash(Base64.getDecoder().decode(TestServers.HASH_KEY));

    private Keys() {}

    static String caller(String number) {
        return CALLERS.of(number);
    }

    /** The keyed digest the server stores of what this caller typed. */
    static String typed(String number, String text) {
        return CALLERS.typed(caller(number), text);
    }

    static String lang(String number) {
        return "taama:{" + caller(number) + "}:lang";
    }

    static String ussdSessions(String number) {
        return "taama:{" + caller(number) + "}:ussd:*";
    }

    static <T> T await(Future<T> f) {
        return org.taama.support.Await.result(f);
    }
}
