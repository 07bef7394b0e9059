package org.taama.chat;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link TwilioChatHttpTest} — SMS and WhatsApp conversations — on a real three-master Redis Cluster. */
@DisplayName("SMS and WhatsApp conversations, on Redis Cluster")
@OnRedis(TestRedis.Topology.CLUSTER)
class TwilioChatClusterTest extends TwilioChatHttpTest {}
