package io.vroute.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoutesTest {
    private static final int STATIC = 4;

    private final ScratchNamespaces scratch = new ScratchNamespaces();
    private String ns;
    private Netlink netlink;
    private Routes routes;
    private int va;

    /** A namespace with veth va (10.50.0.1/24, 2001:db8:50::1/64) whose peer vb is up, so next hops resolve. */
    @BeforeEach
    void namespace() throws IOException {
        Host.requireRoot();
        ns = scratch.create("routes");
        netlink = Netlink.openIn(ns);
        routes = netlink.routes();
        Links links = netlink.links();
        va = links.createVethPair("va", "vb", null);
        links.setUp("va");
        links.setUp("vb");
        netlink.addresses().add("va", ip("10.50.0.1"), 24);
        netlink.addresses().add("va", ip("2001:db8:50::1"), 64);
    }

    @AfterEach
    void cleanUp() {
        if (netlink != null) netlink.close();
        scratch.close();
    }

    private static InetAddress ip(String text) {
        return IpPrefix.numericAddress(text);
    }

    private static IpPrefix prefix(String text) {
        return IpPrefix.parse(text);
    }

    private String ipRoutes(String... args) {
        List<String> all = new ArrayList<>(List.of("route", "show"));
        all.addAll(List.of(args));
        return Host.ipIn(ns, all.toArray(String[]::new));
    }

    private String ip6Routes(String... args) {
        List<String> all = new ArrayList<>(List.of("-6", "route", "show"));
        all.addAll(List.of(args));
        return Host.ipIn(ns, all.toArray(String[]::new));
    }

    @Test
    void vrouteProtocolIsNamedNowhereInIproute2() throws IOException {
        // the choice of 249: no name in iproute2's tables or FRR's (which has 196 for its staticd)
        for (String file : List.of("/etc/iproute2/rt_protos", "/usr/share/iproute2/rt_protos")) {
            java.nio.file.Path p = java.nio.file.Path.of(file);
            if (!java.nio.file.Files.exists(p)) continue;
            assertFalse(java.nio.file.Files.readAllLines(p).stream().anyMatch(l -> l.strip().startsWith("249")), file);
        }
        java.nio.file.Path dir = java.nio.file.Path.of("/etc/iproute2/rt_protos.d");
        if (java.nio.file.Files.isDirectory(dir)) {
            try (var files = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path p : files.toList()) {
                    assertFalse(java.nio.file.Files.readAllLines(p).stream().anyMatch(l -> l.strip().matches("249\\s.*")), p.toString());
                }
            }
        }
        routes.add(RouteSpec.blackhole(100, prefix("10.99.0.0/16")));
        assertTrue(ipRoutes("table", "100").contains("blackhole 10.99.0.0/16 proto 249"), "ip prints it as a number");
    }

    @Test
    void routesGoIntoTheirTableWithVroutesProtocol() throws IOException {
        routes.add(RouteSpec.via(100, prefix("10.60.0.0/24"), ip("10.50.0.2"), va));
        routes.add(RouteSpec.via(100000, prefix("10.60.1.0/24"), ip("10.50.0.2"), 0));   // a table above 255
        routes.add(RouteSpec.onLink(100, prefix("10.60.2.0/24"), va));
        routes.add(RouteSpec.via(100, prefix("10.60.3.0/24"), ip("10.50.0.2"), va).withMetric(50));
        routes.add(RouteSpec.blackhole(100, prefix("10.60.4.0/24")));
        routes.add(RouteSpec.via(100, prefix("2001:db8:60::/48"), ip("2001:db8:50::2"), va));

        String t100 = ipRoutes("table", "100");
        assertTrue(t100.contains("10.60.0.0/24 via 10.50.0.2 dev va proto 249 \n"), t100);
        assertTrue(t100.contains("10.60.2.0/24 dev va proto 249 scope link \n"), t100);
        assertTrue(t100.contains("10.60.3.0/24 via 10.50.0.2 dev va proto 249 metric 50 \n"), t100);
        assertTrue(t100.contains("blackhole 10.60.4.0/24 proto 249 \n"), t100);
        assertEquals("10.60.1.0/24 via 10.50.0.2 dev va proto 249 \n", ipRoutes("table", "100000"));
        assertTrue(ip6Routes("table", "100").contains("2001:db8:60::/48 via 2001:db8:50::2 dev va proto 249 metric 1024 pref medium"));
        assertFalse(ipRoutes().contains("10.60."), "nothing leaked into table main");
    }

    @Test
    void dumpReadsATableAndFiltersByProtocol() throws IOException {
        RouteSpec ours = RouteSpec.via(100000, prefix("10.60.0.0/24"), ip("10.50.0.2"), va);
        RouteSpec ours6 = RouteSpec.onLink(100000, prefix("2001:db8:61::/64"), va).withMetric(7);
        RouteSpec hole = RouteSpec.blackhole(100000, prefix("10.60.9.0/24"));
        routes.add(ours);
        routes.add(ours6);
        routes.add(hole);
        Host.ipIn(ns, "route", "add", "10.70.0.0/24", "via", "10.50.0.2", "table", "100000", "proto", "static");
        Host.ipIn(ns, "route", "add", "10.80.0.0/24", "via", "10.50.0.2", "table", "100001", "proto", "249");

        assertEquals(List.of(ours, hole, ours6), sorted(routes.dumpOwned(100000)));
        List<RouteSpec> all = routes.dump(100000);
        assertEquals(4, all.size(), all.toString());
        assertTrue(all.contains(new RouteSpec(100000, prefix("10.70.0.0/24"), Optional.of(ip("10.50.0.2")),
                OptionalInt.of(va), STATIC, OptionalInt.empty(), RouteType.UNICAST)), all.toString());
        assertEquals(1, routes.dump(100000, STATIC).size());
        assertEquals(List.of(), routes.dump(4242), "a table that does not exist is empty");
        // dumped routes are the ones written: the kernel's IPv6 default metric shows as 1024
        RouteSpec v6 = RouteSpec.via(100, prefix("2001:db8:62::/64"), ip("2001:db8:50::2"), va);
        routes.add(v6);
        assertEquals(List.of(v6.withMetric(1024)), routes.dumpOwned(100));
    }

    private static List<RouteSpec> sorted(List<RouteSpec> list) {
        return list.stream().sorted(java.util.Comparator.comparing((RouteSpec r) -> r.destination().ipv6())
                .thenComparing(RouteSpec::toString)).toList();
    }

    @Test
    void addingARouteTwiceFailsWithEexistAndSaysUseReplace() throws IOException {
        RouteSpec r = RouteSpec.via(100, prefix("10.60.0.0/24"), ip("10.50.0.2"), va);
        routes.add(r);
        NetlinkException e = assertThrows(NetlinkException.class, () -> routes.add(r));
        assertEquals(Native.EEXIST, e.errno());
        assertEquals("EEXIST", e.errnoName());
        assertTrue(e.getMessage().startsWith("add route 10.60.0.0/24 via 10.50.0.2 dev#" + va + " table 100 proto 249 in "
                + "namespace " + ns + ": EEXIST: the route exists; use replace"), e.getMessage());
    }

    @Test
    void replaceUpdatesVroutesRouteAndCreatesMissingOnes() throws IOException {
        routes.add(RouteSpec.via(100, prefix("10.60.0.0/24"), ip("10.50.0.2"), va));
        routes.replace(RouteSpec.via(100, prefix("10.60.0.0/24"), ip("10.50.0.3"), va));
        routes.replace(RouteSpec.blackhole(100, prefix("10.60.1.0/24")));
        routes.replace(RouteSpec.via(100, prefix("2001:db8:60::/48"), ip("2001:db8:50::2"), va));
        routes.replace(RouteSpec.via(100, prefix("2001:db8:60::/48"), ip("2001:db8:50::3"), va));
        String t = ipRoutes("table", "100");
        assertTrue(t.contains("10.60.0.0/24 via 10.50.0.3 dev va proto 249"), t);
        assertFalse(t.contains("10.50.0.2"), "replaced, not added beside: " + t);
        assertTrue(t.contains("blackhole 10.60.1.0/24 proto 249"), t);
        String t6 = ip6Routes("table", "100");
        assertEquals(1, t6.lines().count(), t6);
        assertTrue(t6.contains("2001:db8:60::/48 via 2001:db8:50::3 dev va proto 249"), t6);
    }

    @Test
    void replaceRefusesARouteOfAnotherProtocol() throws IOException {
        Host.ipIn(ns, "route", "add", "10.70.0.0/24", "via", "10.50.0.2", "table", "100", "proto", "static");
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> routes.replace(RouteSpec.via(100, prefix("10.70.0.0/24"), ip("10.50.0.3"), va)));
        assertEquals(OptionalInt.of(STATIC), e.foreignProtocol());
        assertTrue(e.getMessage().contains("of protocol 4 (static), not this owner's (249); vroute never replaces a "
                + "route it does not own"), e.getMessage());
        assertEquals("10.70.0.0/24 via 10.50.0.2 dev va proto static \n", ipRoutes("table", "100"), "left alone");

        Host.ipIn(ns, "-6", "route", "add", "2001:db8:70::/48", "via", "2001:db8:50::2", "table", "100", "proto", "static");
        NetlinkException e6 = assertThrows(NetlinkException.class,
                () -> routes.replace(RouteSpec.via(100, prefix("2001:db8:70::/48"), ip("2001:db8:50::3"), va)));
        assertEquals(OptionalInt.of(STATIC), e6.foreignProtocol());
        assertTrue(ip6Routes("table", "100").contains("2001:db8:70::/48 via 2001:db8:50::2 dev va proto static"));

        // another metric is another route: that one vroute may own beside the static one
        routes.replace(RouteSpec.via(100, prefix("10.70.0.0/24"), ip("10.50.0.3"), va).withMetric(10));
        String t = ipRoutes("table", "100");
        assertTrue(t.contains("10.70.0.0/24 via 10.50.0.2 dev va proto static") && t.contains("metric 10"), t);
    }

    @Test
    void deleteRemovesVroutesRouteButNeverAnotherOwners() throws IOException {
        routes.add(RouteSpec.via(100, prefix("10.60.0.0/24"), ip("10.50.0.2"), va));
        routes.add(RouteSpec.via(100, prefix("2001:db8:60::/48"), ip("2001:db8:50::2"), va));
        routes.delete(RouteSpec.via(100, prefix("10.60.0.0/24"), ip("10.50.0.2"), va));
        routes.delete(RouteSpec.blackhole(100, prefix("2001:db8:60::/48")));   // by key: next hop not needed
        assertEquals("", ipRoutes("table", "100"));
        assertEquals("", ip6Routes("table", "100"));

        Host.ipIn(ns, "route", "add", "10.70.0.0/24", "via", "10.50.0.2", "table", "100", "proto", "static");
        Host.ipIn(ns, "-6", "route", "add", "2001:db8:70::/48", "via", "2001:db8:50::2", "table", "100", "proto", "static");
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> routes.delete(RouteSpec.blackhole(100, prefix("10.70.0.0/24"))));
        assertEquals(Native.ESRCH, e.errno());
        assertTrue(e.getMessage().contains("ESRCH: table 100 has no route to 10.70.0.0/24 of protocol 249"), e.getMessage());
        assertThrows(NetlinkException.class, () -> routes.delete(RouteSpec.blackhole(100, prefix("2001:db8:70::/48"))));
        assertTrue(ipRoutes("table", "100").contains("10.70.0.0/24 via 10.50.0.2 dev va proto static"));
        assertTrue(ip6Routes("table", "100").contains("2001:db8:70::/48 via 2001:db8:50::2 dev va proto static"));
    }

    @Test
    void aBatchOfTenThousandRoutesIsAddedReplacedAndDeleted() throws IOException {
        List<RouteOperation> adds = new ArrayList<>();
        List<RouteOperation> replaces = new ArrayList<>();
        List<RouteOperation> deletes = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            IpPrefix p = new IpPrefix(IpPrefix.byAddress(new byte[] {10, 100, (byte) (i >> 8), (byte) i}), 32);
            adds.add(RouteOperation.add(RouteSpec.via(1000, p, ip("10.50.0.2"), va)));
            replaces.add(RouteOperation.replace(RouteSpec.via(1000, p, ip("10.50.0.3"), va)));
            deletes.add(RouteOperation.delete(RouteSpec.blackhole(1000, p)));
        }
        BatchResult added = routes.apply(adds);
        assertTrue(added.allApplied(), added.toString());
        assertEquals(10_000, added.applied());
        String shown = Host.ipIn(ns, "route", "show", "table", "1000", "proto", "249");
        assertEquals(10_000, shown.lines().count());
        assertTrue(shown.contains("10.100.39.15 via 10.50.0.2 dev va "), "the 9999th route: ip leaves out the proto it filtered on");
        assertEquals(10_000, routes.dumpOwned(1000).size());

        BatchResult replaced = routes.apply(replaces);
        assertTrue(replaced.allApplied(), replaced.toString());
        String after = Host.ipIn(ns, "route", "show", "table", "1000");
        assertEquals(10_000, after.lines().count());
        assertEquals(10_000, after.lines().filter(l -> l.contains(" via 10.50.0.3 dev va proto 249")).count());

        BatchResult deleted = routes.apply(deletes);
        assertTrue(deleted.allApplied(), deleted.toString());
        assertEquals("", Host.ipIn(ns, "route", "show", "table", "1000"));
    }

    @Test
    void aBatchReportsEachRefusedOperationByIndexAndAppliesTheRest() throws IOException {
        RouteSpec a = RouteSpec.via(100, prefix("10.60.0.0/24"), ip("10.50.0.2"), va);
        RouteSpec b = RouteSpec.via(100, prefix("10.60.1.0/24"), ip("10.50.0.2"), va);
        RouteSpec existing = RouteSpec.via(100, prefix("10.60.2.0/24"), ip("10.50.0.2"), va);
        RouteSpec unreachable = RouteSpec.via(100, prefix("10.60.3.0/24"), ip("192.0.2.1"), va);
        routes.add(existing);
        Host.ipIn(ns, "route", "add", "10.70.0.0/24", "via", "10.50.0.2", "table", "100", "proto", "static");

        BatchResult result = routes.apply(List.of(
                RouteOperation.add(a),
                RouteOperation.add(existing),
                RouteOperation.replace(RouteSpec.via(100, prefix("10.70.0.0/24"), ip("10.50.0.3"), va)),
                RouteOperation.add(b),
                RouteOperation.delete(RouteSpec.blackhole(100, prefix("10.60.8.0/24"))),
                RouteOperation.add(unreachable)));
        assertEquals(6, result.size());
        assertEquals(List.of(1, 2, 4, 5), result.failures().stream().map(BatchResult.Failure::index).toList());
        assertEquals(List.of(Native.EEXIST, Native.EEXIST, Native.ESRCH, Native.ENETUNREACH),
                result.failures().stream().map(f -> f.error().errno()).toList());
        assertTrue(result.failures().get(3).error().getMessage().contains("the gateway is on no network connected"),
                result.failures().get(3).error().getMessage());
        String t = ipRoutes("table", "100");
        assertTrue(t.contains("10.60.0.0/24 via") && t.contains("10.60.1.0/24 via"), t);
        assertTrue(t.contains("10.70.0.0/24 via 10.50.0.2 dev va proto static"), t);
        NetlinkException first = assertThrows(NetlinkException.class, result::throwIfAnyFailed);
        assertEquals(3, first.getSuppressed().length);
    }

    @Test
    void aBatchThatTouchesARouteTwiceKeepsItsOrder() throws IOException {
        RouteSpec x = RouteSpec.via(100, prefix("10.60.0.0/24"), ip("10.50.0.2"), va);
        routes.add(x);
        BatchResult result = routes.apply(List.of(
                RouteOperation.replace(RouteSpec.via(100, prefix("10.60.0.0/24"), ip("10.50.0.3"), va)),
                RouteOperation.delete(x),
                RouteOperation.add(RouteSpec.blackhole(100, prefix("10.60.1.0/24"))),
                RouteOperation.replace(RouteSpec.via(100, prefix("10.60.1.0/24"), ip("10.50.0.3"), va))));
        assertTrue(result.allApplied(), result.toString());
        assertEquals("10.60.1.0/24 via 10.50.0.3 dev va proto 249 \n", ipRoutes("table", "100"));
    }

    @Test
    void routesThatAreNotTheOwnersOrNotWritableAreRefusedBeforeSending() {
        IpPrefix p = prefix("10.60.0.0/24");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> routes.add(RouteSpec.blackhole(100, p).withProtocol(STATIC)));
        assertTrue(e.getMessage().contains("is not this owner's (249)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> routes.add(new RouteSpec(100, p, Optional.empty(),
                OptionalInt.empty(), Netlink.VROUTE_PROTOCOL, OptionalInt.empty(), RouteType.UNICAST)));
        assertThrows(IllegalArgumentException.class, () -> routes.add(new RouteSpec(100, p, Optional.empty(),
                OptionalInt.of(va), Netlink.VROUTE_PROTOCOL, OptionalInt.empty(), RouteType.BLACKHOLE)));
        assertThrows(IllegalArgumentException.class, () -> routes.add(new RouteSpec(100, p, Optional.empty(),
                OptionalInt.empty(), Netlink.VROUTE_PROTOCOL, OptionalInt.empty(), RouteType.LOCAL)));
        assertThrows(IllegalArgumentException.class, () -> RouteSpec.via(100, p, ip("2001:db8::1"), va));
        assertFalse(Host.ipIn(ns, "route", "show", "table", "all").contains("10.60.0.0"), "nothing was sent");
    }

    @Test
    void anotherOwnerIsKeptApartFromVroute() throws IOException {
        Routes other = netlink.routes(250);
        other.add(RouteSpec.blackhole(100, prefix("10.60.0.0/24")).withProtocol(250));
        assertThrows(NetlinkException.class, () -> routes.delete(RouteSpec.blackhole(100, prefix("10.60.0.0/24"))));
        NetlinkException e = assertThrows(NetlinkException.class, () -> routes.replace(RouteSpec.blackhole(100, prefix("10.60.0.0/24"))));
        assertEquals(OptionalInt.of(250), e.foreignProtocol());
        assertEquals("blackhole 10.60.0.0/24 proto 250 \n", ipRoutes("table", "100"));
    }
}
