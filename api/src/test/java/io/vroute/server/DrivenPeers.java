package io.vroute.server;

import io.vroute.bgp.session.SessionState;
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
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A route server with two peers whose sessions are driven below the sockets, exactly as the BGP speaker's callbacks
 * drive them (hence the package): one VPC, one subnet and its table, ENIs 10.0.1.10 (peer A, AS 65001) and 10.0.1.11
 * (peer B), an endpoint, propagation on.
 */
final class DrivenPeers {
    record Scenario(String rs, String table, String peerA, String peerB) {}

    private final Server server;

    DrivenPeers(Server server) {
        this.server = server;
    }

    Scenario build(long peerBAsn) {
        return server.call(r -> {
            var n = r.network();
            String vpc = n.createVpc("10.0.0.0/16").vpcId();
            String a = n.createSubnet(vpc, "10.0.1.0/24", "us-east-1a").subnetId();
            String table = n.createRouteTable(vpc).routeTableId();
            n.associateRouteTable(table, a, null);
            n.createNetworkInterface(NewInterface.in(a).withPrivateIpAddress("10.0.1.10"));
            n.createNetworkInterface(NewInterface.in(a).withPrivateIpAddress("10.0.1.11"));
            String rs = r.createRouteServer(65000, null, null, false).routeServerId();
            r.associate(rs, vpc);
            RouteServerEndpoint e = r.createEndpoint(rs, a);
            r.runtimes.get(rs).startEndpoint(r.endpoints.get(e.routeServerEndpointId()));
            String pa = r.createPeer(e.routeServerEndpointId(), "10.0.1.10", 65001, null).routeServerPeerId();
            String pb = r.createPeer(e.routeServerEndpointId(), "10.0.1.11", peerBAsn, null).routeServerPeerId();
            r.enablePropagation(rs, table);
            return new Scenario(rs, table, pa, pb);
        });
    }

    /** As the speaker reports an Established session: the FSM state, then the session's OPEN. */
    void up(Scenario s, String peer, int routerId) {
        OpenMessage o = OpenMessage.of(65001, 90, routerId, List.of(new Capability.FourOctetAs(65001)));
        server.call(r -> {
            RouteServerRuntime rt = r.runtimes.get(s.rs());
            rt.sessionUp(rt.peers.get(peer), o);
            return null;
        });
    }

    /** As the speaker reports a failed session (hold timer expired): the FSM back to Idle, then the loss. */
    void fail(Scenario s, String peer) {
        server.call(r -> {
            RouteServerRuntime rt = r.runtimes.get(s.rs());
            RouteServerRuntime.PeerSide ps = rt.peers.get(peer);
            ps.session = SessionState.IDLE;
            rt.sessionDown(ps, "hold timer expired", System.nanoTime());
            return null;
        });
        server.call(r -> null); // the drain that withdraws its routes runs after the loss
    }

    void send(Scenario s, String peer, UpdateMessage u) {
        server.call(r -> {
            RouteServerRuntime rt = r.runtimes.get(s.rs());
            RouteServerRuntime.PeerSide ps = rt.peers.get(peer);
            ps.queued.incrementAndGet(); // as the speaker's callback counts it before posting
            rt.received(ps, u);
            return null;
        });
        server.call(r -> null);
    }

    /** IPv4 prefixes with AS path 65001 repeated {@code pathLength} times, the given MED (or none) and next hop. */
    static UpdateMessage announce(String nextHop, int pathLength, Long med, String... prefixes) throws Exception {
        long[] path = new long[pathLength];
        Arrays.fill(path, 65001);
        PathAttributes a = PathAttributes.builder().origin(Origin.IGP).asPath(AsPath.sequence(path)).med(med)
                .nextHop(InetAddress.getByName(nextHop)).build();
        List<Prefix> ps = new ArrayList<>();
        for (String p : prefixes) ps.add(Prefix.parse(p));
        return new UpdateMessage(null, a, Nlri.of(AddressFamily.IPV4_UNICAST, ps), null, null);
    }

    static UpdateMessage withdraw(String... prefixes) {
        List<Prefix> ps = new ArrayList<>();
        for (String p : prefixes) ps.add(Prefix.parse(p));
        return new UpdateMessage(Nlri.of(AddressFamily.IPV4_UNICAST, ps), null, null, null, null);
    }
}
