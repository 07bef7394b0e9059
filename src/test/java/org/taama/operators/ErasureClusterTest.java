package org.taama.operators;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link ErasureTest} — erasing a person — on a real three-master Redis Cluster. */
@DisplayName("erasing a person, on Redis Cluster")
@OnRedis(TestRedis.Topology.CLUSTER)
class ErasureClusterTest extends ErasureTest {}
