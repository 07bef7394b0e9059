package org.taama.cases;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link CaseStoreTest} — opening, moving, purging, erasing and repairing cases — on a real three-master Redis Cluster. */
@DisplayName("call-back cases, on Redis Cluster")
@OnRedis(TestRedis.Topology.CLUSTER)
class CaseStoreClusterTest extends CaseStoreTest {}
