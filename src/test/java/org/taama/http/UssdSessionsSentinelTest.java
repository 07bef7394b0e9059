package org.taama.http;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link UssdSessionsHttpTest} — the USSD walk — on a real Sentinel set (master, replica, three sentinels). */
@DisplayName("the USSD walk, on Redis Sentinel")
@OnRedis(TestRedis.Topology.SENTINEL)
class UssdSessionsSentinelTest extends UssdSessionsHttpTest {}
