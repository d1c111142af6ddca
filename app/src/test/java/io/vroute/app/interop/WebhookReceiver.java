package io.vroute.app.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver as a user would write one (docs/notifications.md): it checks each request's signature with the
 * shared secret and keeps the notifications that pass, in arrival order; a request with a bad signature is answered 401
 * and counted. Made on a thread inside the daemon's namespace (see {@link InNamespace}), so that the daemon reaches it
 * on that namespace's loopback.
 */
final class WebhookReceiver implements AutoCloseable {
    /** A verified notification: its body and the delivery id header. */
    record Notification(JsonNode body, String deliveryId) {
        String code() { return body.path("eventCode").asText(); }

        String status() { return body.path("status").asText(null); }

        @Override public String toString() { return code() + " " + status() + " " + body.path("routeServerPeerId").asText(""); }
    }

    private final HttpServer http;
    private final byte[] secret;
    private final List<Notification> received = new ArrayList<>();
    private int refused;

    private WebhookReceiver(HttpServer http, byte[] secret) {
        this.http = http;
        this.secret = secret;
    }

    static WebhookReceiver start(byte[] secret) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            WebhookReceiver r = new WebhookReceiver(http, secret);
            http.createContext("/hook", exchange -> {
                try (exchange) {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    String ts = exchange.getRequestHeaders().getFirst("X-Vroute-Timestamp");
                    String sig = exchange.getRequestHeaders().getFirst("X-Vroute-Signature");
                    boolean ok = ts != null && sig != null && MessageDigest.isEqual(
                            ("v1=" + r.hmac(ts + "." + new String(body, StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8),
                            sig.getBytes(StandardCharsets.UTF_8));
                    synchronized (r) {
                        if (ok) {
                            r.received.add(new Notification(new ObjectMapper().readTree(body),
                                    exchange.getRequestHeaders().getFirst("X-Vroute-Delivery")));
                        } else {
                            r.refused++;
                        }
                    }
                    exchange.sendResponseHeaders(ok ? 204 : 401, -1);
                }
            });
            http.start();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String hmac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/hook";
    }

    synchronized List<Notification> received() { return List.copyOf(received); }

    synchronized int refused() { return refused; }

    @Override
    public void close() {
        http.stop(0);
    }
}
