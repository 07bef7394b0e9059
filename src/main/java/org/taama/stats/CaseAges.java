package org.taama.stats;

import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

/** How many call-back cases are in each status, by how long they have been in it (read from the cases, not counted). */
@FunctionalInterface
public interface CaseAges {
    /**
     * @param bounds ascending ages in ms (e.g. 1 d, 3 d, 7 d): the bands are under the first, between
     *               each two, and over the last
     * @return status → one count per band ({@code bounds.size() + 1} of them)
     */
    Future<Map<String, List<Long>>> count(long now, List<Long> bounds);

    CaseAges NONE = (now, bounds) -> Future.succeededFuture(Map.of());
}
