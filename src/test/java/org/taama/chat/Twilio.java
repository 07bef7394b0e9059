package org.taama.chat;

import org.taama.support.TwilioSigner;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Plays Twilio against a running server: signs a webhook form exactly as Twilio does (PROTOCOLS.md §2.1:
 * Base64 of HMAC-SHA1 keyed with the auth token, over the public URL followed by every parameter name
 * and value in ordinal order of the names), posts it, and reads the TwiML that comes back.
 */
final class Twilio {
    static final String TOKEN = "chat-test-auth-token-0123456789";
    static final String PUBLIC_BASE = "https://taama.example.org";
    static final String PATH = "/twilio/messages";
    static final String URL = PUBLIC_BASE + PATH;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Twilio() {}

    static String sign(String authToken, String url, Map<String, String> params) {
        return TwilioSigner.sign(authToken, url, params);
    }

    static String sign(Map<String, String> params) {
        return sign(TOKEN, URL, params);
    }

    static String encode(Map<String, String> params) {
        StringJoiner j = new StringJoiner("&");
        params.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return j.toString();
    }

    /** Posts a form signed for the public URL, as Twilio would. */
    static Reply post(int port, Map<String, String> params) {
        return postRaw(port, encode(params), sign(params));
    }

    /** Posts a raw form body with the given signature header (none when null). */
    static Reply postRaw(int port, String body, String signature) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + PATH))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (signature != null) b.header("X-Twilio-Signature", signature);
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    record Reply(int status, String contentType, String body) {
        /** The texts of the {@code <Message>} elements; fails when the body is not well-formed TwiML. */
        List<String> messages() {
            Document doc = parse(body);
            Element root = doc.getDocumentElement();
            if (!root.getTagName().equals("Response")) throw new AssertionError("root is not <Response>: " + body);
            List<String> out = new ArrayList<>();
            NodeList children = root.getChildNodes();
            for (int i = 0; i < children.getLength(); i++) {
                Node n = children.item(i);
                if (n.getNodeType() == Node.ELEMENT_NODE) {
                    if (!((Element) n).getTagName().equals("Message")) {
                        throw new AssertionError("unexpected TwiML element <" + ((Element) n).getTagName() + ">: " + body);
                    }
                    out.add(n.getTextContent());
                } else if (n.getNodeType() == Node.TEXT_NODE && !n.getTextContent().isBlank()) {
                    throw new AssertionError("text outside <Message>: " + body);
                }
            }
            return out;
        }

        /** The one message of this reply; fails unless it is 200 TwiML with exactly one {@code <Message>}. */
        String message() {
            if (status != 200) throw new AssertionError("status " + status + ": " + body);
            if (!contentType.startsWith("text/xml")) throw new AssertionError("Content-Type " + contentType);
            List<String> m = messages();
            if (m.size() != 1) throw new AssertionError("expected one <Message>, got " + m.size() + ": " + body);
            return m.get(0);
        }
    }

    static Document parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setNamespaceAware(false);
            DocumentBuilder db = f.newDocumentBuilder();
            db.setErrorHandler(null);
            return db.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML (" + e.getMessage() + "): " + xml, e);
        }
    }
}
