package org.taama.ussd;

import org.taama.gateway.UssdGateway;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import org.taama.config.Config;
import org.taama.net.Cidr;
import org.taama.privacy.Digests;
import org.taama.web.BadRequest;
import org.taama.web.ClientAddress;
import org.taama.web.Failures;

import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/**
 * What a USSD callback must show before it may touch a caller's session, since gateways do not sign
 * their callbacks: the secret path token (USSD_CALLBACK_TOKEN), an address of the gateway
 * (USSD_ALLOWED_IPS, through {@link ClientAddress}), and one of our service codes (USSD_SERVICE_CODES).
 * Each check is off while its setting is unset, so a laptop needs none of them.
 */
public final class CallbackGuard {
    /** The path parameter that carries the token. */
    public static final String TOKEN_PARAM = "token";

    private final byte[] tokenDigest;
    private final List<Cidr> allowed;
    private final Set<String> serviceCodes;
    private final ClientAddress clients;

    public CallbackGuard(String token, List<Cidr> allowed, List<String> serviceCodes, ClientAddress clients) {
        this.tokenDigest = token == null ? null : digest(token);
        this.allowed = List.copyOf(allowed);
        this.serviceCodes = Set.copyOf(serviceCodes);
        this.clients = clients;
    }

    /** The route a gateway is served at: {@code /ussd/<name>}, or {@code /ussd/<name>/:token} with a token. */
    public String path(UssdGateway gateway) {
        return "/ussd/" + gateway.name() + (tokenDigest == null ? "" : "/:" + TOKEN_PARAM);
    }

    /** The same path as it may be logged: the token is never written anywhere. */
    public String loggablePath(UssdGateway gateway) {
        return "/ussd/" + gateway.name() + (tokenDigest == null ? "" : "/<token>");
    }

    /**
     * The first handler of a gateway's route, run before the body is read (a security policy, in
     * Vert.x's order of handlers); it also tells {@link Failures} to log the path without the token.
     */
    public SecurityPolicyHandler forGateway(UssdGateway gateway) {
        String logged = loggablePath(gateway);
        return ctx -> {
            ctx.put(Failures.LOG_PATH, logged);
            admit(ctx);
        };
    }

    /**
     * Before the body is read. A wrong token fails with 404, which the router answers exactly as it
     * answers an unknown path, so nobody can tell a wrong token from a wrong URL. A right token from an
     * address that is not the gateway's gets 403.
     */
    public void admit(RoutingContext ctx) {
        if (tokenDigest != null) {
            String given = ctx.pathParam(TOKEN_PARAM);
            // Both sides hashed first, so the comparison takes the same time whatever the length given.
            if (given == null || !MessageDigest.isEqual(digest(given), tokenDigest)) {
                ctx.fail(404);
                return;
            }
        }
        if (!allowed.isEmpty() && !Cidr.anyContains(allowed, clients.of(ctx.request()))) {
            throw new BadRequest(403, "callbacks are accepted only from the gateway's addresses");
        }
        ctx.next();
    }

    /** True when the callback is for one of our codes (any code while USSD_SERVICE_CODES is unset). */
    public boolean ourCode(String serviceCode) {
        if (serviceCodes.isEmpty()) return true;
        String code = Config.ussdServiceCode(serviceCode);
        return code != null && (serviceCodes.contains(code) || dialledDigits(serviceCode) != null);
    }

    /**
     * The digits dialled after one of our codes, where the gateway passes the whole dial string as the
     * service code ({@code *123*482193#} → {@code 482193}: a quiz session code); null for our code itself,
     * another code, or when USSD_SERVICE_CODES is unset (then nothing tells our code from what follows).
     */
    public String dialledDigits(String serviceCode) {
        if (serviceCodes.isEmpty()) return null;
        String code = Config.ussdServiceCode(serviceCode);
        if (code == null || serviceCodes.contains(code)) return null;
        for (String ours : serviceCodes) {
            if (code.startsWith(ours + "*")) {
                String rest = code.substring(ours.length() + 1);
                if (rest.matches("[0-9]+")) return rest;
            }
        }
        return null;
    }

    private static byte[] digest(String s) {
        return Digests.sha256(s);
    }
}
