package org.taama.simulator;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.taama.cases.Audit;
import org.taama.operators.Accounts;
import org.taama.operators.Accounts.Role;
import org.taama.operators.OperatorRoutes;

import java.util.EnumSet;

/**
 * The console's sandbox, with the operator API's sign-in, refusals and audit:
 *
 * <pre>
 * POST /api/simulator        anyone signed in  {channel: ussd|sms|whatsapp, lang: fr|bm, session?, input?}
 *                            → {session, screen, wire, end, node, page, pages, size, effects}
 * GET  /api/content/screens  anyone signed in  → {screens: [{id, kind, texts (bm review), sizes: {fr|bm: {ussd, sms, whatsapp}}}]}
 * </pre>
 * Volunteers may read the content view too: they write campaign texts and should see what the
 * menus already say and cost.
 */
public final class SimulatorRoutes {
    /** A press of a key is a few dozen bytes. */
    public static final long BODY_LIMIT = 4 * 1024;

    private SimulatorRoutes() {}

    public static void mount(Router router, Accounts accounts, Audit audit, Simulator simulator, ContentScreens content) {
        Handler<RoutingContext> failure = ctx -> OperatorRoutes.failure(ctx, audit);
        Handler<RoutingContext> anyone = OperatorRoutes.auth(accounts, EnumSet.allOf(Role.class));
        OperatorRoutes.route(failure, router.post("/api/simulator"), BodyHandler.create(false).setBodyLimit(BODY_LIMIT), anyone, ctx -> {
            Simulator.Request req = Simulator.Request.parse(OperatorRoutes.json(ctx));
            OperatorRoutes.send(ctx, simulator.press(OperatorRoutes.operator(ctx).username(), req), 200);
        });
        OperatorRoutes.route(failure, router.get("/api/content/screens"), anyone, ctx ->
                OperatorRoutes.send(ctx, content.all(ctx.vertx()), 200));
    }
}
