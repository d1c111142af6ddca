package io.vroute.server;

import io.vroute.bfd.BfdEngine;
import io.vroute.bfd.Diagnostic;
import io.vroute.bgp.session.BgpSpeaker;
import io.vroute.bgp.session.PeerConfig;
import io.vroute.bgp.session.PeerInfo;
import io.vroute.bgp.session.SessionListener;
import io.vroute.bgp.session.SessionState;
import io.vroute.bgp.session.SpeakerConfig;
import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.SessionContext;
import io.vroute.bgp.wire.UpdateMessage;
import io.vroute.rib.Neighbor;
import io.vroute.rib.Rib;
import io.vroute.rib.RibOptions;
import io.vroute.rib.Route;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live side of one route server: its RIB, a BGP speaker per endpoint, the peers' sessions, and the propagation of
 * FIB changes into route tables. Everything runs on the control thread; speaker callbacks (on the BGP I/O thread) only
 * post work to it.
 */
final class RouteServerRuntime {
    private static final System.Logger LOG = Region.LOG;
    /** Backpressure: pause a session's reads when this many of its UPDATEs wait for the RIB; resume below LOW. */
    private static final int HIGH = 20_000, LOW = 2_000;
    /** Status changes kept per peer for DescribeRouteServerPeers. */
    private static final int MAX_EVENTS = 32;

    final Region region;
    volatile RouteServer routeServer;
    final Rib rib;
    final Map<String, EndpointSide> endpoints = new HashMap<>();
    final Map<String, PeerSide> peers = new LinkedHashMap<>();
    private final BitSet neighborIds = new BitSet();
    /** Ids of deleted peers, free again after the next drain. */
    private final List<Integer> releasedNeighborIds = new ArrayList<>();
    /** Peers by their RIB neighbour id, to count each one's best paths as the drains report them. */
    private PeerSide[] byNeighborId = new PeerSide[64];
    private boolean drainScheduled;
    /** Persist routes (SPEC "Behaviour"): true while every session is down and the routes are kept. */
    boolean persisting;
    private ScheduledFuture<?> unpersistTimer;
    /** After a restart: routes loaded from the store that the FIB has not confirmed yet ("table|destination"). */
    final Set<String> restartStale = new HashSet<>();

    RouteServerRuntime(Region region, RouteServer rs) {
        this.region = region;
        this.routeServer = rs;
        this.rib = new Rib(new RibOptions(rs.amazonSideAsn(), true), this::resolve);
    }

    private String resolve(InetAddress nextHop) {
        String vpc = region.vpcIdOf(routeServer.routeServerId());
        return vpc == null ? null : VpcFacts.interfaceOwning(region.network, vpc, nextHop);
    }

    // ------------------------------------------------------------ endpoints

    final class EndpointSide implements SessionListener {
        final String id;
        final InetAddress address;
        BgpSpeaker speaker;
        final Map<InetAddress, PeerSide> byAddress = new HashMap<>();
        /** The network namespace its sockets live in (Linux data plane), or null for the host's. */
        String namespace;

        EndpointSide(String id, InetAddress address) {
            this.id = id;
            this.address = address;
        }

        @Override public void stateChanged(PeerInfo p, SessionState from, SessionState to) {
            region.control.post(() -> { PeerSide s = byAddress.get(p.address()); if (s != null) s.session = to; });
        }

        @Override public void established(PeerInfo p, OpenMessage open, SessionContext ctx, int holdTime) {
            region.control.post(() -> sessionUp(byAddress.get(p.address()), open));
        }

        @Override public void update(PeerInfo p, UpdateMessage u) {
            PeerSide s = byAddressUnsafe(p.address());
            if (s == null) return;
            if (s.queued.incrementAndGet() > HIGH && !s.paused) {
                s.paused = true;
                speaker.pauseReading(p.address());
            }
            region.control.post(() -> received(s, u));
        }

        @Override public void down(PeerInfo p, String reason, boolean kept) {
            long detected = System.nanoTime();
            region.control.post(() -> sessionDown(byAddress.get(p.address()), reason, detected));
        }

        @Override public void notification(PeerInfo p, NotificationMessage n, boolean sentByUs) {
            LOG.log(System.Logger.Level.INFO, "endpoint {0}: {1} {2}: {3}", id, sentByUs ? "sent to" : "received from",
                    p.address().getHostAddress(), n.describe());
        }

