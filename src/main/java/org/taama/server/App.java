package org.taama.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.taama.cases.CaseStore;
import org.taama.chat.TwilioMessagesRoute;
import org.taama.config.Config;
import org.taama.console.Console;
import org.taama.consent.ConsentStore;
import org.taama.operators.Accounts;
import org.taama.operators.Erasure;
import org.taama.privacy.CallerHash;
import org.taama.quiz.QuizStore;
import org.taama.redis.Redis;
import org.taama.twilio.DeliveryStatus;
import org.taama.twilio.TwilioSignature;
import org.taama.ussd.CallbackGuard;
import org.taama.ussd.UssdService;
import org.taama.simulator.ContentScreens;
import org.taama.simulator.Simulator;
import org.taama.web.ClientAddress;
import org.taama.stats.Dashboard;
import org.taama.flow.Regions;

/** What every HTTP verticle shares: built once, immutable or thread-safe. */
public record App(Config config, Redis redis, UssdService ussd, TwilioMessagesRoute twilioMessages,
                  TwilioSignature twilioSignature, DeliveryStatus delivery, ConsentStore consent,
                  CallerHash callers, Accounts accounts, CaseStore cases, Erasure erasure,
                  PrometheusMeterRegistry metrics, ClientAddress clientAddress, CallbackGuard ussdGuard,
                  Simulator simulator, ContentScreens contentScreens, Console console,
                  QuizStore quizzes, Dashboard dashboard, Regions regions) {}
