package org.taama.http;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link CallbackHttpTest} — a call-back case opened by USSD and listed by an operator — on a real Sentinel set (master, replica, three sentinels). */
@DisplayName("a call-back case opened by USSD and listed by an operator, on Redis Sentinel")
@OnRedis(TestRedis.Topology.SENTINEL)
class CallbackSentinelTest extends CallbackHttpTest {}
