package org.taama.server;

import org.taama.metrics.Meters;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.core.instrument.FunctionCounter;
import org.taama.campaign.CampaignSender;
import org.taama.campaign.CampaignStore;
import org.taama.cases.Audit;
import org.taama.cases.CaseStore;
import org.taama.chat.ChatService;
import org.taama.effects.Effects;
import org.taama.i18n.Keywords;
import org.taama.chat.TwilioMessagesRoute;
import org.taama.config.Config;
import org.taama.console.Console;
import org.taama.console.Sessions;
import org.taama.consent.Channel;
import org.taama.consent.ConsentStore;
import org.taama.cost.TextCost;
import org.taama.operators.Accounts;
import org.taama.pace.SenderPace;
import org.taama.operators.Erasure;
import org.taama.operators.PasswordHashing;
import org.taama.privacy.NumberCipher;
import org.taama.twilio.DeliveryStatus;
import org.taama.twilio.TwilioSender;
import org.taama.twilio.TwilioSignature;
import org.taama.twilio.WhatsAppWindow;
import org.taama.flow.Engine;
import org.taama.quiz.QuizStore;
import org.taama.i18n.ScreenSize;
import org.taama.i18n.Spelling;
import org.taama.lint.Content;
import org.taama.lint.Lint;
import org.taama.lint.Problem;
import org.taama.privacy.CallerHash;
import org.taama.privacy.Secrets;
import org.taama.redis.EmbeddedRedis;
import org.taama.redis.Redis;
import org.taama.ussd.CallbackGuard;
import org.taama.ussd.UssdService;
import org.taama.simulator.ContentScreens;
import org.taama.simulator.Simulator;
import org.taama.stats.Dashboard;
import org.taama.stats.Live;
import org.taama.stats.MessageLog;
import org.taama.stats.Recorder;
import org.taama.stats.StatsView;
import org.taama.stats.Vocabulary;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.taama.web.ClientAddress;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A running Taama server: content checked, Redis connected (embedded or not), HTTP verticles deployed. */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final Vertx vertx;
    private final Redis redis;
    private final EmbeddedRedis embedded;
    private final App app;
    private final TwilioSender sender;
    private final CampaignSender campaigns;
    private final Redis consentRedis;

    private final List<String> routes;

    private Server(Vertx vertx, Redis redis, Redis consentRedis, EmbeddedRedis embedded, App app, TwilioSender sender,
                   CampaignSender campaigns, List<String> routes) {
        this.consentRedis = consentRedis;
        this.campaigns = campaigns;
        this.routes = List.copyOf(routes);
        this.sender = sender;
        this.vertx = vertx;
        this.redis = redis;
        this.embedded = embedded;
        this.app = app;
    }

    /** Starts everything; blocking, so call it from main or a test's setup, never on an event loop. */
    public static Server start(Config requested) throws Exception {
        Config config = Secrets.ensure(requested.port() == 0 ? requested.withPort(freePort()) : requested);
        Spelling ussdSpelling = ussdSpelling(config);
        Map<String, String> values = textValues(config);
        Content content = Content.load(config.flowsDir(), config.localesDir()).withValues(values);
        List<Problem> problems = new ArrayList<>(content.problems());
        problems.addAll(Lint.check(content.flows(), content.locales(), ussdSpelling));
        problems.addAll(Lint.unfilled(content.locales()));
        List<Problem> errors = problems.stream().filter(Problem::isError).toList();
        if (!errors.isEmpty()) {
            errors.forEach(p -> log.error("{}", p));
            throw new IllegalStateException("the flows are not valid (" + errors.size()
                    + " errors above); run: java -jar target/taama.jar lint");
        }

        EmbeddedRedis embedded = null;
        if (config.embeddedRedis()) {
            embedded = EmbeddedRedis.start(config.dataDir().resolve("redis"));
            log.info("embedded Redis on {} (data in {})", embedded.url(), config.dataDir().resolve("redis"));
        }
        String url = embedded != null ? embedded.url() : config.redisUrl();
        // Before Vert.x: its own meters (HTTP server, pools, event bus) go to this registry, with the
        // tags that tell one node's series from another's in Prometheus.
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.config().commonTags("application", "taama", "instance", config.instanceId());
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(metrics))
                .build();
        Redis redis;
        try {
            redis = Redis.connect(vertx, url, config.redisCluster(), config.redisTimeout());
        } catch (RuntimeException e) {
            vertx.close();
            if (embedded != null) embedded.close();
            throw new IllegalStateException("cannot reach Redis: " + e.getMessage(), e);
        }

        new JvmMemoryMetrics().bindTo(metrics);
        // Tasks waiting on each event loop: a loop that falls behind shows here before callers feel it.
        new NettyEventExecutorMetrics(((VertxInternal) vertx).nettyEventLoopGroup()).bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        Meters meters = new Meters(metrics);
        CallerHash callers = new CallerHash(Secrets.decode("HASH_KEY", config.hashKey(), 32));
        NumberCipher cipher = new NumberCipher(Secrets.decode("ENCRYPTION_KEY", config.encryptionKey(), 32));
        Recorder stats = new Recorder(redis, Vocabulary.of(content.flows()), Clock.systemUTC(), meters)
                .start(vertx, config.statsFlush());
        // Consent changes that must reach a replica go on a connection of their own (WAIT holds it).
        int waitReplicas = config.redisCluster() ? 0 : config.redisWaitReplicas();
        if (config.redisCluster() && config.redisWaitReplicas() > 0) {
            log.warn("REDIS_WAIT_REPLICAS is ignored on a Cluster (WAIT would reach one node only)");
        }
        Redis consentRedis = waitReplicas > 0 ? redis.ownConnection() : redis;
        ConsentStore consent = new ConsentStore(consentRedis, cipher, Clock.systemUTC(), stats).awaitingReplicas(waitReplicas);
        Spelling smsSpelling = smsSpelling(config);
        WhatsAppWindow window = new WhatsAppWindow(redis);
        DeliveryStatus delivery = new DeliveryStatus(redis, Clock.systemUTC(), stats);
        TwilioSender sender = new TwilioSender(vertx, config, callers, consent, window, delivery,
                Math.max(1, config.senderThreads()) * TwilioSender.QUEUE_PER_THREAD, stats);
        // "Send me this by SMS" needs a sender number; without one the option is not offered.
        Effects.SmsOut sms = config.twilioAuthToken() == null || config.twilioSmsFrom() == null ? null
                : new Effects.SmsOut() {
                    @Override
                    public io.vertx.core.Future<?> send(String number, String text) {
                        return sender.sendSms(number, text);
                    }

                    @Override
                    public boolean allows(String number) {
                        return sender.allowsSms(number);
                    }
                };
        Audit audit = new Audit(redis, Clock.systemUTC(), Duration.ofDays(config.auditRetentionDays()));
        CaseStore cases = new CaseStore(redis, cipher, Clock.systemUTC(), callers, audit, stats);
        QuizStore quizzes = new QuizStore(redis, Clock.systemUTC(), Duration.ofDays(config.quizCodeDays()),
                Duration.ofDays(config.quizResultsDays()), content.flows().quizzes());
        Effects effects = new Effects(consent, redis, content.locales(), smsSpelling, sms,
                (caller, number, when, leave, lang, channel) ->
                        cases.openOnce(caller, number, when, leave, lang, channel.id()).map(id -> id != null),
                new Effects.Limits(config.smsPerNumberPerDay(), config.callbackAllowedCountries()), meters, quizzes, stats);
        Engine engine = new Engine(content.flows(), content.locales(), ussdSpelling, ScreenSize.USSD::fits,
                ScreenSize.USSD.channel(), effects.canSms(Channel.USSD) ? Set.of() : Set.of("sms"));
        UssdService ussd = new UssdService(engine, redis, callers, cipher, effects,
                config.sessionTtl(), config.languageTtl(), config.defaultLang(), config.redisTimeout(), meters, stats);
        // A texter already has the text: "send me this by SMS" is for USSD only.
        Engine smsEngine = new Engine(content.flows(), content.locales(), smsSpelling, ScreenSize.SMS::fits,
                ScreenSize.SMS.channel(), Set.of("sms"));
        Engine whatsappEngine = new Engine(content.flows(), content.locales(), Spelling.STANDARD, ScreenSize.WHATSAPP::fits,
                ScreenSize.WHATSAPP.channel(), Set.of("sms"));
        Keywords keywords = new Keywords(content.locales());
        ChatService chat = new ChatService(smsEngine, whatsappEngine,
                redis, callers, consent, keywords, effects, window, cipher, config, meters, stats);
        // The console's phone answers with the very engines the channels use, and runs no effect.
        Simulator.Engines engines = new Simulator.Engines(engine, smsEngine, whatsappEngine);
        Simulator simulator = new Simulator(engines, keywords, content.locales(), smsSpelling, redis, cipher);
        ContentScreens screens = new ContentScreens(content.flows(), content.locales(), engines);
        TwilioSignature signature = new TwilioSignature(config.twilioAuthToken(), config.publicBaseUrl());
        Accounts accounts = new Accounts(redis, Clock.systemUTC(), audit, new PasswordHashing(vertx));
        FunctionCounter.builder("taama.login.password.checks", accounts, Accounts::passwordChecks)
                .description("passwords checked at sign-in (attempts past the throttle are not checked)").register(metrics);
        ClientAddress clients = new ClientAddress(config.trustedProxies());
        List<HttpVerticle> verticles = new java.util.concurrent.CopyOnWriteArrayList<>();
        CampaignSender campaigns = null;
        StatsView statsView = new StatsView(redis, Clock.systemUTC(), cases::countByAge);
        MessageLog messageLog = new MessageLog(redis, Clock.systemUTC());
        Dashboard dashboard = new Dashboard(stats, statsView, messageLog, new Live(vertx, redis, statsView, messageLog).start());
        App app = new App(config, redis, ussd, new TwilioMessagesRoute(signature, chat), signature, delivery, consent,
                callers, accounts, cases, new Erasure(redis, callers, audit), metrics, clients,
                new CallbackGuard(config.ussdCallbackToken(), config.ussdAllowedIps(), config.ussdServiceCodes(), clients),
                simulator, screens,
                new Console(new Sessions(redis, accounts, Clock.systemUTC()), accounts, audit,
                        config.publicBaseUrl().startsWith("https://"), clients::of),
                quizzes, dashboard, org.taama.flow.Regions.of(content.flows(), content.locales()));
        try {
            vertx.deployVerticle(() -> {
                        HttpVerticle v = new HttpVerticle(app);
                        verticles.add(v);
                        return v;
                    }, new DeploymentOptions().setInstances(config.verticles()))
                    .await(30, TimeUnit.SECONDS);
            int forgotten = cases.forgetClosedNumbers().await(60, TimeUnit.SECONDS);
            if (forgotten > 0) log.info("dropped the numbers of {} cases closed before closing dropped them", forgotten);
            int adopted = audit.adoptLegacy().await(60, TimeUnit.SECONDS);
            if (adopted > 0) log.info("moved {} entries of the old capped audit list into the audit trail", adopted);
            int moved = consent.adoptLegacySubscribers().await(120, TimeUnit.SECONDS);
            if (moved > 0) log.info("moved {} subscribers of the old set into the audiences (by consent expiry)", moved);
            // Counting an audience drops expired consents; this keeps the audiences clean between campaigns.
            vertx.setPeriodic(Duration.ofHours(1).toMillis(), t -> consent.subscribers().sweep()
                    .onFailure(e -> log.warn("sweeping expired subscribers failed: {}", e.getClass().getName())));
            accounts.ensureAdmin(config).await(30, TimeUnit.SECONDS);
            cases.schedulePurge(vertx, config.caseRetentionDays(), config.caseIdleDays(), Duration.ofHours(1));
            campaigns = campaignSender(vertx, redis, audit, consent, sender, delivery, config);
            campaigns.start(Duration.ofSeconds(1), Duration.ofMillis(100));
        } catch (Exception e) {
            dashboard.close();
            if (campaigns != null) campaigns.close();
            sender.close();
            if (consentRedis != redis) consentRedis.close();
            redis.close();
            vertx.close();
            if (embedded != null) embedded.close();
            for (Throwable t = e; t != null; t = t.getCause()) {
                // Netty's own message is only "Address already in use": say which port and what to do.
                if (t instanceof java.net.BindException) {
                    throw new IllegalStateException("port " + config.port() + " is already in use (another Taama?); "
                            + "stop it or set PORT to a free port", e);
                }
            }
            throw e;
        }
        log.info("Taama listening on port {} ({} event loops)", config.port(), config.verticles());
        return new Server(vertx, redis, consentRedis, embedded, app, sender, campaigns, verticles.get(0).routes());
    }

    /** The campaign sender of this node, sending through Twilio; what Twilio answers decides retry, fail or opt-out. */
    static CampaignSender campaignSender(Vertx vertx, Redis redis, org.taama.cases.Audit audit, ConsentStore consent, TwilioSender twilio, DeliveryStatus delivery,
                                         Config config) {
        boolean configured = config.twilioAuthToken() != null;
        CampaignSender.Outbox outbox = new CampaignSender.Outbox() {
            @Override
            public String sender(String channel) {
                if (!configured) return null;
                return channel.equals("sms") ? config.twilioSmsFrom() : config.twilioWhatsappFrom();
            }

            @Override
            public io.vertx.core.Future<CampaignSender.Outcome> send(CampaignSender.Outgoing m) {
                io.vertx.core.Future<org.taama.twilio.SendResult> sent = m.channel().equals("sms")
                        ? twilio.sendSms(m.number(), m.text(), m.validitySeconds())
                        // The campaign's own template, never WHATSAPP_TEMPLATE_SID (that one is for replies to a person).
                        : twilio.sendWhatsApp(m.number(), m.text(), m.template(), m.variables(), m.validitySeconds());
                return sent.compose(r -> delivery.countInto(r.sid(), m.countsKey())
                                // Sent all the same: only its delivery will not be counted.
                                .recover(e -> io.vertx.core.Future.succeededFuture())
                                .map(CampaignSender.Outcome.SENT))
                        .recover(e -> io.vertx.core.Future.succeededFuture(outcome(e)));
            }

            @Override
            public int capacity() {
                // Room left in the pool for "send me this by SMS", which a person waits for.
                return Math.max(1, config.senderThreads() * 2);
            }
        };
        return new CampaignSender(vertx, redis, new CampaignStore(redis, Clock.systemUTC()), audit, consent, SenderPace.from(redis, config),
                new TextCost(config), outbox, config.quietHours(), config.sendAttempts(), Duration.ofMillis(500),
                config.sendClaimIdle(), config.sendValidity(), Clock.systemUTC());
    }

    /** 21610 opts out (TwilioSender already did); 429, 5xx, a time-out are worth another try (a full pool costs no attempt); any other refusal is not. */
    static CampaignSender.Outcome outcome(Throwable e) {
        if (e instanceof org.taama.twilio.SendFailure.Stopped) return CampaignSender.Outcome.OPTED_OUT;
        if (e instanceof org.taama.twilio.SendFailure.Busy) return CampaignSender.Outcome.BUSY;
        if (e instanceof org.taama.twilio.SendFailure.RateLimited || e instanceof org.taama.twilio.SendFailure.Unavailable) {
            return CampaignSender.Outcome.RETRY;
        }
        if (e instanceof org.taama.twilio.SendFailure) return CampaignSender.Outcome.FAILED;
        return CampaignSender.Outcome.RETRY;
    }

    /**
     * The settings texts quote ("Vos données"), as the running server applies them: the configured
     * durations and how long consent is kept.
     */
    public static Map<String, String> textValues(Config config) {
        Map<String, String> v = new java.util.LinkedHashMap<>(config.textValues());
        v.put("consent_days", Long.toString(ConsentStore.CONSENT_TTL.toDays()));
        return v;
    }

    public static Spelling ussdSpelling(Config config) {
        return config.ussdGsmSafe() ? Spelling.gsmSafe(config.bmPalatal()) : Spelling.STANDARD;
    }

    public static Spelling smsSpelling(Config config) {
        return config.smsGsmSafe() ? Spelling.gsmSafe(config.bmPalatal()) : Spelling.STANDARD;
    }

    public int port() {
        return app.config().port();
    }

    public Config config() {
        return app.config();
    }

    /** Every HTTP route as "METHOD path", for tests that must cover them all. */
    public List<String> routes() {
        return routes;
    }

    public Vertx vertx() {
        return vertx;
    }

    public Redis redis() {
        return redis;
    }

    /** The outbound sender (SMS and WhatsApp through Twilio). */
    public TwilioSender sender() {
        return sender;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            app.dashboard().close();
            if (campaigns != null) campaigns.close();
            sender.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        } finally {
            if (consentRedis != redis) consentRedis.close();
            redis.close();
            if (embedded != null) embedded.close();
        }
    }
}
