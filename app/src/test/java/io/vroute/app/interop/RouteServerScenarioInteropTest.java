package io.vroute.app.interop;

import static io.vroute.app.interop.Interop.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteServerEndpoint;
import software.amazon.awssdk.services.ec2.model.RouteServerPeer;
import software.amazon.awssdk.services.ec2.model.RouteServerRoute;
import software.amazon.awssdk.services.ec2.model.RouteTable;

/**
 * The seed's scenario 1 as a user builds it: the AWS SDK drives {@code vroute serve}; two real gobgpd appliances (the
 * standby prepends its AS path) advertise the floating IP 172.16.1.1/32 to two endpoints each; the route tables follow
 * the active appliance, fail over to the standby when the active one freezes, fail back when it thaws, and everything
 * comes back after vroute restarts.
 */
class RouteServerScenarioInteropTest {
    private static final String FLOATING = "172.16.1.1/32";
    private Lab lab;
    private VrouteServe serve;
    private InNamespace inVpc;
    private boolean passed;

    @BeforeEach
    void setUp(TestInfo info) {
        Interop.require(Interop.GOBGPD, Interop.GOBGP);
        lab = Lab.create("rs");
    }

    @AfterEach
    void tearDown() {
        if (inVpc != null) inVpc.close();
        if (lab != null) {
            if (!passed) lab.keepLogs();
            lab.close();
        }
    }

    record Built(String vpcId, List<String> tables, String eniA, String eniB, String rsId,
                 List<RouteServerEndpoint> endpointsA, List<RouteServerEndpoint> endpointsB) {}

