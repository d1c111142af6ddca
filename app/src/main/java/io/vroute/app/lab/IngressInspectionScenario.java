package io.vroute.app.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * SPEC scenario 2, ingress inspection through a stateful firewall pair:
 * <pre>
 *   internet-host 198.51.100.10 ── (the internet namespace) ── internet gateway ── edge table: 10.0.2.0/24 -> firewall
 *   subnet firewall    10.0.1.0/24  firewall-az1 10.0.1.10 (active), firewall-az2 10.0.1.11 (standby), 2 endpoints;
 *                                   table: static 0.0.0.0/0 -> igw, no propagation
 *   subnet application 10.0.2.0/24  application 10.0.2.10, 2 endpoints; table: 0.0.0.0/0 -> firewall (propagated)
 * </pre>
 * Each firewall runs FRR with BFD (100 ms x 3) on four sessions, one per endpoint (those of the application subnet are
 * reached through the subnet router, which holds them), advertises 10.0.2.0/24 and 0.0.0.0/0 (the standby prepends),
 * and forwards (source/destination check off). AZs are labels here: both firewalls sit in the firewall subnet.
 */
final class IngressInspectionScenario extends ScenarioBuilder {
    static final String APP_SUBNET = "10.0.2.0/24";
    static final String DEFAULT = "0.0.0.0/0";
    static final String ACTIVE = "firewall-az1", STANDBY = "firewall-az2", APP = "application", INTERNET_HOST = "internet-host";
    static final String ACTIVE_ADDRESS = "10.0.1.10", STANDBY_ADDRESS = "10.0.1.11", APP_ADDRESS = "10.0.2.10";
    /** The internet host's network (TEST-NET-2, RFC 5737), beside the internet namespace. */
    static final String INTERNET_HOST_ADDRESS = "198.51.100.10", INTERNET_SIDE_ADDRESS = "198.51.100.1";

    IngressInspectionScenario(LabApi api, LabState st, PrintWriter out) {
        super(api, st, out);
    }

    @Override
    void build() throws IOException {
        out.println("VPC, subnets, internet gateway, route tables:");
        vpc();
        subnet("firewall", "10.0.1.0/24", "us-east-1a");
        subnet("application", APP_SUBNET, "us-east-1b");
        internetGateway();
        table("firewall", false);
        routeToGateway("firewall", DEFAULT);
        table("application", false);
        table("edge", true);
        out.println("instances:");
        node(ACTIVE, "active firewall: forwards, advertises " + APP_SUBNET + " and " + DEFAULT, "firewall", ACTIVE_ADDRESS, "10.0.1.1", true);
        node(STANDBY, "standby firewall: the same with a longer AS_PATH", "firewall", STANDBY_ADDRESS, "10.0.1.1", true);
        node(APP, "application server", "application", APP_ADDRESS, "10.0.2.1", false);
        out.println("route server:");
        routeServer();
        List<String> endpoints = new ArrayList<>(endpoints("firewall"));
        endpoints.addAll(endpoints("application"));
        awaitEndpointsAvailable();
        for (String fw : List.of(ACTIVE_ADDRESS, STANDBY_ADDRESS)) {
            for (String key : List.of("firewall-1", "firewall-2", "application-1", "application-2")) peer(key, fw, "bfd");
        }
        propagate("edge");
        propagate("application");

        out.println("hosts and appliances:");
        awaitNodes();
        internetHost();
        for (String fw : List.of(ACTIVE, STANDBY)) {
            // A firewall appliance sends no ICMP redirects: it forwards back out of the interface a packet came in on.
            String ns = st.node(fw).namespace;
            Shell.check(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.conf.all.send_redirects=0",
                    "net.ipv4.conf.default.send_redirects=0", "net.ipv4.conf.eth0.send_redirects=0"));
        }
        start(ACTIVE, appliance(ACTIVE, ACTIVE_ADDRESS, endpoints, 0), true);
        start(STANDBY, appliance(STANDBY, STANDBY_ADDRESS, endpoints, 1), true);

