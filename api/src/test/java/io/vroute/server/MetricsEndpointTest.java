package io.vroute.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.api.Ec2Api;
import io.vroute.bgp.wire.UpdateMessage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /metrics on the EC2 API's port of an in-process vroute (SigV4 on, so the scrape shows it needs no signature):
 * every line passes a strict text-format reader, and the session, RIB, route-table, UPDATE and API metrics move as
 * peers come up, send UPDATEs and fail. Sessions are driven below the sockets, as the speaker's callbacks drive them
 * (the test lives in io.vroute.server for that).
 */
class MetricsEndpointTest {
    @TempDir
    Path dir;
    private Server server;
    private Ec2Api api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = Server.start(ServerConfig.defaults(dir).withBgpPort(0));
        api = Ec2Api.start(server, new InetSocketAddress("127.0.0.1", 0), dir, true);
    }

    @AfterEach
    void stop() {
        if (api != null) api.close();
        if (server != null) server.close();
    }

    private DrivenPeers.Scenario build() {
        return new DrivenPeers(server).build(65002);
    }

    private void up(DrivenPeers.Scenario s, String peer, int routerId) {
        new DrivenPeers(server).up(s, peer, routerId);
    }

    private void fail(DrivenPeers.Scenario s, String peer) {
        new DrivenPeers(server).fail(s, peer);
    }

    private void send(DrivenPeers.Scenario s, String peer, UpdateMessage u) {
        new DrivenPeers(server).send(s, peer, u);
    }

    private static UpdateMessage announce(String nextHop, String... prefixes) throws Exception {
        return DrivenPeers.announce(nextHop, 1, null, prefixes);
    }

    private static UpdateMessage withdraw(String... prefixes) {
        return DrivenPeers.withdraw(prefixes);
    }

    private HttpResponse<String> get(String path, String method) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.address().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private PrometheusText scrape() throws Exception {
        HttpResponse<String> r = get("/metrics", "GET");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
        return PrometheusText.parse(r.body());
    }

    @Test
    void everyLineParsesAndSessionRouteAndUpdateMetricsMoveWhenAPeerFails() throws Exception {
        DrivenPeers.Scenario s = build();
        up(s, s.peerA(), 0x0A00010A);
        up(s, s.peerB(), 0x0A00010B);
        send(s, s.peerA(), announce("10.0.1.10", "172.16.1.0/24", "172.16.2.0/24", "172.16.3.0/24"));
        send(s, s.peerA(), withdraw("172.16.3.0/24"));
        send(s, s.peerB(), announce("10.0.1.11", "172.16.9.0/24"));

        PrometheusText before = scrape();
        assertEquals("gauge", before.types.get("vroute_bgp_sessions"));
        assertEquals(2.0, before.value("vroute_bgp_sessions", "state", "established"));
        assertEquals(0.0, before.value("vroute_bgp_sessions", "state", "idle"));
        assertEquals(1.0, before.value("vroute_bgp_peer_up", "route_server", s.rs(), "peer", s.peerA()));
        assertEquals(2.0, before.value("vroute_rib_routes", "route_server", s.rs(), "peer", s.peerA()));
        assertEquals(2.0, before.value("vroute_fib_routes", "route_server", s.rs(), "peer", s.peerA()));
        assertEquals(1.0, before.value("vroute_fib_routes", "route_server", s.rs(), "peer", s.peerB()));
        assertEquals(3.0, before.value("vroute_route_table_propagated_routes", "route_table", s.table()));
        assertEquals(2.0, before.value("vroute_bgp_updates_received_total", "route_server", s.rs(), "peer", s.peerA()));
        assertEquals(3.0, before.value("vroute_bgp_prefixes_announced_total", "route_server", s.rs(), "peer", s.peerA()));
        assertEquals(1.0, before.value("vroute_bgp_prefixes_withdrawn_total", "route_server", s.rs(), "peer", s.peerA()));
        assertEquals(1.0, before.value("vroute_bgp_peer_info", "route_server", s.rs(), "peer", s.peerA(),
                "endpoint", server.call(r -> r.peer(s.peerA()).routeServerEndpointId()), "peer_address", "10.0.1.10",
                "peer_asn", "65001", "liveness", "bgp-keepalive"));
        assertEquals("histogram", before.types.get("vroute_jvm_gc_pause_seconds"));
        assertEquals("histogram", before.types.get("vroute_route_table_programming_duration_seconds"));
        assertNotNull(before.value("vroute_metrics_control_wait_seconds"));

        fail(s, s.peerA());

        PrometheusText after = scrape();
        assertEquals(1.0, after.value("vroute_bgp_sessions", "state", "established"));
        assertEquals(1.0, after.value("vroute_bgp_sessions", "state", "idle"));
        assertEquals(0.0, after.value("vroute_bgp_peer_up", "route_server", s.rs(), "peer", s.peerA()));
        assertEquals(1.0, after.value("vroute_bgp_peer_up", "route_server", s.rs(), "peer", s.peerB()));
        assertEquals(0.0, after.value("vroute_rib_routes", "route_server", s.rs(), "peer", s.peerA()));
        assertEquals(0.0, after.value("vroute_fib_routes", "route_server", s.rs(), "peer", s.peerA()));
        assertEquals(1.0, after.value("vroute_fib_routes", "route_server", s.rs(), "peer", s.peerB()));
        assertEquals("histogram", after.types.get("vroute_failover_duration_seconds"));
        Double failoversBefore = before.value("vroute_failover_duration_seconds_count"); // none yet: no sample at all
        assertTrue(after.value("vroute_failover_duration_seconds_count") >= (failoversBefore == null ? 0 : failoversBefore) + 1,
                "A's failover (two prefixes withdrawn from the table) was timed");
        assertEquals(1.0, after.value("vroute_route_table_propagated_routes", "route_table", s.table()));
        // Counters keep what was received before the failure.
        assertEquals(2.0, after.value("vroute_bgp_updates_received_total", "route_server", s.rs(), "peer", s.peerA()));

        server.call(r -> r.deletePeer(s.peerA()));
        PrometheusText deleted = scrape();
        assertEquals(null, deleted.value("vroute_bgp_updates_received_total", "route_server", s.rs(), "peer", s.peerA()),
                "a deleted peer's series go");
        assertEquals(1.0, deleted.value("vroute_bgp_updates_received_total", "route_server", s.rs(), "peer", s.peerB()));
    }

    @Test
    void apiRequestsAreCountedByActionAndErrorCodeWhileMetricsNeedNoSignature() throws Exception {
        Double before = scrape().value("vroute_api_requests_total", "action", "unknown", "code", "MissingAuthenticationToken");
        HttpResponse<String> unsigned = get("/?Action=DescribeRouteServers&Version=2016-11-15", "GET");
        assertEquals(403, unsigned.statusCode(), "the EC2 API itself still wants a signature");
        PrometheusText after = scrape();
        assertEquals((before == null ? 0 : before) + 1,
                after.value("vroute_api_requests_total", "action", "unknown", "code", "MissingAuthenticationToken"));
        assertTrue(after.series.stream().anyMatch(x -> x.name().equals("vroute_api_request_duration_seconds_count")
                && "unknown".equals(x.labels().get("action"))));
    }

    @Test
    void onlyGetAndHeadOfExactlyMetricsAreServed() throws Exception {
        HttpResponse<String> head = get("/metrics", "HEAD");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(405, get("/metrics", "POST").statusCode());
        assertEquals(404, get("/metrics/extra", "GET").statusCode());
    }

    @Test
    void theReaderRefusesMalformedExpositions() {
        String ok = "# HELP x_total X.\n# TYPE x_total counter\nx_total{a=\"1\"} 1\n";
        assertEquals(1.0, PrometheusText.parse(ok).value("x_total", "a", "1"));
        assertThrows(AssertionError.class, () -> PrometheusText.parse("x_total 1\n"), "no TYPE");
        assertThrows(AssertionError.class, () -> PrometheusText.parse(ok.replace("\"1\"", "1")), "unquoted value");
        assertThrows(AssertionError.class, () -> PrometheusText.parse(ok.replace("\"1\"", "\"\\t\"")), "bad escape");
        assertThrows(AssertionError.class, () -> PrometheusText.parse(ok + "x_total{a=\"1\"} 2\n"), "duplicate series");
        assertThrows(AssertionError.class, () -> PrometheusText.parse(ok.replace("} 1", "} -1")), "negative counter");
        String h = "# HELP h_seconds H.\n# TYPE h_seconds histogram\n";
        assertThrows(AssertionError.class, () -> PrometheusText.parse(h
                + "h_seconds_bucket{le=\"1\"} 2\nh_seconds_bucket{le=\"+Inf\"} 1\nh_seconds_sum 1\nh_seconds_count 1\n"),
                "not cumulative");
        assertThrows(AssertionError.class, () -> PrometheusText.parse(h
                + "h_seconds_bucket{le=\"1\"} 1\nh_seconds_bucket{le=\"+Inf\"} 2\nh_seconds_sum 1\nh_seconds_count 3\n"),
                "_count is not +Inf");
        assertThrows(AssertionError.class, () -> PrometheusText.parse(h + "h_seconds_bucket{le=\"1\"} 1\nh_seconds_sum 1\n"
                + "h_seconds_count 1\n"), "no +Inf bucket");
    }
}
