package org.taama.campaign;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link CampaignSenderTest} — campaign sending — on a real three-master Redis Cluster. */
@DisplayName("campaign sending, on Redis Cluster")
@OnRedis(TestRedis.Topology.CLUSTER)
class CampaignSenderClusterTest extends CampaignSenderTest {}
