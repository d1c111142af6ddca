package io.vroute.api;

import io.vroute.bfd.BfdEngine;
import io.vroute.rib.Explanation;
import io.vroute.server.BfdOptions;
import io.vroute.server.PeerState;
import io.vroute.server.Region;
import io.vroute.server.RouteServer;
import io.vroute.server.RouteServerAssociation;
import io.vroute.server.RouteServerEndpoint;
import io.vroute.server.RouteServerPeer;
import io.vroute.server.RouteServerPropagation;
import io.vroute.server.RoutingDatabaseEntry;
import io.vroute.server.Server;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The 17 route-server actions of the EC2 API (shapes in ../shared/aws/route-server-api.txt), plus vroute's
 * {@code ExplainRouteServerRoute} extension. Each handler validates its parameters, honours DryRun, runs against the
 * {@link Region} on the control thread and writes the response with the model's element names.
 */
final class RouteServerActions {
    private static final Set<String> PERSIST = Set.of("enable", "disable", "reset");
    private static final Set<String> LIVENESS = Set.of("bgp-keepalive", "bfd");

    private final Server server;

    RouteServerActions(Server server) {
        this.server = server;
    }

    void register(Map<String, Action> actions) {
        actions.put("CreateRouteServer", this::createRouteServer);
        actions.put("DeleteRouteServer", this::deleteRouteServer);
        actions.put("ModifyRouteServer", this::modifyRouteServer);
        actions.put("DescribeRouteServers", this::describeRouteServers);
        actions.put("AssociateRouteServer", this::associate);
        actions.put("DisassociateRouteServer", this::disassociate);
        actions.put("GetRouteServerAssociations", this::getAssociations);
        actions.put("CreateRouteServerEndpoint", this::createEndpoint);
        actions.put("DeleteRouteServerEndpoint", this::deleteEndpoint);
        actions.put("DescribeRouteServerEndpoints", this::describeEndpoints);
        actions.put("CreateRouteServerPeer", this::createPeer);
        actions.put("DeleteRouteServerPeer", this::deletePeer);
        actions.put("DescribeRouteServerPeers", this::describePeers);
        actions.put("EnableRouteServerPropagation", this::enablePropagation);
        actions.put("DisableRouteServerPropagation", this::disablePropagation);
        actions.put("GetRouteServerPropagations", this::getPropagations);
        actions.put("GetRouteServerRoutingDatabase", this::routingDatabase);
        actions.put("ExplainRouteServerRoute", this::explain);
        actions.put("ModifyRouteServerPeerBfdOptions", this::modifyPeerBfd);
        actions.put("ModifyRouteServerPeerLogging", this::modifyPeerLogging);
    }

    // ------------------------------------------------------------ route servers

    private void createRouteServer(QueryRequest q, XmlWriter w) {
        long asn = q.requiredLong("AmazonSideAsn", 1, 4294967295L);
        String persist = q.enumValue("PersistRoutes", PERSIST);
        Long duration = q.longValue("PersistRoutesDuration", 1, 5);
        Boolean sns = q.bool("SnsNotificationsEnabled");
        List<TagSpecification> specs = Tagging.specifications(q, "route-server");
        q.checkDryRun();
        RouteServer rs = server.call(r -> {
            RouteServer created = r.createRouteServer(asn, persist, duration, Boolean.TRUE.equals(sns));
            Tagging.apply(r, created.routeServerId(), specs);
            return created;
        });
        Map<String, String> tags = server.call(r -> r.tagsOf(rs.routeServerId()));
        w.start("routeServer");
        writeRouteServer(w, rs, tags);
        w.end();
    }

    private void deleteRouteServer(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerId");
        q.checkDryRun();
        Tagged<RouteServer> res = server.call(r -> {
            Map<String, String> tags = r.tagsOf(id);
            return new Tagged<>(r.deleteRouteServer(id), tags);
        });
        w.start("routeServer");
        writeRouteServer(w, res.value(), res.tags());
        w.end();
    }

