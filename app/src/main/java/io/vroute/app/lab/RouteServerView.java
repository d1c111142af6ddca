package io.vroute.app.lab;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What the route server says about the lab, read through the API as a user reads it: the routing database, the route
 * tables and the peers with their status changes (vroute's {@code eventSet} extension).
 */
final class RouteServerView {
    private RouteServerView() {}

    /** One route of GetRouteServerRoutingDatabase. */
    record RibRoute(String prefix, String nextHop, String status, List<String> asPath, String med, String peerId,
                    String endpointId) {
        @Override
        public String toString() {
            return prefix + " via " + nextHop + "  as-path " + (asPath.isEmpty() ? "(empty)" : String.join(" ", asPath))
                    + (med == null ? "" : "  med " + med) + "  " + status + "  (" + peerId + ")";
        }
    }

    /** One route of a route table (DescribeRouteTables). */
    record TableRoute(String destination, String target, String nextHop, String origin, String state) {
        @Override
        public String toString() {
            return destination + " -> " + target + (nextHop == null ? "" : " (" + nextHop + ")") + "  " + origin
                    + ("active".equals(state) ? "" : "  " + state);
        }
    }

    /** A status change of a peer, from the peer's {@code eventSet}. */
    record PeerEvent(Instant time, String type, String status, String reason) {
    }

    /** One peer of DescribeRouteServerPeers. */
    record Peer(String id, String endpointAddress, String peerAddress, String liveness, String bgp, String bfd,
                List<PeerEvent> events) {
        boolean up() {
            return "up".equals(bgp) && (!"bfd".equals(liveness) || "up".equals(bfd));
        }

        @Override
        public String toString() {
            return id + "  " + peerAddress + " -> " + endpointAddress + "  " + liveness + "  bgp " + bgp
                    + (bfd == null ? "" : "  bfd " + bfd);
        }
    }

    static List<RibRoute> rib(LabApi api, String routeServerId, String prefix) throws IOException {
        Map<String, String> p = LabApi.params("RouteServerId", routeServerId);
        if (prefix != null) {
            p.put("Filter.1.Name", "prefix");
            p.put("Filter.1.Value.1", prefix);
        }
        Document d = api.call("GetRouteServerRoutingDatabase", p);
        List<RibRoute> out = new ArrayList<>();
        for (Element e : LabApi.items(d, "routeSet")) {
            List<String> path = new ArrayList<>();
            for (Element a : LabApi.items(e, "asPathSet")) path.add(a.getTextContent());
            out.add(new RibRoute(LabApi.child(e, "prefix"), LabApi.child(e, "nextHopIp"), LabApi.child(e, "routeStatus"),
                    path, LabApi.child(e, "med"), LabApi.child(e, "routeServerPeerId"), LabApi.child(e, "routeServerEndpointId")));
        }
        return out;
    }

    static List<TableRoute> table(LabApi api, String routeTableId) throws IOException {
        Document d = api.call("DescribeRouteTables", "RouteTableId.1", routeTableId);
        List<TableRoute> out = new ArrayList<>();
        for (Element e : LabApi.items(d, "routeSet")) {
            String target = LabApi.child(e, "networkInterfaceId");
            if (target == null) target = LabApi.child(e, "gatewayId");
            String dest = LabApi.child(e, "destinationCidrBlock");
            if (dest == null) dest = LabApi.child(e, "destinationIpv6CidrBlock");
            out.add(new TableRoute(dest, target, LabApi.child(e, "ipAddress"), LabApi.child(e, "origin"), LabApi.child(e, "state")));
        }
        return out;
    }

    /** The target of {@code destination} in a route table, or null when it has no route for it. */
    static String target(List<TableRoute> table, String destination) {
        for (TableRoute r : table) if (destination.equals(r.destination())) return r.target();
        return null;
    }

    static Map<String, Peer> peers(LabApi api, String routeServerId) throws IOException {
        Document d = api.call("DescribeRouteServerPeers", "Filter.1.Name", "route-server-id", "Filter.1.Value.1", routeServerId);
        Map<String, Peer> out = new LinkedHashMap<>();
        for (Element e : LabApi.items(d, "routeServerPeerSet")) {
            List<PeerEvent> events = new ArrayList<>();
            for (Element ev : LabApi.items(e, "eventSet")) {
                events.add(new PeerEvent(Instant.parse(LabApi.child(ev, "time")), LabApi.child(ev, "type"),
                        LabApi.child(ev, "status"), LabApi.child(ev, "reason")));
            }
            String id = LabApi.child(e, "routeServerPeerId");
            out.put(id, new Peer(id, LabApi.child(e, "endpointEniAddress"), LabApi.child(e, "peerAddress"),
                    LabApi.path(e, "bgpOptions/peerLivenessDetection"), LabApi.path(e, "bgpStatus/status"),
                    LabApi.path(e, "bfdStatus/status"), events));
        }
        return out;
    }
}
