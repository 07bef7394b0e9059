package org.taama.ussd.hubtel;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link HubtelGatewayHttpTest} — Hubtel's USSD walk — on a real Sentinel set (master, replica, three sentinels). */
@DisplayName("Hubtel's USSD walk, on Redis Sentinel")
@OnRedis(TestRedis.Topology.SENTINEL)
class HubtelGatewaySentinelTest extends HubtelGatewayHttpTest {}