    private void modifyRouteServer(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerId");
        String persist = q.enumValue("PersistRoutes", PERSIST);
        Long duration = q.longValue("PersistRoutesDuration", 1, 5);
        Boolean sns = q.bool("SnsNotificationsEnabled");
        q.checkDryRun();
        Tagged<RouteServer> res = server.call(r -> new Tagged<>(r.modifyRouteServer(id, persist, duration, sns), r.tagsOf(id)));
        w.start("routeServer");
        writeRouteServer(w, res.value(), res.tags());
        w.end();
    }

    /**
     * vroute extension: {@code Action=ModifyRouteServerPeerLogging&RouteServerId=rs-..&Destination=file|stdout|off}:
     * where the route server's peer event logs go (docs/peer-logs.md). Answers the route server.
     */
    private void modifyPeerLogging(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerId");
        String destination = q.enumValue("Destination", java.util.Set.of("file", "stdout", "off"));
        if (destination == null) {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter Destination (file, stdout"
                    + " or off)");
        }
        q.checkDryRun();
        Tagged<RouteServer> res = server.call(r -> new Tagged<>(r.modifyPeerLogging(id, destination), r.tagsOf(id)));
        w.start("routeServer");
        writeRouteServer(w, res.value(), res.tags());
        w.end();
    }

    private void describeRouteServers(QueryRequest q, XmlWriter w) {
        List<String> ids = q.list("RouteServerId");
        List<Filter> filters = q.filters();
        q.checkDryRun();
        Snapshot<RouteServer> s = server.call(r -> {
            if (!ids.isEmpty()) ids.forEach(r::routeServer);
            return Snapshot.of(r, r.routeServers(), RouteServer::routeServerId, ids);
        });
        Map<String, Function<RouteServer, Collection<String>>> fields = Map.of(
                "route-server-id", x -> List.of(x.routeServerId()),
                "amazon-side-asn", x -> List.of(Long.toString(x.amazonSideAsn())),
                "state", x -> List.of(x.state()),
                "persist-routes-state", x -> List.of(x.persistRoutesState()),
                "sns-notifications-enabled", x -> List.of(Boolean.toString(x.snsNotificationsEnabled())));
        Page<RouteServer> page = Page.of(Filters.apply(s.items(), filters, fields, x -> s.tags(x.routeServerId())), q, 1000, 5, 1000);
        w.list("routeServerSet", page.items(), (x, rs) -> writeRouteServer(x, rs, s.tags(rs.routeServerId())));
        w.element("nextToken", page.nextToken());
    }

    static void writeRouteServer(XmlWriter w, RouteServer rs, Map<String, String> tags) {
        w.element("routeServerId", rs.routeServerId());
        w.element("amazonSideAsn", rs.amazonSideAsn());
        w.element("state", rs.state());
        Tagging.write(w, tags);
        w.element("persistRoutesState", rs.persistRoutesState());
        if (rs.persistRoutesDuration() != null) w.element("persistRoutesDuration", rs.persistRoutesDuration());
        w.element("snsNotificationsEnabled", rs.snsNotificationsEnabled());
        w.element("snsTopicArn", rs.snsTopicArn());
        w.element("peerLogging", rs.peerLogging() == null ? "off" : rs.peerLogging()); // vroute extension
    }

    // ------------------------------------------------------------ associations

    private void associate(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerId");
        String vpc = q.required("VpcId");
        q.checkDryRun();
        RouteServerAssociation a = server.call(r -> r.associate(id, vpc));
        w.start("routeServerAssociation");
        writeAssociation(w, a);
        w.end();
    }

    private void disassociate(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerId");
        String vpc = q.required("VpcId");
        q.checkDryRun();
        RouteServerAssociation a = server.call(r -> r.disassociate(id, vpc));
        w.start("routeServerAssociation");
        writeAssociation(w, a);
        w.end();
    }

    private void getAssociations(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerId");
        q.checkDryRun();
        List<RouteServerAssociation> list = server.call(r -> r.associations(id));
        w.list("routeServerAssociationSet", list, RouteServerActions::writeAssociation);
    }

