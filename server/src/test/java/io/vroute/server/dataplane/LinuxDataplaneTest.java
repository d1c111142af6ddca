package io.vroute.server.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.vpc.Cidr;
import io.vroute.vpc.Network;
import io.vroute.vpc.NetworkInterface;
import io.vroute.vpc.NewInterface;
import io.vroute.vpc.RouteChange;
import io.vroute.vpc.RouteTable;
import io.vroute.vpc.Subnet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Linux data plane against the real kernel, with real packets: the spec's scenario 1 (a floating IP that follows
 * the route server's choice between two instances) and scenario 2 (internet traffic to an application crosses a
 * firewall because the internet gateway's edge table says so), repair after hand edits, a restart, a VPC taken out.
 * Every namespace is {@code vrt-h-<pid>-...} and is deleted after each test, failed or not.
 */
class LinuxDataplaneTest {
    private final KernelLayout layout = Host.layout();
    private final String nsA = Host.namespace("a");
    private final String nsB = Host.namespace("b");
    private final String nsTest = Host.namespace("test");
    private LinuxDataplane dataplane;

    @BeforeEach
    void start() {
        Host.requireRoot();
        Host.sweep();
        dataplane = LinuxDataplane.start(layout);
    }

    @AfterEach
    void stop() throws Exception {
        if (dataplane == null) {
            return;
        }
        try {
            dataplane.reconcile(KernelPlan.empty(layout)).get(60, TimeUnit.SECONDS);
        } finally {
            dataplane.close();
            Host.sweep();
        }
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(60, TimeUnit.SECONDS);
    }

    private Report reconcile(Network network) throws Exception {
        Report report = await(dataplane.reconcile(network));
        assertTrue(report.succeeded(), report.toString());
        return report;
    }

    private static long echoes(String namespace) {
        return Host.counter(namespace, "Icmp", "InEchos");
    }

    /** Pings 172.16.1.1 three times from the test instance; returns how many echo requests A and B each got. */
    private long[] pingFloatingIp() {
        long a = echoes(nsA);
        long b = echoes(nsB);
        Host.Result ping = Host.ping(nsTest, "-c", "3", "172.16.1.1");
        assertEquals(0, ping.exit(), "ping 172.16.1.1 from the test instance: " + ping.both());
        return new long[] {echoes(nsA) - a, echoes(nsB) - b};
    }

    private FloatingIpVpc floatingIpOnA() throws Exception {
        FloatingIpVpc vpc = new FloatingIpVpc(nsA, nsB, nsTest);
        vpc.floatingIpTo(vpc.a);
        Report first = reconcile(vpc.network);
        assertTrue(first.created() > 20, "namespaces, bridges, veths, addresses, routes, rules: " + first);
        for (String instance : List.of(nsA, nsB)) {
            Host.ip(instance, "address", "add", "172.16.1.1/32", "dev", "lo");
        }
        return vpc;
    }

    @Test
    void theFloatingIpAnswersFromTheActiveInstanceAndFollowsTheFastPathToTheStandby() throws Exception {
        FloatingIpVpc vpc = floatingIpOnA();
        assertEquals("[3, 0]", java.util.Arrays.toString(pingFloatingIp()), "A answers, B hears nothing");

        for (Map.Entry<String, List<RouteChange>> table : vpc.floatingIpTo(vpc.b).entrySet()) {
            Report moved = await(dataplane.routes(vpc.network, table.getKey(), table.getValue()));
            assertEquals(1, moved.changed(), moved.toString());
            assertTrue(moved.succeeded(), moved.toString());
        }
        assertEquals("[0, 3]", java.util.Arrays.toString(pingFloatingIp()), "B answers now");
        String routes = Host.ip(layout.routerNamespace(vpc.vpc), "route", "show", "table",
                Integer.toString(layout.table(vpc.clientTable().routeTableId())));
        assertTrue(routes.contains("172.16.1.1 via 10.0.2.10 dev " + layout.bridge(vpc.az2.subnetId())
                + " proto 249 metric 11"), "moved to the other metric, the old route deleted:\n" + routes);
        assertFalse(routes.contains("10.0.1.10"), routes);

        Report again = reconcile(vpc.network);
        assertTrue(again.clean(), "the kernel already is what the model says: " + again);
    }

