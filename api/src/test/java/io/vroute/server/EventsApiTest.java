package io.vroute.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vroute.api.Ec2Api;
import io.vroute.api.QueryClient;
import io.vroute.bgp.wire.UpdateMessage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The event timeline ({@code DescribeRouteServerEvents}) and the peer event logs ({@code ModifyRouteServerPeerLogging})
 * through the signed API of an in-process vroute, with sessions driven below the sockets as the speaker's callbacks
 * drive them (hence the package).
 */
class EventsApiTest {
    @TempDir
    Path dir;
    private Server server;
    private Ec2Api api;
    private QueryClient client;

    @BeforeEach
    void start() throws Exception {
        server = Server.start(ServerConfig.defaults(dir).withBgpPort(0));
        api = Ec2Api.start(server, new InetSocketAddress("127.0.0.1", 0), dir, true);
        client = QueryClient.forDataDir(URI.create("http://127.0.0.1:" + api.address().getPort() + "/"), dir);
    }

    @AfterEach
    void stop() {
        if (api != null) api.close();
        if (server != null) server.close();
    }

    private DrivenPeers.Scenario build() {
        return new DrivenPeers(server).build(65001);
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

    private static UpdateMessage announce(String nextHop, int pathLength, Long med, String... prefixes) throws Exception {
        return DrivenPeers.announce(nextHop, pathLength, med, prefixes);
    }

    private static List<Element> items(Document d) {
        List<Element> out = new ArrayList<>();
        NodeList set = d.getElementsByTagName("eventSet");
        if (set.getLength() == 0) return out;
        for (org.w3c.dom.Node n = set.item(0).getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("item")) out.add(e);
        }
        return out;
    }

    @Test
    void timelineShowsStatusChangesAndAFailoverWithItsDurationAndResumesAfterASequence() throws Exception {
        DrivenPeers.Scenario s = build();
        up(s, s.peerA(), 0x0A00010A);
        up(s, s.peerB(), 0x0A00010B);
        send(s, s.peerA(), announce("10.0.1.10", 1, null, "172.16.1.1/32"));
        send(s, s.peerB(), announce("10.0.1.11", 2, null, "172.16.1.1/32"));
        Document before = client.call("DescribeRouteServerEvents", Map.of("RouteServerId", s.rs()));
        long mark = Long.parseLong(QueryClient.text(before, "lastSequence"));
        List<String> types = items(before).stream().map(e -> QueryClient.text(e, "type") + " " + QueryClient.text(e, "status")).toList();
        assertEquals(List.of("EndpointStatus available", "BGPStatus UP", "BGPStatus UP"), types);

        fail(s, s.peerA());
        Document after = client.call("DescribeRouteServerEvents", Map.of("RouteServerId", s.rs(), "AfterSequence", Long.toString(mark)));
        List<Element> fresh = items(after);
        assertEquals(2, fresh.size(), "only what happened after the mark: the DOWN and the failover");
        assertEquals("BGPStatus", QueryClient.text(fresh.get(0), "type"));
        assertEquals("DOWN", QueryClient.text(fresh.get(0), "status"));
        assertEquals("hold timer expired", QueryClient.text(fresh.get(0), "reason"));
        Element failover = fresh.get(1);
        assertEquals("Failover", QueryClient.text(failover, "type"));
        assertEquals(s.peerA(), QueryClient.text(failover, "routeServerPeerId"));
        assertEquals("1", QueryClient.text(failover, "prefixCount"));
        assertEquals("1", QueryClient.text(failover, "movedCount"));
        assertEquals(s.table(), failover.getElementsByTagName("routeTableIdSet").item(0).getTextContent().trim());
        double ms = Double.parseDouble(QueryClient.text(failover, "durationMillis"));
        assertTrue(ms >= 0 && ms < 5000, "duration " + ms);
        assertEquals(QueryClient.text(failover, "sequence"), QueryClient.text(after, "lastSequence"));

        Document page = client.call("DescribeRouteServerEvents", Map.of("MaxResults", "1"));
        assertEquals(1, items(page).size());
        assertEquals("1", QueryClient.text(page, "lastSequence"), "a full page resumes after its own last entry");
    }

