package io.vroute.app.interop;

import static io.vroute.app.interop.Interop.msSince;
import static io.vroute.app.interop.Interop.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vroute.api.QueryClient;
import io.vroute.server.dataplane.KernelLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RouteServerEndpoint;
import software.amazon.awssdk.services.ec2.model.RouteServerPeer;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The spec's two scenarios with real packets through {@code vroute serve --dataplane linux}: the daemon runs in the
 * host namespace with a lab-owned {@code --netns-prefix} and builds each VPC in the kernel (router namespace, bridges,
 * a kernel table per route table, policy rules, the internet namespace); every network interface is tagged
 * {@code vroute:netns} so that it becomes a veth into a namespace of its own, where the appliance daemons run. All of it
 * is made through the AWS SDK against the daemon's API (and vroute's Query client for the BFD timers, an extension).
 *
 * <pre>
 *  scenario 1 (floating IP, gobgpd, hold time 3 s)          scenario 2 (ingress inspection, FRR and BIRD with BFD 100 ms x 3)
 *   az1    10.0.1.10 + 172.16.1.1/32 on lo (active)           fw-a 10.0.1.10 FRR (active)   fw-b 10.0.1.11 BIRD (standby)
 *   az2    10.0.2.10 + 172.16.1.1/32 on lo (standby)          app  10.0.2.10                 subnet A: 2 endpoints
 *   client 10.0.3.10 pings 172.16.1.1                          PREFIX+internet: 198.51.100.10 on lo pings the app
 *   three subnets, three tables with propagation               edge table (IGW): 10.0.2.0/24 propagated
 *                                                              app table: 0.0.0.0/0 propagated; firewall table: 0.0.0.0/0 -> igw
 * </pre>
 * Who carried a packet is read from the kernel's own counters in each instance namespace ({@code /proc/net/snmp}):
 * {@code Icmp InEchos} of the instance that answered (scenario 1), {@code Ip ForwDatagrams} of the firewall that
 * forwarded (scenario 2). Scenario 2 fails over twice: once with only the active firewall's daemons frozen (its kernel
 * still forwards, so a make-before-break table change loses nothing), once with its forwarding blackholed as well (a
 * dead firewall: the 10 ms ping's outage is detection plus the table change). The reconciler test kills the daemon
 * with {@code kill -9}, edits a kernel table by hand and starts the daemon again on the same data directory. Numbers
 * are printed with the prefix {@code DATAPLANE-INTEROP:}.
 */
class DataplaneInteropTest {
    static final long RS_AS = 65000;
    static final long AP_AS = 65001;
    static final String TAG = KernelLayout.NAMESPACE_TAG;
    /** Bound on how long after the detection time the kernel table may change: BFD's own slack, the poll, the load. */
    static final long KERNEL_SLACK_MS = 250;

    private Lab lab;
    private VrouteServe serve;
    private Ec2Client ec2;
    private QueryClient query;
    private final List<Daemon> daemons = new ArrayList<>();
    private boolean passed;

    @AfterEach
    void tearDown() {
        try {
            if (!passed && lab != null) {
                lab.keepLogs();
                System.out.println("[interop] data plane test failed:\n" + logs());
            }
        } finally {
            if (ec2 != null) ec2.close();
            if (serve != null) serve.stop();
            if (lab != null) lab.close();
            if (serve != null) {
                serve.removeKernelState();
                List<String> left = serve.namespaces();
                if (!left.isEmpty()) System.out.println("[interop] namespaces left behind: " + left);
            }
        }
    }

    private String logs() {
        StringBuilder s = new StringBuilder();
        for (Daemon d : daemons) {
            s.append(d.logTail(25)).append('\n');
            if (d instanceof Frr f) s.append("---- bfdd ----\n").append(Lab.tail(f.bfddLog(), 15)).append('\n');
        }
        if (serve != null) s.append("---- vroute (").append(serve.log()).append(") ----\n").append(Lab.tail(serve.log(), 80));
        return s.toString();
    }

    // ============================================================================================ scenario 1

    static final String FLOATING = "172.16.1.1";
    static final String A = "10.0.1.10";
    static final String B = "10.0.2.10";
    static final String CLIENT = "10.0.3.10";

    record Floating(String router, List<String> tables, List<Integer> numbers, String eniA, String eniB, String rsId,
                    String nsA, String nsB, String nsClient, GoBgp active, GoBgp standby) {
        /** The client subnet's kernel table. */
        int clientTable() {
            return numbers.get(2);
        }
    }

    @Test
    @Timeout(300)
    void floatingIpRepliesComeFromTheInstanceTheRouteTableNames() {
        Interop.require(Interop.GOBGPD, Interop.GOBGP);
        lab = Lab.create("dpf");
        Floating f = floatingIp();

        // Every table sends the floating IP to az1, in the API and in the kernel; the client's pings are az1's.
        assertFloatingOn(f, f.eniA(), A);
        assertAnsweredBy(f, f.nsA(), f.nsB(), "before the failover");

        // az1's BGP daemon hangs: after the hold time the route server moves the route to az2, in the kernel too.
        long frozen = System.nanoTime();
        f.active().freeze();
        long[] moved = pollKernel(f.router(), f.clientTable(), FLOATING + "/32", B, frozen, Duration.ofSeconds(15));
        System.out.printf("DATAPLANE-INTEROP: scenario 1 failover: the client table's kernel route to %s moved to az2"
                + " %d..%d ms after kill -STOP of az1's gobgpd (hold time 3 s)%n", FLOATING, moved[0], moved[1]);
        assertTrue(moved[1] >= 1500 && moved[0] <= 5000, "the route moved " + moved[0] + ".." + moved[1]
                + " ms after the freeze; the hold timer (3 s, keepalives every second) expires 2 to 3 s after it");
        await("every table on az2 in the API and the kernel", Duration.ofSeconds(5), () -> floatingOn(f, f.eniB(), B));
        assertFloatingOn(f, f.eniB(), B);
        assertAnsweredBy(f, f.nsB(), f.nsA(), "after the failover");

        // It thaws, its session returns, every table points at it again.
        long thawed = System.nanoTime();
        f.active().thaw();
        long[] back = pollKernel(f.router(), f.clientTable(), FLOATING + "/32", A, thawed, Duration.ofSeconds(45));
        System.out.printf("DATAPLANE-INTEROP: scenario 1 failback: the kernel route on az1 again %d ms after kill -CONT%n",
                back[1]);
        await("every table on az1 in the API and the kernel", Duration.ofSeconds(5), () -> floatingOn(f, f.eniA(), A));
        assertFloatingOn(f, f.eniA(), A);
        assertAnsweredBy(f, f.nsA(), f.nsB(), "after the failback");
        passed = true;
    }

    /**
     * Scenario 1 built through the API, the instance namespaces made by vroute, gobgpd running in them, and the
     * floating IP's route on az1 in every table, in the kernel.
     */
    private Floating floatingIp() {
        serve = VrouteServe.linux(lab, lab.dir().resolve("data"), "--hold-time", "3").start();
        ec2 = serve.client();
        String nsA = lab.name() + "-az1", nsB = lab.name() + "-az2", nsClient = lab.name() + "-client";
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
        List<String> subnets = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        String[][] plan = {{"10.0.1.0/24", "us-east-1a"}, {"10.0.2.0/24", "us-east-1b"}, {"10.0.3.0/24", "us-east-1a"}};
        for (String[] p : plan) {
            String s = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock(p[0]).availabilityZone(p[1])).subnet().subnetId();
            String t = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
            ec2.associateRouteTable(r -> r.routeTableId(t).subnetId(s));
            subnets.add(s);
            tables.add(t);
        }
        String eniA = instance(subnets.get(0), A, nsA, false);
        String eniB = instance(subnets.get(1), B, nsB, false);
        instance(subnets.get(2), CLIENT, nsClient, true);
        String rs = ec2.createRouteServer(r -> r.amazonSideAsn(RS_AS)).routeServer().routeServerId();
        ec2.associateRouteServer(r -> r.routeServerId(rs).vpcId(vpc));
        List<String> epA = new ArrayList<>(), epB = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            epA.add(endpoint(rs, subnets.get(0)));
            epB.add(endpoint(rs, subnets.get(1)));
        }
        List<String> addrA = new ArrayList<>(), addrB = new ArrayList<>();
        for (String id : epA) addrA.add(available(id).eniAddress());
        for (String id : epB) addrB.add(available(id).eniAddress());
        for (String id : epA) ec2.createRouteServerPeer(r -> r.routeServerEndpointId(id).peerAddress(A).bgpOptions(o -> o.peerAsn(AP_AS)));
        for (String id : epB) ec2.createRouteServerPeer(r -> r.routeServerEndpointId(id).peerAddress(B).bgpOptions(o -> o.peerAsn(AP_AS)));
        for (String t : tables) ec2.enableRouteServerPropagation(r -> r.routeServerId(rs).routeTableId(t));

        String router = serve.netnsPrefix() + vpc;
        KernelLayout layout = KernelLayout.withPrefix(serve.netnsPrefix());
        List<Integer> numbers = tables.stream().map(layout::table).toList();
        awaitAddress(nsA, A);
        awaitAddress(nsB, B);
        awaitAddress(nsClient, CLIENT);
        for (int i = 0; i < 3; i++) assertRule(router, layout.bridge(subnets.get(i)), numbers.get(i));
        for (String ns : List.of(nsA, nsB)) {
            // lo up: the floating IP lives there, and gobgp's gRPC API listens on 127.0.0.1.
            Lab.run("ip", "-n", ns, "link", "set", "lo", "up");
            Lab.run("ip", "-n", ns, "addr", "add", FLOATING + "/32", "dev", "lo");
        }
        GoBgp active = new GoBgp(lab, nsA, "gobgp-az1", AP_AS, A, List.of(A),
                addrA.stream().map(a -> GoBgp.Neighbor.ipv4(a, RS_AS)).toList(), 3).start();
        daemons.add(active);
        GoBgp standby = new GoBgp(lab, nsB, "gobgp-az2", AP_AS, B, List.of(B),
                addrB.stream().map(a -> GoBgp.Neighbor.ipv4(a, RS_AS)).toList(), 3).start();
        daemons.add(standby);
        active.cli("global", "rib", "add", FLOATING + "/32");
        standby.cli("global", "rib", "add", FLOATING + "/32", "aspath", "65001,65001");
        Floating f = new Floating(router, tables, numbers, eniA, eniB, rs, nsA, nsB, nsClient, active, standby);
        long started = System.nanoTime();
        await("4 BGP sessions up and the floating IP on az1 in every table, API and kernel", Duration.ofSeconds(45),
                () -> peersUp(4, false) && floatingOn(f, eniA, A));
        System.out.printf("DATAPLANE-INTEROP: scenario 1 start-up: 4 sessions up and %s on az1 in the 3 kernel tables %d ms"
                + " after the gobgpds started%n", FLOATING, msSince(started));
        return f;
    }

    /** Whether every table's route to the floating IP names {@code eni} in the API and goes via {@code address} in the kernel. */
    private boolean floatingOn(Floating f, String eni, String address) {
        for (int i = 0; i < f.tables().size(); i++) {
            if (!eni.equals(apiTarget(f.tables().get(i), FLOATING + "/32"))) return false;
            KernelRoute k = kernelRoute(f.router(), f.numbers().get(i), FLOATING + "/32");
            if (k == null || !address.equals(k.via())) return false;
        }
        return true;
    }

    private void assertFloatingOn(Floating f, String eni, String address) {
        for (int i = 0; i < f.tables().size(); i++) {
            String table = f.tables().get(i);
            int number = f.numbers().get(i);
            KernelRoute k = kernelRoute(f.router(), number, FLOATING + "/32");
            assertNotNull(k, "no kernel route to " + FLOATING + " in table " + number + ":\n" + kernelTable(f.router(), number));
            assertEquals(address, k.via(), table + " names " + apiTarget(table, FLOATING + "/32") + "; kernel: " + k.line());
            assertEquals(eni, apiTarget(table, FLOATING + "/32"), "API route of " + table);
            assertEquals("249", k.proto(), "vroute's routes carry protocol 249: " + k.line());
            System.out.println("DATAPLANE-INTEROP: " + table + " = table " + number + ": " + FLOATING + "/32 -> " + eni
                    + "; kernel: " + k.line());
        }
    }

    /** 20 pings from the client to the floating IP: all answered, every one by {@code expected}, none by {@code other}. */
    private void assertAnsweredBy(Floating f, String expected, String other, String when) {
        final int n = 20;
        long e0 = counter(expected, "Icmp", "InEchos"), o0 = counter(other, "Icmp", "InEchos");
        int received = ping(f.nsClient(), null, FLOATING, n);
        long e = counter(expected, "Icmp", "InEchos") - e0, o = counter(other, "Icmp", "InEchos") - o0;
        System.out.printf("DATAPLANE-INTEROP: scenario 1 %s: %d/%d pings from the client to %s answered; echo requests"
                + " received by %s: %d, by %s: %d%n", when, received, n, FLOATING, shortName(expected), e, shortName(other), o);
        assertEquals(n, received, "pings to " + FLOATING + " " + when);
        assertTrue(e >= n, shortName(expected) + " received " + e + " of the " + n + " echo requests " + when);
        assertEquals(0, o, shortName(other) + " received echo requests " + when + ": the route table names " + shortName(expected));
    }

    // ============================================================================================ scenario 2

    static final String FW1 = "10.0.1.10";
    static final String FW2 = "10.0.1.11";
    static final String APP = "10.0.2.10";
    static final String APP_SUBNET = "10.0.2.0/24";
    static final String DEFAULT = "0.0.0.0/0";
    static final String INTERNET_HOST = "198.51.100.10";
    static final int INTERVAL_MS = 100;
    static final int MULTIPLIER = 3;

    record Ingress(String router, String internet, String edgeTable, String appTable, String firewallTable, int edge,
                   int app, int firewall, String eniFw1, String eniFw2, String nsFw1, String nsFw2, String nsApp,
                   Frr active, Bird standby) {
    }

    @Test
    @Timeout(420)
    void ingressTrafficCrossesTheActiveFirewallThenTheStandbyThenTheActiveAgain() {
        Interop.require(Interop.ZEBRA, Interop.BGPD, Interop.VTYSH, BfdInteropTest.BFDD, Interop.BIRD, Interop.BIRDC);
        lab = Lab.create("dpi");
        Ingress g = ingress();

        // The three kernel tables as the route tables say.
        KernelRoute toIgw = kernelRoute(g.router(), g.firewall(), DEFAULT);
        assertNotNull(toIgw, "firewall table: no default route:\n" + kernelTable(g.router(), g.firewall()));
        assertEquals("169.254.0.2", toIgw.via(), "firewall table 0.0.0.0/0 -> igw goes out of the gateway link: " + toIgw.line());
        assertTrue(toIgw.dev().startsWith("igw-"), "firewall table 0.0.0.0/0 -> igw: " + toIgw.line());
        for (String t : List.of(g.edgeTable(), g.appTable(), g.firewallTable())) System.out.println("DATAPLANE-INTEROP: " + describe(t));
        for (int t : List.of(g.edge(), g.app(), g.firewall())) {
            System.out.println("DATAPLANE-INTEROP: kernel table " + t + ":\n" + kernelTable(g.router(), t).strip().indent(4).stripTrailing());
        }

        assertCrossing(g, g.nsFw1(), g.nsFw2(), "with both firewalls up");

        // Failover 1: the active firewall's routing daemons hang (kill -STOP); its kernel still forwards. BFD ends its
        // sessions, both tables move to the standby; the ping must see no gap, the change being make-before-break.
        Outage hang = failover(g, false);
        System.out.printf("DATAPLANE-INTEROP: scenario 2 failover, daemons frozen (the firewall's kernel still forwards):"
                        + " kernel tables on the standby %d..%d ms after kill -STOP (detection %d ms); 10 ms ping: %s%n",
                hang.kernel()[0], hang.kernel()[1], INTERVAL_MS * MULTIPLIER, hang);
        assertKernelMovedInTime(hang.kernel());
        assertTrue(hang.longestGapMs() < 150, "a ping gap of " + hang.longestGapMs() + " ms while the tables moved from"
                + " a firewall that still forwards: " + hang + BfdInteropTest.loadNote());
        assertCrossing(g, g.nsFw2(), g.nsFw1(), "after the failover");
        failback(g, "after the failback");

        // Failover 2: the active firewall dies (daemons frozen and its forwarding blackholed): the ping's outage is
        // what a user sees, detection plus the table change.
        Outage dead = failover(g, true);
        System.out.printf("DATAPLANE-INTEROP: scenario 2 failover, firewall dead (daemons frozen, forwarding"
                        + " blackholed): kernel tables on the standby %d..%d ms after the failure (detection %d ms);"
                        + " 10 ms ping: %s%n", dead.kernel()[0], dead.kernel()[1], INTERVAL_MS * MULTIPLIER, dead);
        assertKernelMovedInTime(dead.kernel());
        assertTrue(dead.longestGapMs() <= INTERVAL_MS * MULTIPLIER + KERNEL_SLACK_MS, "ping outage " + dead.longestGapMs()
                + " ms when the active firewall died, bound detection + " + KERNEL_SLACK_MS + " ms: " + dead
                + BfdInteropTest.loadNote());
        assertTrue(dead.lost() > 0, "no ping was lost although the firewall forwarding them died: " + dead);
        assertCrossing(g, g.nsFw2(), g.nsFw1(), "after the firewall died");
        failback(g, "after the dead firewall recovered");
        passed = true;
    }

    private void assertKernelMovedInTime(long[] window) {
        long detection = INTERVAL_MS * MULTIPLIER;
        // The last BFD packet left at most one interval before the freeze: Down comes 200 to 300 ms after it.
        assertTrue(window[1] >= detection - INTERVAL_MS - 50, "the kernel tables moved " + window[1]
                + " ms after the freeze, before BFD could detect it (" + detection + " ms)");
        assertTrue(window[1] <= detection + KERNEL_SLACK_MS, "the kernel tables moved only " + window[0] + ".." + window[1]
                + " ms after the freeze, bound " + (detection + KERNEL_SLACK_MS) + " ms" + BfdInteropTest.loadNote());
    }

    /**
     * Freezes the active firewall (and with {@code dead} blackholes what it forwards) while a 10 ms ping runs from the
     * internet host to the app; returns the window in which both kernel tables moved to the standby, and the ping's
     * outage.
     */
    private Outage failover(Ingress g, boolean dead) {
        Path log = lab.dir().resolve("ping-" + (dead ? "dead" : "hang") + ".log");
        Process ping = lab.spawn(g.internet(), List.of("ping", "-n", "-D", "-i", "0.01", "-w", "4", "-I", INTERNET_HOST, APP),
                log, false);
        sleep(1000);
        long wallAtFailure = System.currentTimeMillis();
        long failed = System.nanoTime();
        if (dead) {
            // Dropped at the route lookup, in both directions, before forwarding: the instance is gone for traffic.
            Lab.run("ip", "-n", g.nsFw1(), "route", "add", "blackhole", APP_SUBNET);
            Lab.run("ip", "-n", g.nsFw1(), "route", "add", "blackhole", INTERNET_HOST + "/32");
        }
        g.active().freeze();
        long[] window = pollIngress(g, FW2, failed, Duration.ofSeconds(5));
        try {
            ping.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Outage outage = Outage.of(Lab.read(log), wallAtFailure, window);
        await("the API's tables on the standby", Duration.ofSeconds(3), () -> ingressOn(g, g.eniFw2(), FW2));
        List<RouteServerPeer> peers = ec2.describeRouteServerPeers(r -> {}).routeServerPeers();
        for (RouteServerPeer p : peers) {
            String expected = FW1.equals(p.peerAddress()) ? "down" : "up";
            assertEquals(expected, p.bfdStatus().statusAsString(), "bfdStatus of " + p.peerAddress() + " after the failure");
        }
        return outage;
    }

    /** Thaws the active firewall (its forwarding back first): both tables return to it; the traffic does too. */
    private void failback(Ingress g, String when) {
        Lab.runQuietly("ip", "-n", g.nsFw1(), "route", "del", "blackhole", APP_SUBNET);
        Lab.runQuietly("ip", "-n", g.nsFw1(), "route", "del", "blackhole", INTERNET_HOST + "/32");
        long thawed = System.nanoTime();
        g.active().thaw();
        long[] back = pollIngress(g, FW1, thawed, Duration.ofSeconds(40));
        System.out.printf("DATAPLANE-INTEROP: scenario 2 failback: both kernel tables on the active firewall %d ms after"
                + " kill -CONT%n", back[1]);
        awaitIngressStable(g, Duration.ofSeconds(4), Duration.ofSeconds(40));
        assertCrossing(g, g.nsFw1(), g.nsFw2(), when);
    }

    /**
     * 50 pings from the internet host to the app, all answered; {@code through} forwarded at least 100 packets (every
     * request and every reply) and {@code other} fewer than 50 (neither direction).
     */
    private void assertCrossing(Ingress g, String through, String other, String when) {
        final int n = 50;
        long t0 = counter(through, "Ip", "ForwDatagrams"), o0 = counter(other, "Ip", "ForwDatagrams");
        int received = ping(g.internet(), INTERNET_HOST, APP, n);
        long t = counter(through, "Ip", "ForwDatagrams") - t0, o = counter(other, "Ip", "ForwDatagrams") - o0;
        System.out.printf("DATAPLANE-INTEROP: scenario 2 %s: %d/%d pings %s -> %s answered; forwarded by %s: %d, by %s: %d%n",
                when, received, n, INTERNET_HOST, APP, shortName(through), t, shortName(other), o);
        assertEquals(n, received, "pings from the internet host to the app " + when + "\n" + kernelTable(g.router(), g.edge())
                + kernelTable(g.router(), g.app()));
        assertTrue(t >= 2L * n, shortName(through) + " forwarded " + t + " packets for " + n + " requests and " + n
                + " replies " + when + ": not both directions");
        assertTrue(o < n, shortName(other) + " forwarded " + o + " packets " + when + ": a direction crossed it");
    }

    private Ingress ingress() {
        serve = VrouteServe.linux(lab, lab.dir().resolve("data"), "--hold-time", "9").start();
        ec2 = serve.client();
        query = serve.queryClient();
        String nsFw1 = lab.name() + "-fw-a", nsFw2 = lab.name() + "-fw-b", nsApp = lab.name() + "-app";
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
        String eniFw1 = instance(subnetA, FW1, nsFw1, false);
        String eniFw2 = instance(subnetA, FW2, nsFw2, false);
        instance(subnetB, APP, nsApp, true);
        String rs = ec2.createRouteServer(r -> r.amazonSideAsn(RS_AS)).routeServer().routeServerId();
        ec2.associateRouteServer(r -> r.routeServerId(rs).vpcId(vpc));
        List<String> endpoints = List.of(endpoint(rs, subnetA), endpoint(rs, subnetA));
        List<String> addresses = new ArrayList<>();
        for (String id : endpoints) addresses.add(available(id).eniAddress());
        // Liveness bfd at 100 ms x 3 on every session (vroute's BfdOptions extension: the SDK has no such fields).
        for (String fw : List.of(FW1, FW2)) for (String id : endpoints) createBfdPeer(id, fw);
        for (String t : List.of(edgeTable, appTable)) ec2.enableRouteServerPropagation(r -> r.routeServerId(rs).routeTableId(t));

        String router = serve.netnsPrefix() + vpc;
        String internet = serve.netnsPrefix() + "internet";
        KernelLayout layout = KernelLayout.withPrefix(serve.netnsPrefix());
        awaitAddress(nsFw1, FW1);
        awaitAddress(nsFw2, FW2);
        awaitAddress(nsApp, APP);
        for (String ns : List.of(nsFw1, nsFw2)) {
            assertEquals("1", Lab.exec(ns, "cat", "/proc/sys/net/ipv4/ip_forward").strip(),
                    ns + ": SourceDestCheck=false turns forwarding on");
        }
        assertEquals("0", Lab.exec(nsApp, "cat", "/proc/sys/net/ipv4/ip_forward").strip(),
                nsApp + ": an instance with the source/destination check on does not forward");
        assertRule(router, layout.bridge(subnetA), layout.table(firewallTable));
        assertRule(router, layout.bridge(subnetB), layout.table(appTable));
        assertRule(router, layout.gatewayLink(igw), layout.table(edgeTable));
        // The internet host: an address on the internet namespace's loopback, which routes the VPC back through the
        // gateway link.
        await("namespace " + internet, Duration.ofSeconds(10), () -> Lab.runQuietly("ip", "-n", internet, "link").status() == 0);
        Lab.run("ip", "-n", internet, "link", "set", "lo", "up");
        Lab.run("ip", "-n", internet, "addr", "add", INTERNET_HOST + "/32", "dev", "lo");
        for (String ns : List.of(nsFw1, nsFw2, nsApp)) Lab.run("ip", "-n", ns, "link", "set", "lo", "up");

        long started = System.nanoTime();
        Frr active = new Frr(lab, nsFw1, "fw-a", AP_AS, FW1, addresses.stream().map(a -> new Frr.Neighbor(a, RS_AS)).toList(),
                List.of(Route.of(APP_SUBNET), Route.of(DEFAULT)), 9).bfd(INTERVAL_MS, MULTIPLIER);
        daemons.add(active);
        active.start();
        List<Bird.Session> sessions = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) sessions.add(new Bird.Session("ep" + (i + 1), FW2, addresses.get(i), RS_AS, false));
        Bird standby = new Bird(lab, nsFw2, "fw-b", AP_AS, FW2, sessions,
                List.of(Route.of(APP_SUBNET).prepend(AP_AS), Route.of(DEFAULT).prepend(AP_AS)), 9).bfd(INTERVAL_MS, MULTIPLIER);
        daemons.add(standby);
        standby.start();
        Ingress g = new Ingress(router, internet, edgeTable, appTable, firewallTable, layout.table(edgeTable),
                layout.table(appTable), layout.table(firewallTable), eniFw1, eniFw2, nsFw1, nsFw2, nsApp, active, standby);
        await("4 sessions BFD and BGP up", Duration.ofSeconds(40), () -> peersUp(4, true));
        await("both tables on the active firewall, API and kernel", Duration.ofSeconds(30), () -> ingressOn(g, eniFw1, FW1));
        long onActive = msSince(started);
        awaitIngressStable(g, Duration.ofSeconds(4), Duration.ofSeconds(40));
        System.out.printf("DATAPLANE-INTEROP: scenario 2 start-up: both kernel tables on the active firewall %d ms after"
                + " the firewalls started; stable at %d ms%n", onActive, msSince(started));
        return g;
    }

    /** Edge table 10.0.2.0/24 and app table 0.0.0.0/0: name {@code eni} in the API and go via {@code address} in the kernel. */
    private boolean ingressOn(Ingress g, String eni, String address) {
        return eni.equals(apiTarget(g.edgeTable(), APP_SUBNET)) && eni.equals(apiTarget(g.appTable(), DEFAULT))
                && kernelVia(g, address);
    }

    private boolean kernelVia(Ingress g, String address) {
        KernelRoute edge = kernelRoute(g.router(), g.edge(), APP_SUBNET);
        KernelRoute app = kernelRoute(g.router(), g.app(), DEFAULT);
        return edge != null && app != null && address.equals(edge.via()) && address.equals(app.via());
    }

    /** Polls both kernel tables back to back until both go via {@code address}; the window as in {@link #pollKernel}. */
    private long[] pollIngress(Ingress g, String address, long since, Duration timeout) {
        return poll("edge and app kernel tables via " + address, () -> kernelVia(g, address), since, timeout);
    }

    /** Every session up and the tables on the active firewall, continuously for {@code window}. */
    private void awaitIngressStable(Ingress g, Duration window, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < end) {
            if (!peersUp(4, true) || !ingressOn(g, g.eniFw1(), FW1)) quietSince = System.nanoTime();
            else if (System.nanoTime() - quietSince >= window.toNanos()) return;
            sleep(100);
        }
        fail("the 4 sessions and the tables did not stay on the active firewall for " + window.toSeconds() + " s\n"
                + logs() + BfdInteropTest.loadNote());
    }

    private void createBfdPeer(String endpointId, String address) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("RouteServerEndpointId", endpointId);
        p.put("PeerAddress", address);
        p.put("BgpOptions.PeerAsn", Long.toString(AP_AS));
        p.put("BgpOptions.PeerLivenessDetection", "bfd");
        p.put("BfdOptions.MinTxInterval", Integer.toString(INTERVAL_MS));
        p.put("BfdOptions.MinRxInterval", Integer.toString(INTERVAL_MS));
        p.put("BfdOptions.Multiplier", Integer.toString(MULTIPLIER));
        try {
            assertNotNull(QueryClient.text(query.call("CreateRouteServerPeer", p), "routeServerPeerId"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String describe(String tableId) {
        RouteTable t = ec2.describeRouteTables(r -> r.routeTableIds(tableId)).routeTables().get(0);
        StringBuilder s = new StringBuilder(tableId).append(':');
        t.routes().forEach(r -> s.append(' ').append(r.destinationCidrBlock()).append(" -> ")
                .append(r.networkInterfaceId() != null ? r.networkInterfaceId() : r.gatewayId())
                .append(" (").append(r.originAsString()).append(')'));
        return s.toString();
    }

    /**
     * What a continuous 10 ms ping ({@code ping -D}) saw around a failure: the longest time between two replies, the
     * requests that got none, and when the gap began relative to the failure.
     */
    record Outage(long longestGapMs, long gapStartsMs, int replies, int lost, double intervalMs, long[] kernel) {
        private static final Pattern REPLY = Pattern.compile("^\\[(\\d+\\.\\d+)] \\d+ bytes from .*icmp_seq=(\\d+)");

        static Outage of(String pingOutput, long wallAtFailureMs, long[] kernel) {
            List<double[]> replies = new ArrayList<>();
            for (String line : pingOutput.split("\n")) {
                Matcher m = REPLY.matcher(line.trim());
                if (m.find()) replies.add(new double[] {Double.parseDouble(m.group(1)) * 1000, Integer.parseInt(m.group(2))});
            }
            if (replies.size() < 2) throw new AssertionError("the 10 ms ping got " + replies.size() + " replies:\n" + pingOutput);
            double longest = 0, startsAt = 0;
            for (int i = 1; i < replies.size(); i++) {
                double gap = replies.get(i)[0] - replies.get(i - 1)[0];
                if (gap > longest) {
                    longest = gap;
                    startsAt = replies.get(i - 1)[0] - wallAtFailureMs;
                }
            }
            int first = (int) replies.get(0)[1], last = (int) replies.get(replies.size() - 1)[1];
            int lost = (last - first + 1) - replies.size();
            double lastReply = replies.get(replies.size() - 1)[0] - wallAtFailureMs;
            if (lastReply < kernel[1] + 500) {
                throw new AssertionError("the 10 ms ping stopped answering " + Math.round(lastReply)
                        + " ms after the failure, before the tables had moved (" + kernel[1] + " ms) and settled:\n"
                        + pingOutput.lines().skip(Math.max(0, pingOutput.lines().count() - 10))
                        .reduce("", (a, b) -> a + b + "\n"));
            }
            // ping's real pace (asked for 10 ms; it sends a little slower): the gap's resolution.
            double interval = (replies.get(replies.size() - 1)[0] - replies.get(0)[0]) / Math.max(1, last - first);
            return new Outage(Math.round(longest), Math.round(startsAt), replies.size(), lost, interval, kernel);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "longest gap between replies %d ms (from %+d ms after the failure), %d replies,"
                    + " %d requests unanswered, one request every %.1f ms", longestGapMs, gapStartsMs, replies, lost, intervalMs);
        }
    }

    // ============================================================================================ reconciler

    @Test
    @Timeout(300)
    void killedDaemonRepairsTheKernelAtStartAndLeavesOtherOwnersRoutesAlone() {
        Interop.require(Interop.GOBGPD, Interop.GOBGP);
        lab = Lab.create("dpr");
        Floating f = floatingIp();
        assertAnsweredBy(f, f.nsA(), f.nsB(), "before the crash");
        String router = f.router();
        String table = Integer.toString(f.clientTable());
        KernelRoute ours = kernelRoute(router, f.clientTable(), FLOATING + "/32");

        // The daemon dies (kill -9): the kernel keeps forwarding as it was.
        long pid = serve.pid();
        serve.kill9();
        assertFalse(serve.isAlive(), "vroute serve (PID " + pid + ") survived kill -9");
        assertAnsweredBy(f, f.nsA(), f.nsB(), "with vroute dead");

        // By hand, in the client subnet's table: vroute's route to the floating IP goes; two routes of another owner
        // (proto static) come: one elsewhere, one to the floating IP itself with a worse metric, via az2.
        Lab.run("ip", "-n", router, "route", "del", FLOATING + "/32", "via", A, "table", table, "proto", "249");
        Lab.run("ip", "-n", router, "route", "add", "203.0.113.0/24", "via", CLIENT, "table", table, "proto", "static");
        Lab.run("ip", "-n", router, "route", "add", FLOATING + "/32", "via", B, "table", table, "proto", "static", "metric", "100");
        String foreign = foreignRoutes(router, table);
        System.out.println("DATAPLANE-INTEROP: reconciler: vroute killed (PID " + pid + "); table " + table + " by hand:\n"
                + kernelTable(router, f.clientTable()).strip().indent(4).stripTrailing());
        assertEquals(2, foreign.lines().count(), "the two routes of another owner:\n" + kernelTable(router, f.clientTable()));
        assertAnsweredBy(f, f.nsB(), f.nsA(), "with vroute's route deleted (the other owner's route to az2 left)");

        // Start it again on the same data directory: the first reconcile puts the route back; the others stay.
        long restarted = System.nanoTime();
        serve.start();
        long listening = msSince(restarted);
        long[] back = poll("vroute's route to " + FLOATING + " back in table " + table, () -> {
            KernelRoute k = kernelRoute(router, f.clientTable(), FLOATING + "/32");
            return k != null && "249".equals(k.proto()) && A.equals(k.via());
        }, restarted, Duration.ofSeconds(20));
        System.out.printf("DATAPLANE-INTEROP: reconciler: restart after kill -9: API listening %d ms after the start"
                + " command; vroute's route back in the kernel by %d ms (first look: %s)%n", listening, back[1],
                back[0] == 0 ? "already there" : "missing until " + back[0] + " ms");
        String atStart = Lab.read(serve.log()).lines().filter(l -> l.contains("reconcile:") || l.contains("repair:")
                || l.contains(FLOATING) || l.contains("203.0.113")).limit(12).reduce("", (a, b) -> a + "\n    " + b);
        System.out.println("DATAPLANE-INTEROP: reconciler: what the restarted daemon logged of its first reconciles:" + atStart);
        assertTrue(back[1] <= listening + 5000, "the route came back " + back[1] + " ms after the start, API up at "
                + listening + " ms");
        KernelRoute restored = kernelRoute(router, f.clientTable(), FLOATING + "/32");
        assertEquals(ours.via(), restored.via(), "restored: " + restored.line() + "; before: " + ours.line());
        assertEquals(ours.dev(), restored.dev(), "restored: " + restored.line() + "; before: " + ours.line());
        assertEquals(foreign, foreignRoutes(router, table), "the other owner's routes after the restart:\n"
                + kernelTable(router, f.clientTable()));
        System.out.println("DATAPLANE-INTEROP: reconciler: table " + table + " after the restart:\n"
                + kernelTable(router, f.clientTable()).strip().indent(4).stripTrailing());
        ec2.close();
        ec2 = serve.client();
        assertAnsweredBy(f, f.nsA(), f.nsB(), "after the restart");

        // Running, the 30 s repair puts a deleted route back, and says so in the log.
        await("the 4 sessions back after the restart", Duration.ofSeconds(45), () -> peersUp(4, false)
                && floatingOn(f, f.eniA(), A));
        long deleted = System.nanoTime();
        Lab.run("ip", "-n", router, "route", "del", FLOATING + "/32", "via", A, "table", table, "proto", "249");
        long[] repaired = poll("vroute's route repaired while running", () -> {
            KernelRoute k = kernelRoute(router, f.clientTable(), FLOATING + "/32");
            return k != null && "249".equals(k.proto());
        }, deleted, Duration.ofSeconds(35));
        System.out.printf("DATAPLANE-INTEROP: reconciler: route deleted by hand while vroute runs: repaired %d ms later"
                + " (repair every 30 s)%n", repaired[1]);
        await("the repair's log line", Duration.ofSeconds(3), () -> Lab.read(serve.log()).contains("repaired route "
                + FLOATING + "/32"));
        assertEquals(foreign, foreignRoutes(router, table), "the other owner's routes after the repair");
        assertAnsweredBy(f, f.nsA(), f.nsB(), "after the repair");
        passed = true;
    }

    /** The routes in the table that are not vroute's (protocol other than 249), as {@code ip route} prints them. */
    private static String foreignRoutes(String ns, String table) {
        StringBuilder s = new StringBuilder();
        for (String line : Lab.run("ip", "-n", ns, "-4", "route", "show", "table", table).split("\n")) {
            if (!line.isBlank() && !line.contains(" proto 249")) s.append(line.strip()).append('\n');
        }
        return s.toString();
    }

    // ============================================================================================ kernel

    /** One line of {@code ip route show table N}. */
    record KernelRoute(String destination, String via, String dev, String proto, int metric, String line) {
        static KernelRoute parse(String line) {
            String[] w = line.trim().split("\\s+");
            int i = 0;
            if (List.of("blackhole", "unreachable", "prohibit", "unicast").contains(w[0])) i = 1;
            String dest = w[i].equals("default") ? DEFAULT : w[i].contains("/") ? w[i] : w[i] + "/32";
            String via = null, dev = null, proto = null;
            int metric = 0;
            for (int j = i + 1; j + 1 < w.length; j++) {
                switch (w[j]) {
                    case "via" -> via = w[j + 1];
                    case "dev" -> dev = w[j + 1];
                    case "proto" -> proto = w[j + 1];
                    case "metric" -> metric = Integer.parseInt(w[j + 1]);
                    default -> { }
                }
            }
            return new KernelRoute(dest, via, dev, proto, metric, line.strip());
        }
    }

    static String kernelTable(String ns, int table) {
        return Lab.runQuietly("ip", "-n", ns, "-4", "route", "show", "table", Integer.toString(table)).output();
    }

    /** The route the kernel uses for exactly {@code destination} in the table (the lowest metric), or null. */
    static KernelRoute kernelRoute(String ns, int table, String destination) {
        KernelRoute best = null;
        for (String line : kernelTable(ns, table).split("\n")) {
            if (line.isBlank() || line.startsWith("Error") || line.startsWith("Cannot")) continue;
            KernelRoute r = KernelRoute.parse(line);
            if (r.destination().equals(destination) && (best == null || r.metric() < best.metric())) best = r;
        }
        return best;
    }

    /** Polls the kernel table back to back until its route to {@code destination} goes via {@code address}. */
    private long[] pollKernel(String ns, int table, String destination, String address, long since, Duration timeout) {
        return poll("table " + table + ": " + destination + " via " + address, () -> {
            KernelRoute r = kernelRoute(ns, table, destination);
            return r != null && address.equals(r.via());
        }, since, timeout);
    }

    /**
     * Checks {@code condition} back to back until it holds; returns, in ms since {@code since}, when the last check
     * that failed started and when the first one that held ended: the change happened in between.
     */
    private long[] poll(String what, BooleanSupplier condition, long since, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        long previousStart = since;
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            if (condition.getAsBoolean()) return new long[] {(previousStart - since) / 1_000_000, msSince(since)};
            previousStart = start;
            sleep(1);
        }
        fail("not within " + timeout.toMillis() + " ms: " + what + "\n" + logs());
        return null;
    }

    /** The rule {@code iif <link> lookup <table>} that ties a subnet (or the gateway) to its table. */
    private static void assertRule(String router, String link, int table) {
        String rules = Lab.run("ip", "-n", router, "rule", "show");
        assertTrue(rules.lines().anyMatch(l -> l.contains("iif " + link + " ") && l.contains("lookup " + table)),
                "no rule iif " + link + " lookup " + table + " in " + router + ":\n" + rules);
    }

    /** Waits until vroute made {@code ns} with the interface's address on eth0. */
    private void awaitAddress(String ns, String address) {
        await(address + " on eth0 in " + ns, Duration.ofSeconds(15), () -> {
            Lab.Result r = Lab.runQuietly("ip", "-n", ns, "-4", "addr", "show", "dev", "eth0");
            return r.status() == 0 && r.output().contains("inet " + address + "/");
        });
    }

    /** A counter of {@code /proc/net/snmp} inside {@code ns}, e.g. Ip ForwDatagrams, Icmp InEchos. */
    static long counter(String ns, String group, String name) {
        List<String> lines = Lab.exec(ns, "cat", "/proc/net/snmp").lines().filter(l -> l.startsWith(group + ":")).toList();
        if (lines.size() < 2) throw new IllegalStateException("no " + group + " counters in " + ns);
        String[] names = lines.get(0).split("\\s+");
        String[] values = lines.get(1).split("\\s+");
        for (int i = 1; i < names.length; i++) if (names[i].equals(name)) return Long.parseLong(values[i]);
        throw new IllegalStateException("no counter " + group + " " + name + " in " + ns);
    }

    /** {@code n} pings, 20 ms apart, from {@code ns} (from {@code source} when given); returns how many were answered. */
    static int ping(String ns, String source, String to, int n) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "ping", "-n", "-q", "-c", Integer.toString(n),
                "-i", "0.02", "-W", "1"));
        if (source != null) cmd.addAll(List.of("-I", source));
        cmd.add(to);
        Lab.Result r = Lab.runQuietly(Duration.ofSeconds(20), cmd.toArray(String[]::new));
        Matcher m = Pattern.compile("(\\d+) received").matcher(r.output());
        if (!m.find()) throw new IllegalStateException("ping from " + ns + " to " + to + ": " + r.output());
        return Integer.parseInt(m.group(1));
    }

    // ============================================================================================ API

    /** A network interface tagged {@value #TAG} = {@code ns}; {@code check}: its source/destination check. */
    private String instance(String subnet, String address, String ns, boolean check) {
        String eni = ec2.createNetworkInterface(r -> r.subnetId(subnet).privateIpAddress(address).description(shortName(ns))
                        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.NETWORK_INTERFACE)
                                .tags(Tag.builder().key(TAG).value(ns).build()).build()))
                .networkInterface().networkInterfaceId();
        if (!check) ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(eni).sourceDestCheck(b -> b.value(false)));
        return eni;
    }

    private String endpoint(String rs, String subnet) {
        return ec2.createRouteServerEndpoint(r -> r.routeServerId(rs).subnetId(subnet)).routeServerEndpoint()
                .routeServerEndpointId();
    }

    private RouteServerEndpoint available(String id) {
        RouteServerEndpoint[] seen = new RouteServerEndpoint[1];
        await("endpoint " + id + " available", Duration.ofSeconds(15), () -> {
            seen[0] = ec2.describeRouteServerEndpoints(r -> r.routeServerEndpointIds(id)).routeServerEndpoints().get(0);
            return "available".equals(seen[0].stateAsString());
        });
        // The data plane put the address on the subnet's bridge in the VPC's namespace: nothing to report.
        assertNull(seen[0].failureReason(), "failureReason of an available endpoint with the Linux data plane");
        return seen[0];
    }

    private boolean peersUp(int count, boolean bfd) {
        List<RouteServerPeer> peers = ec2.describeRouteServerPeers(r -> {}).routeServerPeers();
        return peers.size() == count && peers.stream().allMatch(p -> "up".equals(p.bgpStatus().statusAsString())
                && (!bfd || "up".equals(p.bfdStatus().statusAsString())));
    }

    /** The network interface the table's route to {@code destination} names, or null. */
    private String apiTarget(String table, String destination) {
        RouteTable t = ec2.describeRouteTables(r -> r.routeTableIds(table)).routeTables().get(0);
        return t.routes().stream().filter(r -> destination.equals(r.destinationCidrBlock())).map(r -> r.networkInterfaceId())
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    // ============================================================================================ helpers

    private String shortName(String ns) {
        return lab != null && ns.startsWith(lab.name() + "-") ? ns.substring(lab.name().length() + 1) : ns;
    }

    private void await(String what, Duration timeout, Supplier<Boolean> condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.get()) return;
            sleep(100);
        }
        fail("timed out after " + timeout.toSeconds() + " s waiting for: " + what + "\n" + logs());
    }
}