    @Test
    void handEditsAreRepairedAndReportedAndAnotherOwnersRouteIsLeftAlone() throws Exception {
        FloatingIpVpc vpc = floatingIpOnA();
        String router = layout.routerNamespace(vpc.vpc);
        String table = Integer.toString(layout.table(vpc.clientTable().routeTableId()));
        String clients = layout.bridge(vpc.clients.subnetId());
        String az1 = layout.bridge(vpc.az1.subnetId());
        Host.ip(router, "route", "add", "192.0.2.0/24", "via", "10.0.3.10", "table", table, "proto", "static");
        Host.ip(router, "route", "del", "172.16.1.1/32", "table", table);
        Host.ip(router, "rule", "del", "pref", "1000", "iif", clients);
        Host.ip(router, "address", "del", "10.0.1.1/24", "dev", az1);
        Host.ip(router, "link", "set", layout.interfaceLink(vpc.a.networkInterfaceId()), "down");
        Host.ip(router, "route", "add", "198.51.100.0/24", "dev", az1, "table", table, "proto", "249", "metric", "10");
        Host.exec(router, "sysctl", "-qw", "net.ipv4.ip_forward=0");
        assertNotEquals(0, Host.ping(nsTest, "-c", "1", "172.16.1.1").exit(), "the hand edits broke the path");

        Report repair = await(dataplane.repair());
        assertTrue(repair.succeeded(), repair.toString());
        String details = String.join("\n", repair.details());
        for (String expected : List.of("repaired route 172.16.1.1/32 via 10.0.1.10 dev " + az1,
                "repaired rule 1000: iif " + clients + " lookup " + table, "repaired address 10.0.1.1/24 on " + az1,
                "repaired link " + layout.interfaceLink(vpc.a.networkInterfaceId()),
                "repaired setting net/ipv4/ip_forward=1", "removed route 198.51.100.0/24")) {
            assertTrue(details.contains(expected), "the report says '" + expected + "':\n" + repair);
        }
        // Without its primary address the bridge loses its secondaries (the endpoints') and the kernel flushes
        // every route through it, in every table: all of that comes back as repaired.
        assertEquals(1, repair.removed(), repair.toString());
        assertEquals(0, repair.created() + repair.changed(), repair.toString());
        assertTrue(details.contains("repaired address 10.0.1.4/24 on " + az1), repair.toString());
        assertEquals("[3, 0]", java.util.Arrays.toString(pingFloatingIp()), "repaired: A answers again");

        String routes = Host.ip(router, "route", "show", "table", table);
        assertTrue(routes.contains("192.0.2.0/24 via 10.0.3.10 dev " + clients + " proto static"),
                "another owner's route stays:\n" + routes);
        List<DumpedRoute> dumped = await(dataplane.dump(vpc.clientTable().routeTableId()));
        DumpedRoute foreign = dumped.stream().filter(r -> r.destination().equals(Cidr.parse("192.0.2.0/24")))
                .findFirst().orElseThrow();
        assertFalse(foreign.owned());
        assertEquals(4, foreign.protocol(), "static");
        assertTrue(dumped.stream().anyMatch(r -> r.owned() && r.toString().equals("172.16.1.1/32 via 10.0.1.10 dev "
                + az1 + " proto 249 metric 10")), dumped.toString());

        Report quiet = await(dataplane.repair());
        assertTrue(quiet.clean(), "nothing left to repair: " + quiet);
    }

    @Test
    void aRouteOfAnotherOwnerThatTakesVroutesMetricIsReportedNotReplaced() throws Exception {
        FloatingIpVpc vpc = floatingIpOnA();
        String router = layout.routerNamespace(vpc.vpc);
        String table = Integer.toString(layout.table(vpc.clientTable().routeTableId()));
        Host.ip(router, "route", "add", "203.0.113.0/24", "via", "10.0.3.10", "table", table, "proto", "static",
                "metric", "10");
        Host.ip(router, "route", "add", "203.0.113.0/24", "via", "10.0.3.10", "table", table, "proto", "static",
                "metric", "11");
        vpc.network.createRoute(vpc.clientTable().routeTableId(), "203.0.113.0/24", null, vpc.a.networkInterfaceId());
        Report report = await(dataplane.reconcile(vpc.network));
        assertEquals(1, report.failed(), report.toString());
        assertTrue(report.failures().getFirst().contains("vroute never replaces a route it does not own"),
                report.failures().getFirst());
        String routes = Host.ip(router, "route", "show", "table", table);
        assertTrue(routes.contains("203.0.113.0/24 via 10.0.3.10 dev " + layout.bridge(vpc.clients.subnetId())
                + " proto static metric 10"), routes);
    }

