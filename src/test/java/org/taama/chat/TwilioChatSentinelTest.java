package org.taama.chat;

import org.junit.jupiter.api.DisplayName;
import org.taama.support.OnRedis;
import org.taama.support.TestRedis;

/** {@link TwilioChatHttpTest} — SMS and WhatsApp conversations — on a real Sentinel set (master, replica, three sentinels). */
@DisplayName("SMS and WhatsApp conversations, on Redis Sentinel")
@OnRedis(TestRedis.Topology.SENTINEL)
class TwilioChatSentinelTest extends TwilioChatHttpTest {}
