package org.taama.ussd.hubtel;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link HubtelGatewayHttpTest} — Hubtel's USSD walk — on a real three-master Redis Cluster. */
@DisplayName("Hubtel's USSD walk, on Redis Cluster")
@OnRedis(TestRedis.Topology.CLUSTER)
class HubtelGatewayClusterTest extends HubtelGatewayHttpTest {}
