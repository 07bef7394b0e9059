package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.taama.server.Server;
import org.taama.support.TestServers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every connection meets before any route, spoken byte by byte over raw sockets: HTTP/1.1 and
 * nothing else, one framing per request, and no connection held open by a client that never finishes.
 */
@DisplayName("The HTTP edge")
class HttpEdgeHttpTest {
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("HTTP_HEADER_TIMEOUT_MS", "600"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket("localhost", port);
        s.setSoTimeout(5000);
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** Everything the server sends until it closes the connection (or says nothing for 5 s). */
    static String readUntilClosed(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
        } catch (SocketTimeoutException e) {
            return out.toString(StandardCharsets.ISO_8859_1) + "<still open>";
        } catch (IOException reset) {
            // a reset is a close too
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    static long count(String haystack, String needle) {
        return haystack.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    static final String FORM = "sessionId=edge&serviceCode=*123%23&phoneNumber=%2B22370000001&text=";

    @Nested
    @DisplayName("a request framed two ways is refused and its connection closed")
    class Smuggling {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "Content-Length: 4\r\nTransfer-Encoding: chunked",
                "Transfer-Encoding: chunked\r\nContent-Length: 0",
                "content-length: 4\r\ntransfer-encoding: chunked",
                "Content-Length: 4\r\nTransfer-Encoding: gzip, chunked",
                "Content-Length: 4\r\nTransfer-Encoding: identity",
        })
        void bothHeaders(String framing) throws Exception {
            try (Socket s = connect(server.port())) {
                // If the server believed Content-Length, "0\r\n\r\n"'s tail would start a smuggled request;
                // if it believed chunked, the GET after it would be answered as a second request.
                send(s, "POST /ussd/africastalking HTTP/1.1\r\nHost: localhost\r\n" + framing
                        + "\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n0\r\n\r\n"
                        + "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                String answer = readUntilClosed(s);
                assertThat(answer).startsWith("HTTP/1.1 400").doesNotContain("<still open>");
                assertThat(count(answer, "HTTP/1.1 ")).as("only one answer: the smuggled GET was never read").isEqualTo(1);
                assertThat(answer).doesNotContain("\"status\":\"UP\"");
            }
        }

        @Test
        @DisplayName("chunked alone, and Content-Length alone, are served")
        void oneFramingIsFine() throws Exception {
            try (Socket s = connect(server.port())) {
                String body = FORM;
                send(s, "POST /ussd/africastalking HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
                assertThat(readUntilClosed(s)).startsWith("HTTP/1.1 200").contains("CON ");
            }
            try (Socket s = connect(server.port())) {
                send(s, "POST /ussd/africastalking HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: " + FORM.length() + "\r\nConnection: close\r\n\r\n" + FORM);
                assertThat(readUntilClosed(s)).startsWith("HTTP/1.1 200").contains("CON ");
            }
        }
    }

    @Nested
    @DisplayName("HTTP/2 is not spoken")
    class NoHttp2 {
        @Test
        @DisplayName("an h2c upgrade request is answered in HTTP/1.1, not with 101 Switching Protocols")
        void noUpgrade() throws Exception {
            try (Socket s = connect(server.port())) {
                send(s, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                        + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
                s.setSoTimeout(2000);
                byte[] head = s.getInputStream().readNBytes(12);
                assertThat(new String(head, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
            }
        }

        @Test
        @DisplayName("the HTTP/2 prior-knowledge preface gets no HTTP/2 frame back")
        void noPriorKnowledge() throws Exception {
            try (Socket s = connect(server.port())) {
                byte[] settings = {0, 0, 0, 4, 0, 0, 0, 0, 0};   // an empty SETTINGS frame
                send(s, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
                s.getOutputStream().write(settings);
                String answer = readUntilClosed(s);
                // An HTTP/2 server's first bytes are its SETTINGS frame: 3 length bytes then type 4.
                assertThat(answer.length() >= 4 && answer.charAt(3) == 4).as("an HTTP/2 SETTINGS frame: %s", answer).isFalse();
                // Vert.x answers "HTTP/2.0 501 Not Implemented" in HTTP/1 text, then closes.
                assertThat(answer).as("either nothing and closed, or a refusal in HTTP/1 text")
                        .matches("(?s)(|HTTP/\\d\\.\\d [45]\\d\\d .*)");
                assertThat(answer).doesNotContain("<still open>");
            }
        }

        @Test
        @DisplayName("a client that wants HTTP/2 gets HTTP/1.1")
        void clientPreferringHttp2() throws Exception {
            HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        }
    }

    @Nested
    @DisplayName("a slow client does not hold a connection")
    class Timeouts {
        @Test
        @DisplayName("headers sent one line at a time, each within the idle timeout, are cut at the header deadline")
        void slowHeaders() throws Exception {
            try (Socket s = connect(server.port())) {
                long start = System.nanoTime();
                send(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n");
                boolean closed = false;
                for (int i = 0; i < 40 && !closed; i++) {
                    Thread.sleep(100);
                    try {
                        send(s, "X-Slow-" + i + ": 1\r\n");
                    } catch (IOException e) {
                        closed = true;
                    }
                    if (!closed) {
                        s.setSoTimeout(1);
                        try {
                            closed = s.getInputStream().read() < 0;
                        } catch (SocketTimeoutException stillOpen) {
                            // nothing yet
                        } catch (IOException reset) {
                            closed = true;
                        }
                    }
                }
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertThat(closed).as("closed before the headers ended").isTrue();
                assertThat(ms).as("closed after the 600 ms deadline, not before").isGreaterThanOrEqualTo(500);
            }
        }

        @Test
        @DisplayName("keep-alive: the next request's slow headers are cut at the deadline too, counted from the answer")
        void slowSecondRequest() throws Exception {
            try (Socket s = connect(server.port())) {
                send(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                s.setSoTimeout(2000);
                byte[] first = new byte[4096];
                int n = s.getInputStream().read(first);
                assertThat(new String(first, 0, n, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
                long start = System.nanoTime();
                send(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n");
                boolean closed = false;
                for (int i = 0; i < 40 && !closed; i++) {
                    Thread.sleep(100);
                    try {
                        send(s, "X-Slow-" + i + ": 1\r\n");
                        s.setSoTimeout(1);
                        closed = s.getInputStream().read() < 0;
                    } catch (SocketTimeoutException stillOpen) {
                        // nothing yet
                    } catch (IOException reset) {
                        closed = true;
                    }
                }
                assertThat(closed).isTrue();
                assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
            }
        }

        @Test
        @DisplayName("after 100 Continue the body may take longer than the header deadline: it is for heads only")
        void expectContinue() throws Exception {
            try (Socket s = connect(server.port())) {
                send(s, "POST /ussd/africastalking HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Expect: 100-continue\r\nContent-Length: " + FORM.length() + "\r\nConnection: close\r\n\r\n");
                s.setSoTimeout(2000);
                byte[] interim = new byte[25];
                int n = s.getInputStream().read(interim);
                assertThat(new String(interim, 0, n, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 100");
                Thread.sleep(800);   // past the 600 ms header deadline, while the body is still to come
                send(s, FORM);
                assertThat(readUntilClosed(s)).contains("HTTP/1.1 200").contains("CON ");
            }
        }

        @Test
        @DisplayName("a connection that says nothing is closed at the header deadline")
        void silentConnection() throws Exception {
            try (Socket s = connect(server.port())) {
                assertThat(readUntilClosed(s)).isEmpty();
            }
        }

        @Test
        @DisplayName("keep-alive: after an answer the next request's headers get the deadline again")
        void keepAlive() throws Exception {
            try (Socket s = connect(server.port())) {
                send(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                s.setSoTimeout(2000);
                assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
                Thread.sleep(200);
                // Within the deadline: still served on the same connection.
                send(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                String rest = readUntilClosed(s);
                assertThat(rest).contains("HTTP/1.1 200").doesNotContain("<still open>");
            }
        }
    }

    @Nested
    @DisplayName("an idle connection")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Idle {
        Server idle;

        @BeforeAll
        void start() throws Exception {
            idle = TestServers.start(Map.of("HTTP_IDLE_TIMEOUT_MS", "300", "HTTP_HEADER_TIMEOUT_MS", "60000"));
        }

        @AfterAll
        void stop() throws Exception {
            if (idle != null) idle.close();
        }

        @Test
        @DisplayName("is closed after HTTP_IDLE_TIMEOUT_MS, even mid-request")
        void closed() throws Exception {
            try (Socket s = connect(idle.port())) {
                long start = System.nanoTime();
                send(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n");
                assertThat(readUntilClosed(s)).doesNotContain("<still open>");
                assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 4000L);
            }
        }
    }

    @Nested
    @DisplayName("every dynamic answer")
    class Headers {
        @Test
        @DisplayName("on every route, method and outcome, says nosniff and no-store")
        void everyRoute() throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            List<String> checked = new ArrayList<>();
            List<String> routes = new ArrayList<>(server.routes());
            routes.addAll(List.of("GET /no/such/path", "DELETE /health", "POST /health"));
            assertThat(routes).contains("POST /ussd/africastalking", "GET /metrics", "POST /api/login");
            for (String route : routes) {
                String method = route.substring(0, route.indexOf(' '));
                String path = route.substring(route.indexOf(' ') + 1).replaceAll(":[a-zA-Z]+", "x");
                for (String body : List.of("", FORM, "{\"a\":1}", "x".repeat(70_000))) {
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded");
                    b = method.equals("GET") ? b.GET() : b.method(method.equals("*") ? "POST" : method,
                            HttpRequest.BodyPublishers.ofString(body));
                    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    String what = route + " with " + body.length() + " bytes → " + r.statusCode();
                    assertThat(r.headers().firstValue("X-Content-Type-Options")).as(what).contains("nosniff");
                    assertThat(r.headers().allValues("Cache-Control")).as(what).containsExactly("no-store");
                    checked.add(what);
                    if (method.equals("GET")) break;
                }
            }
            assertThat(checked).hasSizeGreaterThan(20);
            assertThat(checked).anyMatch(w -> w.endsWith("→ 200")).anyMatch(w -> w.endsWith("→ 400"))
                    .anyMatch(w -> w.endsWith("→ 401")).anyMatch(w -> w.endsWith("→ 404")).anyMatch(w -> w.endsWith("→ 413"));
        }
    }
}
