package io.vroute.app.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * SPEC scenario 1, a floating IP for application failover:
 * <pre>
 *   VPC 10.0.0.0/16, internet gateway, one route table per subnet with 0.0.0.0/0 -> igw
 *   subnet az1  10.0.1.0/24 us-east-1a  instance-rs-az1 10.0.1.10  + 2 endpoints   (active)
 *   subnet az2  10.0.2.0/24 us-east-1b  instance-rs-az2 10.0.2.10  + 2 endpoints   (standby, prepends)
 *   subnet test 10.0.3.0/24 us-east-1a  test-instance   10.0.3.10
 *   route server AS65000, one peer per (endpoint, instance of its subnet), propagation into the three tables
 * </pre>
 * Both instances hold 172.16.1.1/32 on loopback and advertise it (GoBGP, or FRR with BFD); the route server gets four
 * advertisements and installs {@code 172.16.1.1/32 -> ENI of instance-rs-az1}.
 */
final class FloatingIpScenario extends ScenarioBuilder {
    static final String FLOATING_IP = "172.16.1.1";
    static final String FLOATING_PREFIX = FLOATING_IP + "/32";
    static final String ACTIVE = "instance-rs-az1", STANDBY = "instance-rs-az2", TEST = "test-instance";
    static final String ACTIVE_ADDRESS = "10.0.1.10", STANDBY_ADDRESS = "10.0.2.10", TEST_ADDRESS = "10.0.3.10";

    private final String liveness;

    FloatingIpScenario(LabApi api, LabState st, PrintWriter out, String liveness) {
        super(api, st, out);
        this.liveness = liveness;
    }

    @Override
    void build() throws IOException {
        out.println("VPC and subnets:");
        vpc();
        subnet("az1", "10.0.1.0/24", "us-east-1a");
        subnet("az2", "10.0.2.0/24", "us-east-1b");
        subnet("test", "10.0.3.0/24", "us-east-1a");
        internetGateway();
        for (String key : List.of("az1", "az2", "test")) {
            table(key, false);
            routeToGateway(key, "0.0.0.0/0");
        }
        out.println("instances (network interfaces tagged " + io.vroute.server.dataplane.KernelLayout.NAMESPACE_TAG + "):");
        node(ACTIVE, "active: holds " + FLOATING_PREFIX + ", advertises it", "az1", ACTIVE_ADDRESS, "10.0.1.1", false);
        node(STANDBY, "standby: holds " + FLOATING_PREFIX + ", advertises it with a longer AS_PATH", "az2", STANDBY_ADDRESS,
                "10.0.2.1", false);
        node(TEST, "pings " + FLOATING_IP, "test", TEST_ADDRESS, "10.0.3.1", false);
        out.println("route server:");
        routeServer();
        List<String> az1 = endpoints("az1");
        List<String> az2 = endpoints("az2");
        awaitEndpointsAvailable();
        for (int i = 1; i <= 2; i++) peer("az1-" + i, ACTIVE_ADDRESS, liveness);
        for (int i = 1; i <= 2; i++) peer("az2-" + i, STANDBY_ADDRESS, liveness);
        for (String key : List.of("az1", "az2", "test")) propagate(key);

        out.println("appliances:");
        awaitNodes();
        for (String name : List.of(ACTIVE, STANDBY)) {
            Shell.check(List.of("ip", "-n", st.node(name).namespace, "addr", "add", FLOATING_PREFIX, "dev", "lo"));
        }
        say("172.16.1.1/32 on lo of " + ACTIVE + " and " + STANDBY);
        boolean frr = liveness.equals("bfd");
        start(ACTIVE, appliance(ACTIVE, ACTIVE_ADDRESS, az1, 0), frr);
        start(STANDBY, appliance(STANDBY, STANDBY_ADDRESS, az2, 1), frr);

        out.println("waiting for the four sessions" + (frr ? " (BFD first, then BGP)" : " (GoBGP dials 5 to 10 s after start)")
                + " and the route...");
        out.flush();
        // FRR re-registers its BFD sessions once BGP is up (a flap the route server rides out): wait for calm.
        awaitSessions(Duration.ofSeconds(90), Duration.ofSeconds(frr ? 4 : 1));
        String why = await(Duration.ofSeconds(30), () -> {
            List<RouteServerView.RibRoute> rib = RouteServerView.rib(api, st.id("route-server"), FLOATING_PREFIX);
            long inFib = rib.stream().filter(r -> r.status().equals("in-fib")).count();
            boolean viaActive = rib.stream().anyMatch(r -> r.status().equals("in-fib") && ACTIVE_ADDRESS.equals(r.nextHop()));
            return rib.size() == 4 && inFib == 1 && viaActive ? null : rib.size() + " routes, " + inFib + " in-fib";
        });
        if (why != null) throw new IOException("the routing database did not get four routes with one in-fib via " + ACTIVE_ADDRESS + ": " + why);
        for (String key : List.of("az1", "az2", "test")) awaitRoute(key, FLOATING_PREFIX, ACTIVE, Duration.ofSeconds(10));
        say("4 routes for " + FLOATING_PREFIX + " in the RIB, 1 in-fib; the three route tables say " + FLOATING_PREFIX + " -> "
                + st.node(ACTIVE).eni + " (" + ACTIVE + ")");
    }

    private Appliance appliance(String name, String address, List<String> endpoints, int prepend) {
        return new Appliance(name, st.node(name).namespace, st.home().nodeDir(name), APPLIANCE_ASN, address, endpoints,
                List.of(FLOATING_PREFIX), prepend, ROUTE_SERVER_ASN);
    }

    @Override
    List<String> summary() {
        LabState.Home h = st.home();
        List<String> s = new ArrayList<>();
        s.add("try:");
        s.add("  " + h.command("exec") + " " + TEST + " -- ping -c 3 " + FLOATING_IP + "   # answered by " + ACTIVE);
        s.add("  " + h.command("fail") + " " + ACTIVE + "      # freeze it and take its link down; then " + h.command("status"));
        s.add("  " + h.command("recover") + " " + ACTIVE + "   # traffic fails back");
        if (liveness.equals("bfd")) {
            s.add("  " + h.command("exec") + " " + ACTIVE + " -- vtysh -N " + st.node(ACTIVE).frrPathspace
                    + " -c 'show bgp summary' -c 'show bfd peers brief'");
        } else {
            s.add("  " + h.command("exec") + " " + ACTIVE + " -- gobgp neighbor");
        }
        s.add("  " + h.command("down"));
        return s;
    }
}
