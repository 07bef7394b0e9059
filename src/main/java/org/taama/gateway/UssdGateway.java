package org.taama.gateway;

import io.vertx.ext.web.RoutingContext;
import org.taama.flow.Screen;

/**
 * One USSD gateway's wire format. A new gateway is one folder under {@code ussd/} with a class
 * implementing this, listed in {@link Gateways}; it is served at {@code POST /ussd/<name>}.
 */
public interface UssdGateway {
    /** The path segment: {@code /ussd/<name>}. */
    String name();

    /** Reads the callback; throws {@link org.taama.web.BadRequest} with a one-line reason when it cannot. */
    UssdRequest parse(RoutingContext ctx);

    /** Answers the gateway with a screen, continuing or ending the session. */
    void reply(RoutingContext ctx, Screen screen);
}