        @Override public void rejected(InetSocketAddress remote, String reason) {
            PeerSide held = byAddressUnsafe(remote.getAddress());
            if (held != null && held.record.bfd()) {
                // A configured bfd peer is refused only because BFD was not Up when it connected (it may be by now).
                LOG.log(System.Logger.Level.INFO, "endpoint {0}: BGP connection from {1} refused with Cease / Connection"
                        + " Rejected: BFD to it was not Up yet (now {2}), and a bfd peer''s session is accepted only while"
                        + " BFD is Up (RFC 5882 §4.1); it is accepted on the appliance''s next try. If BFD does not come"
                        + " Up, check the appliance''s BFD (UDP 3784, TTL 255)", id,
                        remote.getAddress().getHostAddress(), held.bfdState());
                return;
            }
            LOG.log(System.Logger.Level.WARNING, "endpoint {0} ({1}) refused a BGP connection from {2}: {3}."
                            + " If this appliance should peer, CreateRouteServerPeer on this endpoint with its address",
                    id, address.getHostAddress(), remote.getAddress().getHostAddress(), reason);
        }

        /** The speaker's thread reads the map while the control thread writes it rarely: a copy-on-write view. */
        private volatile Map<InetAddress, PeerSide> snapshot = Map.of();

        PeerSide byAddressUnsafe(InetAddress a) { return snapshot.get(a); }

        void publish() { snapshot = Map.copyOf(byAddress); }
    }

    void startEndpoint(RouteServerEndpoint e) {
        if (e == null || endpoints.containsKey(e.routeServerEndpointId())) return;
        InetAddress address = Region.parseAddress(e.eniAddress(), "eniAddress");
        EndpointSide side = new EndpointSide(e.routeServerEndpointId(), address);
        side.namespace = region.namespaceOf(e.vpcId());
        endpoints.put(side.id, side);
        SpeakerConfig sc = new SpeakerConfig(routeServer.amazonSideAsn(), routerIdFor(address),
                List.of(new InetSocketAddress(address, region.config.bgpPort())), true);
        try {
            if (side.namespace == null) {
                side.speaker = BgpSpeaker.start(sc, side);
            } else {
                // Linux data plane: the endpoint's address is on its subnet's bridge in the VPC's namespace, and the
                // listening socket is made there (a socket keeps the namespace it was created in).
                region.awaitDataplane();
                side.speaker = io.vroute.linux.Namespaces.call(side.namespace, () -> BgpSpeaker.start(sc, side));
            }
        } catch (IOException | RuntimeException ex) {
            String why = "cannot listen for BGP on " + e.eniAddress() + ":" + region.config.bgpPort() + ": " + ex.getMessage();
            LOG.log(System.Logger.Level.ERROR, "endpoint {0}: {1}", side.id, why);
            region.endpointState(side.id, "failed", why);
            endpointEvent(side, "failed", why);
            region.control.persistSoon();
            return;
        }
        String absent = side.namespace != null || onLocalInterface(address) ? null : absentReason(e.eniAddress());
        if (absent != null) LOG.log(System.Logger.Level.WARNING, "endpoint {0}: {1}", side.id, absent);
        region.endpointState(side.id, "available", absent);
        endpointEvent(side, "available", absent != null ? absent : "listening for BGP on port " + region.config.bgpPort());
        LOG.log(System.Logger.Level.INFO, "endpoint {0} listening for BGP on {1} port {2}", side.id, e.eniAddress(),
                region.config.bgpPort());
        for (RouteServerPeer p : region.peers.values()) {
            if (p.routeServerEndpointId().equals(side.id)) addPeer(p);
        }
        region.control.persistSoon();
    }

    /** ROUTE_SERVER_ENDPOINT_MAINTENANCE: the endpoint starts serving, cannot, or stops because vroute does. */
    private void endpointEvent(EndpointSide side, String status, String reason) {
        region.events.publish(new io.vroute.server.events.RouteServerEvent.EndpointStatus(Instant.now(),
                routeServer.routeServerId(), side.id, side.address.getHostAddress(), status, reason));
    }

    static String absentReason(String address) {
        return "address " + address + " is not on any interface of this host yet; appliances reach this endpoint"
                + " once it is (data plane model: add it, e.g. ip addr add " + address + "/24 dev <interface>)";
    }