    private static void writeAssociation(XmlWriter w, RouteServerAssociation a) {
        w.element("routeServerId", a.routeServerId());
        w.element("vpcId", a.vpcId());
        w.element("state", a.state());
    }

    // ------------------------------------------------------------ endpoints

    private void createEndpoint(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerId");
        String subnet = q.required("SubnetId");
        List<TagSpecification> specs = Tagging.specifications(q, "route-server-endpoint");
        q.checkDryRun();
        Tagged<RouteServerEndpoint> res = server.call(r -> {
            RouteServerEndpoint e = r.createEndpoint(id, subnet);
            Tagging.apply(r, e.routeServerEndpointId(), specs);
            return new Tagged<>(e, r.tagsOf(e.routeServerEndpointId()));
        });
        w.start("routeServerEndpoint");
        writeEndpoint(w, res.value(), res.tags());
        w.end();
    }

    private void deleteEndpoint(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerEndpointId");
        q.checkDryRun();
        Tagged<RouteServerEndpoint> res = server.call(r -> {
            Map<String, String> tags = r.tagsOf(id);
            return new Tagged<>(r.deleteEndpoint(id), tags);
        });
        w.start("routeServerEndpoint");
        writeEndpoint(w, res.value(), res.tags());
        w.end();
    }

    private void describeEndpoints(QueryRequest q, XmlWriter w) {
        List<String> ids = q.list("RouteServerEndpointId");
        List<Filter> filters = q.filters();
        q.checkDryRun();
        Snapshot<RouteServerEndpoint> s = server.call(r -> {
            ids.forEach(r::endpoint);
            return Snapshot.of(r, r.endpoints(), RouteServerEndpoint::routeServerEndpointId, ids);
        });
        Map<String, Function<RouteServerEndpoint, Collection<String>>> fields = Map.of(
                "route-server-endpoint-id", x -> List.of(x.routeServerEndpointId()),
                "route-server-id", x -> List.of(x.routeServerId()),
                "vpc-id", x -> List.of(x.vpcId()),
                "subnet-id", x -> List.of(x.subnetId()),
                "eni-id", x -> List.of(x.eniId()),
                "eni-address", x -> List.of(x.eniAddress()),
                "state", x -> List.of(x.state()));
        Page<RouteServerEndpoint> page = Page.of(Filters.apply(s.items(), filters, fields,
                x -> s.tags(x.routeServerEndpointId())), q, 1000, 5, 1000);
        w.list("routeServerEndpointSet", page.items(), (x, e) -> writeEndpoint(x, e, s.tags(e.routeServerEndpointId())));
        w.element("nextToken", page.nextToken());
    }

    private static void writeEndpoint(XmlWriter w, RouteServerEndpoint e, Map<String, String> tags) {
        w.element("routeServerId", e.routeServerId());
        w.element("routeServerEndpointId", e.routeServerEndpointId());
        w.element("vpcId", e.vpcId());
        w.element("subnetId", e.subnetId());
        w.element("eniId", e.eniId());
        w.element("eniAddress", e.eniAddress());
        w.element("state", e.state());
        w.element("failureReason", e.failureReason());
        Tagging.write(w, tags);
    }

    // ------------------------------------------------------------ peers

    private void createPeer(QueryRequest q, XmlWriter w) {
        String endpoint = q.required("RouteServerEndpointId");
        String address = q.required("PeerAddress");
        QueryRequest bgp = q.struct("BgpOptions");
        long asn = bgp.requiredLong("PeerAsn", 1, 4294967295L);
        String liveness = bgp.enumValue("PeerLivenessDetection", LIVENESS);
        BfdOptions bfd = bfdOptions(q.struct("BfdOptions"), null);
        List<TagSpecification> specs = Tagging.specifications(q, "route-server-peer");
        q.checkDryRun();
        PeerView res = server.call(r -> {
            RouteServerPeer p = r.createPeer(endpoint, address, asn, liveness, bfd);
            Tagging.apply(r, p.routeServerPeerId(), specs);
            return new PeerView(p, r.tagsOf(p.routeServerPeerId()), r.peerState(p.routeServerPeerId()));
        });
        w.start("routeServerPeer");
        writePeer(w, res.peer(), res.tags(), res.state());
        w.end();
    }

