package org.taama.ussd;

import org.taama.gateway.UssdGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.ussd.africastalking.AfricasTalking;
import org.taama.web.ClientAddress;
import org.taama.web.Failures;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.support.Await.result;

/** The callback token is a secret: even the one log line an internal error writes names the route, not the token. */
class CallbackTokenNotLoggedTest {
    static final String TOKEN = "s3cr3t-token-0123456789abcdef";

    @Test
    @DisplayName("an internal error on the token route logs /ussd/<gateway>/<token>, never the token")
    void internalErrorLogsNoToken() throws Exception {
        Vertx vertx = Vertx.vertx();
        PrintStream realErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            CallbackGuard guard = new CallbackGuard(TOKEN, List.of(), List.of(), new ClientAddress(List.of()));
            UssdGateway gateway = new AfricasTalking();
            Router router = Router.router(vertx);
            router.post(guard.path(gateway)).handler(guard.forGateway(gateway)).handler(ctx -> {
                throw new IllegalStateException("a bug after the guard");
            });
            router.route().failureHandler(ctx -> Failures.plain(ctx, 1024));
            HttpServer server = result(vertx.createHttpServer().requestHandler(router).listen(0));

            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + server.actualPort() + "/ussd/africastalking/" + TOKEN))
                    .POST(HttpRequest.BodyPublishers.ofString("text=")).build(), HttpResponse.BodyHandlers.ofString());
            System.setErr(realErr);

            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).doesNotContain(TOKEN);
            String logged = log.toString(StandardCharsets.UTF_8);
            assertThat(logged).as("the error is logged").contains("/ussd/africastalking/<token>");
            assertThat(logged).doesNotContain(TOKEN);
        } finally {
            System.setErr(realErr);
            result(vertx.close());
        }
    }
}
