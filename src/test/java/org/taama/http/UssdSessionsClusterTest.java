package org.taama.http;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link UssdSessionsHttpTest} — the USSD walk — on a real three-master Redis Cluster. */
@DisplayName("the USSD walk, on Redis Cluster")
@OnRedis(TestRedis.Topology.CLUSTER)
class UssdSessionsClusterTest extends UssdSessionsHttpTest {}
