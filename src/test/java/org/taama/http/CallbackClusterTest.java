package org.taama.http;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link CallbackHttpTest} — a call-back case opened by USSD and listed by an operator — on a real three-master Redis Cluster. */
@DisplayName("a call-back case opened by USSD and listed by an operator, on Redis Cluster")
@OnRedis(TestRedis.Topology.CLUSTER)
class CallbackClusterTest extends CallbackHttpTest {}
