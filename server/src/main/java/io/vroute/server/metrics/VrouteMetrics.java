package io.vroute.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.vroute.server.Server;
import io.vroute.server.dataplane.Report;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * vroute's Prometheus metrics (docs/metrics.md lists each one): the way in for the places that count (a route
 * batch the kernel answered, an API request) and for the scrape, {@link #handler}.
 *
 * <p>Most values are read when scraped: one short task on the control thread copies the peers' states and the route
 * tables' counts ({@link ControlView}); the rest are counters and histograms kept here, process-wide, which the hot
 * paths update without locks. The instruments are static because the hooks sit in code that has no other way to
 * reach a per-server object; several servers in one JVM (tests) share them and are told apart by their ids.
 */
public final class VrouteMetrics {
    private static final System.Logger LOG = System.getLogger("vroute.metrics");
    /** How long a scrape waits for the control thread before it answers without the control thread's families. */
    static final long CONTROL_WAIT_MILLIS = 5_000;
    static final double[] LATENCY_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    static final Histogram PROGRAMMING = new Histogram("vroute_route_table_programming_duration_seconds",
            "Linux data plane: from handing a route table's batch of best-path changes to the data-plane thread to the"
                    + " kernel's last answer (one observation per table per RIB drain).", LATENCY_BUCKETS);
    static final Counter PROGRAMMING_FAILURES = new Counter("vroute_route_table_programming_failures_total",
            "Linux data plane: route batches the kernel refused in whole or in part (the 30 s repair retries them).");
    static final Counter API_REQUESTS = new Counter("vroute_api_requests_total",
            "EC2 API requests by action and outcome: code is OK or the EC2 error code answered; action is 'unknown'"
                    + " when the request failed before its action was known (authentication, missing or invalid Action).",
            "action", "code");
    static final Histogram API_DURATION = new Histogram("vroute_api_request_duration_seconds",
            "EC2 API requests from arrival to the answer being written, by action.", LATENCY_BUCKETS, "action");
    static final Counter CONTROL_TIMEOUTS = new Counter("vroute_metrics_control_timeouts_total",
            "Scrapes answered without the control thread's metrics because it did not get to them within 5 s.");
    static final JvmPauses JVM = new JvmPauses();
    static final double[] DETECTION_BUCKETS = {0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10};
    static final Histogram BFD_DETECTION = new Histogram("vroute_bfd_detection_latency_seconds",
            "BFD sessions that went Down because the appliance fell silent (diagnostic 1, RFC 5880 §4.1, after the"
                    + " detection time of §6.8.4): from the"
                    + " last packet received from it to the session going Down.", DETECTION_BUCKETS);
    static final Histogram FAILOVER = new Histogram("vroute_failover_duration_seconds",
            "A peer's session ended and its routes moved: from the detection (BFD Down or the BGP session's end) to"
                    + " the last route table carrying the new best paths.", LATENCY_BUCKETS);
    static final Counter WEBHOOK_DELIVERIES = new Counter("vroute_webhook_deliveries_total",
            "Webhook notification attempts by outcome: delivered (2xx), retried (failed, will be tried again), failed"
                    + " (given up after the last attempt or refused with a 4xx), dropped (the queue was full).", "outcome");
    static final Counter PEER_LOG_EVENTS = new Counter("vroute_peer_log_events_total",
            "Peer event log entries by outcome: written, or dropped (the writer's queue was full, or writing failed).",
            "outcome");

    static {
        JVM.listen();
    }

    private VrouteMetrics() {}

    // ---------------------------------------------------------------- hooks

    /** The data-plane thread answered a route batch: its report, or the error it failed with. */
    public static void routeBatch(Report report, Throwable error) {
        if (report != null) PROGRAMMING.observe(report.elapsed().toNanos() / 1e9);
        if (error != null || report != null && !report.succeeded()) PROGRAMMING_FAILURES.inc();
    }

    /** A BFD session detected its appliance's silence: from the last packet received to Down. */
    public static void bfdDetection(double seconds) {
        BFD_DETECTION.observe(seconds);
    }

    /** A failover finished: from detecting the failure to the last route table updated. */
    public static void failover(double seconds) {
        FAILOVER.observe(seconds);
    }

    /** A webhook delivery attempt ended: delivered, retried, failed or dropped. */
    public static void webhookDelivery(String outcome) {
        WEBHOOK_DELIVERIES.inc(outcome);
    }

    /** A peer event log entry was written or dropped. */
    public static void peerLogEvent(String outcome) {
        PEER_LOG_EVENTS.inc(outcome);
    }

    /** An API request was answered: its action ("-" or null when not known), EC2 error code (null for success). */
    public static void apiRequest(String action, String errorCode, long nanos) {
        String a = action == null || action.equals("-") ? "unknown" : action;
        API_REQUESTS.inc(a, errorCode == null ? "OK" : errorCode);
        API_DURATION.observe(nanos / 1e9, a);
    }

    // ---------------------------------------------------------------- scrape

    /**
     * The whole exposition for {@code server}. The control thread's part waits at most {@value #CONTROL_WAIT_MILLIS}
     * ms; past that, or while the server shuts down, the answer carries everything else and says so in
     * {@code vroute_metrics_control_timeouts_total}.
     */
    static String scrape(Server server) {
        List<Family> families = new ArrayList<>();
        long started = System.nanoTime();
        ControlView view = controlView(server);
        long waited = System.nanoTime() - started;
        if (view != null) view.collect(families);
        families.add(PROGRAMMING.collect());
        families.add(PROGRAMMING_FAILURES.collect());
        families.add(API_REQUESTS.collect());
        families.add(API_DURATION.collect());
        families.add(BFD_DETECTION.collect());
        families.add(FAILOVER.collect());
        families.add(WEBHOOK_DELIVERIES.collect());
        families.add(PEER_LOG_EVENTS.collect());
        JVM.collect(families);
        families.add(Family.gauge("vroute_metrics_control_wait_seconds", "How long this scrape waited for the control"
                + " thread to copy the peers' and route tables' state: a measure of the control thread's backlog.")
                .add(waited / 1e9).build());
        families.add(CONTROL_TIMEOUTS.collect());
        return TextFormat.write(families);
    }

    private static ControlView controlView(Server server) {
        CompletableFuture<ControlView> view = new CompletableFuture<>();
        Thread.ofVirtual().name("vroute-metrics").start(() -> {
            try {
                view.complete(server.call(ControlView::of));
            } catch (RuntimeException | Error e) {
                view.completeExceptionally(e);
            }
        });
        try {
            return view.get(CONTROL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            CONTROL_TIMEOUTS.inc();
            LOG.log(System.Logger.Level.WARNING, "metrics: the control thread did not answer within {0} ms; this scrape"
                    + " has no session or route metrics. A long backlog of UPDATEs or API calls is the usual cause",
                    CONTROL_WAIT_MILLIS);
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof io.vroute.server.ServerException) {     // shutting down
                LOG.log(System.Logger.Level.DEBUG, "metrics: no control-thread metrics: {0}", e.getCause().getMessage());
            } else {
                LOG.log(System.Logger.Level.ERROR, "metrics: collecting the control thread's metrics failed; this scrape"
                        + " has no session or route metrics. Report this with the stack trace", e.getCause());
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * {@code GET /metrics} for Prometheus, without authentication: the exposition holds counts, states and resource
     * ids, no keys or addresses' secrets, so it needs none (docs/metrics.md). {@code HEAD} answers the headers only.
     */
    public static HttpHandler handler(Server server) {
        return exchange -> answer(exchange, server);
    }

    private static void answer(HttpExchange exchange, Server server) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                plain(exchange, 404, "Nothing here: Prometheus metrics are at GET /metrics.\n");
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                plain(exchange, 405, "Use GET /metrics (or HEAD), not " + method + ".\n");
                return;
            }
            byte[] body = scrape(server).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", TextFormat.CONTENT_TYPE);
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "metrics: scrape failed", e);
            throw e;
        }
    }

    private static void plain(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
