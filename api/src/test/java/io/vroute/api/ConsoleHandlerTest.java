package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's static files over real HTTP, on an API server that checks SigV4 as the daemon does: the page and its
 * assets come unsigned with the right types and security headers; nothing else under /console does, and the EC2
 * API beside it still wants signatures.
 */
class ConsoleHandlerTest {
    private static ApiUnderTest api;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        api = new ApiUnderTest(Map.of());
        api.server.serveUnauthenticated("/console", ConsoleHandler.handler());
        base = api.server.endpoint();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static HttpResponse<byte[]> send(String method, String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private static HttpResponse<byte[]> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ConsoleHandler.class.getResourceAsStream(ConsoleHandler.RESOURCES + name)) {
            return in.readAllBytes();
        }
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void consoleAndConsoleSlashServeThePageUnsigned() throws Exception {
        for (String path : List.of("/console", "/console/", "/console/index.html", "/console/?from=bookmark")) {
            HttpResponse<byte[]> r = send("GET", path);
            assertEquals(200, r.statusCode(), path);
            assertEquals("text/html; charset=utf-8", header(r, "Content-Type"), path);
            assertArrayEquals(resource("index.html"), r.body(), path);
        }
    }

    @Test
    void everyAssetHasItsContentType() throws Exception {
        Map<String, String> types = Map.of(
                "console.js", "text/javascript; charset=utf-8",
                "console.css", "text/css; charset=utf-8",
                "favicon.svg", "image/svg+xml");
        for (var e : types.entrySet()) {
            HttpResponse<byte[]> r = send("GET", "/console/" + e.getKey());
            assertEquals(200, r.statusCode(), e.getKey());
            assertEquals(e.getValue(), header(r, "Content-Type"), e.getKey());
            assertArrayEquals(resource(e.getKey()), r.body(), e.getKey());
        }
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() throws Exception {
        for (String path : List.of("/console/", "/console/console.js", "/console/missing.js")) {
            HttpResponse<byte[]> r = send("GET", path);
            String csp = header(r, "Content-Security-Policy");
            assertTrue(csp != null && csp.startsWith("default-src 'self'"), path + ": " + csp);
            assertTrue(csp.contains("frame-ancestors 'none'"), csp);
            assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
            assertEquals("nosniff", header(r, "X-Content-Type-Options"), path);
            assertEquals("DENY", header(r, "X-Frame-Options"), path);
            assertEquals("no-referrer", header(r, "Referrer-Policy"), path);
        }
        HttpResponse<byte[]> page = send("GET", "/console/");
        assertEquals("no-cache", header(page, "Cache-Control"), "browsers revalidate, so an upgrade shows at once");
    }

    @Test
    void aKnownEtagIsAnswered304WithoutABody() throws Exception {
        HttpResponse<byte[]> first = send("GET", "/console/console.js");
        String etag = header(first, "ETag");
        assertTrue(etag != null && etag.matches("\"[0-9a-f]{24}\""), etag);
        HttpResponse<byte[]> again = send(HttpRequest.newBuilder(URI.create(base + "/console/console.js"))
                .header("If-None-Match", etag).GET().build());
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        HttpResponse<byte[]> other = send(HttpRequest.newBuilder(URI.create(base + "/console/console.js"))
                .header("If-None-Match", "\"0\"").GET().build());
        assertEquals(200, other.statusCode());
        assertNotEquals(etag, header(send("GET", "/console/console.css"), "ETag"), "each file has its own tag");
    }

    @Test
    void headAnswersTheHeadersAndLengthWithoutABody() throws Exception {
        HttpResponse<byte[]> r = send("HEAD", "/console/console.css");
        assertEquals(200, r.statusCode());
        assertEquals("text/css; charset=utf-8", header(r, "Content-Type"));
        assertEquals(Integer.toString(resource("console.css").length), header(r, "Content-Length"));
        assertEquals(0, r.body().length);
        assertEquals(404, send("HEAD", "/console/nothing.css").statusCode());
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS", "PATCH")) {
            HttpResponse<byte[]> r = send(method, "/console/");
            assertEquals(405, r.statusCode(), method);
            assertEquals("GET, HEAD", header(r, "Allow"), method);
            assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("GET"), "the answer says what to use");
        }
    }

    @Test
    void unknownNamesAndDeeperPathsAre404() throws Exception {
        for (String path : List.of("/console/nothing.html", "/console/console.js/", "/console/sub/index.html",
                "/console/Console.js", "/console/.hidden", "/console//index.html", "/console/console.js.map")) {
            HttpResponse<byte[]> r = send("GET", path);
            assertEquals(404, r.statusCode(), path);
            assertEquals("text/plain; charset=utf-8", header(r, "Content-Type"), path);
        }
    }

    /** Raw request lines, so that no client library cleans up the dots before they reach the server. */
    @Test
    void pathTraversalNeverLeavesTheConsoleFiles() throws Exception {
        for (String path : List.of("/console/../io/vroute/api/ConsoleHandler.class", "/console/..%2fConsoleHandler.class",
                "/console/%2e%2e/%2e%2e/etc/passwd", "/console/..%5c..%5cetc%5cpasswd", "/console/%2e%2e",
                "/console/..", "/console/./index.html", "/console/index.html%00.js", "/console/%69ndex.html")) {
            String answer = raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            Matcher status = Pattern.compile("^HTTP/1\\.1 (\\d{3})").matcher(answer);
            assertTrue(status.find(), path + ": " + answer);
            assertEquals("404", status.group(1), path + " answered\n" + answer);
            assertFalse(answer.contains("root:") || answer.contains("CAFEBABE") || answer.contains("<html"), path);
        }
    }

    @Test
    void fileNamesAreExactAndFlat() {
        assertEquals("index.html", ConsoleHandler.fileName("/console"));
        assertEquals("index.html", ConsoleHandler.fileName("/console/"));
        assertEquals("console.js", ConsoleHandler.fileName("/console/console.js"));
        assertNull(ConsoleHandler.fileName("/consolex"));
        assertNull(ConsoleHandler.fileName("/console/a/b.js"));
        assertNull(ConsoleHandler.fileName("/console/../x.js"));
        assertNull(ConsoleHandler.fileName(null));
    }

    @Test
    void theApiBesideTheConsoleStillWantsASignature() throws Exception {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("Action=DescribeRouteServers&Version=2016-11-15")).build());
        assertEquals(403, r.statusCode());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("MissingAuthenticationToken"));
        // A path that only starts like the console's is not the console.
        HttpResponse<byte[]> near = send("GET", "/consoles");
        assertNotEquals(200, near.statusCode());
        assertFalse(new String(near.body(), StandardCharsets.UTF_8).contains("<html"));
    }

    @Test
    void thePageLoadsNothingFromElsewhere() throws Exception {
        for (String name : List.of("index.html", "console.js", "console.css", "favicon.svg")) {
            String text = new String(resource(name), StandardCharsets.UTF_8);
            // The SVG names its XML namespace, which is not a fetch.
            String scrubbed = text.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            assertFalse(scrubbed.matches("(?s).*(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/.*"), name + " refers to another site");
            assertFalse(text.contains("@import") || text.contains("<script>") || text.contains(" style=\""), name);
        }
        int total = 0;
        for (String name : List.of("index.html", "console.js", "console.css", "favicon.svg")) total += resource(name).length;
        assertTrue(total < 48 * 1024, "the console stays small: " + total + " bytes");
    }

    private String raw(String request) throws IOException {
        URI u = URI.create(base);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