    /** The vroute extension's {@code BfdOptions.MinTxInterval / MinRxInterval / Multiplier}; null when none given. */
    private static BfdOptions bfdOptions(QueryRequest b, BfdOptions base) {
        Integer tx = b.intValue("MinTxInterval", 10, 60_000);
        Integer rx = b.intValue("MinRxInterval", 10, 60_000);
        Integer mult = b.intValue("Multiplier", 2, 255);
        if (tx == null && rx == null && mult == null) return null;
        return BfdOptions.of(tx, rx, mult, base);
    }

    /**
     * vroute extension: {@code Action=ModifyRouteServerPeerBfdOptions&RouteServerPeerId=rsp-..&BfdOptions.MinTxInterval=100
     * &BfdOptions.MinRxInterval=100&BfdOptions.Multiplier=3}; unset fields keep their value. A live BFD session
     * takes the new timers through a Poll Sequence without going down (RFC 5880 §6.8.3).
     */
    private void modifyPeerBfd(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerPeerId");
        QueryRequest b = q.struct("BfdOptions");
        Integer tx = b.intValue("MinTxInterval", 10, 60_000);
        Integer rx = b.intValue("MinRxInterval", 10, 60_000);
        Integer mult = b.intValue("Multiplier", 2, 255);
        if (tx == null && rx == null && mult == null) {
            throw new Ec2Exception("MissingParameter", "give at least one of BfdOptions.MinTxInterval,"
                    + " BfdOptions.MinRxInterval (milliseconds) and BfdOptions.Multiplier");
        }
        q.checkDryRun();
        PeerView res = server.call(r -> {
            RouteServerPeer p = r.modifyPeerBfdOptions(id, tx, rx, mult);
            return new PeerView(p, r.tagsOf(id), r.peerState(id));
        });
        w.start("routeServerPeer");
        writePeer(w, res.peer(), res.tags(), res.state());
        w.end();
    }

    private void deletePeer(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerPeerId");
        q.checkDryRun();
        PeerView res = server.call(r -> {
            Map<String, String> tags = r.tagsOf(id);
            PeerState st = r.peerState(id);
            return new PeerView(r.deletePeer(id), tags, st);
        });
        w.start("routeServerPeer");
        writePeer(w, res.peer(), res.tags(), res.state());
        w.end();
    }

    private void describePeers(QueryRequest q, XmlWriter w) {
        List<String> ids = q.list("RouteServerPeerId");
        List<Filter> filters = q.filters();
        q.checkDryRun();
        record Row(RouteServerPeer peer, PeerState state) {}
        Snapshot<Row> s = server.call(r -> {
            ids.forEach(r::peer);
            List<Row> rows = r.peers().stream().map(p -> new Row(p, r.peerState(p.routeServerPeerId()))).toList();
            return Snapshot.of(r, rows, x -> x.peer().routeServerPeerId(), ids);
        });
        Map<String, Function<Row, Collection<String>>> fields = Map.of(
                "route-server-peer-id", x -> List.of(x.peer().routeServerPeerId()),
                "route-server-endpoint-id", x -> List.of(x.peer().routeServerEndpointId()),
                "route-server-id", x -> List.of(x.peer().routeServerId()),
                "vpc-id", x -> List.of(x.peer().vpcId()),
                "subnet-id", x -> List.of(x.peer().subnetId()),
                "peer-address", x -> List.of(x.peer().peerAddress()),
                "state", x -> List.of(x.peer().state()),
                "bgp-options.peer-asn", x -> List.of(Long.toString(x.peer().peerAsn())),
                "bgp-status.status", x -> List.of(x.state().bgpUp() ? "up" : "down"));
        Page<Row> page = Page.of(Filters.apply(s.items(), filters, fields, x -> s.tags(x.peer().routeServerPeerId())),
                q, 1000, 5, 1000);
        w.list("routeServerPeerSet", page.items(), (x, row) -> writePeer(x, row.peer(), s.tags(row.peer().routeServerPeerId()), row.state()));
        w.element("nextToken", page.nextToken());
    }

