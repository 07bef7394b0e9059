package org.taama.operators;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link OperatorRoutesTest} — the operator API: cases, erasure, audit — on a real three-master Redis Cluster. */
@DisplayName("the operator API: cases, erasure, audit, on Redis Cluster")
@OnRedis(TestRedis.Topology.CLUSTER)
class OperatorRoutesClusterTest extends OperatorRoutesTest {}