    /** Whether an address is currently on an interface of this host (and so reachable by appliances). */
    static boolean onLocalInterface(InetAddress a) {
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static InetAddress routerIdFor(InetAddress endpoint) {
        if (endpoint.getAddress().length == 4) return endpoint;
        byte[] b = endpoint.getAddress();
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    void stopEndpoint(String id) {
        EndpointSide side = endpoints.remove(id);
        if (side != null && side.speaker != null) side.speaker.close("route server endpoint " + id + " deleted");
    }

    // ------------------------------------------------------------ peers

    final class PeerSide {
        final RouteServerPeer record;
        final EndpointSide endpoint;
        final InetAddress address;
        Neighbor neighbor;
        volatile SessionState session = SessionState.IDLE;
        boolean up;
        Instant since;
        String lastDownReason;
        final AtomicInteger queued = new AtomicInteger();
        volatile boolean paused;
        /** The BFD session of a bfd peer; null otherwise (or when it could not be opened). */
        BfdEngine.Peer bfd;
        /** Whether the speaker has this peer configured: always for bgp-keepalive, only while BFD is Up for bfd. */
        boolean inSpeaker;
        final ArrayDeque<PeerEvent> events = new ArrayDeque<>();
        /** UPDATEs applied to the RIB and the prefixes they announced and withdrew (control thread; /metrics). */
        long updates, announced, withdrawn;
        /** Its routes that are best paths (the FIB), kept by the drains. */
        int fibRoutes;

        String bfdState() { return bfd == null ? "not running" : bfd.state().toString(); }

        void event(String kind, String status, String reason) {
            Instant now = Instant.now();
            if (events.size() == MAX_EVENTS) events.removeFirst();
            events.addLast(new PeerEvent(now, kind, status, reason));
            region.events.publish(new io.vroute.server.events.RouteServerEvent.PeerStatus(now, routeServer.routeServerId(),
                    endpoint.id, record.routeServerPeerId(), record.peerAddress(), kind, status, reason));
        }

        PeerSide(RouteServerPeer record, EndpointSide endpoint, int neighborId) {
            this.record = record;
            this.endpoint = endpoint;
            this.address = Region.parseAddress(record.peerAddress(), "PeerAddress");
            this.neighbor = new Neighbor(neighborId, record.routeServerPeerId(), address, record.peerAsn(), null);
        }
    }

    void addPeer(RouteServerPeer p) {
        EndpointSide side = endpoints.get(p.routeServerEndpointId());
        if (side == null || side.speaker == null || peers.containsKey(p.routeServerPeerId())) return;
        int nid = neighborIds.nextClearBit(1);
        neighborIds.set(nid);
        PeerSide ps = new PeerSide(p, side, nid);
        peers.put(p.routeServerPeerId(), ps);
        if (nid >= byNeighborId.length) byNeighborId = java.util.Arrays.copyOf(byNeighborId, Math.max(nid + 1, byNeighborId.length * 2));
        byNeighborId[nid] = ps;
        side.byAddress.put(ps.address, ps);
        side.publish();
        if (!p.bfd()) {
            side.speaker.addPeer(sessionConfig(ps));
            ps.inSpeaker = true;
            return;
        }
        // RFC 5882 §4.1: a bfd peer's BGP session is accepted only while BFD says the path works; until then the
        // speaker does not know the peer and refuses its connections.
        try {
            ps.bfd = region.bfd().add(scope(side.namespace), side.address, ps.address, p.effectiveBfdOptions().timers(), null,
                    (peer, from, to, diag, remote, nanos) -> {
                        if (to == io.vroute.bfd.SessionState.DOWN && diag == Diagnostic.CONTROL_DETECTION_TIME_EXPIRED
                                && peer.lastReceivedNanos() != 0) {
                            io.vroute.server.metrics.VrouteMetrics.bfdDetection((nanos - peer.lastReceivedNanos()) / 1e9);
                        }
                        region.control.postUrgent(() -> bfdChanged(ps, to, diag, remote, nanos));
                    });
            LOG.log(System.Logger.Level.INFO, "peer {0} ({1}): BFD from {2} started ({3} ms x {4}); BGP waits for BFD Up",
                    p.routeServerPeerId(), p.peerAddress(), side.address.getHostAddress(),
                    Integer.toString(p.effectiveBfdOptions().minTxInterval()), Integer.toString(p.effectiveBfdOptions().multiplier()));
        } catch (IOException | RuntimeException e) {
            String why = "cannot start BFD from " + side.address.getHostAddress() + " to " + p.peerAddress() + ": "
                    + e.getMessage() + "; delete and re-create the peer once the cause is fixed";
            LOG.log(System.Logger.Level.ERROR, "peer {0}: {1}", p.routeServerPeerId(), why);
            region.peers.computeIfPresent(p.routeServerPeerId(), (k, v) -> v.withFailure(why));
        }
    }

    /** Where an endpoint's BFD sockets are made: the host, or the VPC's namespace. */
    private static io.vroute.bfd.SocketScope scope(String namespace) {
        if (namespace == null) return io.vroute.bfd.SocketScope.HOST;
        return new io.vroute.bfd.SocketScope() {
            @Override public String name() { return namespace; }
            @Override public io.vroute.bfd.UdpSocket open(Opener opener) throws IOException {
                return io.vroute.linux.Namespaces.call(namespace, opener::open);
            }
        };
    }

    /**
     * A bfd peer's BFD session changed state (control thread). Up lets its BGP session in; a Down that is a failure
     * of the path ends the BGP session at once with Cease / BFD Down (RFC 5882 §4.1, RFC 9384 §2) and withdraws its
     * routes. A Down because the appliance put BFD AdminDown is not a failure (RFC 5882 §3.2): BGP is left alone.
     */
    void bfdChanged(PeerSide ps, io.vroute.bfd.SessionState to, Diagnostic diag, io.vroute.bfd.SessionState remote,
                    long detectedNanos) {
        if (peers.get(ps.record.routeServerPeerId()) != ps) return;
        String id = ps.record.routeServerPeerId();
        if (to == io.vroute.bfd.SessionState.UP) {
            ps.event("BFD", "UP", null);
            if (!ps.inSpeaker) {
                ps.inSpeaker = true;
                ps.endpoint.speaker.addPeer(sessionConfig(ps));
                LOG.log(System.Logger.Level.INFO, "peer {0} ({1}): BFD Up; its BGP session is accepted now", id,
                        ps.record.peerAddress());
            }
            return;
        }
        if (to != io.vroute.bfd.SessionState.DOWN) return;
        if (remote == io.vroute.bfd.SessionState.ADMIN_DOWN) {
            ps.event("BFD", "DOWN", "the appliance put BFD administratively down");
            LOG.log(System.Logger.Level.WARNING, "peer {0} ({1}): the appliance put BFD AdminDown; not a path failure"
                    + " (RFC 5882 §3.2), so BGP stays as it is", id, ps.record.peerAddress());
            return;
        }
        String reason = "BFD down (" + describe(diag) + ")";
        ps.event("BFD", "DOWN", describe(diag));
        // The routes first: withdrawn, re-decided and written to the route tables (and the kernel) now, not after
        // the control queue's backlog; then the NOTIFICATION to a peer that is probably not listening.
        sessionDown(ps, reason, detectedNanos);
        drain();
        if (ps.inSpeaker) {
            ps.inSpeaker = false;
            // RFC 9384 §2: Cease / BFD Down
            ps.endpoint.speaker.removePeer(ps.address, new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.BFD_DOWN));
        }
    }

    private static String describe(Diagnostic d) {
        return switch (d) {
            case CONTROL_DETECTION_TIME_EXPIRED -> "no BFD packet from the appliance within the detection time";
            case NEIGHBOR_SIGNALED_SESSION_DOWN -> "the appliance said its BFD session is down";
            case ADMINISTRATIVELY_DOWN -> "BFD stopped here";
            default -> d.toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }

    void setBfdOptions(RouteServerPeer p) {
        PeerSide ps = peers.get(p.routeServerPeerId());
        if (ps != null && ps.bfd != null) ps.bfd.setTimers(p.effectiveBfdOptions().timers());
    }

    /**
     * Route-server peers are eBGP appliances that connect to the endpoint: passive, no graceful-restart helper mode so
     * that a dead appliance's routes go at once (failover is the point), both unicast families offered (RFC 4760).
     */
    private PeerConfig sessionConfig(PeerSide ps) {
        return PeerConfig.builder(ps.address, ps.record.peerAsn())
                .passive(true)
                .holdTime(region.config.holdTime())
                .families(Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST))
                .gracefulRestartHelper(false)
                .build();
    }

    void removePeer(RouteServerPeer p) {
        PeerSide ps = peers.remove(p.routeServerPeerId());
        if (ps == null) return;
        ps.endpoint.byAddress.remove(ps.address);
        ps.endpoint.publish();
        // RFC 4486 §4: Cease / Peer De-configured
        // BFD AdminDown first (RFC 5880 §6.8.16), then the Cease: an appliance that ends its BFD session when BGP
        // ends would otherwise never see the AdminDown on the session that was Up (RFC 5882 §3.2).
        if (ps.bfd != null) ps.bfd.remove();
        ps.endpoint.speaker.removePeer(ps.address, Region.PEER_DECONFIGURED);
        if (region.events.wantsRoutes(routeServer.routeServerId())) withdrawnEvents(ps, false);
        int dropped = rib.dropNeighbor(ps.neighbor);
        // Its id stays taken until the drain has reported its routes' departure (counted against nobody), so that a
        // peer created meanwhile cannot be charged for them.
        byNeighborId[ps.neighbor.id()] = null;
        releasedNeighborIds.add(ps.neighbor.id());
        LOG.log(System.Logger.Level.INFO, "peer {0} ({1}) deleted: session ended, {2} routes withdrawn",
                p.routeServerPeerId(), p.peerAddress(), dropped);
        scheduleDrain();
    }

    PeerState peerState(String id) {
        PeerSide ps = peers.get(id);
        if (ps == null) return PeerState.none();
        return new PeerState(ps.session, ps.up, ps.since, ps.lastDownReason, rib.routeCount(ps.neighbor), ps.fibRoutes,
                ps.bfd == null ? null : ps.bfd.status(), List.copyOf(ps.events),
                new PeerState.Counts(ps.updates, ps.announced, ps.withdrawn));
    }

    void sessionUp(PeerSide ps, OpenMessage open) {
        if (ps == null || peers.get(ps.record.routeServerPeerId()) != ps) return;
        ps.up = true;
        ps.since = Instant.now();
        ps.session = SessionState.ESTABLISHED;
        int id = open.bgpIdentifier();
        try {
            InetAddress rid = InetAddress.getByAddress(new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
            ps.neighbor = new Neighbor(ps.neighbor.id(), ps.neighbor.name(), ps.address, ps.neighbor.asn(), rid);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        ps.event("BGP", "UP", null);
        LOG.log(System.Logger.Level.INFO, "peer {0} ({1}) BGP up on endpoint {2}", ps.record.routeServerPeerId(),
                ps.record.peerAddress(), ps.endpoint.id);
        if (persisting && unpersistTimer == null) {
            long minutes = routeServer.persistRoutesDuration() == null ? 1 : routeServer.persistRoutesDuration();
            Duration wait = region.config.persistRouteUnit().multipliedBy(minutes);
            LOG.log(System.Logger.Level.INFO, "route server {0}: BGP re-established, persisted routes kept {1} s more",
                    routeServer.routeServerId(), wait.toSeconds());
            unpersistTimer = region.control.schedule(() -> unpersist("persist-routes duration elapsed"), wait);
        }
    }

    /** The peer's session is down for {@code reason}: a BGP DOWN event if it was up. Returns whether it was. */
    private boolean markDown(PeerSide ps, String reason) {
        boolean wasUp = ps.up;
        ps.up = false;
        ps.since = Instant.now();
        ps.lastDownReason = reason;
        if (wasUp) ps.event("BGP", "DOWN", reason);
        return wasUp;
    }

    void sessionDown(PeerSide ps, String reason, long detectedNanos) {
        if (ps == null || peers.get(ps.record.routeServerPeerId()) != ps || region.stopping) return;
        if (!markDown(ps, reason)) return;
        boolean anyUp = peers.values().stream().anyMatch(p -> p.up);
        if (!anyUp && routeServer.persistRoutesEnabled()) {
            // SPEC persist routes: every session is down, keep the RIB/FIB and the installed routes.
            persisting = true;
            if (unpersistTimer != null) { unpersistTimer.cancel(false); unpersistTimer = null; }
            for (PeerSide p : peers.values()) rib.markStale(p.neighbor);
            LOG.log(System.Logger.Level.WARNING, "route server {0}: every BGP session is down ({1}); routes persisted",
                    routeServer.routeServerId(), reason);
            return;
        }
        if (persisting) return; // routes stay until the persist duration ends
        int dropped = dropRoutes(ps, reason, detectedNanos);
        LOG.log(System.Logger.Level.WARNING, "peer {0} ({1}) BGP down: {2}; {3} routes withdrawn",
                ps.record.routeServerPeerId(), ps.record.peerAddress(), reason, dropped);
        scheduleDrain();
    }

    /** Ends route persistence: routes not re-advertised since are withdrawn, down peers' routes go. */
    void unpersist(String why) {
        if (unpersistTimer != null) { unpersistTimer.cancel(false); unpersistTimer = null; }
        if (!persisting) return;
        persisting = false;
        int swept = 0;
        boolean log = region.events.wantsRoutes(routeServer.routeServerId());
        for (PeerSide p : peers.values()) {
            if (log) withdrawnEvents(p, p.up);
            if (p.up) {
                swept += rib.sweepStale(p.neighbor, AddressFamily.IPV4_UNICAST);
                swept += rib.sweepStale(p.neighbor, AddressFamily.IPV6_UNICAST);
            } else {
                swept += rib.dropNeighbor(p.neighbor);
            }
        }
        LOG.log(System.Logger.Level.INFO, "route server {0}: {1}; {2} persisted routes withdrawn",
                routeServer.routeServerId(), why, swept);
        scheduleDrain();
    }

    void received(PeerSide ps, UpdateMessage u) {
        int left = ps.queued.decrementAndGet();
        if (ps.paused && left < LOW) {
            ps.paused = false;
            ps.endpoint.speaker.resumeReading(ps.address);
        }
        if (peers.get(ps.record.routeServerPeerId()) != ps || !ps.up) return;
        ps.updates++;
        ps.announced += prefixes(u.announced());
        ps.withdrawn += prefixes(u.withdrawn());
        if (region.events.wantsRoutes(routeServer.routeServerId())) routeEvents(ps, u);
        rib.apply(ps.neighbor, u);
        int limit = region.quotas().routesPerPeer();
        if (rib.routeCount(ps.neighbor) > limit) {
            // RFC 4486 §4: Cease / Maximum Number of Prefixes Reached; the peer may come back after the idle hold time.
            LOG.log(System.Logger.Level.WARNING, "peer {0} ({1}) sent more than {2} routes (quota profile {3}): session closed"
                            + " with Cease/Maximum Number of Prefixes Reached and its routes withdrawn; advertise fewer routes"
                            + " or raise the quota", ps.record.routeServerPeerId(), ps.record.peerAddress(), limit,
                    region.quotas().profile());
            String reason = "sent more than " + limit + " routes (quota): we sent Cease / Maximum Number of Prefixes Reached";
            markDown(ps, reason);
            dropRoutes(ps, reason, System.nanoTime());
            ps.endpoint.speaker.removePeer(ps.address, new NotificationMessage(NotificationMessage.CEASE,
                    NotificationMessage.MAX_PREFIXES_REACHED));
            if (ps.inSpeaker) ps.endpoint.speaker.addPeer(sessionConfig(ps));
        }
        scheduleDrain();
    }

    /**
     * RouteStatus events for the peer event logs, made before the UPDATE is applied: a prefix the peer already had
     * is UPDATED, a new one ADVERTISED, a withdrawal of one it had WITHDRAWN (a withdrawal of a prefix the peer never
     * advertised changes nothing, so vroute does not log it).
     */
    private void routeEvents(PeerSide ps, UpdateMessage u) {
        Instant now = Instant.now();
        String rs = routeServer.routeServerId(), id = ps.record.routeServerPeerId(), address = ps.record.peerAddress();
        for (io.vroute.bgp.wire.Nlri block : u.withdrawn()) {
            for (int i = 0; i < block.size(); i++) {
                Route had = routeOf(ps, block.prefix(i), block.pathId(i));
                if (had == null) continue;
                region.events.publish(new io.vroute.server.events.RouteServerEvent.RouteStatus(now, rs, id, address,
                        "WITHDRAWN", block.prefix(i).toString(), pathText(had.attributes()),
                        had.attributes().med(), had.nextHop() == null ? null : had.nextHop().getHostAddress()));
            }
        }
        String asPath = pathText(u.attributes());
        Long med = u.attributes().med();
        for (io.vroute.bgp.wire.Nlri block : u.announced()) {
            InetAddress nh = u.nextHop(block.family());
            String nextHop = nh == null ? null : nh.getHostAddress();
            for (int i = 0; i < block.size(); i++) {
                String status = routeOf(ps, block.prefix(i), block.pathId(i)) == null ? "ADVERTISED" : "UPDATED";
                region.events.publish(new io.vroute.server.events.RouteServerEvent.RouteStatus(now, rs, id, address,
                        status, block.prefix(i).toString(), asPath, med, nextHop));
            }
        }
    }

    /**
     * The peer's routes leave the RIB (its session ended, it was deleted, persisted routes expired): each is WITHDRAWN
     * in the peer event log; with {@code staleOnly}, only those not advertised again since they were persisted.
     */
    private void withdrawnEvents(PeerSide ps, boolean staleOnly) {
        Instant now = Instant.now();
        rib.forEachRouteOf(ps.neighbor, r -> {
            if (staleOnly && !r.isStale()) return;
            region.events.publish(new io.vroute.server.events.RouteServerEvent.RouteStatus(now,
                    routeServer.routeServerId(), ps.record.routeServerPeerId(), ps.record.peerAddress(), "WITHDRAWN",
                    r.prefix().toString(), pathText(r.attributes()), r.attributes().med(),
                    r.nextHop() == null ? null : r.nextHop().getHostAddress()));
        });
    }

    private static String pathText(io.vroute.bgp.wire.PathAttributes a) {
        return a == null || a.asPath() == null ? "" : a.asPath().toString();
    }

    private Route routeOf(PeerSide ps, Prefix p, int pathId) {
        for (Route r : rib.routes(p)) if (r.neighbor().id() == ps.neighbor.id() && r.pathId() == pathId) return r;
        return null;
    }

    /**
     * A peer's session failed: its routes are withdrawn (RFC 4271 §8.2.2, routes of a closed session go), logged as
     * WITHDRAWN when peer logging wants them, and if any was a best path the failover is timed from
     * {@code detectedNanos} until the route tables carry the result.
     */
    private int dropRoutes(PeerSide ps, String reason, long detectedNanos) {
        if (region.events.wantsRoutes(routeServer.routeServerId())) withdrawnEvents(ps, false);
        int dropped = rib.dropNeighbor(ps.neighbor);
        if (dropped > 0) failovers.add(new FailoverProbe(ps, reason, detectedNanos));
        return dropped;
    }

    private static long prefixes(List<io.vroute.bgp.wire.Nlri> blocks) {
        long n = 0;
        for (io.vroute.bgp.wire.Nlri b : blocks) n += b.size();
        return n;
    }

    // ------------------------------------------------------------ FIB -> route tables

    void scheduleDrain() {
        if (drainScheduled) return;
        drainScheduled = true;
        region.control.post(this::drain);
    }

    void drain() {
        drainScheduled = false;
        if (region.stopping) return;
        List<String> tables = region.propagatedTables(routeServer.routeServerId());
        List<FailoverProbe> probes = failovers.isEmpty() ? List.of() : List.copyOf(failovers);
        failovers.clear();
        rib.drainChanges((prefix, oldBest, newBest) -> {
            for (String t : tables) install(t, prefix, newBest);
            if (oldBest != null) {
                PeerSide o = byNeighborId[oldBest.neighbor().id()];
                if (o != null && o.fibRoutes > 0) o.fibRoutes--;
            }
            if (newBest != null) {
                PeerSide n = byNeighborId[newBest.neighbor().id()];
                if (n != null) n.fibRoutes++;
            }
            if (oldBest != null && !probes.isEmpty()) {
                for (FailoverProbe f : probes) {
                    if (oldBest.neighbor().id() != f.neighborId) continue;
                    f.prefixes++;
                    if (newBest != null) f.moved++;
                }
            }
        });
        for (int id : releasedNeighborIds) neighborIds.clear(id);
        releasedNeighborIds.clear();
        java.util.concurrent.CompletableFuture<Boolean> written = flushKernel();
        List<FailoverProbe> timed = new ArrayList<>();
        for (FailoverProbe f : probes) {
            if (f.prefixes > 0 && !tables.isEmpty()) timed.add(f); // else none of its routes was a best path in a table
        }
        if (timed.isEmpty()) return;
        // One callback for all, in the order the sessions failed (dependents of a future run in no promised order).
        written.whenComplete((ok, error) -> {
            for (FailoverProbe f : timed) f.finish(tables, Boolean.TRUE.equals(ok) && error == null);
        });
    }

    /**
     * A session that ended while it had routes in the RIB. If any was a best path, the drain that follows moves
     * them; the failover is timed from {@code detectedNanos} (BFD Down, or the session's end seen by the BGP thread)
     * to the moment the last route table carries the result.
     */
    private final class FailoverProbe {
        final PeerSide peer;
        final int neighborId;
        final String cause;
        final long detectedNanos;
        int prefixes, moved;

        FailoverProbe(PeerSide peer, String cause, long detectedNanos) {
            this.peer = peer;
            this.neighborId = peer.neighbor.id();
            this.cause = cause;
            this.detectedNanos = detectedNanos;
        }

        /**
         * Route tables updated (any thread: the data plane's answer, or the control thread without one). When the
         * kernel refused part of a batch the tables are not as they should be yet: no failover is reported as done.
         */
        void finish(List<String> tables, boolean written) {
            if (!written) {
                LOG.log(System.Logger.Level.WARNING, "route server {0}: after peer {1} ({2}) went down, the kernel refused"
                                + " part of the route-table update; the 30 s repair retries it (see the data plane''s"
                                + " warning above)", routeServer.routeServerId(), peer.record.routeServerPeerId(),
                        peer.record.peerAddress());
                return;
            }
            long now = System.nanoTime();
            double millis = (now - detectedNanos) / 1e6;
            Instant detectedAt = Instant.now().minusNanos(now - detectedNanos);
            io.vroute.server.metrics.VrouteMetrics.failover(millis / 1e3);
            region.events.publish(new io.vroute.server.events.RouteServerEvent.Failover(detectedAt,
                    routeServer.routeServerId(), peer.record.routeServerPeerId(), peer.record.peerAddress(), cause,
                    prefixes, moved, tables, millis));
            LOG.log(System.Logger.Level.INFO, "route server {0}: failover after peer {1} ({2}) went down: {3} best paths"
                            + " changed ({4} moved to another peer) in {5} route tables, {6} ms from detection",
                    routeServer.routeServerId(), peer.record.routeServerPeerId(), peer.record.peerAddress(),
                    prefixes, moved, tables.size(), String.format(java.util.Locale.ROOT, "%.1f", millis));
        }
    }

    private final List<FailoverProbe> failovers = new ArrayList<>();

    /** Linux data plane: the route changes of this drain, per table, sent as one batch each (the fast path). */
    private final Map<String, List<io.vroute.vpc.RouteChange>> kernelChanges = new LinkedHashMap<>();

    private void toKernel(String table, Prefix prefix, String eni, String nextHop) {
        if (region.dataplane == null) return;
        kernelChanges.computeIfAbsent(table, t -> new ArrayList<>()).add(io.vroute.server.dataplane.RouteBatch.propagated(
                region.network, table, VpcFacts.cidr(prefix), eni, nextHop));
    }

    /**
     * Sends the drain's kernel batches; the future completes when the kernel has answered every one, with whether
     * every change was made (true at once without the Linux data plane).
     */
    private java.util.concurrent.CompletableFuture<Boolean> flushKernel() {
        if (kernelChanges.isEmpty()) return java.util.concurrent.CompletableFuture.completedFuture(true);
        List<java.util.concurrent.CompletableFuture<io.vroute.server.dataplane.Report>> sent = new ArrayList<>();
        for (Map.Entry<String, List<io.vroute.vpc.RouteChange>> e : kernelChanges.entrySet()) {
            sent.add(region.dataplane.routes(region.network, e.getKey(), e.getValue()).whenComplete((report, error) -> {
                io.vroute.server.metrics.VrouteMetrics.routeBatch(report, error);
                if (error != null) {
                    LOG.log(System.Logger.Level.WARNING, "data plane: route batch for {0} failed: {1}; the periodic"
                            + " repair puts it right", e.getKey(), error.getMessage());
                }
            }));
        }
        kernelChanges.clear();
        return java.util.concurrent.CompletableFuture.allOf(sent.toArray(java.util.concurrent.CompletableFuture[]::new))
                .handle((v, error) -> error == null && sent.stream().allMatch(f -> f.join() != null && f.join().succeeded()));
    }

    private void install(String table, Prefix prefix, Route best) {
        String rsId = routeServer.routeServerId();
        if (!restartStale.isEmpty()) restartStale.remove(table + "|" + prefix);
        if (best == null) {
            VpcFacts.removePropagated(region.network, table, prefix, rsId);
            region.journal.remove(table, prefix);
            toKernel(table, prefix, null, null);
        } else {
            // The next hop's text is made by the route writer thread, not here (a million of them per full table).
            VpcFacts.setPropagated(region.network, table, prefix, rsId, best.target(), best.nextHop());
            region.journal.put(table, prefix, rsId, best.target(), best.nextHop());
            if (region.dataplane != null) toKernel(table, prefix, best.target(), best.nextHop().getHostAddress());
        }
    }

    void installAll(String table) {
        rib.forEachRoute(r -> { if (r.isBest()) install(table, r.prefix(), r); });
        flushKernel();
    }

    void uninstallAll(String table) {
        VpcFacts.clearPropagated(region.network, table, routeServer.routeServerId());
        region.journal.clear(table);
    }

    /** Restores routes the data plane held before a restart; those not re-advertised in time are removed. */
    void restore(Store.InstalledRoute r) {
        VpcFacts.setPropagated(region.network, r.routeTableId(), r.destination(), r.routeServerId(), r.networkInterfaceId(), r.nextHop());
        restartStale.add(r.routeTableId() + "|" + r.destination());
    }

    void sweepRestartStale() {
        if (restartStale.isEmpty()) return;
        int n = 0;
        for (String key : new ArrayList<>(restartStale)) {
            int bar = key.indexOf('|');
            String table = key.substring(0, bar), dest = key.substring(bar + 1);
            VpcFacts.removePropagated(region.network, table, dest, routeServer.routeServerId());
            region.journal.remove(table, Prefix.parse(dest));
            n++;
        }
        restartStale.clear();
        region.reconcile();
        LOG.log(System.Logger.Level.INFO, "route server {0}: {1} routes kept over the restart were not advertised again and"
                + " were removed", routeServer.routeServerId(), n);
    }

    void reresolve() {
        rib.reresolveNextHops();
        scheduleDrain();
    }

    // ------------------------------------------------------------ routing database

    List<RoutingDatabaseEntry> routingDatabase() {
        return routingDatabase(0, Integer.MAX_VALUE);
    }

    /**
     * Routes {@code from} to {@code from + limit - 1} of the routing database, in the RIB's (stable while nothing
     * changes) order: only those are built, so paging through a million routes costs one walk per page, not a
     * million entries per page.
     */
    List<RoutingDatabaseEntry> routingDatabase(int from, int limit) {
        List<String> tables = region.propagatedTables(routeServer.routeServerId());
        Map<Integer, PeerSide> byNeighbor = new HashMap<>();
        for (PeerSide p : peers.values()) byNeighbor.put(p.neighbor.id(), p);
        List<RoutingDatabaseEntry> out = new ArrayList<>();
        long end = (long) from + limit;
        int[] index = {0};
        rib.forEachRoute(r -> {
            int i = index[0]++;
            if (i < from || i >= end) return;
            PeerSide ps = byNeighbor.get(r.neighbor().id());
            List<Long> path = new ArrayList<>();
            for (long a : r.attributes().asPath().flatten()) path.add(a);
            List<RoutingDatabaseEntry.Installation> inst = new ArrayList<>();
            if (r.isBest()) {
                for (String t : tables) inst.add(VpcFacts.installation(region.network, t, r.prefix(), routeServer.routeServerId()));
            }
            out.add(new RoutingDatabaseEntry(ps == null ? null : ps.endpoint.id, r.neighbor().name(), r.prefix().toString(),
                    path, r.attributes().med(), r.nextHop() == null ? null : r.nextHop().getHostAddress(),
                    r.isBest() ? "in-fib" : "in-rib", r.ineligibleReason(), inst));
        });
        return out;
    }

    void shutdown(String message) {
        for (EndpointSide e : endpoints.values()) {
            if (e.speaker == null) continue;
            e.speaker.close(message);
            endpointEvent(e, "shutting-down", message);
        }
        endpoints.clear();
    }
}
