package io.vroute.server.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook notifications against real HTTP receivers on loopback: what is sent, how it is signed, retried and dropped. */
class WebhookNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SECRET = "s3cret-for-the-webhook-tests-0123456789".getBytes(UTF_8);
    private static final Instant T0 = Instant.parse("2025-06-01T07:31:08.410Z");
    private static final String ON = "rs-0123456789abcdef0";
    private static final String OFF = "rs-0fedcba9876543210";
    /** Short backoffs so that retries take milliseconds; 3 attempts. */
    private static final WebhookNotifier.Options FAST = new WebhookNotifier.Options(3, Duration.ofMillis(20),
            Duration.ofSeconds(2), Duration.ofSeconds(2), 100, Duration.ofSeconds(2));

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    // ---------------------------------------------------------------- what is sent

    @Test
    void statusChangesArriveInOrderWithTheirCodesAndFields() throws Exception {
        Receiver r = receiver();
        Events events = new Events();
        events.add(notifier(List.of(r.url()), SECRET, FAST));
        events.publish(bgp(ON, "UP", null));
        events.publish(bfd(ON, "DOWN", "Control Detection Time Expired"));
        events.publish(bgp(ON, "DOWN", "BFD went down"));
        events.publish(new RouteServerEvent.EndpointStatus(T0, ON, "rse-1", "10.0.1.10", "shutting-down", "vroute is stopping"));

        Request up = r.next(), bfdDown = r.next(), down = r.next(), endpoint = r.next();
        for (Request q : List.of(up, bfdDown, down, endpoint)) {
            assertEquals("POST", q.method());
            assertEquals("/hook", q.path());
            assertEquals("application/json", q.header("Content-Type"));
            assertEquals(q.json().get("eventCode").asText(), q.header("X-Vroute-Event"));
            assertEquals(q.json().get("vroute").get("deliveryId").asText(), q.header("X-Vroute-Delivery"));
            assertEquals(ON, q.json().get("routeServerId").asText());
            assertEquals("arn:aws:sns:vroute:000000000000:" + ON, q.json().get("snsTopicArn").asText());
            assertEquals("2025-06-01T07:31:08.410Z", q.json().get("eventTime").asText());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), List.of(up, bfdDown, down, endpoint).stream()
                .map(q -> q.json().get("vroute").get("sequence").asLong()).toList());
        assertEquals(4, List.of(up, bfdDown, down, endpoint).stream().map(q -> q.header("X-Vroute-Delivery")).distinct().count());

        assertEquals(WebhookNotifier.PEER_BGP_STATUS_CHANGE, up.header("X-Vroute-Event"));
        JsonNode u = up.json();
        assertEquals("rse-1", u.get("routeServerEndpointId").asText());
        assertEquals("rsp-1", u.get("routeServerPeerId").asText());
        assertEquals("10.0.1.203", u.get("peerAddress").asText());
        assertEquals("up", u.get("status").asText());
        assertTrue(u.get("previousStatus").isNull(), "nothing known before the first change");
        assertTrue(u.get("reason").isNull());

        assertEquals(WebhookNotifier.PEER_BFD_STATUS_CHANGE, bfdDown.header("X-Vroute-Event"));
        assertEquals("down", bfdDown.json().get("status").asText());
        assertTrue(bfdDown.json().get("previousStatus").isNull(), "BFD's history is separate from BGP's");
        assertEquals("Control Detection Time Expired", bfdDown.json().get("reason").asText());

        JsonNode d = down.json();
        assertEquals(WebhookNotifier.PEER_BGP_STATUS_CHANGE, d.get("eventCode").asText());
        assertEquals("down", d.get("status").asText());
        assertEquals("up", d.get("previousStatus").asText());
        assertEquals("BFD went down", d.get("reason").asText());

        JsonNode e = endpoint.json();
        assertEquals(WebhookNotifier.ENDPOINT_MAINTENANCE, e.get("eventCode").asText());
        assertEquals("rse-1", e.get("routeServerEndpointId").asText());
        assertEquals("10.0.1.10", e.get("endpointAddress").asText());
        assertEquals("shutting-down", e.get("state").asText());
        assertEquals("vroute is stopping", e.get("reason").asText());
        assertFalse(e.has("routeServerPeerId"));
        r.assertNoMore();
    }

    @Test
    void aRouteServerWithNotificationsOffSendsNothingNorDoFailoversAndRoutes() throws Exception {
        Receiver r = receiver();
        Events events = new Events();
        events.add(notifier(List.of(r.url()), SECRET, FAST));
        events.publish(bgp(OFF, "UP", null));
        events.publish(new RouteServerEvent.EndpointStatus(T0, OFF, "rse-2", "10.0.2.10", "available", "listening"));
        events.publish(new RouteServerEvent.Failover(T0, ON, "rsp-1", "10.0.1.203", "hold timer expired", 3, 3,
                List.of("rtb-1"), 12.5));
        events.publish(new RouteServerEvent.RouteStatus(T0, ON, "rsp-1", "10.0.1.203", "ADVERTISED", "192.0.2.0/24",
                "65001", null, "10.0.1.203"));
        events.publish(bgp(ON, "UP", null));

        Request only = r.next();
        assertEquals(ON, only.json().get("routeServerId").asText());
        assertEquals(1, only.json().get("vroute").get("sequence").asLong(), "nothing else was numbered");
        r.assertNoMore();
    }

    // ---------------------------------------------------------------- signature

    @Test
    void theSignatureVerifiesWithTheSecretAndNotWithAnother() throws Exception {
        Receiver r = receiver();
        WebhookNotifier n = notifier(List.of(r.url()), SECRET, FAST);
        n.accept(bgp(ON, "UP", null));
        Request q = r.next();

        String timestamp = q.header("X-Vroute-Timestamp");
        assertTrue(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) <= 10, timestamp);
        String signature = q.header("X-Vroute-Signature");
        assertTrue(signature.matches("v1=[0-9a-f]{64}"), signature);
        assertEquals(signature, "v1=" + hmac(SECRET, timestamp, q.body()));
        assertNotEquals(signature, "v1=" + hmac("another-secret-of-some-length".getBytes(UTF_8), timestamp, q.body()));
        assertNotEquals(signature, "v1=" + hmac(SECRET, Long.toString(Long.parseLong(timestamp) - 1), q.body()),
                "the timestamp is signed too");
    }

    @Test
    void withoutASecretNotificationsAreUnsigned() throws Exception {
        Receiver r = receiver();
        WebhookNotifier n = notifier(List.of(r.url()), null, FAST);
        n.accept(bgp(ON, "UP", null));
        Request q = r.next();
        assertNull(q.header("X-Vroute-Signature"));
        assertNotNull(q.header("X-Vroute-Timestamp"));
        assertThrows(IllegalArgumentException.class, () -> WebhookNotifier.start(List.of(r.url()), new byte[0], rs -> true,
                rs -> null, FAST));
    }

    // ---------------------------------------------------------------- retries

    @Test
    void a503IsRetriedWithTheSameDeliveryIdAndLaterEventsWaitBehindIt() throws Exception {
        Receiver r = receiver();
        AtomicInteger calls = new AtomicInteger();
        r.answer = (q, headers) -> calls.incrementAndGet() <= 2 ? 503 : 200;
        WebhookNotifier n = notifier(List.of(r.url()), SECRET, FAST);
        n.accept(bgp(ON, "UP", null));
        n.accept(bgp(ON, "DOWN", "hold timer expired"));
        n.accept(bgp(ON, "UP", null));

        List<Request> got = List.of(r.next(), r.next(), r.next(), r.next(), r.next());
        List<Long> sequences = got.stream().map(q -> q.json().get("vroute").get("sequence").asLong()).toList();
        assertEquals(List.of(1L, 1L, 1L, 2L, 3L), sequences);
        String id = got.get(0).header("X-Vroute-Delivery");
        assertEquals(id, got.get(1).header("X-Vroute-Delivery"));
        assertEquals(id, got.get(2).header("X-Vroute-Delivery"));
        assertArrayEquals(got.get(0).body(), got.get(2).body(), "a retry sends the same body");
        assertNotEquals(id, got.get(3).header("X-Vroute-Delivery"));
        awaitTrue(() -> n.counts(0).delivered() == 3, "three delivered");
        assertEquals(new WebhookNotifier.Counts(3, 2, 0, 0), n.counts(0));
        r.assertNoMore();
    }

    @Test
    void a429WaitsForItsRetryAfter() throws Exception {
        Receiver r = receiver();
        AtomicInteger calls = new AtomicInteger();
        r.answer = (q, headers) -> {
            if (calls.incrementAndGet() > 1) return 200;
            headers.set("Retry-After", "1");
            return 429;
        };
        WebhookNotifier n = notifier(List.of(r.url()), SECRET, FAST);
        n.accept(bgp(ON, "UP", null));
        Request first = r.next(), second = r.next();
        assertEquals(first.header("X-Vroute-Delivery"), second.header("X-Vroute-Delivery"));
        long waitedMillis = (second.nanos() - first.nanos()) / 1_000_000;
        assertTrue(waitedMillis >= 950, "waited " + waitedMillis + " ms, not the 1 s asked for");
    }

    @Test
    void a400IsNotRetried() throws Exception {
        Receiver r = receiver();
        AtomicInteger calls = new AtomicInteger();
        r.answer = (q, headers) -> calls.incrementAndGet() == 1 ? 400 : 200;
        WebhookNotifier n = notifier(List.of(r.url()), SECRET, FAST);
        n.accept(bgp(ON, "UP", null));
        n.accept(bgp(ON, "DOWN", "hold timer expired"));
        Request refused = r.next(), next = r.next();
        assertEquals(1, refused.json().get("vroute").get("sequence").asLong());
        assertEquals(2, next.json().get("vroute").get("sequence").asLong(), "the refused event was not sent again");
        awaitTrue(() -> n.counts(0).delivered() == 1, "the second delivered");
        assertEquals(new WebhookNotifier.Counts(1, 0, 1, 0), n.counts(0));
        r.assertNoMore();
    }

    @Test
    void afterTheLastAttemptTheEventIsGivenUpAndLoggedWithoutTheUrlsSecrets() throws Exception {
        Receiver r = receiver();
        AtomicInteger calls = new AtomicInteger();
        r.answer = (q, headers) -> calls.incrementAndGet() <= 3 ? 500 : 200;
        Logs logs = logs();
        String url = "http://hook-user:t0ken-in-userinfo@127.0.0.1:" + r.port() + "/hook?key=t0ken-in-query";
        WebhookNotifier n = notifier(List.of(url), SECRET, FAST);
        n.accept(bgp(ON, "UP", null));
        n.accept(bgp(ON, "DOWN", "hold timer expired"));

        List<Request> got = List.of(r.next(), r.next(), r.next(), r.next());
        assertEquals(List.of(1L, 1L, 1L, 2L), got.stream().map(q -> q.json().get("vroute").get("sequence").asLong()).toList());
        Request last = got.get(3);
        assertEquals("key=t0ken-in-query", last.query(), "the query is sent");
        assertEquals("Basic " + java.util.Base64.getEncoder().encodeToString("hook-user:t0ken-in-userinfo".getBytes(UTF_8)),
                last.header("Authorization"), "user information becomes Basic authentication");
        awaitTrue(() -> n.counts(0).delivered() == 1, "the second delivered");
        assertEquals(new WebhookNotifier.Counts(1, 2, 1, 0), n.counts(0));

        String warning = logs.find("gave up");
        assertTrue(warning.contains("http://127.0.0.1:" + r.port() + "/hook:"), warning);
        assertTrue(warning.contains(WebhookNotifier.PEER_BGP_STATUS_CHANGE) && warning.contains("HTTP 500"), warning);
        assertTrue(warning.contains("Check that the receiver"), "says what to do: " + warning);
        for (String line : logs.all()) assertFalse(line.contains("t0ken") || line.contains("s3cret"), line);
    }

    @Test
    void anUnreachableReceiverIsRetriedWithoutHoldingUpAnother() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Receiver live = receiver();
        Events events = new Events();
        WebhookNotifier n = notifier(List.of("http://127.0.0.1:" + closedPort + "/hook", live.url()), SECRET, FAST);
        events.add(n);
        for (int i = 0; i < 3; i++) events.publish(bgp(ON, i % 2 == 0 ? "UP" : "DOWN", null));
        for (long seq = 1; seq <= 3; seq++) assertEquals(seq, live.next().json().get("vroute").get("sequence").asLong());
        awaitTrue(() -> n.counts(0).failed() == 3, "every event given up on the unreachable receiver");
        assertEquals(new WebhookNotifier.Counts(0, 6, 3, 0), n.counts(0));
        assertEquals(new WebhookNotifier.Counts(3, 0, 0, 0), n.counts(1));
    }

    // ---------------------------------------------------------------- queue and close

    @Test
    void aFullQueueDropsTheOldestAndCountsIt() throws Exception {
        Receiver r = receiver();
        CountDownLatch release = new CountDownLatch(1);
        r.answer = (q, headers) -> {
            if (q.json().get("vroute").get("sequence").asLong() == 1) await(release);
            return 200;
        };
        WebhookNotifier.Options three = new WebhookNotifier.Options(3, Duration.ofMillis(20), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 3, Duration.ofSeconds(2));
        WebhookNotifier n = notifier(List.of(r.url()), SECRET, three);
        n.accept(bgp(ON, "UP", null));
        assertEquals(1, r.next().json().get("vroute").get("sequence").asLong(), "the first is being delivered");
        for (int i = 2; i <= 6; i++) n.accept(bgp(ON, i % 2 == 0 ? "DOWN" : "UP", null));
        assertEquals(2, n.counts(0).dropped(), "5 events for 3 places");
        release.countDown();

        List<Long> rest = List.of(r.next(), r.next(), r.next()).stream()
                .map(q -> q.json().get("vroute").get("sequence").asLong()).toList();
        assertEquals(List.of(4L, 5L, 6L), rest, "the oldest queued (2 and 3) made room");
        awaitTrue(() -> n.counts(0).delivered() == 4, "four delivered");
        assertEquals(new WebhookNotifier.Counts(4, 0, 0, 2), n.counts(0));
        r.assertNoMore();
    }

    @Test
    void closeDeliversWhatIsQueuedAndThenSendsNoMore() throws Exception {
        Receiver r = receiver();
        r.answer = (q, headers) -> {
            sleep(30);
            return 200;
        };
        WebhookNotifier n = notifier(List.of(r.url()), SECRET, FAST);
        for (int i = 0; i < 5; i++) n.accept(bgp(ON, i % 2 == 0 ? "UP" : "DOWN", null));
        n.accept(new RouteServerEvent.EndpointStatus(T0, ON, "rse-1", "10.0.1.10", "shutting-down", "vroute is stopping"));
        n.close();

        assertEquals(new WebhookNotifier.Counts(6, 0, 0, 0), n.counts(0), "all delivered before close returned");
        List<Request> got = new ArrayList<>();
        r.requests.drainTo(got);
        assertEquals(WebhookNotifier.ENDPOINT_MAINTENANCE, got.getLast().header("X-Vroute-Event"));
        n.accept(bgp(ON, "UP", null));
        r.assertNoMore();
    }

    @Test
    void closeStopsWaitingForAHangingReceiverAtItsTimeout() throws Exception {
        Receiver r = receiver();
        CountDownLatch release = new CountDownLatch(1);
        toClose.add(release::countDown);
        r.answer = (q, headers) -> {
            await(release);
            return 200;
        };
        WebhookNotifier.Options halfSecond = new WebhookNotifier.Options(3, Duration.ofMillis(20), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 100, Duration.ofMillis(500));
        WebhookNotifier n = notifier(List.of(r.url()), SECRET, halfSecond);
        n.accept(bgp(ON, "UP", null));
        n.accept(bgp(ON, "DOWN", "hold timer expired"));
        r.next();

        long start = System.nanoTime();
        n.close();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis >= 400 && tookMillis < 2_000, "close took " + tookMillis + " ms");
        assertEquals(new WebhookNotifier.Counts(0, 0, 0, 2), n.counts(0), "the one in flight and the one queued");
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void urlsMustBeHttpAndAreShownWithoutUserInformationOrQuery() {
        IllegalArgumentException ftp = assertThrows(IllegalArgumentException.class,
                () -> WebhookNotifier.parseUrl("ftp://hooks.example.com/x"));
        assertTrue(ftp.getMessage().contains("http or https"), ftp.getMessage());
        IllegalArgumentException junk = assertThrows(IllegalArgumentException.class,
                () -> WebhookNotifier.parseUrl("https://hooks.example.com/a b?token=t0ken"));
        assertFalse(junk.getMessage().contains("t0ken"), junk.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WebhookNotifier.parseUrl("hooks.example.com/x"));
        assertEquals("https://hooks.example.com:8443/a/b", WebhookNotifier.shown(
                URI.create("https://user:t0ken@hooks.example.com:8443/a/b?token=t0ken#frag")));
        assertEquals("http://[::1]:9000/", WebhookNotifier.shown(URI.create("http://[::1]:9000/")));
    }

    @Test
    void retryAfterIsReadInSecondsOrAsADate() {
        assertEquals(Duration.ofSeconds(3), WebhookNotifier.retryAfter(" 3 "));
        assertNull(WebhookNotifier.retryAfter("-1"));
        assertNull(WebhookNotifier.retryAfter("soon"));
        assertNull(WebhookNotifier.retryAfter(null));
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().plusSeconds(10).atZone(ZoneOffset.UTC));
        Duration d = WebhookNotifier.retryAfter(inTenSeconds);
        assertTrue(d.toSeconds() >= 8 && d.toSeconds() <= 10, d.toString());
    }

    @Test
    void aSecretFileIsTrimmedAndAnEmptyOneRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("webhook.secret");
        Files.writeString(file, "  0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertArrayEquals("0123456789abcdef0123456789abcdef".getBytes(UTF_8), WebhookNotifier.loadSecret(file));

        Files.writeString(file, " \n\n");
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> WebhookNotifier.loadSecret(file));
        assertTrue(empty.getMessage().contains("empty") && empty.getMessage().contains("openssl rand"), empty.getMessage());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> WebhookNotifier.loadSecret(dir.resolve("absent")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }

    // ---------------------------------------------------------------- fixtures

    private static RouteServerEvent.PeerStatus bgp(String rs, String status, String reason) {
        return new RouteServerEvent.PeerStatus(T0, rs, "rse-1", "rsp-1", "10.0.1.203", "BGP", status, reason);
    }

    private static RouteServerEvent.PeerStatus bfd(String rs, String status, String reason) {
        return new RouteServerEvent.PeerStatus(T0, rs, "rse-1", "rsp-1", "10.0.1.203", "BFD", status, reason);
    }

    /** Notifications on for {@link #ON} only, whose topic is the one vroute's API makes up. */
    private WebhookNotifier notifier(List<String> urls, byte[] secret, WebhookNotifier.Options options) {
        WebhookNotifier n = WebhookNotifier.start(urls, secret, ON::equals,
                rs -> "arn:aws:sns:vroute:000000000000:" + rs, options);
        toClose.add(n);
        return n;
    }

    private static String hmac(byte[] key, String timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) fail("not within 5 s: " + what);
            Thread.sleep(5);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Receiver receiver() throws IOException {
        Receiver r = new Receiver();
        toClose.add(r);
        return r;
    }

    private Logs logs() {
        Logs l = new Logs();
        toClose.add(l);
        return l;
    }

    /** One request as the receiver saw it. */
    record Request(String method, String path, String query, Headers headers, byte[] body, long nanos) {
        String header(String name) { return headers.getFirst(name); }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + new String(body, UTF_8), e);
            }
        }
    }

    interface Answer {
        /** The status to answer; may set response headers. Runs on the receiver's thread (and may block it). */
        int status(Request request, Headers responseHeaders);
    }

    /** An HTTP receiver on 127.0.0.1 that records every request before answering it. */
    static final class Receiver implements AutoCloseable {
        final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
        volatile Answer answer = (q, h) -> 200;
        private final HttpServer server;
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().unstarted(r));

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.setExecutor(threads);
            server.start();
        }

        int port() { return server.getAddress().getPort(); }

        String url() { return "http://127.0.0.1:" + port() + "/hook"; }

        private void handle(HttpExchange x) throws IOException {
            try (x) {
                Request q = new Request(x.getRequestMethod(), x.getRequestURI().getPath(), x.getRequestURI().getRawQuery(),
                        x.getRequestHeaders(), x.getRequestBody().readAllBytes(), System.nanoTime());
                requests.add(q);
                x.sendResponseHeaders(answer.status(q, x.getResponseHeaders()), -1);
            }
        }

        Request next() throws InterruptedException {
            Request q = requests.poll(5, TimeUnit.SECONDS);
            if (q == null) fail("no request within 5 s");
            return q;
        }

        void assertNoMore() throws InterruptedException {
            Request q = requests.poll(300, TimeUnit.MILLISECONDS);
            if (q != null) fail("unexpected request: " + new String(q.body(), UTF_8));
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    /** What the notifier logs (through java.util.logging, System.Logger's default back end). */
    static final class Logs extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("vroute.webhook");
        private final List<String> lines = new ArrayList<>();

        Logs() {
            logger.addHandler(this);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            lines.add(record.getLevel() + " " + record.getMessage());
        }

        synchronized List<String> all() { return List.copyOf(lines); }

        String find(String words) {
            for (String line : all()) if (line.contains(words)) return line;
            return fail("no log line with '" + words + "' in " + all());
        }

        @Override public void flush() {}

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
