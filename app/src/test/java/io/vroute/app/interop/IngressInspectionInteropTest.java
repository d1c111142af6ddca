package io.vroute.app.interop;

import static io.vroute.app.interop.Interop.msSince;
import static io.vroute.app.interop.Interop.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vroute.app.interop.BfdInteropTest.Ec2Query;
import io.vroute.app.interop.BfdInteropTest.PeerEvent;
import io.vroute.app.interop.BfdInteropTest.PeerXml;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.RouteServerEndpoint;
import software.amazon.awssdk.services.ec2.model.RouteServerPeer;
import software.amazon.awssdk.services.ec2.model.RouteTable;

/**
 * The spec's scenario 2, ingress inspection through a stateful firewall pair, at the route-table level (the packets
 * through a Linux data plane come later):
 * <pre>
 *   namespace "fw1" 10.0.1.10/16  FRR 8.4 + bfdd, AS 65001          (active)   ─┐
 *   namespace "fw2" 10.0.1.11/16  BIRD 2.0.12, AS 65001, prepends 65001 (standby) ─┤ br0 in "vpc": the endpoints
 *                                                                               └ vroute serve (AS 65000)
 *   subnet A 10.0.1.0/24 (firewalls): 2 endpoints, table with the static 0.0.0.0/0 -> igw, no propagation
 *   subnet B 10.0.2.0/24 (application): 2 endpoints, table with propagation
 *   internet gateway edge table (associated with the gateway): propagation
 * </pre>
 * Each firewall has four BGP sessions with BFD at 100 ms x 3 (the two endpoints of subnet A and the two of subnet B)
 * and advertises the application subnet 10.0.2.0/24 and 0.0.0.0/0; its address is a /16 so that all four endpoints
 * are on-link (single-hop BFD and eBGP). The lab puts both firewalls in subnet A: availability zones are labels
 * here. Expected: the edge table sends 10.0.2.0/24 to the active firewall's ENI, the application table sends
 * 0.0.0.0/0 there; the edge table takes no 0.0.0.0/0 (an edge table only steers traffic for the VPC's own
 * addresses). Freezing the active firewall (FRR's bfdd, bgpd and zebra): BFD notices within the detection time, and
 * both tables point at the standby's ENI; thawing it: they point back. Timings are printed with the prefix
 * {@code BFD-INTEROP:}.
 */
class IngressInspectionInteropTest {
    static final long RS_AS = 65000;
    static final long FW_AS = 65001;
    static final String FW1 = "10.0.1.10";
    static final String FW2 = "10.0.1.11";
    static final String APP_SUBNET = "10.0.2.0/24";
    static final String DEFAULT = "0.0.0.0/0";
    static final int INTERVAL_MS = 100;
    static final int MULTIPLIER = 3;

    private Lab lab;
    private VrouteServe serve;
    private InNamespace inVpc;
    private Ec2Client ec2;
    private Ec2Query query;
    private Frr active;
    private Bird standby;
    private boolean passed;

    @AfterEach
    void tearDown() {
        if (!passed && lab != null) {
            lab.keepLogs();
            System.out.println("[interop] ingress inspection failed:\n" + logs());
        }
        if (inVpc != null) inVpc.close();
        if (lab != null) lab.close();
    }

    private String logs() {
        return (active == null ? "" : active.logTail(30) + "\n---- bfdd ----\n" + Lab.tail(active.bfddLog(), 20)) + "\n"
                + (standby == null ? "" : standby.logTail(30)) + "\n---- vroute ----\n"
                + (serve == null ? "" : Lab.tail(serve.log(), 60));
    }

    record Built(String appTable, String edgeTable, String firewallTable, String eniFw1, String eniFw2, String rsId,
                 List<RouteServerEndpoint> endpoints) {}