    @Test
    void aRestartedDataPlaneFindsEverythingInPlace() throws Exception {
        FloatingIpVpc vpc = floatingIpOnA();
        dataplane.close();
        dataplane = LinuxDataplane.start(layout);
        Report report = reconcile(vpc.network);
        assertTrue(report.clean(), "nothing to do after a restart: " + report);
        assertEquals("[3, 0]", java.util.Arrays.toString(pingFloatingIp()));
    }

    @Test
    void aDeletedInterfaceLosesItsVethAndTheNamespaceVrouteMadeForIt() throws Exception {
        FloatingIpVpc vpc = floatingIpOnA();
        String router = layout.routerNamespace(vpc.vpc);
        vpc.network.deleteNetworkInterface(vpc.b.networkInterfaceId());
        Report report = reconcile(vpc.network);
        assertTrue(report.details().contains("removed namespace " + nsB), report.toString());
        assertFalse(Host.exists(nsB));
        assertFalse(Host.ip(router, "link").contains(layout.interfaceLink(vpc.b.networkInterfaceId())));
        assertTrue(Host.ip(router, "link").contains(layout.interfaceLink(vpc.a.networkInterfaceId())));
    }

    @Test
    void aVpcGoneFromTheModelIsGoneFromTheKernelButANamespaceVrouteDidNotMakeStays() throws Exception {
        String own = Host.namespace("own");
        Host.run(List.of("ip", "netns", "add", own));
        FloatingIpVpc vpc = new FloatingIpVpc(nsA, nsB, own);
        reconcile(vpc.network);
        String router = layout.routerNamespace(vpc.vpc);
        for (String ns : List.of(router, layout.internetNamespace(), nsA, nsB, own)) {
            assertTrue(Host.exists(ns), ns);
        }
        assertTrue(Host.ip(own, "address").contains("10.0.3.10/24"), "the test instance's veth is in " + own);

        Report gone = reconcile(new Network());
        for (String ns : List.of(router, layout.internetNamespace(), nsA, nsB)) {
            assertFalse(Host.exists(ns), ns + " is gone: " + gone);
            assertTrue(gone.details().contains("removed namespace " + ns), gone.toString());
        }
        assertTrue(Host.exists(own), "vroute did not make " + own + ", so it stays");
        assertFalse(Host.ip(own, "link").contains("eth0"), "its end of the veth went with the router");
    }

    @Test
    void internetTrafficToTheAppCrossesTheFirewallThatTheEdgeTableNames() throws Exception {
        String nsFirewall = Host.namespace("fw");
        String nsApp = Host.namespace("app");
        Network network = new Network(new SplittableRandom(21));
        String vpc = network.createVpc("10.0.0.0/16").vpcId();
        Subnet firewalls = network.createSubnet(vpc, "10.0.1.0/24", "us-east-1a");
        Subnet app = network.createSubnet(vpc, "10.0.2.0/24", "us-east-1a");
        String igw = network.createInternetGateway().internetGatewayId();
        network.attachInternetGateway(igw, vpc);
        NetworkInterface firewall = network.createNetworkInterface(NewInterface.in(firewalls.subnetId())
                .withPrivateIpAddress("10.0.1.10"));
        network.tag(firewall.networkInterfaceId(), Map.of(KernelLayout.NAMESPACE_TAG, nsFirewall));
        network.setSourceDestCheck(firewall.networkInterfaceId(), false);
        NetworkInterface server = network.createNetworkInterface(NewInterface.in(app.subnetId())
                .withPrivateIpAddress("10.0.2.10"));
        network.tag(server.networkInterfaceId(), Map.of(KernelLayout.NAMESPACE_TAG, nsApp));

        RouteTable firewallTable = network.createRouteTable(vpc);
        network.createRoute(firewallTable.routeTableId(), "0.0.0.0/0", igw, null);
        network.associateRouteTable(firewallTable.routeTableId(), firewalls.subnetId(), null);
        RouteTable appTable = network.createRouteTable(vpc);
        network.associateRouteTable(appTable.routeTableId(), app.subnetId(), null);
        RouteTable edge = network.createRouteTable(vpc);
        network.associateRouteTable(edge.routeTableId(), null, igw);
        // what the route server propagates from the active firewall (scenario 2)
        Cidr appBlock = Cidr.parse("10.0.2.0/24");
        network.setPropagated(appTable.routeTableId(), Cidr.parse("0.0.0.0/0"), FloatingIpVpc.ROUTE_SERVER,
                firewall.networkInterfaceId(), "10.0.1.10");
        network.setPropagated(edge.routeTableId(), appBlock, FloatingIpVpc.ROUTE_SERVER,
                firewall.networkInterfaceId(), "10.0.1.10");
        reconcile(network);

        String internet = layout.internetNamespace();
        Host.ip(internet, "address", "add", "198.51.100.7/32", "dev", "lo");
        long forwarded = Host.counter(nsFirewall, "Ip", "ForwDatagrams");
        Host.Result ping = Host.ping(internet, "-c", "3", "-I", "198.51.100.7", "10.0.2.10");
        assertEquals(0, ping.exit(), "ping from the internet to the app: " + ping.both());
        assertEquals(6, Host.counter(nsFirewall, "Ip", "ForwDatagrams") - forwarded,
                "the firewall forwarded the 3 requests (edge table) and the 3 replies (app table)");

        network.removePropagated(edge.routeTableId(), appBlock, FloatingIpVpc.ROUTE_SERVER);
        Report withdrawn = await(dataplane.routes(network, edge.routeTableId(),
                List.of(RouteBatch.propagated(network, edge.routeTableId(), appBlock, null, null))));
        assertEquals(1, withdrawn.changed(), "the app block is local again in the edge table: " + withdrawn);
        forwarded = Host.counter(nsFirewall, "Ip", "ForwDatagrams");
        ping = Host.ping(internet, "-c", "3", "-I", "198.51.100.7", "10.0.2.10");
        assertEquals(0, ping.exit(), ping.both());
        assertEquals(3, Host.counter(nsFirewall, "Ip", "ForwDatagrams") - forwarded,
                "requests go straight to the app now; only the replies cross the firewall");
    }