    @Test
    void floatingIpFollowsTheActiveApplianceThroughFailoverFailbackAndRestart() {
        String vpcNs = lab.routeServer("vpc");
        serve = new VrouteServe(lab, vpcNs, lab.dir().resolve("data"), "--hold-time", "9").start();
        inVpc = new InNamespace(vpcNs);
        Ec2Client ec2 = inVpc.call(serve::client);
        Built b = inVpc.call(() -> build(ec2));

        // Until their addresses are on an interface, the endpoints say so (and how to fix it).
        String reason = inVpc.call(() -> ec2.describeRouteServerEndpoints(r -> {}).routeServerEndpoints().get(0).failureReason());
        assertTrue(reason != null && reason.contains("not on any interface"), "endpoint failureReason: " + reason);
        // The endpoints' addresses appear on the VPC segment, as the Linux data plane would do it.
        List<String> addrA = new ArrayList<>(), addrB = new ArrayList<>();
        for (RouteServerEndpoint e : b.endpointsA()) addrA.add(e.eniAddress());
        for (RouteServerEndpoint e : b.endpointsB()) addrB.add(e.eniAddress());
        for (String a : addrA) Lab.run("ip", "-n", vpcNs, "addr", "add", a + "/24", "dev", "br0");
        for (String a : addrB) Lab.run("ip", "-n", vpcNs, "addr", "add", a + "/24", "dev", "br0");
        assertTrue(inVpc.call(() -> ec2.describeRouteServerEndpoints(r -> {}).routeServerEndpoints().stream()
                .allMatch(e -> e.failureReason() == null)), "addresses present: no failure reason left");
        String az1 = lab.host("az1", vpcNs, "10.0.1.10/24");
        String az2 = lab.host("az2", vpcNs, "10.0.2.10/24");
        GoBgp active = new GoBgp(lab, az1, "instance-rs-az1", 65001, "10.0.1.10", List.of("10.0.1.10"),
                addrA.stream().map(a -> GoBgp.Neighbor.dualStack(a, 65000)).toList(), 9).start();
        GoBgp standby = new GoBgp(lab, az2, "instance-rs-az2", 65001, "10.0.2.10", List.of("10.0.2.10"),
                addrB.stream().map(a -> GoBgp.Neighbor.ipv4(a, 65000)).toList(), 9).start();
        active.cli("global", "rib", "add", FLOATING);
        standby.cli("global", "rib", "add", FLOATING, "aspath", "65001,65001");

        // Four advertisements, one in the FIB: the active instance's.
        await("four routes, one in-fib via 10.0.1.10", Duration.ofSeconds(40), () -> {
            List<RouteServerRoute> routes = inVpc.call(() -> routingDatabase(ec2, b.rsId()));
            long inFib = routes.stream().filter(r -> r.routeStatusAsString().equals("in-fib")).count();
            return routes.size() == 4 && inFib == 1 && routes.stream()
                    .anyMatch(r -> r.routeStatusAsString().equals("in-fib") && "10.0.1.10".equals(r.nextHopIp()));
        });
        for (String t : b.tables()) awaitTarget(ec2, t, b.eniA(), Duration.ofSeconds(5));
        Route installed = inVpc.call(() -> floatingRoute(ec2, b.tables().get(0)));
        assertEquals("Advertisement", installed.originAsString(), "origin of the installed route: " + installed);

        // IPv6 over the same sessions (MP-BGP, RFC 4760): the next hop is the active instance's IPv6 address.
        active.cli("global", "rib", "-a", "ipv6", "add", "2001:db8:100::/48", "nexthop", "fd00:10:0:1::10");
        await("2001:db8:100::/48 -> " + b.eniA(), Duration.ofSeconds(20), () -> inVpc.call(() ->
                ec2.describeRouteTables(r -> r.routeTableIds(b.tables().get(2))).routeTables().get(0).routes().stream()
                        .anyMatch(r -> "2001:db8:100::/48".equals(r.destinationIpv6CidrBlock()) && b.eniA().equals(r.networkInterfaceId()))));

        // Failover: the active appliance hangs; after the hold time the tables point at the standby.
        long t0 = System.nanoTime();
        active.freeze();
        for (String t : b.tables()) awaitTarget(ec2, t, b.eniB(), Duration.ofSeconds(20));
        double failover = (System.nanoTime() - t0) / 1e9;
        System.out.printf("failover after freeze: %.1f s (hold time 9 s)%n", failover);
        assertTrue(failover > 5, "routes moved before the hold time could expire: " + failover + " s");

        // Failback: it thaws, its sessions come back, the tables point at it again.
        active.thaw();
        for (String t : b.tables()) awaitTarget(ec2, t, b.eniA(), Duration.ofSeconds(40));

        // Restart vroute: same resources, routes kept while the sessions return, then re-learned.
        assertEquals(0, serve.stop(), "vroute serve must exit 0 on SIGTERM:\n" + Lab.tail(serve.log(), 20));
        serve.start();
        Ec2Client again = inVpc.call(serve::client);
        assertEquals(b.rsId(), inVpc.call(() -> again.describeRouteServers(r -> {}).routeServers().get(0).routeServerId()));
        List<RouteServerPeer> peers = inVpc.call(() -> again.describeRouteServerPeers(r -> {}).routeServerPeers());
        assertEquals(4, peers.size());
        for (String t : b.tables()) awaitTarget(again, t, b.eniA(), Duration.ofSeconds(5));
        await("four routes again after the restart", Duration.ofSeconds(40), () -> {
            List<RouteServerRoute> routes = inVpc.call(() -> routingDatabase(again, b.rsId()));
            return routes.size() == 4;
        });
        for (String t : b.tables()) awaitTarget(again, t, b.eniA(), Duration.ofSeconds(5));
        passed = true;
    }