    @Test
    void wrongCallsGetEc2Errors() {
        QueryClient.Failure f = assertThrows(QueryClient.Failure.class,
                () -> client.call("DescribeRouteServerEvents", Map.of("RouteServerId", "rs-00000000000000000")));
        assertEquals("InvalidRouteServerId.NotFound", f.code());
        f = assertThrows(QueryClient.Failure.class, () -> client.call("DescribeRouteServerEvents", Map.of("MaxResults", "0")));
        assertEquals("InvalidParameterValue", f.code());
        DrivenPeers.Scenario s = build();
        f = assertThrows(QueryClient.Failure.class,
                () -> client.call("ModifyRouteServerPeerLogging", Map.of("RouteServerId", s.rs(), "Destination", "syslog")));
        assertEquals("InvalidParameterValue", f.code());
        f = assertThrows(QueryClient.Failure.class,
                () -> client.call("ModifyRouteServerPeerLogging", Map.of("RouteServerId", s.rs())));
        assertEquals("MissingParameter", f.code());
    }

    @Test
    void peerLogsGoToAFilePerPeerInAwsShapeOnceTurnedOnAndSurviveARestartsSetting() throws Exception {
        DrivenPeers.Scenario s = build();
        up(s, s.peerA(), 0x0A00010A);
        send(s, s.peerA(), announce("10.0.1.10", 1, 50L, "172.16.1.0/24"));
        Path file = dir.resolve("peer-logs").resolve(s.rs()).resolve(s.peerA() + ".log");
        Document on = client.call("ModifyRouteServerPeerLogging", Map.of("RouteServerId", s.rs(), "Destination", "file"));
        assertEquals("file", QueryClient.text(on, "peerLogging"));

        send(s, s.peerA(), announce("10.0.1.10", 2, 50L, "172.16.1.0/24", "172.16.2.0/24"));
        fail(s, s.peerA());
        List<JsonNode> lines = awaitLines(file, 5);
        List<String> seen = lines.stream().map(n -> n.get("type").asText() + " " + n.get("status").asText()
                + (n.get("message").has("prefix") ? " " + n.get("message").get("prefix").asText() : "")).toList();
        assertEquals(List.of("RouteStatus UPDATED 172.16.1.0/24", "RouteStatus ADVERTISED 172.16.2.0/24", "BGPStatus DOWN"),
                seen.subList(0, 3), "nothing from before logging was on; then the DOWN: " + seen);
        assertEquals(java.util.Set.of("RouteStatus WITHDRAWN 172.16.1.0/24", "RouteStatus WITHDRAWN 172.16.2.0/24"),
                java.util.Set.copyOf(seen.subList(3, seen.size())), "then each of the session's routes withdrawn once: " + seen);
        assertEquals(5, seen.size(), seen.toString());
        JsonNode first = lines.get(0);
        assertEquals("arn:aws:ec2:vroute:000000000000:route-server-peer/" + s.peerA(), first.get("resource_arn").asText());
        assertTrue(first.get("event_timestamp").isIntegralNumber());
        assertEquals("65001 65001", first.get("message").get("asPath").asText());
        assertEquals(50, first.get("message").get("med").asLong());
        assertEquals("10.0.1.10", first.get("message").get("nextHopIp").asText());
        assertTrue(!Files.exists(dir.resolve("peer-logs").resolve(s.rs()).resolve(s.peerB() + ".log")), "peer B said nothing");

        client.call("ModifyRouteServerPeerLogging", Map.of("RouteServerId", s.rs(), "Destination", "off"));
        api.close();
        server.close();
        server = Server.start(ServerConfig.defaults(dir).withBgpPort(0));
        api = Ec2Api.start(server, new InetSocketAddress("127.0.0.1", 0), dir, true);
        client = QueryClient.forDataDir(URI.create("http://127.0.0.1:" + api.address().getPort() + "/"), dir);
        assertEquals("off", QueryClient.text(client.call("DescribeRouteServers", Map.of("RouteServerId.1", s.rs())), "peerLogging"));
    }

    private static List<JsonNode> awaitLines(Path file, int n) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                lines = Files.readAllLines(file);
                if (lines.size() >= n) break;
            }
            Thread.sleep(20);
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String l : lines) out.add(json.readTree(l));
        return out;
    }
}