    @Test
    @Timeout(300)
    void bothTablesFollowTheActiveFirewallWithinTheBfdDetectionTime() {
        Interop.require(Interop.ZEBRA, Interop.BGPD, Interop.VTYSH, BfdInteropTest.BFDD, Interop.BIRD, Interop.BIRDC);
        lab = Lab.create("ing");
        String vpcNs = lab.routeServer("vpc");
        serve = new VrouteServe(lab, vpcNs, lab.dir().resolve("data"), "--hold-time", "9").start();
        inVpc = new InNamespace(vpcNs);
        ec2 = inVpc.call(serve::client);
        query = new Ec2Query(serve);
        Built b = inVpc.call(this::build);
        for (RouteServerEndpoint e : b.endpoints()) {
            Lab.run("ip", "-n", vpcNs, "addr", "add", e.eniAddress() + "/24", "dev", "br0");
        }
        BfdInteropTest.awaitEndpointsAvailable(ec2, inVpc, serve);
        // Every firewall peers with every endpoint: liveness bfd, 100 ms x 3 (vroute's BfdOptions extension).
        Map<String, List<String>> peersOf = new HashMap<>();
        for (String fw : List.of(FW1, FW2)) {
            List<String> ids = new ArrayList<>();
            for (RouteServerEndpoint e : b.endpoints()) {
                ids.add(inVpc.call(() -> query.createBfdPeer(e.routeServerEndpointId(), fw, FW_AS, INTERVAL_MS, INTERVAL_MS,
                        MULTIPLIER)));
            }
            peersOf.put(fw, ids);
        }
        List<String> endpointAddresses = b.endpoints().stream().map(RouteServerEndpoint::eniAddress).toList();

        String fw1Ns = lab.host("fw1", vpcNs, FW1 + "/16");
        String fw2Ns = lab.host("fw2", vpcNs, FW2 + "/16");
        long started = System.nanoTime();
        active = new Frr(lab, fw1Ns, "fw1", FW_AS, FW1,
                endpointAddresses.stream().map(a -> new Frr.Neighbor(a, RS_AS)).toList(),
                List.of(Route.of(APP_SUBNET), Route.of(DEFAULT)), 9).bfd(INTERVAL_MS, MULTIPLIER).start();
        List<Bird.Session> sessions = new ArrayList<>();
        for (int i = 0; i < endpointAddresses.size(); i++) {
            sessions.add(new Bird.Session("ep" + (i + 1), FW2, endpointAddresses.get(i), RS_AS, false));
        }
        standby = new Bird(lab, fw2Ns, "fw2", FW_AS, FW2, sessions,
                List.of(Route.of(APP_SUBNET).prepend(FW_AS), Route.of(DEFAULT).prepend(FW_AS)), 9)
                .bfd(INTERVAL_MS, MULTIPLIER).start();

        // All eight sessions up, and both tables on the active firewall.
        await("all 8 peers BFD and BGP up", Duration.ofSeconds(40), () -> inVpc.call(() ->
                ec2.describeRouteServerPeers(r -> {}).routeServerPeers().stream().allMatch(p -> "up".equals(p.bfdStatus().statusAsString())
                        && "up".equals(p.bgpStatus().statusAsString()))));
        awaitTargets(b, b.eniFw1(), Duration.ofSeconds(30));
        long onActive = msSince(started);
        awaitStable(Duration.ofSeconds(4), Duration.ofSeconds(40));
        awaitTargets(b, b.eniFw1(), Duration.ofSeconds(5));
        System.out.printf("BFD-INTEROP: ingress start-up: both tables on the active firewall %d ms after the firewalls"
                + " started; 8 sessions stable at %d ms%n", onActive, msSince(started));
        for (String t : List.of(b.edgeTable(), b.appTable(), b.firewallTable())) System.out.println("BFD-INTEROP: " + describe(t));
        RouteTable edge = table(b.edgeTable());
        assertTrue(edge.routes().stream().noneMatch(r -> DEFAULT.equals(r.destinationCidrBlock()) && "Advertisement".equals(r.originAsString())),
                "an edge table takes only destinations inside the VPC: " + edge.routes());
        RouteTable fwTable = table(b.firewallTable());
        assertTrue(fwTable.routes().stream().noneMatch(r -> "Advertisement".equals(r.originAsString())),
                "the firewall subnet's table has no propagation: " + fwTable.routes());
        assertEquals(1, fwTable.routes().stream().filter(r -> DEFAULT.equals(r.destinationCidrBlock())
                && r.gatewayId() != null && r.gatewayId().startsWith("igw-")).count(), "static 0.0.0.0/0 -> igw: " + fwTable.routes());

        // Failover: the active firewall hangs. Its four BFD sessions expire, its routes go, both tables move.
        Map<String, PeerXml> before = inVpc.call(query::peers);
        long detection = peersOf.get(FW1).stream().mapToLong(id -> before.get(id).detectionTimeMs()).max().orElseThrow();
        assertEquals(INTERVAL_MS * MULTIPLIER, detection, "detection time of the active firewall's sessions");
        Instant frozenAt = Instant.now();
        long frozen = System.nanoTime();
        active.freeze();
        long[] window = pollTargets(b, b.eniFw2(), frozen, Duration.ofSeconds(5));
        Map<String, PeerXml> after = pollBfdDown(peersOf.get(FW1), frozenAt, Duration.ofSeconds(3));
        long lastDown = 0;
        List<Long> downs = new ArrayList<>();
        for (String id : peersOf.get(FW1)) {
            PeerEvent e = after.get(id).first("BFDStatus", "DOWN", frozenAt).orElseThrow();
            long ms = Duration.between(frozenAt, e.time()).toMillis();
            downs.add(ms);
            lastDown = Math.max(lastDown, ms);
        }
        System.out.printf("BFD-INTEROP: ingress failover: BFD Down events of the active firewall's 4 sessions %s ms after"
                        + " kill -STOP (detection time %d ms, bound %d ms); both tables on the standby between %d and %d ms"
                        + " after the freeze (fast polling of DescribeRouteTables)%n", downs, detection,
                detection + BfdInteropTest.SLACK_MS, window[0], window[1]);
        assertTrue(lastDown <= detection + BfdInteropTest.SLACK_MS, "BFD Down of the active firewall's sessions " + downs
                + " ms after the freeze, bound " + (detection + BfdInteropTest.SLACK_MS) + " ms" + BfdInteropTest.loadNote());
        // The poll that first saw both tables moved ended at window[1]: the change came no later than that.
        assertTrue(window[1] <= detection + BfdInteropTest.SLACK_MS, "both tables on the standby only "
                + window[0] + " to " + window[1] + " ms after the freeze, bound " + (detection + BfdInteropTest.SLACK_MS) + " ms"
                + BfdInteropTest.loadNote());
        for (String t : List.of(b.edgeTable(), b.appTable())) System.out.println("BFD-INTEROP: " + describe(t));
        List<RouteServerPeer> peers = inVpc.call(() -> ec2.describeRouteServerPeers(r -> {}).routeServerPeers());
        for (RouteServerPeer p : peers) {
            String expected = FW1.equals(p.peerAddress()) ? "down" : "up";
            assertEquals(expected, p.bfdStatus().statusAsString(), "bfdStatus of " + p.peerAddress() + " after the freeze: " + p);
            assertEquals(expected, p.bgpStatus().statusAsString(), "bgpStatus of " + p.peerAddress() + " after the freeze: " + p);
        }

        // Failback: it thaws; BFD, then BGP, come back and both tables point at it again.
        long thawed = System.nanoTime();
        active.thaw();
        awaitTargets(b, b.eniFw1(), Duration.ofSeconds(30));
        System.out.printf("BFD-INTEROP: ingress failback: both tables on the active firewall again %d ms after kill -CONT%n",
                msSince(thawed));
        for (String t : List.of(b.edgeTable(), b.appTable())) System.out.println("BFD-INTEROP: " + describe(t));
        passed = true;
    }

