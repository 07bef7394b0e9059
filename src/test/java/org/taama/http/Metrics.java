package org.taama.http;

import org.taama.server.Server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a running server's /metrics as Prometheus scrapes it. */
final class Metrics {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Metrics() {}

    static String scrape(Server server) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A counter's value for one tag value (0 while the counter does not exist yet). */
    static double counter(Server server, String name, String tag, String value) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + tag + "=\"" + value + "\"[^}]*} ([0-9.E]+)$")
                .matcher(scrape(server));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
