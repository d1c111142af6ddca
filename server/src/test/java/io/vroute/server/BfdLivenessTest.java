package io.vroute.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.bfd.BfdEngine;
import io.vroute.bfd.Diagnostic;
import io.vroute.bfd.SessionState;
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
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer whose liveness is bfd, against a real BFD engine playing the appliance on the loopback (a VPC in 127.77/16
 * so that the endpoint's address is local without touching any interface): the BGP session is refused until BFD is
 * Up, a silent appliance is declared down within its detection time and loses its routes, new timers reach the
 * appliance without a flap, and deleting the peer sends AdminDown.
 */
class BfdLivenessTest {
    @TempDir
    Path dir;
    private Server server;
    private BfdEngine appliance;
    private final int bgpPort = 30_000 + new SplittableRandom().nextInt(10_000);
    private final int bfdPort = bgpPort + 10_000;
    private final List<SessionState> applianceSaw = new CopyOnWriteArrayList<>();
    private final List<SessionState> applianceSawRemote = new CopyOnWriteArrayList<>();
    private String rs, peer, table, endpointAddress;

    @BeforeEach
    void setUp() throws Exception {
        server = Server.start(ServerConfig.defaults(dir).withBgpPort(bgpPort).withBfdPort(bfdPort));
        appliance = BfdEngine.start(bfdPort);
        server.call(r -> {
            var n = r.network();
            String vpc = n.createVpc("127.77.0.0/16", null, false, null).vpcId();
            String subnet = n.createSubnet(vpc, "127.77.1.0/24", "us-east-1a").subnetId();
            table = n.createRouteTable(vpc).routeTableId();
            n.associateRouteTable(table, subnet, null);
            n.createNetworkInterface(NewInterface.in(subnet).withPrivateIpAddress("127.77.1.10"));
            rs = r.createRouteServer(65000, null, null, false).routeServerId();
            r.associate(rs, vpc);
            RouteServerEndpoint e = r.createEndpoint(rs, subnet);
            r.runtimes.get(rs).startEndpoint(r.endpoints.get(e.routeServerEndpointId()));
            endpointAddress = r.endpoints.get(e.routeServerEndpointId()).eniAddress();
            peer = r.createPeer(e.routeServerEndpointId(), "127.77.1.10", 65001, "bfd", new BfdOptions(50, 50, 3)).routeServerPeerId();
            r.enablePropagation(rs, table);
            return null;
        });
    }

    @AfterEach
    void tearDown() {
        if (appliance != null) appliance.close();
        if (server != null) server.close();
    }

    private BfdEngine.Peer applianceBfd() throws Exception {
        return appliance.add(InetAddress.getByName("127.77.1.10"), InetAddress.getByName(endpointAddress),
                BfdEngine.Timers.ofMillis(50, 50, 3), null, (p, from, to, diag, remote, nanos) -> {
                    applianceSaw.add(to);
                    applianceSawRemote.add(remote);
                });
    }

    private PeerState state() {
        return server.call(r -> r.peerState(peer));
    }

    /** BGP as the speaker would report it: Established with an OPEN, then one route. */
    private void bgpUpWithRoute() throws Exception {
        byte[] b = InetAddress.getByName("127.77.1.10").getAddress();
        int id = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        OpenMessage open = OpenMessage.of(65001, 90, id, List.of(new Capability.FourOctetAs(65001)));
        PathAttributes a = PathAttributes.builder().origin(Origin.IGP).asPath(AsPath.sequence(new long[] {65001}))
                .nextHop(InetAddress.getByName("127.77.1.10")).build();
        UpdateMessage u = new UpdateMessage(null, a, Nlri.of(AddressFamily.IPV4_UNICAST, List.of(Prefix.parse("172.16.1.1/32"))), null, null);
        server.call(r -> {
            RouteServerRuntime rt = r.runtimes.get(rs);
            RouteServerRuntime.PeerSide ps = rt.peers.get(peer);
            rt.sessionUp(ps, open);
            ps.queued.incrementAndGet();
            rt.received(ps, u);
            return null;
        });
        server.call(r -> null);
    }

    private boolean routeInstalled() {
        return server.call(r -> r.network().effectiveRoutes(table).stream()
                .anyMatch(x -> x.destination().toString().equals("172.16.1.1/32")));
    }

    @Test
    void bgpIsRefusedUntilBfdIsUp() throws Exception {
        // Cease / Connection Rejected (RFC 4486 §4) while BFD has not come Up
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.77.1.10"), 0));
            s.connect(new InetSocketAddress(endpointAddress, bgpPort), 2_000);
            s.setSoTimeout(2_000);
            byte[] m = new InputStream[] {s.getInputStream()}[0].readNBytes(21);
            assertEquals(21, m.length, "a NOTIFICATION came back");
            assertEquals(3, m[18], "type NOTIFICATION");
            assertEquals(6, m[19], "Cease");
            assertEquals(5, m[20], "Connection Rejected");
        }
        assertFalse(state().bfdUp());
        applianceBfd();
        waitFor(() -> state().bfdUp(), 5_000, "BFD Up at the route server");
        waitFor(() -> server.call(r -> r.runtimes.get(rs).peers.get(peer).inSpeaker), 2_000, "the BGP peer is accepted");
        PeerState st = state();
        assertEquals(SessionState.UP, st.bfd().state());
        assertTrue(st.events().stream().anyMatch(e -> e.kind().equals("BFD") && e.status().equals("UP")), st.events().toString());
    }

    @Test
    void aSilentApplianceIsDeclaredDownAndLosesItsRoutes() throws Exception {
        applianceBfd();
        waitFor(() -> state().bfdUp(), 5_000, "BFD Up");
        bgpUpWithRoute();
        assertTrue(state().bgpUp());
        assertTrue(routeInstalled(), "the appliance's route is in the table");

        long frozen = System.nanoTime();
        appliance.closeSilently();              // as kill -STOP would: no AdminDown, just silence
        waitFor(() -> !state().bgpUp(), 2_000, "BGP down after BFD down");
        long ms = (System.nanoTime() - frozen) / 1_000_000;
        assertTrue(ms < 400, "BGP down " + ms + " ms after the appliance went silent (detection 150 ms)");
        PeerState st = state();
        assertEquals(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED, st.bfd().diagnostic());
        assertTrue(st.lastDownReason().startsWith("BFD down"), st.lastDownReason());
        assertFalse(routeInstalled(), "the route left the table");
        boolean accepted = server.call(r -> r.runtimes.get(rs).peers.get(peer).inSpeaker);
        assertFalse(accepted, "BGP refused again until BFD is Up");
        assertTrue(st.events().stream().anyMatch(e -> e.kind().equals("BFD") && e.status().equals("DOWN")
                && e.reason().contains("detection time")), st.events().toString());
    }

    @Test
    void newTimersReachTheApplianceWithoutAFlap() throws Exception {
        BfdEngine.Peer a = applianceBfd();
        waitFor(() -> a.status().detectionTimeMicros() == 150_000, 5_000, "appliance at 3 x 50 ms");
        RouteServerPeer p = server.call(r -> r.modifyPeerBfdOptions(peer, null, null, 6));
        assertEquals(6, p.effectiveBfdOptions().multiplier());
        // RFC 5880 §6.8.4: the appliance's detection time is our multiplier x max(its RX, our TX)
        waitFor(() -> a.status().detectionTimeMicros() == 300_000, 3_000, "appliance uses the new multiplier");
        assertFalse(applianceSaw.contains(SessionState.DOWN), "no flap: " + applianceSaw);
        ServerException e = assertThrows(ServerException.class, () -> server.call(r -> r.modifyPeerBfdOptions(peer, 5, null, null)));
        assertEquals("InvalidParameterValue", e.code());
    }

    @Test
    void deletingThePeerSendsAdminDown() throws Exception {
        applianceBfd();
        waitFor(() -> state().bfdUp(), 5_000, "BFD Up");
        server.call(r -> r.deletePeer(peer));
        waitFor(() -> applianceSaw.contains(SessionState.DOWN), 2_000, "the appliance sees the session end");
        assertEquals(SessionState.ADMIN_DOWN, applianceSawRemote.getLast(), "AdminDown, not a failure (RFC 5880 §6.8.16)");
    }

    @Test
    void bfdOptionsNeedBfdLiveness() {
        ServerException e = assertThrows(ServerException.class, () -> server.call(r -> {
            String ep = r.endpoints.keySet().iterator().next();
            return r.createPeer(ep, "127.77.1.20", 65002, "bgp-keepalive", new BfdOptions(100, 100, 3));
        }));
        assertEquals("InvalidParameterValue", e.code());
        assertNotNull(e.getMessage());
    }

    private static void waitFor(BooleanSupplier done, long millis, String what) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for: " + what);
            Thread.sleep(5);
        }
    }
}