    private static void writePeer(XmlWriter w, RouteServerPeer p, Map<String, String> tags, PeerState st) {
        w.element("routeServerPeerId", p.routeServerPeerId());
        w.element("routeServerEndpointId", p.routeServerEndpointId());
        w.element("routeServerId", p.routeServerId());
        w.element("vpcId", p.vpcId());
        w.element("subnetId", p.subnetId());
        w.element("state", p.state());
        w.element("failureReason", p.failureReason());
        w.element("endpointEniId", p.endpointEniId());
        w.element("endpointEniAddress", p.endpointEniAddress());
        w.element("peerAddress", p.peerAddress());
        w.start("bgpOptions");
        w.element("peerAsn", p.peerAsn());
        w.element("peerLivenessDetection", p.peerLivenessDetection());
        w.end();
        w.start("bgpStatus");
        w.element("status", st.bgpUp() ? "up" : "down");
        // vroute extension: when the session last came up or went down, and why it went down
        if (st.since() != null) w.element("since", st.since().toString());
        if (!st.bgpUp()) w.element("reason", st.lastDownReason());
        w.end();
        w.element("routeCount", (long) st.routes());   // vroute extension: routes held from this peer (Adj-RIB-In)
        w.element("fibRouteCount", (long) st.fibRoutes()); // vroute extension: of those, the best paths
        if (p.bfd()) {
            w.start("bfdStatus");
            w.element("status", st.bfdUp() ? "up" : "down");
            BfdEngine.Status b = st.bfd();
            if (b != null) {                      // vroute extension: the session's detail
                w.element("sessionState", words(b.state()));
                w.element("diagnostic", words(b.diagnostic()));
                w.element("since", b.since().toString());
                w.element("detectionTime", b.detectionTimeMicros() / 1000);
                w.element("transmitInterval", b.transmitIntervalMicros() / 1000);
                w.element("packetsSent", b.sent());
                w.element("packetsReceived", b.received());
                w.element("packetsDiscarded", b.discarded());
            }
            w.end();
            BfdOptions o = p.effectiveBfdOptions();
            w.start("bfdOptions");                 // vroute extension
            w.element("minTxInterval", o.minTxInterval());
            w.element("minRxInterval", o.minRxInterval());
            w.element("multiplier", o.multiplier());
            w.end();
        }
        if (!st.events().isEmpty()) {              // vroute extension: recent BGP/BFD status changes
            w.list("eventSet", st.events(), (x, e) -> {
                x.element("time", e.time().toString());
                x.element("type", e.kind() + "Status");
                x.element("status", e.status());
                x.element("reason", e.reason());
            });
        }
        Tagging.write(w, tags);
    }

