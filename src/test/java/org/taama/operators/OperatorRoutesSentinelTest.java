package org.taama.operators;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link OperatorRoutesTest} — the operator API: cases, erasure, audit — on a real Sentinel set (master, replica, three sentinels). */
@DisplayName("the operator API: cases, erasure, audit, on Redis Sentinel")
@OnRedis(TestRedis.Topology.SENTINEL)
class OperatorRoutesSentinelTest extends OperatorRoutesTest {}
