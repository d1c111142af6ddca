package io.vroute.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real packets through a topology built only through this module, the shape of a VPC in the Linux data plane: a
 * router namespace with one bridge per subnet, two instance namespaces each attached to a subnet bridge by a veth
 * pair, and per-subnet route tables selected by {@code iif BRIDGE} rules.
 *
 * <pre>
 *   inst-a  a1 10.91.1.2/24 ── a0 ─ br1 10.91.1.1/24 ┐ router: forwarding on,
 *                                                    │  iif br1 lookup 1001 (10.91.2.0/24 dev br2)
 *   inst-b  b1 10.91.2.2/24 ── b0 ─ br2 10.91.2.1/24 ┘  iif br2 lookup 1002 (10.91.1.0/24 dev br1)
 * </pre>
 */
class PacketsTest {
    private final ScratchNamespaces scratch = new ScratchNamespaces();

    @BeforeEach
    void root() {
        Host.requireRoot();
    }

    @AfterEach
    void cleanUp() {
        scratch.close();
    }

    private static InetAddress ip(String s) {
        return IpPrefix.numericAddress(s);
    }

    @Test
    void pingCrossesBridgesAndPolicyRoutedTables() throws IOException {
        String router = scratch.create("router");
        String a = scratch.create("inst-a");
        String b = scratch.create("inst-b");
        try (Netlink r = Netlink.openIn(router); Netlink na = Netlink.openIn(a); Netlink nb = Netlink.openIn(b)) {
            Links links = r.links();
            for (String[] subnet : new String[][] {{"br1", "a0", "a1", a, "10.91.1.1"}, {"br2", "b0", "b1", b, "10.91.2.1"}}) {
                links.createBridge(subnet[0]);
                links.createVethPair(subnet[1], subnet[2], subnet[3]);
                links.setMaster(subnet[1], subnet[0]);
                links.setUp(subnet[1]);
                links.setUp(subnet[0]);
                r.addresses().add(subnet[0], ip(subnet[4]), 24);
            }
            Namespaces.enableForwarding(router);
            int br1 = links.requireIndex("br1");
            int br2 = links.requireIndex("br2");
            r.routes().add(RouteSpec.onLink(1001, IpPrefix.parse("10.91.2.0/24"), br2));
            r.routes().add(RouteSpec.onLink(1002, IpPrefix.parse("10.91.1.0/24"), br1));
            r.rules().add(RuleSpec.lookup(IpVersion.V4, "br1", 1001, 1000));
            r.rules().add(RuleSpec.lookup(IpVersion.V4, "br2", 1002, 1000));

            for (Object[] inst : new Object[][] {{na, "a1", "10.91.1.2", "10.91.1.1"}, {nb, "b1", "10.91.2.2", "10.91.2.1"}}) {
                Netlink n = (Netlink) inst[0];
                String link = (String) inst[1];
                n.links().setUp(link);
                n.addresses().add(link, ip((String) inst[2]), 24);
                n.routes().add(RouteSpec.via(254, IpPrefix.parse("0.0.0.0/0"), ip((String) inst[3]), 0));
            }

            String route = Host.ipIn(router, "route", "get", "10.91.2.2", "from", "10.91.1.2", "iif", "br1");
            assertTrue(route.contains("table 1001"), "the router routes br1's traffic by table 1001: " + route);

            Host.Result ping = Host.execIn(a, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.91.2.2");
            assertEquals(0, ping.exit(), "ping from inst-a to inst-b: " + ping.out() + ping.err());
            assertTrue(ping.out().contains("3 received"), ping.out());
            assertTrue(ping.out().contains("ttl=63"), "one routed hop: " + ping.out());

            // take the route out of table 1001: the rule still sends br1's traffic there, and nothing gets through
            r.routes().delete(RouteSpec.onLink(1001, IpPrefix.parse("10.91.2.0/24"), br2));
            r.routes().add(RouteSpec.blackhole(1001, IpPrefix.parse("10.91.2.0/24")));
            Host.Result dropped = Host.execIn(a, "ping", "-c", "1", "-W", "1", "10.91.2.2");
            assertNotEquals(0, dropped.exit(), "blackholed: " + dropped.out());
        }
    }
}