    /** ADMIN_DOWN -> admin-down: enum constants as the API's lower-case words. */
    private static String words(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    // ------------------------------------------------------------ propagations

    private void enablePropagation(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerId");
        String table = q.required("RouteTableId");
        q.checkDryRun();
        RouteServerPropagation p = server.call(r -> r.enablePropagation(id, table));
        w.start("routeServerPropagation");
        writePropagation(w, p);
        w.end();
    }

    private void disablePropagation(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerId");
        String table = q.required("RouteTableId");
        q.checkDryRun();
        RouteServerPropagation p = server.call(r -> r.disablePropagation(id, table));
        w.start("routeServerPropagation");
        writePropagation(w, p);
        w.end();
    }

    private void getPropagations(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerId");
        String table = q.string("RouteTableId");
        q.checkDryRun();
        List<RouteServerPropagation> list = server.call(r -> r.propagations(id, table));
        w.list("routeServerPropagationSet", list, RouteServerActions::writePropagation);
    }

    private static void writePropagation(XmlWriter w, RouteServerPropagation p) {
        w.element("routeServerId", p.routeServerId());
        w.element("routeTableId", p.routeTableId());
        w.element("state", p.state());
    }

    // ------------------------------------------------------------ routing database

    private void routingDatabase(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerId");
        List<Filter> filters = q.filters();
        q.checkDryRun();
        record Database(List<RoutingDatabaseEntry> routes, boolean persisted) {}
        if (filters.isEmpty()) {
            // Unfiltered (the common case, and the one that can be huge): build only the page asked for.
            Page.Window window = Page.window(q, 1000, 5, 1000);
            Database res = server.call(r -> new Database(r.routingDatabase(id, window.from(), window.size() + 1),
                    r.areRoutesPersisted(id)));
            Page<RoutingDatabaseEntry> page = window.page(res.routes());
            w.element("areRoutesPersisted", res.persisted());
            w.list("routeSet", page.items(), RouteServerActions::writeRoute);
            w.element("nextToken", page.nextToken());
            return;
        }
        Database res = server.call(r -> new Database(r.routingDatabase(id), r.areRoutesPersisted(id)));
        List<RoutingDatabaseEntry> routes = res.routes();
        Map<String, Function<RoutingDatabaseEntry, Collection<String>>> fields = Map.of(
                "prefix", x -> List.of(x.prefix()),
                "route-status", x -> List.of(x.routeStatus()),
                "next-hop-ip", x -> List.of(x.nextHopIp() == null ? "" : x.nextHopIp()),
                "route-server-peer-id", x -> List.of(x.routeServerPeerId()),
                "route-server-endpoint-id", x -> List.of(x.routeServerEndpointId() == null ? "" : x.routeServerEndpointId()),
                "med", x -> x.med() == null ? List.of() : List.of(Long.toString(x.med())));
        Page<RoutingDatabaseEntry> page = Page.of(Filters.apply(routes, filters, fields, x -> Map.of()), q, 1000, 5, 1000);
        w.element("areRoutesPersisted", res.persisted());
        w.list("routeSet", page.items(), RouteServerActions::writeRoute);
        w.element("nextToken", page.nextToken());
    }

    private static void writeRoute(XmlWriter w, RoutingDatabaseEntry e) {
        w.element("routeServerEndpointId", e.routeServerEndpointId());
        w.element("routeServerPeerId", e.routeServerPeerId());
        w.list("routeInstallationDetailSet", e.installations(), (x, i) -> {
            x.element("routeTableId", i.routeTableId());
            x.element("routeInstallationStatus", i.status());
            x.element("routeInstallationStatusReason", i.reason());
        });
        w.element("routeStatus", e.routeStatus());
        w.element("prefix", e.prefix());
        w.list("asPathSet", e.asPath(), (x, asn) -> x.text(Long.toString(asn)));
        if (e.med() != null) w.element("med", e.med());
        w.element("nextHopIp", e.nextHopIp());
    }

    /** vroute extension: {@code Action=ExplainRouteServerRoute&RouteServerId=rs-..&Prefix=172.16.1.1/32}. */
    private void explain(QueryRequest q, XmlWriter w) {
        String id = q.required("RouteServerId");
        String prefix = q.required("Prefix");
        q.checkDryRun();
        Explanation e = server.call(r -> r.explain(id, prefix));
        w.element("prefix", prefix);
        w.list("candidateSet", e.candidates(), (x, c) -> {
            x.element("routeServerPeerId", c.route().neighbor().name());
            x.element("nextHopIp", c.route().nextHop() == null ? null : c.route().nextHop().getHostAddress());
            x.element("best", c.best());
            x.element("step", c.step());
            x.element("reason", c.reason());
        });
        w.element("explanation", e.render());
    }

    /** A resource and its tags, read together on the control thread. */
    private record Tagged<T>(T value, Map<String, String> tags) {}

    /** A peer, its tags and its live session status, read together on the control thread. */
    private record PeerView(RouteServerPeer peer, Map<String, String> tags, PeerState state) {}
}
