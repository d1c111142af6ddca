package io.vroute.server.metrics;

import io.vroute.bfd.BfdEngine;
import io.vroute.bgp.session.SessionState;
import io.vroute.server.PeerState;
import io.vroute.server.Region;
import io.vroute.server.RouteServer;
import io.vroute.server.RouteServerPeer;
import io.vroute.server.RouteServerPropagation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a scrape needs from the control thread, copied there in one short task (a few fields per peer and one count
 * per propagated route table: no walk over routes) and turned into metric families on the scraping thread.
 */
record ControlView(List<Peer> peers, Map<String, Integer> propagatedByTable) {

    /** One peer as the scrape sees it; {@code bfd} is null for a bgp-keepalive peer or while BFD could not start. */
    record Peer(String routeServer, String peer, String endpoint, String address, long asn, String liveness,
                SessionState session, boolean up, int routes, int fibRoutes, BfdEngine.Status bfd, PeerState.Counts counts) {}

    /** Runs on the control thread (through {@code Server.call}). */
    static ControlView of(Region region) {
        List<Peer> peers = new ArrayList<>();
        for (RouteServerPeer p : region.peers()) {
            PeerState s = region.peerState(p.routeServerPeerId());
            peers.add(new Peer(p.routeServerId(), p.routeServerPeerId(), p.routeServerEndpointId(), p.peerAddress(),
                    p.peerAsn(), p.peerLivenessDetection(), s.session(), s.bgpUp(), s.routes(), s.fibRoutes(), s.bfd(), s.counts()));
        }
        Map<String, Integer> tables = new LinkedHashMap<>();
        for (RouteServer rs : region.routeServers()) {
            for (RouteServerPropagation p : region.propagations(rs.routeServerId(), null)) {
                tables.computeIfAbsent(p.routeTableId(), t -> region.network().propagatedCount(t));
            }
        }
        return new ControlView(List.copyOf(peers), Map.copyOf(tables));
    }

    void collect(List<Family> out) {
        Family.Builder sessions = Family.gauge("vroute_bgp_sessions",
                "Configured peers by the BGP state of their session (RFC 4271 §8.2.2).", "state");
        Map<SessionState, Integer> bySession = new LinkedHashMap<>();
        for (SessionState s : SessionState.values()) bySession.put(s, 0);
        for (Peer p : peers) bySession.merge(p.session(), 1, Integer::sum);
        bySession.forEach((s, n) -> sessions.add(n, word(s.name())));
        out.add(sessions.build());

        Family.Builder info = Family.gauge("vroute_bgp_peer_info",
                "Always 1: a configured peer and its endpoint, address, AS and liveness detection.",
                "route_server", "peer", "endpoint", "peer_address", "peer_asn", "liveness");
        Family.Builder up = Family.gauge("vroute_bgp_peer_up",
                "1 while the peer's BGP session is Established and its routes are accepted, else 0.", "route_server", "peer");
        Family.Builder rib = Family.gauge("vroute_rib_routes",
                "Routes held from the peer in the route server's RIB (Adj-RIB-In, best or not).", "route_server", "peer");
        Family.Builder fib = Family.gauge("vroute_fib_routes",
                "The peer's routes that are best paths (in the FIB), so written into the propagated route tables.",
                "route_server", "peer");
        Family.Builder updates = Family.counter("vroute_bgp_updates_received_total",
                "BGP UPDATE messages from the peer applied to the route server's RIB (those still queued when the session"
                        + " went down are dropped and not counted).", "route_server", "peer");
        Family.Builder announced = Family.counter("vroute_bgp_prefixes_announced_total",
                "Prefixes announced in the peer's UPDATEs (NLRI and MP_REACH_NLRI, RFC 4271 §4.3, RFC 4760 §3).",
                "route_server", "peer");
        Family.Builder withdrawn = Family.counter("vroute_bgp_prefixes_withdrawn_total",
                "Prefixes withdrawn in the peer's UPDATEs (Withdrawn Routes and MP_UNREACH_NLRI, and announcements treated"
                        + " as withdrawals under RFC 7606 §2).", "route_server", "peer");
        for (Peer p : peers) {
            info.add(1, p.routeServer(), p.peer(), p.endpoint(), p.address(), Long.toString(p.asn()), p.liveness());
            up.add(p.up() ? 1 : 0, p.routeServer(), p.peer());
            rib.add(p.routes(), p.routeServer(), p.peer());
            fib.add(p.fibRoutes(), p.routeServer(), p.peer());
            // Counted per peer on the control thread (plain fields): a deleted peer's series go with it.
            updates.add(p.counts().updates(), p.routeServer(), p.peer());
            announced.add(p.counts().announced(), p.routeServer(), p.peer());
            withdrawn.add(p.counts().withdrawn(), p.routeServer(), p.peer());
        }
        out.add(info.build());
        out.add(up.build());
        out.add(rib.build());
        out.add(fib.build());
        out.add(updates.build());
        out.add(announced.build());
        out.add(withdrawn.build());

        Family.Builder bfdSessions = Family.gauge("vroute_bfd_sessions",
                "BFD sessions of bfd peers by local state (RFC 5880 §6.2).", "state");
        Map<io.vroute.bfd.SessionState, Integer> byBfd = new LinkedHashMap<>();
        for (io.vroute.bfd.SessionState s : io.vroute.bfd.SessionState.values()) byBfd.put(s, 0);
        Family.Builder detection = Family.gauge("vroute_bfd_detection_time_seconds",
                "The BFD detection time in effect (RFC 5880 §6.8.4): how long the path may be silent before the"
                        + " session goes Down; the upper bound of BFD's failure detection latency.", "route_server", "peer");
        Family.Builder sent = Family.counter("vroute_bfd_packets_sent_total",
                "BFD control packets sent on the peer's session (restarts at 0 when the session is re-created).",
                "route_server", "peer");
        Family.Builder received = Family.counter("vroute_bfd_packets_received_total",
                "BFD control packets accepted on the peer's session.", "route_server", "peer");
        Family.Builder discarded = Family.counter("vroute_bfd_packets_discarded_total",
                "BFD control packets for the peer's session that were discarded (RFC 5880 §6.8.6 checks).",
                "route_server", "peer");
        for (Peer p : peers) {
            BfdEngine.Status b = p.bfd();
            if (b == null) continue;
            byBfd.merge(b.state(), 1, Integer::sum);
            detection.add(b.detectionTimeMicros() / 1e6, p.routeServer(), p.peer());
            sent.add(b.sent(), p.routeServer(), p.peer());
            received.add(b.received(), p.routeServer(), p.peer());
            discarded.add(b.discarded(), p.routeServer(), p.peer());
        }
        byBfd.forEach((s, n) -> bfdSessions.add(n, word(s.name())));
        out.add(bfdSessions.build());
        out.add(detection.build());
        out.add(sent.build());
        out.add(received.build());
        out.add(discarded.build());

        Family.Builder tables = Family.gauge("vroute_route_table_propagated_routes",
                "Destinations holding a propagated route in the route table (the FIB as written into the table; a route"
                        + " a static route overrides is counted too).", "route_table");
        propagatedByTable.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> tables.add(e.getValue(), e.getKey()));
        out.add(tables.build());
    }

    /** A state's enum name as a label value: {@code OPEN_SENT} becomes {@code open_sent}. */
    private static String word(String enumName) {
        return enumName.toLowerCase(Locale.ROOT);
    }
}
