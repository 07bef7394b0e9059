package org.taama.twilio;

import com.twilio.security.RequestValidator;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Map;

/**
 * Checks {@code X-Twilio-Signature} with the Twilio SDK's own validator, against the public URL
 * Twilio called ({@code PUBLIC_BASE_URL} + path + query, as received) and every form parameter
 * received, including ones we do not know: Twilio adds parameters without notice.
 */
public final class TwilioSignature {
    private final RequestValidator validator;
    private final String publicBaseUrl;

    /** @param authToken null disables Twilio: every request is then refused */
    public TwilioSignature(String authToken, String publicBaseUrl) {
        this.validator = authToken == null ? null : new RequestValidator(authToken);
        this.publicBaseUrl = publicBaseUrl;
    }

    public boolean valid(RoutingContext ctx) {
        String signature = ctx.request().getHeader("X-Twilio-Signature");
        if (validator == null || signature == null || signature.isBlank()) return false;
        return validator.validate(publicUrl(ctx), params(ctx.request().formAttributes()), signature);
    }

    public String publicUrl(RoutingContext ctx) {
        String uri = ctx.request().uri();
        return publicBaseUrl + (uri.startsWith("/") ? uri : "/" + uri);
    }

    /** Form parameters as the validator wants them; a repeated name keeps its first value. */
    public static Map<String, String> params(MultiMap form) {
        Map<String, String> m = new HashMap<>();
        for (Map.Entry<String, String> e : form) m.putIfAbsent(e.getKey(), e.getValue());
        return m;
    }
}
