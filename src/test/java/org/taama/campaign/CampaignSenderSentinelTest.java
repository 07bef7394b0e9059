package org.taama.campaign;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link CampaignSenderTest} — campaign sending — on a real Sentinel set (master, replica, three sentinels). */
@DisplayName("campaign sending, on Redis Sentinel")
@OnRedis(TestRedis.Topology.SENTINEL)
class CampaignSenderSentinelTest extends CampaignSenderTest {}
