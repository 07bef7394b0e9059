package org.taama.operators;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link ErasureTest} — erasing a person — on a real Sentinel set (master, replica, three sentinels). */
@DisplayName("erasing a person, on Redis Sentinel")
@OnRedis(TestRedis.Topology.SENTINEL)
class ErasureSentinelTest extends ErasureTest {}
