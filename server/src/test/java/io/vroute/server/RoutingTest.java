package io.vroute.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.AsPath;
import io.vroute.bgp.wire.Capability;
import io.vroute.bgp.wire.Nlri;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.Origin;
import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.UpdateMessage;
import io.vroute.vpc.NewInterface;
import io.vroute.vpc.RouteView;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Route-server behaviour from UPDATEs to route tables, driven below the sockets (sessions are brought up and UPDATEs
 * handed in exactly as the BGP speaker's callbacks do; the socket path itself is covered by the interop tests with
 * real gobgpd): best path into every propagated table, static routes winning, edge tables, withdrawal on session
 * loss, persist routes, route limits, IPv6, restarts.
 */
class RoutingTest {
    @TempDir
    Path dir;
    private Server server;

    record Scenario(String vpc, String subnetA, String subnetB, String tableA, String tableB, String eniA, String eniB,
                    String rs, String peerA, String peerB) {}

    private Server start(ServerConfig config) throws Exception {
        server = Server.start(config);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private Scenario build(String persist) {
        return server.call(r -> {
            var n = r.network();
            String vpc = n.createVpc("10.0.0.0/16", "fd00:10::/56", false, null).vpcId();
            String a = n.createSubnet(vpc, "10.0.1.0/24", "fd00:10:0:1::/64", "us-east-1a").subnetId();
            String b = n.createSubnet(vpc, "10.0.2.0/24", "us-east-1b").subnetId();
            String ta = n.createRouteTable(vpc).routeTableId();
            String tb = n.createRouteTable(vpc).routeTableId();
            n.associateRouteTable(ta, a, null);
            n.associateRouteTable(tb, b, null);
            String eniA = n.createNetworkInterface(NewInterface.in(a).withPrivateIpAddress("10.0.1.10").withIpv6Address("fd00:10:0:1::10")).networkInterfaceId();
            String eniB = n.createNetworkInterface(NewInterface.in(b).withPrivateIpAddress("10.0.2.10")).networkInterfaceId();
            String rs = r.createRouteServer(65000, persist, persist == null ? null : 1L, false).routeServerId();
            r.associate(rs, vpc);
            RouteServerEndpoint ea = r.createEndpoint(rs, a);
            RouteServerEndpoint eb = r.createEndpoint(rs, b);
            r.runtimes.get(rs).startEndpoint(r.endpoints.get(ea.routeServerEndpointId()));
            r.runtimes.get(rs).startEndpoint(r.endpoints.get(eb.routeServerEndpointId()));
            String pa = r.createPeer(ea.routeServerEndpointId(), "10.0.1.10", 65001, null).routeServerPeerId();
            String pb = r.createPeer(eb.routeServerEndpointId(), "10.0.2.10", 65001, null).routeServerPeerId();
            r.enablePropagation(rs, ta);
            r.enablePropagation(rs, tb);
            return new Scenario(vpc, a, b, ta, tb, eniA, eniB, rs, pa, pb);
        });
    }

    private static OpenMessage open(String routerId) throws Exception {
        byte[] b = InetAddress.getByName(routerId).getAddress();
        int id = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        return OpenMessage.of(65001, 90, id, List.of(new Capability.FourOctetAs(65001)));
    }

    private void up(Scenario s, String peer, String routerId) throws Exception {
        OpenMessage o = open(routerId);
        server.call(r -> {
            RouteServerRuntime rt = r.runtimes.get(s.rs());
            rt.sessionUp(rt.peers.get(peer), o);
            return null;
        });
    }

    private void down(Scenario s, String peer) {
        server.call(r -> {
            RouteServerRuntime rt = r.runtimes.get(s.rs());
            rt.sessionDown(rt.peers.get(peer), "hold timer expired", System.nanoTime());
            return null;
        });
    }

    private void send(Scenario s, String peer, UpdateMessage u) {
        server.call(r -> {
            RouteServerRuntime rt = r.runtimes.get(s.rs());
            rt.received(rt.peers.get(peer), u);
            return null;
        });
        server.call(r -> null); // the drain runs after the UPDATE on the control thread
    }

    private static UpdateMessage announce(String nextHop, int pathLength, String... prefixes) throws Exception {
        long[] path = new long[pathLength];
        java.util.Arrays.fill(path, 65001);
        PathAttributes a = PathAttributes.builder().origin(Origin.IGP).asPath(AsPath.sequence(path))
                .nextHop(InetAddress.getByName(nextHop)).build();
        List<Prefix> ps = new ArrayList<>();
        for (String p : prefixes) ps.add(Prefix.parse(p));
        return new UpdateMessage(null, a, Nlri.of(AddressFamily.IPV4_UNICAST, ps), null, null);
    }

    private static UpdateMessage withdraw(String... prefixes) {
        List<Prefix> ps = new ArrayList<>();
        for (String p : prefixes) ps.add(Prefix.parse(p));
        return new UpdateMessage(Nlri.of(AddressFamily.IPV4_UNICAST, ps), null, null, null, null);
    }

    private RouteView route(String table, String destination) {
        return server.call(r -> r.network().effectiveRoutes(table).stream()
                .filter(v -> v.destination().toString().equals(destination)).findFirst().orElse(null));
    }

    private boolean persisted(Scenario s) {
        return server.<Boolean>call(r -> r.areRoutesPersisted(s.rs()));
    }

    private List<RoutingDatabaseEntry> db(Scenario s) {
        return server.call(r -> r.routingDatabase(s.rs()));
    }

    @Test
    void bestPathGoesIntoEveryPropagatedTableAsAdvertisement() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0));
        Scenario s = build(null);
        up(s, s.peerA(), "10.0.1.10");
        up(s, s.peerB(), "10.0.2.10");
        send(s, s.peerA(), announce("10.0.1.10", 1, "172.16.1.1/32"));
        send(s, s.peerB(), announce("10.0.2.10", 3, "172.16.1.1/32"));
        for (String t : List.of(s.tableA(), s.tableB())) {
            RouteView v = route(t, "172.16.1.1/32");
            assertEquals(s.eniA(), v.networkInterfaceId());
            assertEquals("Advertisement", v.origin());
            assertEquals("10.0.1.10", v.ipAddress());
        }
        List<RoutingDatabaseEntry> db = db(s);
        assertEquals(2, db.size());
        RoutingDatabaseEntry best = db.stream().filter(e -> e.routeStatus().equals("in-fib")).findFirst().orElseThrow();
        assertEquals(s.peerA(), best.routeServerPeerId());
        assertEquals(List.of(65001L), best.asPath());
        assertEquals(2, best.installations().size());
        assertTrue(best.installations().stream().allMatch(i -> i.status().equals("installed")));
        String explained = server.call(r -> r.explain(s.rs(), "172.16.1.1/32")).render();
        assertTrue(explained.contains("as-path-length"), explained);
    }

    @Test
    void routingDatabasePagesAreWindowsOfTheWholeList() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0));
        Scenario s = build(null);
        up(s, s.peerA(), "10.0.1.10");
        String[] many = new String[12];
        for (int i = 0; i < many.length; i++) many[i] = "172.21." + i + ".0/24";
        send(s, s.peerA(), announce("10.0.1.10", 1, many));
        List<RoutingDatabaseEntry> all = db(s);
        List<RoutingDatabaseEntry> paged = new ArrayList<>();
        for (int from = 0; from < 15; from += 5) {
            int f = from;
            paged.addAll(server.call(r -> r.routingDatabase(s.rs(), f, 5)));
        }
        assertEquals(12, all.size());
        assertEquals(all, paged, "three windows of 5 give the whole list, in order, once");
    }

    @Test
    void sessionLossWithdrawsAtOnceAndTheStandbyTakesOver() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0));
        Scenario s = build(null);
        up(s, s.peerA(), "10.0.1.10");
        up(s, s.peerB(), "10.0.2.10");
        send(s, s.peerA(), announce("10.0.1.10", 1, "172.16.1.1/32"));
        send(s, s.peerB(), announce("10.0.2.10", 3, "172.16.1.1/32"));
        down(s, s.peerA());
        server.call(r -> null);
        assertEquals(s.eniB(), route(s.tableA(), "172.16.1.1/32").networkInterfaceId());
        assertEquals(1, db(s).size());
        down(s, s.peerB());
        server.call(r -> null);
        assertNull(route(s.tableA(), "172.16.1.1/32"), "no appliance left: the route is gone");
    }

    @Test
    void aFailoverIsTimedFromTheSessionsEndToTheTablesAndFollowsItsBgpDownInTheTimeline() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0));
        Scenario s = build(null);
        up(s, s.peerA(), "10.0.1.10");
        up(s, s.peerB(), "10.0.2.10");
        send(s, s.peerA(), announce("10.0.1.10", 1, "172.16.1.1/32", "172.16.1.2/32"));
        send(s, s.peerB(), announce("10.0.2.10", 3, "172.16.1.1/32"));
        long before = server.events().lastSequence();
        down(s, s.peerA());
        server.call(r -> null);

        List<io.vroute.server.events.Events.Entry> after = server.events().since(before, s.rs(), 100);
        var downs = after.stream().filter(e -> e.event() instanceof io.vroute.server.events.RouteServerEvent.PeerStatus p
                && p.peerId().equals(s.peerA()) && p.status().equals("DOWN")).toList();
        var failovers = after.stream().filter(e -> e.event() instanceof io.vroute.server.events.RouteServerEvent.Failover).toList();
        assertEquals(1, downs.size(), "one BGP DOWN for the active peer: " + after);
        assertEquals(1, failovers.size(), "one failover: " + after);
        assertTrue(downs.get(0).sequence() < failovers.get(0).sequence(), "the DOWN comes before the failover");
        var f = (io.vroute.server.events.RouteServerEvent.Failover) failovers.get(0).event();
        assertEquals(s.peerA(), f.peerId());
        assertEquals("hold timer expired", f.cause());
        assertEquals(2, f.prefixes(), "both of its best paths changed");
        assertEquals(1, f.moved(), "172.16.1.1/32 moved to the standby, 172.16.1.2/32 had no other path");
        assertEquals(java.util.Set.of(s.tableA(), s.tableB()), java.util.Set.copyOf(f.routeTables()), "both propagated tables");
        assertTrue(f.durationMillis() >= 0 && f.durationMillis() < 5_000, "measured: " + f.durationMillis() + " ms");

        // The standby going down too moves nothing to another peer; a peer whose routes were not best makes no failover.
        long mark = server.events().lastSequence();
        up(s, s.peerA(), "10.0.1.10");
        send(s, s.peerA(), announce("10.0.1.10", 1, "172.16.1.1/32"));
        down(s, s.peerB());
        server.call(r -> null);
        assertTrue(server.events().since(mark, s.rs(), 100).stream()
                        .noneMatch(e -> e.event() instanceof io.vroute.server.events.RouteServerEvent.Failover),
                "the standby's routes were not best: no failover");
    }

    @Test
    void routeEventsAreMadeOnlyForASinkThatWantsThemAndSayAdvertisedUpdatedWithdrawn() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0));
        List<io.vroute.server.events.RouteServerEvent> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean wants = new java.util.concurrent.atomic.AtomicBoolean(false);
        server.events().add(new io.vroute.server.events.Events.Sink() {
            @Override public void accept(io.vroute.server.events.RouteServerEvent e) { seen.add(e); }
            @Override public boolean wantsRoutes(String routeServerId) { return wants.get(); }
        });
        Scenario s = build(null);
        up(s, s.peerA(), "10.0.1.10");
        send(s, s.peerA(), announce("10.0.1.10", 1, "172.16.9.0/24"));
        assertTrue(seen.stream().noneMatch(e -> e instanceof io.vroute.server.events.RouteServerEvent.RouteStatus),
                "no route events while nobody wants them");
        assertTrue(seen.stream().anyMatch(e -> e instanceof io.vroute.server.events.RouteServerEvent.PeerStatus p
                && p.kind().equals("BGP") && p.status().equals("UP")), "status changes always go to the sinks");

        wants.set(true);
        send(s, s.peerA(), announce("10.0.1.10", 2, "172.16.9.0/24", "172.16.10.0/24"));
        send(s, s.peerA(), withdraw("172.16.9.0/24", "172.16.99.0/24"));
        down(s, s.peerA());
        up(s, s.peerB(), "10.0.2.10");
        send(s, s.peerB(), announce("10.0.2.10", 1, "172.16.20.0/24"));
        server.call(r -> r.deletePeer(s.peerB()));
        List<String> routes = seen.stream().filter(e -> e instanceof io.vroute.server.events.RouteServerEvent.RouteStatus)
                .map(e -> { var r = (io.vroute.server.events.RouteServerEvent.RouteStatus) e;
                    return r.status() + " " + r.prefix() + " [" + r.asPath() + "] via " + r.nextHopIp(); })
                .toList();
        assertEquals(List.of(
                "UPDATED 172.16.9.0/24 [65001 65001] via 10.0.1.10",
                "ADVERTISED 172.16.10.0/24 [65001 65001] via 10.0.1.10",
                "WITHDRAWN 172.16.9.0/24 [65001 65001] via 10.0.1.10",     // 172.16.99.0/24 was never advertised
                "WITHDRAWN 172.16.10.0/24 [65001 65001] via 10.0.1.10",    // the session ended
                "ADVERTISED 172.16.20.0/24 [65001] via 10.0.2.10",
                "WITHDRAWN 172.16.20.0/24 [65001] via 10.0.2.10"),         // the peer was deleted
                routes);
    }

    @Test
    void bestPathsAreCountedPerPeerAndADeletedPeersIdIsNotChargedToANewPeer() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0));
        Scenario s = build(null);
        up(s, s.peerA(), "10.0.1.10");
        up(s, s.peerB(), "10.0.2.10");
        send(s, s.peerA(), announce("10.0.1.10", 1, "172.16.1.1/32", "172.16.1.2/32"));
        send(s, s.peerB(), announce("10.0.2.10", 3, "172.16.1.1/32"));
        assertEquals(2, server.<Integer>call(r -> r.peerState(s.peerA()).fibRoutes()).intValue());
        assertEquals(0, server.<Integer>call(r -> r.peerState(s.peerB()).fibRoutes()).intValue());
        // A is deleted and, in the same control-thread task (before the drain), another peer is created: it may get
        // A's RIB id, but A's departing best paths must not be counted against it.
        String c = server.call(r -> {
            r.deletePeer(s.peerA());
            String endpoint = r.peer(s.peerB()).routeServerEndpointId();
            return r.createPeer(endpoint, "10.0.2.11", 65001, null).routeServerPeerId();
        });
        server.call(r -> null);
        assertEquals(1, server.<Integer>call(r -> r.peerState(s.peerB()).fibRoutes()).intValue(), "172.16.1.1/32 moved to B");
        assertEquals(0, server.<Integer>call(r -> r.peerState(c).fibRoutes()).intValue());
        server.call(r -> r.network().createNetworkInterface(NewInterface.in(s.subnetB()).withPrivateIpAddress("10.0.2.11")));
        up(s, c, "10.0.2.11");
        send(s, c, announce("10.0.2.11", 1, "172.16.1.1/32", "172.16.3.0/24"));
        assertEquals(2, server.<Integer>call(r -> r.peerState(c).fibRoutes()).intValue(), "C's shorter path wins both");
        assertEquals(0, server.<Integer>call(r -> r.peerState(s.peerB()).fibRoutes()).intValue());
    }

    @Test
    void staticRouteWinsAndThePropagatedOneIsReportedRejected() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0));
        Scenario s = build(null);
        server.call(r -> r.network().createRoute(s.tableA(), "172.16.1.1/32", null, s.eniB()));
        up(s, s.peerA(), "10.0.1.10");
        send(s, s.peerA(), announce("10.0.1.10", 1, "172.16.1.1/32"));
        assertEquals(s.eniB(), route(s.tableA(), "172.16.1.1/32").networkInterfaceId(), "the static route stays");
        assertEquals("CreateRoute", route(s.tableA(), "172.16.1.1/32").origin());
        assertEquals(s.eniA(), route(s.tableB(), "172.16.1.1/32").networkInterfaceId());
        RoutingDatabaseEntry e = db(s).get(0);
        RoutingDatabaseEntry.Installation inA = e.installations().stream().filter(i -> i.routeTableId().equals(s.tableA())).findFirst().orElseThrow();
        assertEquals("rejected", inA.status());
        assertNotNull(inA.reason());
        // Delete the static route: the propagated one is installed.
        server.call(r -> r.network().deleteRoute(s.tableA(), "172.16.1.1/32"));
        assertEquals(s.eniA(), route(s.tableA(), "172.16.1.1/32").networkInterfaceId());
    }

    @Test
    void unresolvableNextHopAndOwnAsStayInRibWithAReason() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0));
        Scenario s = build(null);
        up(s, s.peerA(), "10.0.1.10");
        send(s, s.peerA(), announce("10.0.1.99", 1, "172.16.9.0/24"));
        PathAttributes loop = PathAttributes.builder().origin(Origin.IGP).asPath(AsPath.sequence(65001, 65000))
                .nextHop(InetAddress.getByName("10.0.1.10")).build();
        send(s, s.peerA(), new UpdateMessage(null, loop, Nlri.of(AddressFamily.IPV4_UNICAST, List.of(Prefix.parse("172.16.8.0/24"))), null, null));
        List<RoutingDatabaseEntry> db = db(s);
        assertEquals(2, db.size());
        for (RoutingDatabaseEntry e : db) {
            assertEquals("in-rib", e.routeStatus());
            assertNotNull(e.ineligibleReason());
        }
        assertNull(route(s.tableA(), "172.16.9.0/24"));
        // The ENI appears: the next hop resolves and the route is installed.
        server.call(r -> {
            r.network().createNetworkInterface(NewInterface.in(s.subnetA()).withPrivateIpAddress("10.0.1.99"));
            r.interfacesChanged();
            return null;
        });
        server.call(r -> null);
        assertNotNull(route(s.tableA(), "172.16.9.0/24"));
    }

    @Test
    void ipv6PrefixesArePropagatedToo() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0));
        Scenario s = build(null);
        up(s, s.peerA(), "10.0.1.10");
        PathAttributes a = PathAttributes.builder().origin(Origin.IGP).asPath(AsPath.sequence(65001)).build();
        UpdateMessage u = new UpdateMessage(null, a, null, new UpdateMessage.MpReach(
                Nlri.of(AddressFamily.IPV6_UNICAST, List.of(Prefix.parse("2001:db8:1::/48"))),
                InetAddress.getByName("fd00:10:0:1::10"), null), null);
        send(s, s.peerA(), u);
        RouteView v = route(s.tableA(), "2001:db8:1::/48");
        assertNotNull(v, "IPv6 route installed");
        assertEquals(s.eniA(), v.networkInterfaceId());
    }

    @Test
    void persistRoutesKeepsEverythingWhileAllSessionsAreDownThenResumes() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0).withPersistRouteUnit(Duration.ofSeconds(1)));
        Scenario s = build("enable");
        up(s, s.peerA(), "10.0.1.10");
        up(s, s.peerB(), "10.0.2.10");
        send(s, s.peerA(), announce("10.0.1.10", 1, "172.16.1.1/32", "172.16.2.0/24"));
        send(s, s.peerB(), announce("10.0.2.10", 3, "172.16.1.1/32"));
        down(s, s.peerA());
        server.call(r -> null);
        assertEquals(s.eniB(), route(s.tableA(), "172.16.1.1/32").networkInterfaceId(), "one session left: normal failover");
        assertNull(route(s.tableA(), "172.16.2.0/24"));
        down(s, s.peerB());
        server.call(r -> null);
        assertTrue(persisted(s));
        assertEquals(s.eniB(), route(s.tableA(), "172.16.1.1/32").networkInterfaceId(), "all down: routes persisted");
        // B comes back and re-advertises nothing; after the duration (1 unit) the persisted routes go.
        up(s, s.peerB(), "10.0.2.10");
        assertTrue(persisted(s), "still persisted right after BGP is back");
        await(() -> !persisted(s));
        server.call(r -> null);
        assertNull(route(s.tableA(), "172.16.1.1/32"));
    }

    @Test
    void persistRoutesResetDropsPersistedRoutes() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0));
        Scenario s = build("enable");
        up(s, s.peerA(), "10.0.1.10");
        send(s, s.peerA(), announce("10.0.1.10", 1, "172.16.1.1/32"));
        down(s, s.peerA());
        server.call(r -> null);
        assertTrue(persisted(s));
        assertNotNull(route(s.tableA(), "172.16.1.1/32"));
        server.call(r -> r.modifyRouteServer(s.rs(), "reset", null, null));
        server.call(r -> null);
        assertFalse(persisted(s));
        assertNull(route(s.tableA(), "172.16.1.1/32"));
    }

    @Test
    void aPeerOverItsRouteLimitIsCutOffAndItsRoutesWithdrawn() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0).withQuotas(Quotas.aws()));
        Scenario s = build(null);
        up(s, s.peerA(), "10.0.1.10");
        up(s, s.peerB(), "10.0.2.10");
        send(s, s.peerB(), announce("10.0.2.10", 1, "192.168.0.0/24"));
        String[] many = new String[101];
        for (int i = 0; i < many.length; i++) many[i] = "172.20." + i + ".0/24";
        send(s, s.peerA(), announce("10.0.1.10", 1, many));
        assertNull(route(s.tableA(), "172.20.0.0/24"), "routes of the peer over its limit are withdrawn");
        assertFalse(server.<Boolean>call(r -> r.peerState(s.peerA()).bgpUp()).booleanValue());
        assertNotNull(route(s.tableA(), "192.168.0.0/24"), "other peers are untouched");
        PeerEvent last = server.<PeerEvent>call(r -> r.peerState(s.peerA()).events().getLast());
        assertEquals("BGP DOWN", last.kind() + " " + last.status(), "the cut-off is a status change operators see");
        assertTrue(last.reason().contains("Maximum Number of Prefixes Reached"), last.reason());
    }

    @Test
    void deletingAPeerWithdrawsItsRoutes() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0));
        Scenario s = build(null);
        up(s, s.peerA(), "10.0.1.10");
        send(s, s.peerA(), announce("10.0.1.10", 1, "172.16.1.1/32"));
        assertNotNull(route(s.tableA(), "172.16.1.1/32"));
        server.call(r -> r.deletePeer(s.peerA()));
        server.call(r -> null);
        assertNull(route(s.tableA(), "172.16.1.1/32"));
    }

    @Test
    void withdrawalRemovesTheRouteAndDisablingPropagationEmptiesTheTable() throws Exception {
        start(ServerConfig.defaults(dir).withBgpPort(0));
        Scenario s = build(null);
        up(s, s.peerA(), "10.0.1.10");
        send(s, s.peerA(), announce("10.0.1.10", 1, "172.16.1.1/32", "172.16.2.0/24"));
        send(s, s.peerA(), withdraw("172.16.2.0/24"));
        assertNull(route(s.tableA(), "172.16.2.0/24"));
        server.call(r -> r.disablePropagation(s.rs(), s.tableA()));
        assertNull(route(s.tableA(), "172.16.1.1/32"));
        assertNotNull(route(s.tableB(), "172.16.1.1/32"));
    }

    @Test
    void installedRoutesSurviveARestartUntilThePeersHadTheirChance() throws Exception {
        ServerConfig config = ServerConfig.defaults(dir).withBgpPort(0).withRestartGrace(Duration.ofSeconds(3));
        start(config);
        Scenario s = build(null);
        up(s, s.peerA(), "10.0.1.10");
        send(s, s.peerA(), announce("10.0.1.10", 1, "172.16.1.1/32"));
        server.close();
        start(config);
        assertEquals(s.eniA(), route(s.tableA(), "172.16.1.1/32").networkInterfaceId(), "kept over the restart");
        await(() -> route(s.tableA(), "172.16.1.1/32") == null);
    }

    private static void await(BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) return;
            Thread.sleep(20);
        }
        throw new AssertionError("condition not met within 10 s");
    }
}
