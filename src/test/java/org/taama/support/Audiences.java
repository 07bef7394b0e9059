package org.taama.support;

import org.taama.consent.Subscribers;
import org.taama.flow.Regions;
import org.taama.lint.Content;
import org.taama.redis.Redis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Regions for campaign tests. A campaign names only regions the subscribe menu offers, and every test
 * on the shared Redis counts its own audience: so each call hands out the next real region in turn,
 * emptied of its subscribers first (the test classes run one after another).
 */
public final class Audiences {
    /** The regions a campaign may name, as the server reads them from the repository's flows. */
    public static final Regions REGIONS;
    private static final List<String> POOL = new ArrayList<>();
    private static final AtomicInteger NEXT = new AtomicInteger();

    static {
        Content content = Content.load(Path.of("flows"), Path.of("locales"));
        REGIONS = Regions.of(content.flows(), content.locales());
        POOL.addAll(REGIONS.ids());
        POOL.remove(Regions.NONE); // where keyword subscribers of other tests land
    }

    private Audiences() {}

    /** A real region with nobody subscribed in it on this Redis, none of {@code except}. */
    public static String freshRegion(Redis redis, String... except) {
        Set<String> not = Set.of(except);
        String region;
        do {
            region = POOL.get(Math.floorMod(NEXT.getAndIncrement(), POOL.size()));
        } while (not.contains(region));
        return empty(redis, region);
    }

    /** Nobody subscribed in {@code region} on this Redis any more, on any channel or in any language. */
    public static String empty(Redis redis, String region) {
        List<String> keys = new ArrayList<>();
        for (String channel : List.of("sms", "whatsapp")) {
            for (String lang : List.of("fr", "bm", "none")) keys.add(Subscribers.key(Subscribers.segment(channel, lang, region)));
        }
        Await.result(redis.del(keys.toArray(String[]::new)));
        return region;
    }
}