        out.println("waiting for the eight sessions (BFD first, then BGP) and the routes...");
        out.flush();
        awaitSessions(Duration.ofSeconds(90), Duration.ofSeconds(4));
        awaitRoute("edge", APP_SUBNET, ACTIVE, Duration.ofSeconds(20));
        awaitRoute("application", DEFAULT, ACTIVE, Duration.ofSeconds(20));
        say("edge table " + APP_SUBNET + " -> " + st.node(ACTIVE).eni + ", application table " + DEFAULT + " -> "
                + st.node(ACTIVE).eni + " (" + ACTIVE + ")");
        pathCheck();
    }

    /**
     * The internet host: a namespace of the lab's own with a veth into the route server's internet namespace, where the
     * internet gateway leads; 198.51.100.10/24 with a default route via 198.51.100.1 on the internet side.
     */
    private void internetHost() throws IOException {
        String internet = st.layout().internetNamespace();
        if (!waitFor(Duration.ofSeconds(15), () -> Files.exists(Path.of("/run/netns", internet)))) {
            throw new IOException("the data plane made no " + internet + " namespace for the internet gateway within 15 s");
        }
        LabState.Home h = st.home();
        String ns = h.namespace(INTERNET_HOST);
        st.namespaces.add(ns);
        st.save();
        Shell.check(List.of("ip", "netns", "add", ns));
        Shell.check(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
        // Both ends are made in their namespaces: nothing appears in the host's.
        Shell.check(List.of("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", h.internetLink(),
                "netns", internet));
        Shell.check(List.of("ip", "-n", ns, "addr", "add", INTERNET_HOST_ADDRESS + "/24", "dev", "eth0"));
        Shell.check(List.of("ip", "-n", ns, "link", "set", "eth0", "up"));
        Shell.check(List.of("ip", "-n", ns, "route", "add", "default", "via", INTERNET_SIDE_ADDRESS));
        Shell.check(List.of("ip", "-n", internet, "addr", "add", INTERNET_SIDE_ADDRESS + "/24", "dev", h.internetLink()));
        Shell.check(List.of("ip", "-n", internet, "link", "set", h.internetLink(), "up"));
        LabState.Node n = new LabState.Node();
        n.namespace = ns;
        n.address = INTERNET_HOST_ADDRESS;
        n.gateway = INTERNET_SIDE_ADDRESS;
        n.role = "a host on the internet, behind the internet gateway";
        st.nodes.put(INTERNET_HOST, n);
        st.save();
        say(INTERNET_HOST + ": namespace " + ns + ", " + INTERNET_HOST_ADDRESS + "/24, link " + h.internetLink() + " in " + internet);
    }

    /** Pings the application from the internet host and says which firewall forwarded the packets. */
    private void pathCheck() throws IOException {
        PathCheck r = PathCheck.run(st, 3);
        say("ping " + INTERNET_HOST + " -> " + APP + " (" + APP_ADDRESS + "): " + r);
        if (!r.ok() || !ACTIVE.equals(r.forwardedBy())) {
            throw new IOException("traffic from the internet host to the application did not pass " + ACTIVE + ": " + r);
        }
    }

    private Appliance appliance(String name, String address, List<String> endpoints, int prepend) {
        return new Appliance(name, st.node(name).namespace, st.home().nodeDir(name), APPLIANCE_ASN, address, endpoints,
                List.of(APP_SUBNET, DEFAULT), prepend, ROUTE_SERVER_ASN);
    }

    @Override
    List<String> summary() {
        LabState.Home h = st.home();
        List<String> s = new ArrayList<>();
        s.add("try:");
        s.add("  " + h.command("exec") + " " + INTERNET_HOST + " -- ping -c 3 " + APP_ADDRESS + "   # through " + ACTIVE);
        s.add("  " + h.command("fail") + " " + ACTIVE + "      # BFD notices within 300 ms; then " + h.command("status"));
        s.add("  " + h.command("recover") + " " + ACTIVE);
        s.add("  " + h.command("exec") + " " + ACTIVE + " -- vtysh -N " + st.node(ACTIVE).frrPathspace
                + " -c 'show bgp summary' -c 'show bfd peers brief'");
        s.add("  " + h.command("down"));
        return s;
    }

    /**
     * A few pings from the internet host to the application, and which firewall's namespace forwarded them (its
     * {@code Ip: ForwDatagrams} counter went up).
     */
    record PathCheck(int sent, int received, String forwardedBy, String counts) {
        boolean ok() {
            return received > 0;
        }

        static PathCheck run(LabState st, int count) {
            List<String> firewalls = List.of(ACTIVE, STANDBY);
            long[] before = new long[2];
            for (int i = 0; i < 2; i++) before[i] = Counters.read(st.node(firewalls.get(i))).forwarded();
            Shell.Result r = Shell.inNamespace(st.node(INTERNET_HOST).namespace, "ping", "-n", "-c", Integer.toString(count),
                    "-i", "0.2", "-W", "1", APP_ADDRESS);
            int received = 0;
            for (String line : r.output().lines().toList()) if (line.contains("bytes from")) received++;
            String by = null;
            StringBuilder counts = new StringBuilder();
            for (int i = 0; i < 2; i++) {
                long d = Counters.read(st.node(firewalls.get(i))).forwarded() - before[i];
                counts.append(i == 0 ? "" : ", ").append(firewalls.get(i)).append(" forwarded ").append(d);
                if (d >= received && received > 0 && by == null) by = firewalls.get(i);
            }
            return new PathCheck(count, received, by, counts.toString());
        }

        @Override
        public String toString() {
            return received + "/" + sent + " answered" + (forwardedBy == null ? "" : ", through " + forwardedBy) + " (" + counts + ")";
        }
    }
}
