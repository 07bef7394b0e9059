package org.taama.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.taama.chat.TwilioMessagesRoute;
import org.taama.config.Config;
import org.taama.redis.Redis;
import org.taama.ussd.UssdService;

/** What every HTTP verticle shares: built once, immutable or thread-safe. */
public record App(Config config, Redis redis, UssdService ussd, TwilioMessagesRoute twilioMessages,
                  PrometheusMeterRegistry metrics) {}
