package io.vroute.api;

import io.vroute.server.Server;
import io.vroute.server.events.Events;
import io.vroute.server.events.RouteServerEvent;
import java.util.List;
import java.util.Map;

/**
 * vroute's {@code DescribeRouteServerEvents} extension: the event timeline, oldest first. BGP and BFD status changes of
 * every peer, failovers with their measured duration (detection to route tables updated) and endpoint maintenance.
 * A client that follows the timeline passes the {@code lastSequence} of its previous answer as {@code AfterSequence}
 * and gets only what is new.
 */
final class EventActions {
    private final Server server;

    EventActions(Server server) {
        this.server = server;
    }

    void register(Map<String, Action> actions) {
        actions.put("DescribeRouteServerEvents", this::describe);
    }

    /** {@code Action=DescribeRouteServerEvents[&RouteServerId=rs-..][&AfterSequence=N][&MaxResults=1..4096]}. */
    private void describe(QueryRequest q, XmlWriter w) {
        String rs = q.string("RouteServerId");
        Long after = q.longValue("AfterSequence", 0, Long.MAX_VALUE);
        Long max = q.longValue("MaxResults", 1, Events.TIMELINE);
        q.checkDryRun();
        if (rs != null) server.call(r -> r.routeServer(rs)); // InvalidRouteServerId.NotFound for a wrong id
        int limit = max == null ? Events.TIMELINE : max.intValue();
        Events.Page page = server.events().page(after == null ? 0 : after, rs, limit);
        List<Events.Entry> entries = page.entries();
        // The client resumes after the last entry it got; when the page is full that is not yet lastSequence.
        long resume = entries.size() == limit ? entries.getLast().sequence() : page.lastSequence();
        w.element("lastSequence", resume);
        w.list("eventSet", entries, (x, en) -> write(x, en));
    }

    private static void write(XmlWriter x, Events.Entry en) {
        RouteServerEvent e = en.event();
        x.element("sequence", en.sequence());
        x.element("time", e.time().toString());
        x.element("routeServerId", e.routeServerId());
        switch (e) {
            case RouteServerEvent.PeerStatus p -> {
                x.element("type", p.kind() + "Status");
                x.element("status", p.status());
                x.element("routeServerEndpointId", p.endpointId());
                x.element("routeServerPeerId", p.peerId());
                x.element("peerAddress", p.peerAddress());
                x.element("reason", p.reason());
            }
            case RouteServerEvent.Failover f -> {
                x.element("type", "Failover");
                x.element("routeServerPeerId", f.peerId());
                x.element("peerAddress", f.peerAddress());
                x.element("reason", f.cause());
                x.element("prefixCount", (long) f.prefixes());
                x.element("movedCount", (long) f.moved());
                x.list("routeTableIdSet", f.routeTables(), (y, t) -> y.text(t));
                x.element("durationMillis", String.format(java.util.Locale.ROOT, "%.3f", f.durationMillis()));
            }
            case RouteServerEvent.EndpointStatus s -> {
                x.element("type", "EndpointStatus");
                x.element("status", s.status());
                x.element("routeServerEndpointId", s.endpointId());
                x.element("endpointAddress", s.endpointAddress());
                x.element("reason", s.reason());
            }
            case RouteServerEvent.RouteStatus r -> {
                x.element("type", "RouteStatus"); // not kept in the timeline; here for completeness
                x.element("status", r.status());
            }
        }
    }
}