    @Test
    void ipv6CrossesSubnetsAndReachesAPropagatedAddress() throws Exception {
        String nsX = Host.namespace("x6");
        String nsY = Host.namespace("y6");
        Network network = new Network(new SplittableRandom(31));
        String vpc = network.createVpc("10.0.0.0/16", "fd00:10::/56", false, null).vpcId();
        Subnet one = network.createSubnet(vpc, "10.0.1.0/24", "fd00:10:0:1::/64", null);
        Subnet two = network.createSubnet(vpc, "10.0.2.0/24", "fd00:10:0:2::/64", null);
        NetworkInterface x = network.createNetworkInterface(NewInterface.in(one.subnetId())
                .withPrivateIpAddress("10.0.1.10").withIpv6Address("fd00:10:0:1::10"));
        NetworkInterface y = network.createNetworkInterface(NewInterface.in(two.subnetId())
                .withPrivateIpAddress("10.0.2.10").withIpv6Address("fd00:10:0:2::10"));
        network.tag(x.networkInterfaceId(), Map.of(KernelLayout.NAMESPACE_TAG, nsX));
        network.tag(y.networkInterfaceId(), Map.of(KernelLayout.NAMESPACE_TAG, nsY));
        String main = network.mainRouteTable(vpc).routeTableId();
        network.setPropagated(main, Cidr.parse("fd00:99::1/128"), FloatingIpVpc.ROUTE_SERVER,
                x.networkInterfaceId(), "fd00:10:0:1::10");
        reconcile(network);
        Host.ip(nsX, "address", "add", "fd00:99::1/128", "dev", "lo");

        Host.Result across = Host.ping(nsY, "-6", "-c", "3", "fd00:10:0:1::10");
        assertEquals(0, across.exit(), "from subnet two to subnet one over IPv6: " + across.both());
        long echoes = Host.counter(nsX, "Icmp6", "InEchos");
        Host.Result propagated = Host.ping(nsY, "-6", "-c", "3", "fd00:99::1");
        assertEquals(0, propagated.exit(), propagated.both());
        assertEquals(3, Host.counter(nsX, "Icmp6", "InEchos") - echoes);
        Host.Result v4 = Host.ping(nsY, "-c", "1", "10.0.1.10");
        assertEquals(0, v4.exit(), "IPv4 still works beside it: " + v4.both());
        assertTrue(reconcile(network).clean());
    }