    private static Built build(Ec2Client ec2) {
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16").ipv6CidrBlock("fd00:10::/56")).vpc().vpcId();
        String s1 = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24").ipv6CidrBlock("fd00:10:0:1::/64").availabilityZone("us-east-1a")).subnet().subnetId();
        String s2 = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.2.0/24").availabilityZone("us-east-1b")).subnet().subnetId();
        String s3 = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.3.0/24").availabilityZone("us-east-1a")).subnet().subnetId();
        String igw = ec2.createInternetGateway(r -> {}).internetGateway().internetGatewayId();
        ec2.attachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));
        List<String> tables = new ArrayList<>();
        for (String s : List.of(s1, s2, s3)) {
            String t = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
            ec2.associateRouteTable(r -> r.routeTableId(t).subnetId(s));
            ec2.createRoute(r -> r.routeTableId(t).destinationCidrBlock("0.0.0.0/0").gatewayId(igw));
            tables.add(t);
        }
        String eniA = ec2.createNetworkInterface(r -> r.subnetId(s1).privateIpAddress("10.0.1.10").description("instance-rs-az1")
                        .ipv6Addresses(a -> a.ipv6Address("fd00:10:0:1::10")))
                .networkInterface().networkInterfaceId();
        String eniB = ec2.createNetworkInterface(r -> r.subnetId(s2).privateIpAddress("10.0.2.10").description("instance-rs-az2"))
                .networkInterface().networkInterfaceId();
        ec2.createNetworkInterface(r -> r.subnetId(s3).privateIpAddress("10.0.3.10").description("test-instance"));
        String rs = ec2.createRouteServer(r -> r.amazonSideAsn(65000L)).routeServer().routeServerId();
        ec2.associateRouteServer(r -> r.routeServerId(rs).vpcId(vpc));
        List<RouteServerEndpoint> epA = new ArrayList<>(), epB = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            epA.add(ec2.createRouteServerEndpoint(r -> r.routeServerId(rs).subnetId(s1)).routeServerEndpoint());
            epB.add(ec2.createRouteServerEndpoint(r -> r.routeServerId(rs).subnetId(s2)).routeServerEndpoint());
        }
        List<RouteServerEndpoint> all = new ArrayList<>(epA);
        all.addAll(epB);
        for (RouteServerEndpoint e : all) awaitEndpointAvailable(ec2, e.routeServerEndpointId());
        for (RouteServerEndpoint e : epA) {
            ec2.createRouteServerPeer(r -> r.routeServerEndpointId(e.routeServerEndpointId()).peerAddress("10.0.1.10")
                    .bgpOptions(o -> o.peerAsn(65001L)));
        }
        for (RouteServerEndpoint e : epB) {
            ec2.createRouteServerPeer(r -> r.routeServerEndpointId(e.routeServerEndpointId()).peerAddress("10.0.2.10")
                    .bgpOptions(o -> o.peerAsn(65001L)));
        }
        for (String t : tables) ec2.enableRouteServerPropagation(r -> r.routeServerId(rs).routeTableId(t));
        return new Built(vpc, tables, eniA, eniB, rs, epA, epB);
    }

    private static void awaitEndpointAvailable(Ec2Client ec2, String id) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            String state = ec2.describeRouteServerEndpoints(r -> r.routeServerEndpointIds(id)).routeServerEndpoints().get(0).stateAsString();
            if (state.equals("available")) return;
            sleep(100);
        }
        fail("endpoint " + id + " did not become available");
    }

    private static List<RouteServerRoute> routingDatabase(Ec2Client ec2, String rsId) {
        return ec2.getRouteServerRoutingDatabase(r -> r.routeServerId(rsId)).routes().stream()
                .filter(r -> FLOATING.equals(r.prefix())).toList();
    }

    private static Route floatingRoute(Ec2Client ec2, String table) {
        RouteTable t = ec2.describeRouteTables(r -> r.routeTableIds(table)).routeTables().get(0);
        return t.routes().stream().filter(r -> FLOATING.equals(r.destinationCidrBlock())).findFirst().orElse(null);
    }

    private void awaitTarget(Ec2Client ec2, String table, String eni, Duration timeout) {
        await(table + ": " + FLOATING + " -> " + eni, timeout, () -> {
            Route r = inVpc.call(() -> floatingRoute(ec2, table));
            return r != null && eni.equals(r.networkInterfaceId());
        });
    }

    private void await(String what, Duration timeout, Supplier<Boolean> condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.get()) return;
            sleep(200);
        }
        fail("timed out after " + timeout.toSeconds() + " s waiting for: " + what + "\nvroute log:\n"
                + Lab.tail(serve.log(), 40));
    }
}
