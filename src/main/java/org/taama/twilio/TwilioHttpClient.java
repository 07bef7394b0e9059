package org.taama.twilio;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SDK's own HTTP client (Apache, with its retries on 5xx), sending to another base URL when one
 * is configured ({@code TWILIO_API_URL}, a test server): the SDK has no base-URL setting and
 * hard-codes {@code https://api.twilio.com}. Everything else of the request is copied unchanged:
 * method, query and post parameters, headers, content type, body and authentication.
 *
 * <p>Use {@code http://localhost:PORT} for a local server, never {@code 127.0.0.1}: the SDK rewrites
 * multi-label hosts when a region or edge is set (PROTOCOLS §4).
 */
public class TwilioHttpClient extends NetworkHttpClient {
    private static final Pattern TWILIO_HOST = Pattern.compile("^https://[A-Za-z0-9.-]*\\.twilio\\.com(?=/|$)");
    /** The HTTP status of the last answer seen on this thread (the SDK call runs on one thread). */
    private static final ThreadLocal<Integer> LAST_STATUS = new ThreadLocal<>();

    private final String apiUrl;

    /** @param apiUrl base URL to send to instead of Twilio's (no trailing slash needed); null for Twilio itself */
    public TwilioHttpClient(String apiUrl) {
        super(builder());
        this.apiUrl = apiUrl == null || apiUrl.isBlank() ? null
                : apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
    }

    /**
     * The SDK's default Apache client (system properties, pool of 20 per route / 100, the SDK's
     * timeouts and socket settings) but with Apache's own automatic retries off: those would retry
     * a 429 after a second (and 503 on top of the SDK's three 5xx attempts), parking a sender
     * thread. Retries are the SDK's (5xx, 3 attempts) and, for 429, the caller's.
     */
    private static HttpClientBuilder builder() {
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
        pool.setDefaultSocketConfig(DEFAULT_SOCKET_CONFIG);
        pool.setDefaultMaxPerRoute(20);
        pool.setMaxTotal(100);
        return HttpClientBuilder.create()
                .useSystemProperties()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(DEFAULT_REQUEST_CONFIG)
                .disableAutomaticRetries();
    }

    @Override
    public Response makeRequest(Request request) {
        LAST_STATUS.remove();
        Response response = super.makeRequest(apiUrl == null ? request : rewrite(request, apiUrl));
        if (response != null) LAST_STATUS.set(response.getStatusCode());
        return response;
    }

    /** The HTTP status of this thread's last answer, or null when there was none (no connection). */
    static Integer lastStatus() {
        return LAST_STATUS.get();
    }

    static void clearLastStatus() {
        LAST_STATUS.remove();
    }

    /** The same request, to {@code base} instead of {@code https://*.twilio.com}; others unchanged. */
    public static Request rewrite(Request in, String base) {
        String url = in.getUrl();
        Matcher m = TWILIO_HOST.matcher(url);
        if (!m.find()) return in;
        Request out = new Request(in.getMethod(), base + url.substring(m.end()));
        copy(in.getQueryParams(), out::addQueryParam);
        copy(in.getPostParams(), out::addPostParam);
        copy(in.getHeaderParams(), out::addHeaderParam);
        if (in.getContentType() != null) out.setContentType(in.getContentType());
        if (in.getBody() != null) out.setBody(in.getBody());
        if (in.getFormParameters() != null) out.setFormParameters(new ArrayList<>(in.getFormParameters()));
        if (in.getUserAgentExtensions() != null) out.setUserAgentExtensions(in.getUserAgentExtensions());
        if (in.getAuthStrategy() != null) out.setAuth(in.getAuthStrategy());
        else if (in.getUsername() != null) out.setAuth(in.getUsername(), in.getPassword());
        // Region and edge are deliberately not copied: they would rewrite the test server's host.
        return out;
    }

    private interface Adder {
        void add(String name, String value);
    }

    private static void copy(Map<String, List<String>> from, Adder to) {
        if (from == null) return;
        from.forEach((k, vs) -> {
            if (vs != null) vs.forEach(v -> to.add(k, v));
        });
    }
}