    /**
     * A failover that moves many prefixes at once (an appliance with a large table goes down): one batch, one table,
     * every route moved to the standby without a moment without a route, and a repair afterwards finds nothing.
     */
    @Test
    void tenThousandPrefixesMoveToTheStandbyInOneBatch() throws Exception {
        FloatingIpVpc vpc = new FloatingIpVpc(nsA, nsB, nsTest);
        String table = vpc.clientTable().routeTableId();
        int count = 10_000;
        List<Cidr> prefixes = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Cidr prefix = Cidr.parse("100." + (64 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256) + "/32");
            prefixes.add(prefix);
            vpc.network.setPropagated(table, prefix, FloatingIpVpc.ROUTE_SERVER, vpc.a.networkInterfaceId(), "10.0.1.10");
        }
        Report first = reconcile(vpc.network);
        List<RouteChange> changes = new java.util.ArrayList<>(count);
        for (Cidr prefix : prefixes) {
            vpc.network.setPropagated(table, prefix, FloatingIpVpc.ROUTE_SERVER, vpc.b.networkInterfaceId(), "10.0.2.10");
            changes.add(RouteBatch.propagated(vpc.network, table, prefix, vpc.b.networkInterfaceId(), "10.0.2.10"));
        }
        Report moved = await(dataplane.routes(vpc.network, table, changes));
        assertEquals(count, moved.changed(), moved.summary());
        assertTrue(moved.succeeded(), moved.toString());
        System.out.printf("%d prefixes: first reconcile (all tables) %.1f ms; moved to the standby in one batch "
                        + "(%d adds + %d deletes) %.1f ms from the call to the last ack%n", count,
                first.elapsed().toNanos() / 1e6, count, count, moved.elapsed().toNanos() / 1e6);
        List<DumpedRoute> routes = await(dataplane.dump(table));
        assertEquals(count, routes.stream().filter(r -> r.gateway() != null && Inet.text(r.gateway()).equals("10.0.2.10")
                && r.destination().toString().startsWith("100.")).count());
        assertEquals(0, routes.stream().filter(r -> r.gateway() != null && Inet.text(r.gateway()).equals("10.0.1.10"))
                .count(), "no route left on the failed appliance");
        Report repair = await(dataplane.repair());
        assertTrue(repair.clean(), repair.summary());
    }

    /**
     * The fast path's latency for one-route changes, from the call on the control thread to the kernel's ack
     * (measured on the data-plane thread, {@link Report#elapsed()}) and to the caller seeing the answer. The spec
     * gives BFD Down to kernel route replaced 10 ms at p99; the data plane's part must be far below.
     */
    @Test
    void aOneRouteChangeReachesTheKernelWellWithinTenMilliseconds() throws Exception {
        FloatingIpVpc vpc = floatingIpOnA();
        String table = vpc.clientTable().routeTableId();
        int rounds = 1000;
        long[] toAck = new long[rounds];
        long[] toCaller = new long[rounds];
        for (int i = -200; i < rounds; i++) {
            NetworkInterface target = (i & 1) == 0 ? vpc.b : vpc.a;
            vpc.network.setPropagated(table, FloatingIpVpc.FLOATING_IP, FloatingIpVpc.ROUTE_SERVER,
                    target.networkInterfaceId(), target.privateIpAddress());
            long start = System.nanoTime();
            Report report = dataplane.routes(vpc.network, table, List.of(RouteBatch.propagated(vpc.network, table,
                    FloatingIpVpc.FLOATING_IP, target.networkInterfaceId(), target.privateIpAddress()))).get();
            long seen = System.nanoTime() - start;
            assertEquals(1, report.changed(), report.toString());
            if (i >= 0) {
                toAck[i] = report.elapsed().toNanos();
                toCaller[i] = seen;
            }
        }
        java.util.Arrays.sort(toAck);
        java.util.Arrays.sort(toCaller);
        double p50 = toAck[rounds / 2] / 1e6;
        double p99 = toAck[rounds * 99 / 100] / 1e6;
        System.out.printf("fast path, one route changed (add + delete in one send), %d rounds: call to kernel ack "
                        + "p50 %.3f ms p99 %.3f ms max %.3f ms; call to caller seeing it p50 %.3f ms p99 %.3f ms%n",
                rounds, p50, p99, toAck[rounds - 1] / 1e6, toCaller[rounds / 2] / 1e6, toCaller[rounds * 99 / 100] / 1e6);
        assertTrue(p99 < 10.0, "p99 " + p99 + " ms");
        assertTrue(Host.ip(layout.routerNamespace(vpc.vpc), "route", "show", "table",
                Integer.toString(layout.table(table))).contains("172.16.1.1 via 10.0.1.10"), "the last change won");
    }
}
