package io.vroute.api;

import io.vroute.rib.Explanation;
import io.vroute.rib.Route;
import io.vroute.server.Region;
import io.vroute.server.RouteServer;
import io.vroute.server.Server;
import io.vroute.vpc.Address;
import io.vroute.vpc.NetworkInterface;
import io.vroute.vpc.RouteView;
import io.vroute.vpc.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * vroute's {@code TraceRoute} extension: where a packet entering from a subnet, a network interface or an internet
 * gateway goes for one address, and why. The answer names the route table consulted (and why that one), the route
 * chosen, the network interface the packet reaches, and, for a route a route server propagated, the BGP path that put
 * the route there (the route server, its peer, AS path, MED and next hop).
 */
final class TraceActions {
    private final Server server;

    TraceActions(Server server) {
        this.server = server;
    }

    void register(Map<String, Action> actions) {
        actions.put("TraceRoute", this::traceRoute);
    }

    /** Everything the answer needs, read together on the control thread. */
    private record Answer(Trace trace, NetworkInterface eni, Map<String, String> eniTags, BgpPath bgp) {}

    /** The best path of a route server that put a propagated route into the table. */
    private record BgpPath(String routeServerId, long amazonSideAsn, Route best, int candidates) {}

    /** {@code Action=TraceRoute&From=subnet-..|eni-..|igw-..&DestinationAddress=172.16.1.1}. */
    private void traceRoute(QueryRequest q, XmlWriter w) {
        String from = q.required("From");
        String destination = q.required("DestinationAddress");
        if (destination.contains("/")) {
            throw new Ec2Exception("InvalidParameterValue", "DestinationAddress '" + destination
                    + "' is a block; give one address, such as 172.16.1.1 or fd00::1");
        }
        Address.parse(destination); // InvalidParameterValue (a VpcException) before touching the model
        q.checkDryRun();
        Answer a = server.call(r -> {
            Trace t = r.network().trace(from, destination);
            NetworkInterface eni = t.networkInterfaceId() == null ? null : r.network().networkInterface(t.networkInterfaceId());
            Map<String, String> tags = eni == null ? Map.of() : r.tagsOf(eni.networkInterfaceId());
            return new Answer(t, eni, tags, bgpPath(r, t));
        });
        Trace t = a.trace();
        w.element("from", t.from());
        w.element("destinationAddress", t.destination());
        w.element("routeTableId", t.routeTableId());
        w.element("association", t.association());
        RouteView route = t.route();
        if (route != null) {
            w.start("route");
            w.element("destinationCidrBlock", route.destinationCidrBlock());
            w.element("destinationIpv6CidrBlock", route.destinationIpv6CidrBlock());
            w.element("gatewayId", route.gatewayId());
            w.element("networkInterfaceId", route.networkInterfaceId());
            w.element("ipAddress", route.ipAddress());
            w.element("origin", route.origin());
            w.element("state", route.state());
            w.end();
        }
        w.element("outcome", t.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        w.element("networkInterfaceId", t.networkInterfaceId());
        w.element("interfaceAddress", t.interfaceAddress());
        if (a.eni() != null) {
            w.element("networkInterfaceDescription", a.eni().description());
            w.element("interfaceType", a.eni().interfaceType());
            w.element("sourceDestCheck", a.eni().sourceDestCheck());
            Tagging.write(w, a.eniTags());
        }
        w.element("subnetId", t.subnetId());
        w.element("gatewayId", t.gatewayId());
        w.element("note", t.note());
        BgpPath bgp = a.bgp();
        if (bgp != null) {
            Route best = bgp.best();
            w.start("bgpPath");
            w.element("routeServerId", bgp.routeServerId());
            w.element("amazonSideAsn", bgp.amazonSideAsn());
            w.element("routeServerPeerId", best.neighbor().name());
            w.element("peerAddress", best.neighbor().address().getHostAddress());
            w.element("peerAsn", best.neighbor().asn());
            w.element("nextHopIp", best.nextHop() == null ? null : best.nextHop().getHostAddress());
            List<Long> path = new ArrayList<>();
            for (long asn : best.attributes().asPath().flatten()) path.add(asn);
            w.list("asPathSet", path, (x, asn) -> x.text(Long.toString(asn)));
            w.element("med", best.attributes().med());
            w.element("origin", best.attributes().origin() == null ? null
                    : best.attributes().origin().name().toLowerCase(Locale.ROOT));
            w.element("candidateCount", bgp.candidates());
            w.end();
        }
        w.element("explanation", t.explanation());
    }

    /**
     * For a route a route server propagated ({@code Advertisement}): the route server that propagates into the table
     * and whose best path for the route's destination targets the route's interface and is the one installed; null
     * for any other route.
     */
    private static BgpPath bgpPath(Region r, Trace t) {
        RouteView route = t.route();
        if (route == null || !"Advertisement".equals(route.origin()) || t.routeTableId() == null) return null;
        String prefix = route.destination().toString();
        for (RouteServer rs : r.routeServers()) {
            String id = rs.routeServerId();
            if (r.propagations(id, t.routeTableId()).isEmpty()) continue;
            if (!r.network().installation(t.routeTableId(), route.destination(), id).installed()) continue;
            Explanation e = r.explain(id, prefix);
            Route best = e.best();
            if (best != null && route.networkInterfaceId() != null && route.networkInterfaceId().equals(best.target())) {
                return new BgpPath(id, rs.amazonSideAsn(), best, e.candidates().size());
            }
        }
        return null;
    }
}