    private Built build() {
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
        String subnetA = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24").availabilityZone("us-east-1a"))
                .subnet().subnetId();
        String subnetB = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.2.0/24").availabilityZone("us-east-1a"))
                .subnet().subnetId();
        String igw = ec2.createInternetGateway(r -> {}).internetGateway().internetGatewayId();
        ec2.attachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));
        String firewallTable = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
        ec2.associateRouteTable(r -> r.routeTableId(firewallTable).subnetId(subnetA));
        ec2.createRoute(r -> r.routeTableId(firewallTable).destinationCidrBlock(DEFAULT).gatewayId(igw));
        String appTable = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
        ec2.associateRouteTable(r -> r.routeTableId(appTable).subnetId(subnetB));
        String edgeTable = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
        ec2.associateRouteTable(r -> r.routeTableId(edgeTable).gatewayId(igw));
        String eniFw1 = ec2.createNetworkInterface(r -> r.subnetId(subnetA).privateIpAddress(FW1).description("firewall-az1"))
                .networkInterface().networkInterfaceId();
        String eniFw2 = ec2.createNetworkInterface(r -> r.subnetId(subnetA).privateIpAddress(FW2).description("firewall-az2"))
                .networkInterface().networkInterfaceId();
        ec2.createNetworkInterface(r -> r.subnetId(subnetB).privateIpAddress("10.0.2.10").description("application"));
        String rs = ec2.createRouteServer(r -> r.amazonSideAsn(RS_AS)).routeServer().routeServerId();
        ec2.associateRouteServer(r -> r.routeServerId(rs).vpcId(vpc));
        List<RouteServerEndpoint> endpoints = new ArrayList<>();
        for (String subnet : List.of(subnetA, subnetA, subnetB, subnetB)) {
            endpoints.add(ec2.createRouteServerEndpoint(r -> r.routeServerId(rs).subnetId(subnet)).routeServerEndpoint());
        }
        for (String t : List.of(edgeTable, appTable)) ec2.enableRouteServerPropagation(r -> r.routeServerId(rs).routeTableId(t));
        return new Built(appTable, edgeTable, firewallTable, eniFw1, eniFw2, rs, endpoints);
    }

    // ------------------------------------------------------------------------------------------ route tables

    private RouteTable table(String id) {
        return inVpc.call(() -> ec2.describeRouteTables(r -> r.routeTableIds(id)).routeTables().get(0));
    }

    /** Where the scenario's route of each table goes: 10.0.2.0/24 in the edge table, 0.0.0.0/0 in the app table. */
    private List<String> targets(Built b) {
        List<RouteTable> tables = inVpc.call(() -> ec2.describeRouteTables(r -> r.routeTableIds(b.edgeTable(), b.appTable())).routeTables());
        String edge = null, app = null;
        for (RouteTable t : tables) {
            String dest = t.routeTableId().equals(b.edgeTable()) ? APP_SUBNET : DEFAULT;
            String eni = t.routes().stream().filter(r -> dest.equals(r.destinationCidrBlock())
                    && "Advertisement".equals(r.originAsString())).map(r -> r.networkInterfaceId()).findFirst().orElse(null);
            if (t.routeTableId().equals(b.edgeTable())) edge = eni;
            else app = eni;
        }
        return java.util.Arrays.asList(edge, app);
    }

    private void awaitTargets(Built b, String eni, Duration timeout) {
        await("edge table " + APP_SUBNET + " and app table " + DEFAULT + " -> " + eni, timeout,
                () -> targets(b).equals(List.of(eni, eni)));
    }

    /**
     * Polls both tables back to back until both point at {@code eni}; returns, in ms since {@code since}, when the
     * last poll that did not see it started and when the first one that did ended: the change happened in between.
     */
    private long[] pollTargets(Built b, String eni, long since, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        long previousStart = since;
        List<String> seen = null;
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            seen = targets(b);
            if (seen.equals(List.of(eni, eni))) return new long[] {(previousStart - since) / 1_000_000, msSince(since)};
            previousStart = start;
            sleep(2);
        }
        fail("both tables did not move to " + eni + " within " + timeout.toMillis() + " ms: " + seen + "\n" + logs());
        return null;
    }

    private Map<String, PeerXml> pollBfdDown(List<String> ids, Instant after, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        Map<String, PeerXml> all = null;
        while (System.nanoTime() < end) {
            all = inVpc.call(query::peers);
            Map<String, PeerXml> now = all;
            if (ids.stream().allMatch(id -> now.get(id).first("BFDStatus", "DOWN", after).isPresent())) return all;
            sleep(20);
        }
        fail("not every session of the active firewall had a BFD DOWN event:\n" + (all == null ? "" : all.values().stream()
                .map(PeerXml::xml).toList()) + "\n" + logs());
        return null;
    }

    /** Waits until every peer's BFD and BGP are up and no peer had a new event for {@code window}. */
    private void awaitStable(Duration window, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        long quietSince = System.nanoTime();
        Map<String, String> lastSeen = Map.of();
        while (System.nanoTime() < end) {
            Map<String, PeerXml> all = inVpc.call(query::peers);
            Map<String, String> seen = new HashMap<>();
            boolean up = true;
            for (var e : all.entrySet()) {
                List<PeerEvent> events = e.getValue().events();
                seen.put(e.getKey(), events.size() + "@" + (events.isEmpty() ? "" : events.get(events.size() - 1).time()));
                up &= "up".equals(e.getValue().bgpStatus()) && "up".equals(e.getValue().bfdStatus());
            }
            if (!up || !seen.equals(lastSeen)) {
                quietSince = System.nanoTime();
                lastSeen = seen;
            }
            if (up && System.nanoTime() - quietSince >= window.toNanos()) return;
            sleep(200);
        }
        fail("the 8 sessions did not stay up for " + window.toSeconds() + " s\n" + logs() + BfdInteropTest.loadNote());
    }

    private String describe(String tableId) {
        RouteTable t = table(tableId);
        StringBuilder s = new StringBuilder(tableId).append(':');
        t.routes().forEach(r -> s.append(' ').append(r.destinationCidrBlock()).append(" -> ")
                .append(r.networkInterfaceId() != null ? r.networkInterfaceId() : r.gatewayId())
                .append(" (").append(r.originAsString()).append(')'));
        return s.toString();
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return;
            sleep(100);
        }
        fail("timed out after " + timeout.toSeconds() + " s waiting for: " + what + "\n" + logs());
    }
}
