package io.vroute.api;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web console's static files ({@code /console/}: one HTML page, its script and style sheet), served from the
 * class path on the API's port without authentication. The files hold no data: every number the page shows comes
 * from a signed EC2 API call it makes to {@code POST /} of the same origin (docs/console.md).
 *
 * <p>Only the files listed here are served, by exact name: anything else under {@code /console} (another name, a
 * {@code ..}, an encoded slash) is 404, so no request can reach another resource of the class path or the file
 * system. {@code GET} and {@code HEAD} only. Every answer carries a Content-Security-Policy that lets the page load
 * code, styles and connections from its own origin only, and {@code no-cache} with an ETag, so a browser revalidates
 * (a cheap 304) and an upgraded daemon never runs with yesterday's script.
 */
final class ConsoleHandler implements HttpHandler {
    /** Where the files live on the class path. */
    static final String RESOURCES = "/io/vroute/api/console/";
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    /** A file as it is served: its bytes, content type and entity tag. */
    private record File(byte[] body, String contentType, String etag) {}

    private final Map<String, File> files;

    private ConsoleHandler(Map<String, File> files) {
        this.files = Map.copyOf(files);
    }

    /** The handler for {@code /console}, with the files read once from the class path. */
    static HttpHandler handler() {
        Map<String, File> files = new LinkedHashMap<>();
        files.put("index.html", load("index.html", "text/html; charset=utf-8"));
        files.put("console.js", load("console.js", "text/javascript; charset=utf-8"));
        files.put("console.css", load("console.css", "text/css; charset=utf-8"));
        files.put("favicon.svg", load("favicon.svg", "image/svg+xml"));
        return new ConsoleHandler(files);
    }

    private static File load(String name, String contentType) {
        try (InputStream in = ConsoleHandler.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the console file " + RESOURCES + name + " is not on the class path;"
                        + " rebuild vroute (mvn package) so that api/src/main/resources is packaged");
            }
            byte[] body = in.readAllBytes();
            String etag = '"' + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 12) + '"';
            return new File(body, contentType, etag);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console file " + RESOURCES + name, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            Headers out = exchange.getResponseHeaders();
            securityHeaders(out);
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                out.set("Allow", "GET, HEAD");
                text(exchange, 405, "The console is read with GET (or HEAD), not " + method
                        + ". Open http://<vroute API address>/console/ in a browser.\n");
                return;
            }
            String name = fileName(exchange.getRequestURI().getRawPath());
            File file = name == null ? null : files.get(name);
            if (file == null) {
                text(exchange, 404, "No such console page. Open /console/ (the console is one page; its views are"
                        + " chosen after the #).\n");
                return;
            }
            out.set("Content-Type", file.contentType());
            out.set("Cache-Control", "no-cache");
            out.set("ETag", file.etag());
            if (file.etag().equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            if (head) {
                // HEAD: the length of the body GET would send, and no body (HttpExchange wants -1 here).
                out.set("Content-Length", Integer.toString(file.body().length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, file.body().length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(file.body());
            }
        }
    }

    /**
     * The file a request path names: {@code /console} and {@code /console/} are the page, {@code /console/NAME} is
     * NAME when NAME is a plain file name; anything else (deeper paths, dots, escapes) names nothing, which is 404.
     */
    static String fileName(String rawPath) {
        if (rawPath == null) return null;
        if (rawPath.equals("/console") || rawPath.equals("/console/")) return "index.html";
        if (!rawPath.startsWith("/console/")) return null;
        String name = rawPath.substring("/console/".length());
        return name.matches("[a-z]+\\.[a-z]+") ? name : null;
    }

    private static void securityHeaders(Headers out) {
        out.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        out.set("X-Content-Type-Options", "nosniff");
        out.set("X-Frame-Options", "DENY");
        out.set("Referrer-Policy", "no-referrer");
        out.set("Cross-Origin-Opener-Policy", "same-origin");
        out.set("Cross-Origin-Resource-Policy", "same-origin");
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
