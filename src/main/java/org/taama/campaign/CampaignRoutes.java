package org.taama.campaign;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.taama.cases.Audit;
import org.taama.flow.Regions;
import org.taama.operators.Accounts;
import org.taama.operators.Accounts.Operator;
import org.taama.operators.Accounts.Role;
import org.taama.operators.OperatorRoutes;
import org.taama.web.BadRequest;

import java.time.Clock;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The campaign API, with the operator API's tokens, refusals and audit. Anyone signed in drafts
 * campaigns; a volunteer sees only their own (another's answers 404, as if it did not exist);
 * operators and admins see all and review them, never their own.
 *
 * <pre>
 * POST /api/campaigns                 {name, channel, texts:{fr,bm}, audience:{regions,languages}, send_at?,
 *                                      max_segments?, template_sid?, variables?} → 201 the campaign (status draft)
 * GET  /api/campaigns?status=&amp;offset=&amp;limit=   → {campaigns} (a volunteer's own; staff: by status, default submitted)
 * GET  /api/campaigns/:id             → the campaign, its preview and counts
 * PUT  /api/campaigns/:id             same body → the campaign (a draft or rejected one in place; an approved,
 *                                      paused or cancelled one is frozen: 201 a new draft with parent; submitted: 409)
 * GET  /api/campaigns/:id/preview     → the preview
 * POST /api/campaigns/:id/submit      owner       draft → submitted
 * POST /api/campaigns/:id/approve     staff       submitted → approved (not the owner: 403)
 * POST /api/campaigns/:id/reject      staff       {reason} submitted → rejected (not the owner)
 * POST /api/campaigns/:id/pause       staff       approved → paused
 * POST /api/campaigns/:id/resume      staff       paused → approved
 * POST /api/campaigns/:id/cancel      owner|staff draft, submitted, approved, paused → cancelled
 * GET  /api/regions                   → {regions: [{id, label: {fr, bm}}]} what audience.regions may name, in menu order
 * </pre>
 * Any other move is 409. Every change is audited ("campaign:create", "campaign:edit", "campaign:submit"...,
 * with the campaign id and the status it reached); refusals as the operator API audits them.
 */
public final class CampaignRoutes {
    public static final long BODY_LIMIT = 64 * 1024;
    public static final int REASON_MAX = 500;
    private static final Set<Role> STAFF = EnumSet.of(Role.ADMIN, Role.OPERATOR);

    private CampaignRoutes() {}

    public static void mount(Router router, Accounts accounts, Audit audit, CampaignStore store, Preview preview, Regions regions,
                             Clock clock) {
        Set<String> known = regions.idSet();
        Handler<RoutingContext> failure = ctx -> OperatorRoutes.failure(ctx, audit);
        Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        Handler<RoutingContext> anyone = OperatorRoutes.auth(accounts, EnumSet.allOf(Role.class));
        Handler<RoutingContext> staff = OperatorRoutes.auth(accounts, STAFF);

        OperatorRoutes.route(failure, router.post("/api/campaigns"), body, anyone, ctx -> {
            CampaignSpec spec = CampaignSpec.parse(OperatorRoutes.json(ctx), clock.instant(), known);
            Operator op = OperatorRoutes.operator(ctx);
            OperatorRoutes.send(ctx, store.create(op.username(), spec, null)
                    .compose(c -> audited(audit, op, "create", c, null))
                    .compose(c -> full(c, preview, store)), 201);
        });
        // What a campaign being written would cost: the editor asks as its author types, before any save.
        OperatorRoutes.route(failure, router.post("/api/campaigns/preview"), body, anyone, ctx ->
                OperatorRoutes.send(ctx, preview.of(CampaignSpec.parseDraft(OperatorRoutes.json(ctx), clock.instant(), known)), 200));
        // The editor's region boxes, from the same flows the subscribe menu is built from.
        JsonObject regionList = new JsonObject().put("regions", new JsonArray(regions.all().stream()
                .map(r -> new JsonObject().put("id", r.id()).put("label", new JsonObject(new java.util.LinkedHashMap<>(r.label()))))
                .toList()));
        OperatorRoutes.route(failure, router.get("/api/regions"), anyone, ctx ->
                OperatorRoutes.send(ctx, Future.succeededFuture(regionList.copy()), 200));
        OperatorRoutes.route(failure, router.get("/api/campaigns/:id/live"), anyone, ctx ->
                visible(ctx, store).compose(c -> full(c, preview, store)).onSuccess(first -> live(ctx, first, store))
                        .onFailure(ctx::fail));
        OperatorRoutes.route(failure, router.get("/api/campaigns"), anyone, ctx -> {
            Operator op = OperatorRoutes.operator(ctx);
            OperatorRoutes.Page page = OperatorRoutes.page(ctx, 50, 100_000, 100);
            String status = ctx.queryParam("status").isEmpty() ? null : ctx.queryParam("status").get(0);
            Campaign.Status s = status == null ? null : Campaign.Status.of(status);
            if (status != null && s == null) throw new BadRequest("status must be one of draft, submitted, approved, rejected, paused, cancelled, finished");
            String index = op.role() == Role.VOLUNTEER || (s == null && "mine".equals(OperatorRoutes.query(ctx, "owner", null)))
                    ? CampaignStore.ownerIndex(op.username())
                    : CampaignStore.statusIndex(s == null ? Campaign.Status.SUBMITTED : s);
            OperatorRoutes.send(ctx, store.list(index, page.offset(), page.limit()).map(l -> new JsonObject().put("campaigns",
                    new JsonArray(l.stream().filter(c -> s == null || c.status() == s).map(Campaign::toJson).toList()))), 200);
        });
        OperatorRoutes.route(failure, router.get("/api/campaigns/:id"), anyone, ctx ->
                OperatorRoutes.send(ctx, visible(ctx, store).compose(c -> full(c, preview, store)), 200));
        OperatorRoutes.route(failure, router.get("/api/campaigns/:id/preview"), anyone, ctx ->
                OperatorRoutes.send(ctx, visible(ctx, store).compose(c -> preview.of(c.spec())), 200));
        OperatorRoutes.route(failure, router.put("/api/campaigns/:id"), body, anyone, ctx -> {
            CampaignSpec spec = CampaignSpec.parse(OperatorRoutes.json(ctx), clock.instant(), known);
            Operator op = OperatorRoutes.operator(ctx);
            Future<Campaign> read = visible(ctx, store);
            Future<Campaign> edited = read.compose(c -> {
                if (!c.owner().equals(op.username())) return Future.failedFuture(new BadRequest(403, "only its author edits a campaign"));
                return switch (c.edit()) {
                    case REFUSED -> Future.failedFuture(new BadRequest(409, "the campaign is submitted and waits for its review; "
                            + "cancel it to change it"));
                    case IN_PLACE -> store.change(c, Campaign.Status.DRAFT, Map.of("spec", spec.toJson().encode()))
                            .compose(n -> audited(audit, op, "edit", n, null));
                    case NEW_DRAFT -> store.create(op.username(), spec, c.id())
                            .compose(n -> audited(audit, op, "create", n, c.id()));
                };
            });
            edited.compose(c -> full(c, preview, store)).onSuccess(o -> OperatorRoutes.send(ctx, Future.succeededFuture(o),
                    o.getString("id").equals(ctx.pathParam("id")) ? 200 : 201)).onFailure(ctx::fail);
        });
        for (Campaign.Action action : Campaign.Action.values()) {
            OperatorRoutes.route(failure, router.post("/api/campaigns/:id/" + action.id()), body, anyone, ctx -> move(ctx, action, store, audit, preview, clock));
        }
    }

    private static void move(RoutingContext ctx, Campaign.Action action, CampaignStore store, Audit audit, Preview preview, Clock clock) {
        Operator op = OperatorRoutes.operator(ctx);
        boolean isStaff = STAFF.contains(op.role());
        Future<JsonObject> done = visible(ctx, store).compose(c -> {
            boolean own = c.owner().equals(op.username());
            BadRequest refused = switch (action) {
                case SUBMIT -> own ? null : new BadRequest(403, "only its author submits a campaign");
                case APPROVE, REJECT -> !isStaff ? new BadRequest(403, "only an operator or an admin reviews campaigns")
                        : own ? new BadRequest(403, "nobody reviews their own campaign") : null;
                case PAUSE, RESUME -> isStaff ? null : new BadRequest(403, "only an operator or an admin pauses or resumes a campaign");
                case CANCEL -> own || isStaff ? null : new BadRequest(403, "only its author or staff cancels a campaign");
            };
            if (refused != null) return Future.failedFuture(refused);
            if (!action.allowedFrom(c.status())) {
                return Future.failedFuture(new BadRequest(409, "the campaign is " + c.status().id() + "; it cannot be "
                        + switch (action) {
                            case SUBMIT -> "submitted";
                            case APPROVE -> "approved";
                            case REJECT -> "rejected";
                            case PAUSE -> "paused";
                            case RESUME -> "resumed";
                            case CANCEL -> "cancelled";
                        }));
            }
            java.time.LocalDateTime bamako = java.time.LocalDateTime.now(clock.withZone(org.taama.config.QuietHours.ZONE));
            if ((action == Campaign.Action.SUBMIT || action == Campaign.Action.APPROVE) && c.spec().sendAt() != null
                    && c.spec().sendAt().isBefore(bamako)) {
                // Approving it would mean "send at once", which nobody reviewed.
                return Future.failedFuture(new BadRequest(409, "send_at " + c.spec().sendAt() + " has passed; edit the campaign to set another"));
            }
            if (action == Campaign.Action.APPROVE) {
                return preview.of(c.spec()).compose(p -> p.getBoolean("approvable", true)
                        ? moved(ctx, action, store, audit, op, c)
                        : Future.failedFuture(new BadRequest(409, p.getString("refusal"))));
            }
            return moved(ctx, action, store, audit, op, c);
        }).compose(c -> full(c, preview, store));
        OperatorRoutes.send(ctx, done, 200);
    }

    private static Future<Campaign> moved(RoutingContext ctx, Campaign.Action action, CampaignStore store, Audit audit, Operator op,
                                          Campaign c) {
        String reason = action == Campaign.Action.REJECT ? reason(OperatorRoutes.json(ctx)) : null;
        String now = java.time.Instant.now().toString();
        Map<String, String> fields = new HashMap<>();
        switch (action) {
            case SUBMIT -> fields.put("submitted_at", now);
            case APPROVE -> fields.putAll(Map.of("decided_by", op.username(), "decided_at", now, "reason", ""));
            case REJECT -> fields.putAll(Map.of("decided_by", op.username(), "decided_at", now, "reason", reason));
            default -> { }
        }
        return store.change(c, action.to, fields).compose(n -> audited(audit, op, action.id(), n, null));
    }

    private static String reason(JsonObject b) {
        Object v = b.getValue("reason");
        if (!(v instanceof String s) || s.isBlank()) throw new BadRequest("reason is required: say what to change");
        if (s.codePointCount(0, s.length()) > REASON_MAX) throw new BadRequest("reason is longer than " + REASON_MAX + " characters");
        if (s.chars().anyMatch(ch -> Character.isISOControl(ch) && ch != '\n')) throw new BadRequest("reason holds a control character");
        return s;
    }

    /** The campaign if this user may see it; 404 alike for none and for another volunteer's. */
    private static Future<Campaign> visible(RoutingContext ctx, CampaignStore store) {
        Operator op = OperatorRoutes.operator(ctx);
        // A refusal on a campaign is audited with its id (checked: ours, not free text).
        if (CampaignStore.isId(ctx.pathParam("id"))) ctx.put(OperatorRoutes.REFUSAL_MORE, Map.of("campaign", ctx.pathParam("id")));
        return store.get(ctx.pathParam("id")).compose(c -> c == null
                || (op.role() == Role.VOLUNTEER && !c.owner().equals(op.username()))
                ? Future.failedFuture(new BadRequest(404, "no such campaign"))
                : Future.succeededFuture(c));
    }

    private static Future<Campaign> audited(Audit audit, Operator op, String action, Campaign c, String parent) {
        Map<String, Object> more = new HashMap<>(Map.of("campaign", c.id(), "to", c.status().id()));
        if (parent != null) more.put("parent", parent);
        return audit.record(op.username(), "campaign:" + action, null, more).map(c);
    }

    /** How often a live page's counts are read again, and how long one stream lasts (the browser then reconnects). */
    static final long LIVE_EVERY_MS = 1000;
    static final long LIVE_FOR_MS = 5 * 60_000;
    /** A comment now and then keeps proxies and the idle timeout from closing a quiet stream. */
    static final long LIVE_PING_MS = 15_000;

    /**
     * A campaign's progress as server-sent events: the campaign with its preview and counts at once
     * ({@code event: campaign}), then {@code event: counts} {@code {status, counts}} each time they change.
     * The server reads them once a second per open page; the browser never polls.
     */
    private static void live(RoutingContext ctx, JsonObject first, CampaignStore store) {
        io.vertx.core.http.HttpServerResponse res = ctx.response();
        res.setChunked(true).setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("X-Accel-Buffering", "no");
        String id = first.getString("id");
        JsonObject before = first.getJsonObject("counts");
        String[] last = {new JsonObject().put("status", first.getString("status")).put("counts", before).encode()};
        res.write("retry: 2000\n\nevent: campaign\ndata: " + first.encode() + "\n\n");
        io.vertx.core.Vertx vertx = ctx.vertx();
        long started = System.currentTimeMillis();
        long[] quietSince = {started};
        boolean[] reading = {false};
        long timer = vertx.setPeriodic(LIVE_EVERY_MS, t -> {
            if (res.ended() || res.closed()) {
                vertx.cancelTimer(t);
                return;
            }
            long now = System.currentTimeMillis();
            if (now - started > LIVE_FOR_MS) {
                vertx.cancelTimer(t);
                res.end();
                return;
            }
            if (reading[0]) return; // Redis is slow: skip a beat rather than pile reads up
            reading[0] = true;
            Future.all(store.get(id), store.counts(id)).onComplete(ar -> {
                reading[0] = false;
                if (res.ended() || res.closed()) return;
                if (ar.failed()) return; // the next beat tries again
                Campaign c = ar.result().resultAt(0);
                if (c == null) {
                    res.end();
                    return;
                }
                JsonObject live = ar.result().resultAt(1);
                String now2 = new JsonObject().put("status", c.status().id()).put("counts", live != null ? live : before).encode();
                if (!now2.equals(last[0])) {
                    last[0] = now2;
                    quietSince[0] = now;
                    res.write("event: counts\ndata: " + now2 + "\n\n");
                } else if (now - quietSince[0] >= LIVE_PING_MS) {
                    quietSince[0] = now;
                    res.write(": ping\n\n");
                }
            });
        });
        res.closeHandler(v -> vertx.cancelTimer(timer));
    }

    /** Live counts once the audience is snapshotted; before, the audience it would reach today. */
    private static Future<JsonObject> full(Campaign c, Preview preview, CampaignStore store) {
        return Future.all(preview.of(c.spec()), store.counts(c.id())).map(v -> {
            JsonObject p = v.resultAt(0);
            JsonObject live = v.resultAt(1);
            return c.toJson().put("preview", p).put("counts", live != null ? live : Preview.counts(p.getLong("recipients")));
        });
    }
}
