package org.taama.quiz;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.taama.cases.Audit;
import org.taama.operators.Accounts;
import org.taama.operators.Accounts.Operator;
import org.taama.operators.Accounts.Role;
import org.taama.operators.OperatorRoutes;
import org.taama.web.BadRequest;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Training quiz sessions, for staff (operators and admins), with the operator API's tokens, refusals
 * and audit.
 *
 * <pre>
 * GET  /api/quizzes                     → {quizzes: [{quiz, questions}]} the quizzes this deployment has
 * POST /api/quizzes          {quiz, phase?: pre|post} → 201 {code, quiz, phase, open_until}
 * POST /api/quizzes/:code/phase  {phase} → the session (the trainer switches to post after the training)
 * GET  /api/quizzes/:code/results       → pre against post: started, completed, scores, mean, per question
 * </pre>
 */
public final class QuizRoutes {
    public static final long BODY_LIMIT = 4 * 1024;
    private static final Set<Role> STAFF = EnumSet.of(Role.ADMIN, Role.OPERATOR);

    private QuizRoutes() {}

    public static void mount(Router router, Accounts accounts, Audit audit, QuizStore store) {
        Map<String, List<String>> quizzes = store.quizzes();
        Handler<RoutingContext> failure = ctx -> OperatorRoutes.failure(ctx, audit);
        Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        Handler<RoutingContext> staff = OperatorRoutes.auth(accounts, STAFF);

        OperatorRoutes.route(failure, router.get("/api/quizzes"), staff, ctx -> {
            JsonArray list = new JsonArray();
            quizzes.forEach((quiz, questions) -> list.add(new JsonObject().put("quiz", quiz)
                    .put("questions", new JsonArray(List.copyOf(questions)))));
            OperatorRoutes.send(ctx, Future.succeededFuture(new JsonObject().put("quizzes", list)), 200);
        });
        OperatorRoutes.route(failure, router.post("/api/quizzes"), body, staff, ctx -> {
            JsonObject b = OperatorRoutes.json(ctx);
            String quiz = field(b, "quiz", true);
            if (!quizzes.containsKey(quiz)) throw new BadRequest("quiz must be one of " + quizzes.keySet());
            String phase = phase(field(b, "phase", false), "pre");
            Operator op = OperatorRoutes.operator(ctx);
            OperatorRoutes.send(ctx, store.create(quiz, phase, op.username())
                    .compose(s -> audit.record(op.username(), "quiz:create", null,
                            Map.<String, Object>of("code", s.code(), "quiz", quiz, "phase", phase)).map(v -> s.toJson())), 201);
        });
        OperatorRoutes.route(failure, router.post("/api/quizzes/:code/phase"), body, staff, ctx -> {
            String code = code(ctx);
            String phase = phase(field(OperatorRoutes.json(ctx), "phase", true), null);
            Operator op = OperatorRoutes.operator(ctx);
            OperatorRoutes.send(ctx, store.phase(code, phase).compose(s -> s == null ? Future.failedFuture(unknown())
                    : audit.record(op.username(), "quiz:phase", null, Map.<String, Object>of("code", code, "phase", phase))
                            .map(v -> s.toJson())), 200);
        });
        OperatorRoutes.route(failure, router.get("/api/quizzes/:code/results"), staff, ctx -> {
            String code = code(ctx);
            OperatorRoutes.send(ctx, store.results(code).compose(r -> r == null ? Future.failedFuture(unknown())
                    : Future.succeededFuture(r)), 200);
        });
    }

    private static String code(RoutingContext ctx) {
        String code = ctx.pathParam("code");
        if (!QuizStore.plausibleCode(code)) throw unknown();
        return code;
    }

    private static BadRequest unknown() {
        return new BadRequest(404, "no quiz session has this code");
    }

    private static String field(JsonObject b, String name, boolean required) {
        Object v = b.getValue(name);
        if (v == null) {
            if (required) throw new BadRequest(name + " is required");
            return null;
        }
        if (!(v instanceof String s)) throw new BadRequest(name + " must be a string");
        return s;
    }

    private static String phase(String given, String dflt) {
        if (given == null) {
            if (dflt == null) throw new BadRequest("phase is required: pre or post");
            return dflt;
        }
        if (!QuizStore.PHASES.contains(given)) throw new BadRequest("phase must be pre or post");
        return given;
    }
}
