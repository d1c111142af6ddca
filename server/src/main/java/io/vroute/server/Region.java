package io.vroute.server;

import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.Prefix;
import io.vroute.rib.Explanation;
import io.vroute.vpc.Network;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Everything one vroute instance manages, like one AWS region: the VPC model ({@link #network()}), route servers and
 * their associations, endpoints, peers and propagations, tags, and the live BGP side. Every method runs on the
 * server's single control thread (see {@link Server#call}); nothing here is thread-safe on its own.
 */
public final class Region {
    static final System.Logger LOG = System.getLogger("vroute.server");

    final ServerConfig config;
    final Network network;
    final Map<String, RouteServer> routeServers = new LinkedHashMap<>();
    final Map<String, RouteServerAssociation> associations = new LinkedHashMap<>(); // by route server id
    final Map<String, RouteServerEndpoint> endpoints = new LinkedHashMap<>();
    final Map<String, RouteServerPeer> peers = new LinkedHashMap<>();
    final Map<String, RouteServerPropagation> propagations = new LinkedHashMap<>(); // by key()
    final Map<String, TagSet> tags = new LinkedHashMap<>();
    /** Written on the control thread only; read from any thread by the event sinks (hence synchronized). */
    final Map<String, RouteServerRuntime> runtimes = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    final Control control;
    final RouteJournal journal;
    /** Status changes, failovers and route events, for the timeline, peer event logs and webhooks. */
    final io.vroute.server.events.Events events;
    /**
     * Set when vroute stops: sessions ending now say nothing about the appliances, so their routes stay in the route
     * tables (forwarding state kept over our own restart, as RFC 4724 §4.1 has a restarting speaker do).
     */
    volatile boolean stopping;

    /** The BFD thread and its sockets, started with the first bfd peer. Control thread only. */
    private io.vroute.bfd.BfdEngine bfd;
    /** The Linux data plane, or null when route tables live in the model only. */
    io.vroute.server.dataplane.LinuxDataplane dataplane;
    /** The newest reconcile submitted to the data plane: endpoints wait for it before they open sockets. */
    private java.util.concurrent.CompletableFuture<io.vroute.server.dataplane.Report> lastReconcile =
            java.util.concurrent.CompletableFuture.completedFuture(null);

    Region(ServerConfig config, Network network, Control control, RouteJournal journal, io.vroute.server.events.Events events) {
        this.config = config;
        this.network = network;
        this.control = control;
        this.journal = journal;
        this.events = events;
    }

    public Network network() { return network; }

    /** The BFD engine, started on first use (control thread). */
    io.vroute.bfd.BfdEngine bfd() throws java.io.IOException {
        if (bfd == null) {
            bfd = io.vroute.bfd.BfdEngine.start(config.bfdPort());
            LOG.log(System.Logger.Level.INFO, "BFD started (UDP port {0})", Integer.toString(config.bfdPort()));
        }
        return bfd;
    }

    /** Makes the kernel follow the model (control thread); a no-op without the Linux data plane. */
    void reconcile() {
        if (dataplane == null) return;
        lastReconcile = dataplane.reconcile(network);
        lastReconcile.whenComplete((report, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.ERROR, "data plane: reconcile failed: " + error.getMessage()
                        + "; the next change or the periodic repair tries again");
            }
        });
    }

    /** Waits (at most 30 s) until the kernel holds what the model held at the last reconcile. */
    void awaitDataplane() {
        try {
            lastReconcile.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "data plane not ready: " + e.getMessage());
        }
    }

    /** The network namespace where a VPC's endpoints live: its router namespace, or null for the host's. */
    String namespaceOf(String vpcId) {
        return dataplane == null || vpcId == null ? null : dataplane.layout().routerNamespace(vpcId);
    }

    /** Stops BFD: every session sends AdminDown once, so appliances do not read a failure into it (RFC 5880 §6.8.16). */
    void closeBfd() {
        if (bfd != null) bfd.close();
        bfd = null;
    }

    public Quotas quotas() { return config.quotas(); }

    static String newId(String prefix) {
        byte[] b = new byte[9];
        ThreadLocalRandom.current().nextBytes(b);
        return prefix + HexFormat.of().formatHex(b).substring(0, 17);
    }

    // ---------------------------------------------------------------- route servers

    public RouteServer createRouteServer(long asn, String persistRoutes, Long persistDuration, boolean sns) {
        if (asn < 1 || asn > 4294967295L) {
            throw new ServerException("InvalidParameterValue", "AmazonSideAsn " + asn + " is out of range: use 1 to 4294967295"
                    + " (private ranges 64512-65534 or 4200000000-4294967294 are recommended)");
        }
        if (routeServers.size() >= quotas().routeServersPerRegion()) {
            throw new ServerException("RouteServerLimitExceeded", "this region already has " + routeServers.size()
                    + " route servers (quota profile " + quotas().profile() + "): delete one or raise the quota");
        }
        String persistState = persistStateFor(persistRoutes == null ? "disable" : persistRoutes, persistDuration);
        Long duration = "enabled".equals(persistState) ? (persistDuration == null ? 1L : persistDuration) : null;
        String id = newId("rs-");
        String topic = sns ? "arn:aws:sns:vroute:000000000000:" + id : null;
        RouteServer rs = new RouteServer(id, asn, "available", persistState, duration, sns, topic);
        routeServers.put(id, rs);
        runtimes.put(id, new RouteServerRuntime(this, rs));
        LOG.log(System.Logger.Level.INFO, "route server {0} created (ASN {1})", id, Long.toString(asn));
        return rs.withState("pending");
    }

    private static String persistStateFor(String action, Long duration) {
        if (duration != null && (duration < 1 || duration > 5)) {
            throw new ServerException("InvalidParameterValue", "PersistRoutesDuration " + duration
                    + " is out of range: use 1 to 5 (minutes)");
        }
        return switch (action) {
            case "enable" -> "enabled";
            case "disable", "reset" -> "disabled";
            default -> throw new ServerException("InvalidParameterValue", "PersistRoutes '" + action
                    + "' is not valid: use enable, disable or reset");
        };
    }

    public RouteServer routeServer(String id) {
        RouteServer rs = id == null ? null : routeServers.get(id);
        if (rs == null) {
            if (id != null && !id.startsWith("rs-")) {
                throw new ServerException("InvalidRouteServerId.Malformed", "'" + id + "' is not a route server id (rs-...)");
            }
            throw new ServerException("InvalidRouteServerId.NotFound", "The route server ID '" + id
                    + "' does not exist: list route servers with DescribeRouteServers");
        }
        return rs;
    }

    public Collection<RouteServer> routeServers() { return routeServers.values(); }

    public RouteServer modifyRouteServer(String id, String persistRoutes, Long persistDuration, Boolean sns) {
        RouteServer rs = routeServer(id);
        requireAvailable(rs);
        String state = rs.persistRoutesState();
        Long duration = rs.persistRoutesDuration();
        RouteServerRuntime rt = runtimes.get(id);
        if (persistRoutes != null) {
            state = persistStateFor(persistRoutes, persistDuration);
            if ("enable".equals(persistRoutes)) duration = persistDuration != null ? persistDuration : (duration != null ? duration : 1L);
            else duration = null;
            if (!"enable".equals(persistRoutes)) rt.unpersist("persist routes " + persistRoutes + "d by ModifyRouteServer");
        } else if (persistDuration != null) {
            if (!"enabled".equals(state)) {
                throw new ServerException("InvalidParameterValue", "PersistRoutesDuration applies only when persist routes"
                        + " is enabled: pass PersistRoutes=enable with it");
            }
            persistStateFor("enable", persistDuration);
            duration = persistDuration;
        }
        boolean s = sns != null ? sns : rs.snsNotificationsEnabled();
        RouteServer updated = new RouteServer(id, rs.amazonSideAsn(), rs.state(), state, duration, s,
                s ? "arn:aws:sns:vroute:000000000000:" + id : null, rs.peerLogging());
        routeServers.put(id, updated);
        rt.routeServer = updated;
        return updated;
    }

    /**
     * vroute extension: where the route server's peer event logs go ({@code file}, {@code stdout} or {@code off};
     * docs/peer-logs.md). Takes effect with the next event.
     */
    public RouteServer modifyPeerLogging(String id, String destination) {
        RouteServer rs = routeServer(id);
        requireAvailable(rs);
        if (!java.util.Set.of("file", "stdout", "off").contains(destination)) {
            throw new ServerException("InvalidParameterValue", "Destination '" + destination + "' is not one of file,"
                    + " stdout, off");
        }
        RouteServer updated = rs.withPeerLogging(destination.equals("off") ? null : destination);
        routeServers.put(id, updated);
        runtimes.get(id).routeServer = updated;
        LOG.log(System.Logger.Level.INFO, "route server {0}: peer event logs {1}", id,
                destination.equals("off") ? "off" : "to " + destination);
        return updated;
    }

    /**
     * Where a route server's peer event logs go right now ({@code file}, {@code stdout}, or null: off or no such
     * route server). Any thread: reads the published record.
     */
    public String peerLoggingOf(String routeServerId) {
        RouteServerRuntime rt = runtimes.get(routeServerId);
        return rt == null ? null : rt.routeServer.peerLogging();
    }

    /** Whether a route server has SNS notifications (vroute: webhooks) enabled; any thread. */
    public boolean notificationsEnabled(String routeServerId) {
        RouteServerRuntime rt = runtimes.get(routeServerId);
        return rt != null && rt.routeServer.snsNotificationsEnabled();
    }

    /** A route server's SNS topic ARN (null when notifications are off); any thread. */
    public String topicArnOf(String routeServerId) {
        RouteServerRuntime rt = runtimes.get(routeServerId);
        return rt == null ? null : rt.routeServer.snsTopicArn();
    }

    public RouteServer deleteRouteServer(String id) {
        RouteServer rs = routeServer(id);
        if (associations.containsKey(id)) {
            throw new ServerException("IncorrectState", "route server " + id + " is still associated with "
                    + associations.get(id).vpcId() + ": delete its endpoints and propagations, then DisassociateRouteServer first");
        }
        routeServers.remove(id);
        RouteServerRuntime rt = runtimes.remove(id);
        if (rt != null) rt.shutdown("route server " + id + " deleted");
        tags.remove(id);
        return rs.withState("deleting");
    }

    static void requireAvailable(RouteServer rs) {
        if (!"available".equals(rs.state())) {
            throw new ServerException("IncorrectState", "route server " + rs.routeServerId() + " is " + rs.state()
                    + ": wait until it is available");
        }
    }

    // ---------------------------------------------------------------- associations

    public RouteServerAssociation associate(String rsId, String vpcId) {
        RouteServer rs = routeServer(rsId);
        requireAvailable(rs);
        VpcFacts.requireVpc(network, vpcId);
        RouteServerAssociation existing = associations.get(rsId);
        if (existing != null) {
            throw new ServerException("IncorrectState", "route server " + rsId + " is already associated with "
                    + existing.vpcId() + ": a route server serves one VPC; disassociate it first or create another route server");
        }
        RouteServerAssociation a = new RouteServerAssociation(rsId, vpcId, "associated");
        associations.put(rsId, a);
        return new RouteServerAssociation(rsId, vpcId, "associating");
    }

    public RouteServerAssociation disassociate(String rsId, String vpcId) {
        routeServer(rsId);
        RouteServerAssociation a = associations.get(rsId);
        if (a == null || !a.vpcId().equals(vpcId)) {
            throw new ServerException("InvalidRouteServerId.NotAssociated", "route server " + rsId + " is not associated with "
                    + vpcId + (a == null ? "" : " (it is associated with " + a.vpcId() + ")"));
        }
        for (RouteServerEndpoint e : endpoints.values()) {
            if (e.routeServerId().equals(rsId)) {
                throw new ServerException("IncorrectState", "route server " + rsId + " still has endpoint "
                        + e.routeServerEndpointId() + ": delete its endpoints first");
            }
        }
        for (RouteServerPropagation p : propagations.values()) {
            if (p.routeServerId().equals(rsId)) {
                throw new ServerException("IncorrectState", "route server " + rsId + " still propagates to "
                        + p.routeTableId() + ": DisableRouteServerPropagation first");
            }
        }
        associations.remove(rsId);
        return new RouteServerAssociation(rsId, vpcId, "disassociating");
    }

    public List<RouteServerAssociation> associations(String rsId) {
        routeServer(rsId);
        RouteServerAssociation a = associations.get(rsId);
        return a == null ? List.of() : List.of(a);
    }

    String vpcIdOf(String rsId) {
        RouteServerAssociation a = associations.get(rsId);
        return a == null ? null : a.vpcId();
    }

    private RouteServerAssociation requireAssociated(String rsId, String vpcId, String what) {
        RouteServerAssociation a = associations.get(rsId);
        if (a == null || !a.vpcId().equals(vpcId)) {
            throw new ServerException("InvalidRouteServerId.NotAssociated", "route server " + rsId + " is not associated with "
                    + vpcId + ", the VPC of " + what + ": AssociateRouteServer with " + vpcId + " first");
        }
        return a;
    }

    // ---------------------------------------------------------------- endpoints

    public RouteServerEndpoint createEndpoint(String rsId, String subnetId) {
        RouteServer rs = routeServer(rsId);
        requireAvailable(rs);
        VpcFacts.SubnetFacts subnet = VpcFacts.subnet(network, subnetId);
        requireAssociated(rsId, subnet.vpcId(), subnetId);
        long inSubnet = endpoints.values().stream()
                .filter(e -> e.routeServerId().equals(rsId) && e.subnetId().equals(subnetId)).count();
        if (inSubnet >= quotas().endpointsPerSubnet()) {
            throw new ServerException("RouteServerEndpointLimitExceeded", "route server " + rsId + " already has " + inSubnet
                    + " endpoints in " + subnetId + " (at most " + quotas().endpointsPerSubnet() + " per subnet): use another subnet");
        }
        String id = newId("rse-");
        VpcFacts.Eni eni = VpcFacts.createEndpointInterface(network, subnetId, "Route server endpoint " + id);
        RouteServerEndpoint e = new RouteServerEndpoint(id, rsId, subnet.vpcId(), subnetId, eni.id(), eni.address(), "pending", null);
        endpoints.put(id, e);
        control.post(() -> runtimes.get(rsId).startEndpoint(endpoints.get(id)));
        return e;
    }

    public RouteServerEndpoint endpoint(String id) {
        RouteServerEndpoint e = id == null ? null : endpoints.get(id);
        if (e == null) {
            if (id != null && !id.startsWith("rse-")) {
                throw new ServerException("InvalidRouteServerEndpointId.Malformed", "'" + id + "' is not a route server endpoint id (rse-...)");
            }
            throw new ServerException("InvalidRouteServerEndpointId.NotFound", "The route server endpoint ID '" + id
                    + "' does not exist: list endpoints with DescribeRouteServerEndpoints");
        }
        return e;
    }

    /**
     * Every endpoint. With the model data plane, an available endpoint whose address is not (or no longer) on an
     * interface of this host says so in its failureReason; the reason goes away as soon as the address is there (checked on each call).
     */
    public Collection<RouteServerEndpoint> endpoints() {
        for (RouteServerEndpoint e : List.copyOf(endpoints.values())) {
            if (!"available".equals(e.state())) continue;
            // The Linux data plane puts the address on the subnet's bridge in the VPC's namespace itself: the host's
            // interfaces say nothing about it.
            boolean present = namespaceOf(e.vpcId()) != null
                    || RouteServerRuntime.onLocalInterface(parseAddress(e.eniAddress(), "eniAddress"));
            String reason = present ? null : RouteServerRuntime.absentReason(e.eniAddress());
            if (!java.util.Objects.equals(reason, e.failureReason())) endpoints.put(e.routeServerEndpointId(), e.with("available", reason));
        }
        return endpoints.values();
    }

    public RouteServerEndpoint deleteEndpoint(String id) {
        RouteServerEndpoint e = endpoint(id);
        for (RouteServerPeer p : peers.values()) {
            if (p.routeServerEndpointId().equals(id)) {
                throw new ServerException("IncorrectState", "endpoint " + id + " still has peer " + p.routeServerPeerId()
                        + ": DeleteRouteServerPeer first");
            }
        }
        endpoints.remove(id);
        RouteServerRuntime rt = runtimes.get(e.routeServerId());
        if (rt != null) rt.stopEndpoint(id);
        VpcFacts.deleteEndpointInterface(network, e.eniId());
        tags.remove(id);
        return e.with("deleting", null);
    }

    void endpointState(String id, String state, String reason) {
        RouteServerEndpoint e = endpoints.get(id);
        if (e != null) endpoints.put(id, e.with(state, reason));
    }

    // ---------------------------------------------------------------- peers

    public RouteServerPeer createPeer(String endpointId, String peerAddress, long peerAsn, String liveness) {
        return createPeer(endpointId, peerAddress, peerAsn, liveness, null);
    }

    /**
     * Creates a peer. {@code bfd}: BFD timers for a peer whose liveness is bfd (vroute extension; null for the
     * defaults, see {@link BfdOptions#of}).
     */
    public RouteServerPeer createPeer(String endpointId, String peerAddress, long peerAsn, String liveness, BfdOptions bfd) {
        RouteServerEndpoint e = endpoint(endpointId);
        if (!"available".equals(e.state())) {
            throw new ServerException("IncorrectState", "endpoint " + endpointId + " is " + e.state()
                    + (e.failureReason() != null ? " (" + e.failureReason() + ")" : "") + ": wait until it is available");
        }
        InetAddress address = parseAddress(peerAddress, "PeerAddress");
        if (peerAsn < 1 || peerAsn > 4294967295L) {
            throw new ServerException("InvalidParameterValue", "BgpOptions.PeerAsn " + peerAsn + " is out of range: use 1 to 4294967295");
        }
        RouteServer rs = routeServer(e.routeServerId());
        if (peerAsn == rs.amazonSideAsn()) {
            throw new ServerException("InvalidParameterValue", "BgpOptions.PeerAsn " + peerAsn + " equals the route server's ASN:"
                    + " route server peers are eBGP; give the appliance another ASN");
        }
        String mode = liveness == null ? "bgp-keepalive" : liveness;
        if (!Set.of("bgp-keepalive", "bfd").contains(mode)) {
            throw new ServerException("InvalidParameterValue", "BgpOptions.PeerLivenessDetection '" + liveness
                    + "' is not valid: use bgp-keepalive or bfd");
        }
        if (bfd != null && !"bfd".equals(mode)) {
            throw new ServerException("InvalidParameterValue", "BfdOptions apply only to peers whose"
                    + " BgpOptions.PeerLivenessDetection is bfd: set it to bfd, or leave BfdOptions out");
        }
        if (peerAddress.equals(e.eniAddress())) {
            throw new ServerException("InvalidParameterValue", "PeerAddress " + peerAddress + " is the endpoint's own address:"
                    + " use the appliance's address");
        }
        if (!VpcFacts.vpcContains(network, e.vpcId(), address)) {
            throw new ServerException("InvalidParameterValue", "PeerAddress " + peerAddress + " is not inside " + e.vpcId()
                    + ": the appliance must have an address in the VPC");
        }
        int onEndpoint = 0;
        for (RouteServerPeer p : peers.values()) {
            if (!p.routeServerEndpointId().equals(endpointId)) continue;
            onEndpoint++;
            if (parseAddress(p.peerAddress(), "PeerAddress").equals(address)) {
                throw new ServerException("InvalidParameterValue", "endpoint " + endpointId + " already has peer "
                        + p.routeServerPeerId() + " for " + peerAddress + ": delete it first or use another endpoint");
            }
        }
        if (onEndpoint >= quotas().peersPerEndpoint()) {
            throw new ServerException("RouteServerPeerLimitExceeded", "endpoint " + endpointId + " already has " + onEndpoint
                    + " peers (at most " + quotas().peersPerEndpoint() + "): use another endpoint");
        }
        String id = newId("rsp-");
        RouteServerPeer p = new RouteServerPeer(id, endpointId, e.routeServerId(), e.vpcId(), e.subnetId(), e.eniId(),
                e.eniAddress(), address.getHostAddress(), peerAsn, mode, "available", null,
                "bfd".equals(mode) ? (bfd != null ? bfd : BfdOptions.DEFAULT) : null);
        peers.put(id, p);
        runtimes.get(e.routeServerId()).addPeer(p);
        return p.withState("pending");
    }

    public RouteServerPeer peer(String id) {
        RouteServerPeer p = id == null ? null : peers.get(id);
        if (p == null) {
            if (id != null && !id.startsWith("rsp-")) {
                throw new ServerException("InvalidRouteServerPeerId.Malformed", "'" + id + "' is not a route server peer id (rsp-...)");
            }
            throw new ServerException("InvalidRouteServerPeerId.NotFound", "The route server peer ID '" + id
                    + "' does not exist: list peers with DescribeRouteServerPeers");
        }
        return p;
    }

    public Collection<RouteServerPeer> peers() { return peers.values(); }

    /** The live status of a peer's session. */
    public PeerState peerState(String id) {
        RouteServerPeer p = peer(id);
        RouteServerRuntime rt = runtimes.get(p.routeServerId());
        return rt == null ? PeerState.none() : rt.peerState(id);
    }

    /**
     * Changes a bfd peer's BFD timers (vroute extension ModifyRouteServerPeerBfdOptions); a live session takes them
     * through a Poll Sequence (RFC 5880 §6.8.3), without going down.
     */
    public RouteServerPeer modifyPeerBfdOptions(String id, Integer minTx, Integer minRx, Integer multiplier) {
        RouteServerPeer p = peer(id);
        if (!p.bfd()) {
            throw new ServerException("IncorrectState", "peer " + id + " uses " + p.peerLivenessDetection()
                    + " liveness: BFD timers apply only to peers created with BgpOptions.PeerLivenessDetection bfd");
        }
        BfdOptions o = BfdOptions.of(minTx, minRx, multiplier, p.effectiveBfdOptions());
        RouteServerPeer updated = p.withBfdOptions(o);
        peers.put(id, updated);
        RouteServerRuntime rt = runtimes.get(p.routeServerId());
        if (rt != null) rt.setBfdOptions(updated);
        return updated;
    }

    /** Deletes a peer: its session ends with Cease / Peer De-configured (RFC 4486 §4) and its routes are withdrawn. */
    public RouteServerPeer deletePeer(String id) {
        RouteServerPeer p = peer(id);
        peers.remove(id);
        RouteServerRuntime rt = runtimes.get(p.routeServerId());
        if (rt != null) rt.removePeer(p);
        tags.remove(id);
        return p.withState("deleting");
    }

    // ---------------------------------------------------------------- propagations

    public RouteServerPropagation enablePropagation(String rsId, String routeTableId) {
        RouteServer rs = routeServer(rsId);
        requireAvailable(rs);
        String vpcId = VpcFacts.routeTableVpc(network, routeTableId);
        requireAssociated(rsId, vpcId, routeTableId);
        RouteServerPropagation p = new RouteServerPropagation(rsId, routeTableId, "available");
        if (propagations.containsKey(p.key())) {
            throw new ServerException("IncorrectState", "route server " + rsId + " already propagates to " + routeTableId);
        }
        propagations.put(p.key(), p);
        runtimes.get(rsId).installAll(routeTableId);
        return new RouteServerPropagation(rsId, routeTableId, "pending");
    }

    public RouteServerPropagation disablePropagation(String rsId, String routeTableId) {
        routeServer(rsId);
        VpcFacts.routeTableVpc(network, routeTableId);
        RouteServerPropagation p = propagations.remove(rsId + "|" + routeTableId);
        if (p == null) {
            throw new ServerException("IncorrectState", "route server " + rsId + " does not propagate to " + routeTableId
                    + ": nothing to disable (see GetRouteServerPropagations)");
        }
        runtimes.get(rsId).uninstallAll(routeTableId);
        return new RouteServerPropagation(rsId, routeTableId, "deleting");
    }

    public List<RouteServerPropagation> propagations(String rsId, String routeTableId) {
        routeServer(rsId);
        List<RouteServerPropagation> out = new ArrayList<>();
        for (RouteServerPropagation p : propagations.values()) {
            if (p.routeServerId().equals(rsId) && (routeTableId == null || p.routeTableId().equals(routeTableId))) out.add(p);
        }
        return out;
    }

    List<String> propagatedTables(String rsId) {
        List<String> out = new ArrayList<>();
        for (RouteServerPropagation p : propagations.values()) if (p.routeServerId().equals(rsId)) out.add(p.routeTableId());
        return out;
    }

    // ---------------------------------------------------------------- routing database

    public boolean areRoutesPersisted(String rsId) {
        routeServer(rsId);
        return runtimes.get(rsId).persisting;
    }

    public List<RoutingDatabaseEntry> routingDatabase(String rsId) {
        routeServer(rsId);
        return runtimes.get(rsId).routingDatabase();
    }

    /** Entries {@code from} to {@code from + limit - 1} of the routing database, built alone (for paging). */
    public List<RoutingDatabaseEntry> routingDatabase(String rsId, int from, int limit) {
        routeServer(rsId);
        return runtimes.get(rsId).routingDatabase(from, limit);
    }

    /** vroute extension: every candidate route for a prefix and the decision step that eliminated it. */
    public Explanation explain(String rsId, String prefix) {
        routeServer(rsId);
        Prefix p;
        try {
            p = Prefix.parse(prefix);
        } catch (RuntimeException e) {
            throw new ServerException("InvalidParameterValue", "Prefix '" + prefix + "' is not a CIDR block such as 172.16.1.1/32");
        }
        return runtimes.get(rsId).rib.explain(p);
    }

    // ---------------------------------------------------------------- tags

    public Map<String, String> tagsOf(String resourceId) {
        if (!isRouteServerResource(resourceId)) return VpcFacts.tags(network, resourceId);
        TagSet t = tags.get(resourceId);
        return t == null ? Map.of() : t.tags();
    }

    private static boolean isRouteServerResource(String id) {
        return id.startsWith("rs-") || id.startsWith("rse-") || id.startsWith("rsp-");
    }

    public void createTags(List<String> resourceIds, Map<String, String> newTags) {
        for (String id : resourceIds) requireTaggable(id);
        for (String k : newTags.keySet()) {
            if (k == null || k.isEmpty() || k.length() > 127) {
                throw new ServerException("InvalidParameterValue", "tag key '" + k + "' must be 1 to 127 characters");
            }
            if (k.startsWith("aws:")) throw new ServerException("InvalidParameterValue", "tag keys may not start with aws: ('" + k + "')");
        }
        for (String v : newTags.values()) {
            if (v != null && v.length() > 256) throw new ServerException("InvalidParameterValue", "tag values are at most 256 characters");
        }
        for (String id : resourceIds) {
            if (!isRouteServerResource(id)) {
                network.tag(id, newTags);
                continue;
            }
            Map<String, String> m = new LinkedHashMap<>(tagsOf(id));
            newTags.forEach((k, v) -> m.put(k, v == null ? "" : v));
            if (m.size() > 50) throw new ServerException("TagLimitExceeded", id + " would have " + m.size() + " tags: at most 50");
            tags.put(id, new TagSet(id, m));
        }
    }

    /** Deletes tags: a null value deletes the key whatever its value; otherwise only when the value matches. */
    public void deleteTags(List<String> resourceIds, Map<String, String> toDelete) {
        for (String id : resourceIds) requireTaggable(id);
        for (String id : resourceIds) {
            if (!isRouteServerResource(id)) {
                network.untag(id, toDelete.isEmpty() ? allKeys(tagsOf(id)) : toDelete);
                continue;
            }
            Map<String, String> m = new LinkedHashMap<>(tagsOf(id));
            if (toDelete.isEmpty()) m.clear();
            toDelete.forEach((k, v) -> { if (v == null || v.equals(m.get(k))) m.remove(k); });
            if (m.isEmpty()) tags.remove(id); else tags.put(id, new TagSet(id, m));
        }
    }

    private static Map<String, String> allKeys(Map<String, String> tags) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : tags.keySet()) m.put(k, null);
        return m;
    }

    /** Every tagged resource with its tags: route-server resources and VPC resources alike. */
    public List<TagSet> allTags() {
        List<TagSet> out = new ArrayList<>(tags.values());
        for (Record r : network.resources()) {
            String id = switch (r) {
                case io.vroute.vpc.Vpc v -> v.vpcId();
                case io.vroute.vpc.Subnet s -> s.subnetId();
                case io.vroute.vpc.NetworkInterface e -> e.networkInterfaceId();
                case io.vroute.vpc.InternetGateway g -> g.internetGatewayId();
                case io.vroute.vpc.RouteTable t -> t.routeTableId();
                default -> null;
            };
            if (id != null && !tagsOf(id).isEmpty()) out.add(new TagSet(id, tagsOf(id)));
        }
        return out;
    }

    private void requireTaggable(String id) {
        if (id == null) throw new ServerException("MissingParameter", "The request must contain the parameter ResourceId");
        if (id.startsWith("rs-")) routeServer(id);
        else if (id.startsWith("rse-")) endpoint(id);
        else if (id.startsWith("rsp-")) peer(id);
        else if (!VpcFacts.exists(network, id)) {
            throw new ServerException("InvalidID", "The ID '" + id + "' is not valid or does not exist: check the resource id");
        }
    }

    // ---------------------------------------------------------------- helpers

    static InetAddress parseAddress(String text, String param) {
        if (text == null || text.isEmpty() || !(text.indexOf(':') >= 0 || text.matches("[0-9.]+"))) {
            throw new ServerException("InvalidParameterValue", param + " '" + text + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new ServerException("InvalidParameterValue", param + " '" + text + "' is not an IP address");
        }
    }

    /** Called when ENIs change: next hops may resolve differently. */
    public void interfacesChanged() {
        for (RouteServerRuntime rt : runtimes.values()) rt.reresolve();
    }

    static final NotificationMessage PEER_DECONFIGURED =
            new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.PEER_DECONFIGURED);
}
