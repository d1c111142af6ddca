package io.vroute.bgp.session;

import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.Capability;
import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.SessionContext;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One configured peer: its session state (RFC 4271 §8), its connections (two during a collision, §6.8), the
 * connect-retry and idle-hold timers of an active peer, and the graceful restart helper state (RFC 4724 §4.2).
 * Lives on the speaker's event loop.
 */
final class Peer {
    /** RFC 4724 §3: the restart time we advertise as a helper-only speaker. */
    static final int OUR_RESTART_TIME = 120;
    private static final long MAX_IDLE_HOLD_MILLIS = 60_000;
    /** A session that lasted this long resets the idle-hold backoff. */
    private static final long STABLE_MILLIS = 30_000;

    private final BgpSpeaker speaker;
    private final PeerConfig config;
    private final List<Connection> connections = new ArrayList<>(2);
    private Connection established;
    private SessionState state = SessionState.IDLE;
    private boolean stopped;
    private ScheduledFuture<?> retryTimer;
    private long idleHoldMillis;
    private Instant establishedSince;
    private long establishedNanos;
    private String lastError;
    private boolean pausedByUs;
    private long messagesIn;
    private long messagesOut;

    // Graceful restart helper (RFC 4724 §4.2)
    private final Set<AddressFamily> staleFamilies = new HashSet<>();
    private ScheduledFuture<?> restartTimer;
    private ScheduledFuture<?> stalePathTimer;

    Peer(BgpSpeaker speaker, PeerConfig config) {
        this.speaker = speaker;
        this.config = config;
        this.idleHoldMillis = 1000;
    }

    PeerConfig config() { return config; }
    BgpSpeaker speaker() { return speaker; }
    String name() { return "peer " + io.vroute.bgp.wire.Prefix.formatAddress(config.address()) + " (AS" + config.remoteAs() + ")"; }

    PeerInfo info(Connection c) {
        return new PeerInfo(config.address(), config.remoteAs(), c == null ? null : c.local(), c == null ? null : c.remote());
    }

    void start() {
        if (config.passive()) setState(SessionState.ACTIVE, null); // RFC 4271 §8.2.2: passive start waits in Active
        else connect();
    }

    /** Ends the session for good: NOTIFICATION to every connection, stale routes dropped. */
    void stop(NotificationMessage cease) {
        stopped = true;
        cancel(retryTimer);
        for (Connection c : new ArrayList<>(connections)) c.fail(cease, "peer removed: we sent " + cease.describe());
        expireStale();
        setState(SessionState.IDLE, null);
    }

    // ------------------------------------------------------------------------------------------ connections

    private void connect() {
        if (stopped) return;
        setState(SessionState.CONNECT, null);
        InetSocketAddress remote = new InetSocketAddress(config.address(), config.remotePort());
        ChannelFuture f;
        var b = speaker.clientBootstrap(config).option(io.netty.channel.ChannelOption.AUTO_READ, false);
        if (config.gtsm()) {
            b.handler(new io.netty.channel.ChannelInitializer<EpollSocketChannel>() {
                @Override
                protected void initChannel(EpollSocketChannel ch) throws IOException {
                    SocketOptions.applyGtsm(ch.fd().intValue(), config.address() instanceof Inet6Address);
                }
            });
        }
        f = config.localAddress() != null ? b.connect(remote, new InetSocketAddress(config.localAddress(), 0)) : b.connect(remote);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                lastError = "connect to " + BgpSpeaker.format(remote) + " failed: " + done.cause().getMessage();
                BgpSpeaker.LOG.log(System.Logger.Level.DEBUG, "{0}: {1}", name(), lastError);
                if (connections.isEmpty() && !stopped) setState(SessionState.ACTIVE, null);
                scheduleRetry(config.connectRetry().toMillis());
                return;
            }
            if (stopped) {
                f.channel().close();
                return;
            }
            open(new Connection(this, (EpollSocketChannel) f.channel(), true));
        });
    }

    private void scheduleRetry(long millis) {
        if (stopped || config.passive()) return;
        cancel(retryTimer);
        retryTimer = speaker.loop().schedule(() -> {
            if (connections.isEmpty()) connect();
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** A configured peer connected to us. */
    void incoming(EpollSocketChannel ch) {
        if (established != null) {
            // RFC 4271 §6.8: a collision with an Established connection closes the new one.
            Connection c = new Connection(this, ch, false);
            ch.pipeline().addLast(c);
            c.fail(new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.CONNECTION_COLLISION_RESOLUTION),
                    "second connection while Established");
            return;
        }
        if (config.gtsm()) {
            try {
                SocketOptions.applyGtsm(ch.fd().intValue(), ch.remoteAddress().getAddress() instanceof Inet6Address);
            } catch (IOException e) {
                BgpSpeaker.LOG.log(System.Logger.Level.ERROR, "{0}: cannot apply GTSM: {1}", name(), e.getMessage());
                ch.close();
                return;
            }
        }
        open(new Connection(this, ch, false));
    }

    private void open(Connection c) {
        connections.add(c);
        c.start(ourOpen());
        setState(SessionState.OPEN_SENT, c);
    }

    private OpenMessage ourOpen() {
        List<Capability> caps = new ArrayList<>();
        List<AddressFamily> families = new ArrayList<>(config.families());
        families.sort((a, b) -> a.afi() != b.afi() ? Integer.compare(a.afi(), b.afi()) : Integer.compare(a.safi(), b.safi()));
        for (AddressFamily f : families) caps.add(new Capability.Multiprotocol(f)); // RFC 4760 §8
        caps.add(new Capability.RouteRefresh());                                   // RFC 2918 §2
        caps.add(new Capability.EnhancedRouteRefresh());                           // RFC 7313 §3.1
        caps.add(new Capability.FourOctetAs(speaker.config().localAs()));          // RFC 6793 §3
        if (config.gracefulRestartHelper()) {
            // RFC 4724 §3: a speaker that only helps (keeps no forwarding state itself) advertises the
            // capability with no address families.
            caps.add(new Capability.GracefulRestart(false, false, OUR_RESTART_TIME, List.of()));
        }
        if (config.addPathReceive()) {
            List<Capability.AddPath.Family> ap = new ArrayList<>();
            for (AddressFamily f : families) ap.add(new Capability.AddPath.Family(f, true, false)); // RFC 7911 §4
            caps.add(new Capability.AddPath(ap));
        }
        caps.add(new Capability.ExtendedMessage()); // RFC 8654 §3
        return OpenMessage.of(speaker.config().localAs(), config.holdTime(), speaker.config().routerIdInt(), caps);
    }

    /** The session's reading and writing rules from both OPENs. */
    SessionContext negotiate(OpenMessage theirs) {
        // RFC 6793 §4: 4-octet AS numbers when both sides advertise the capability (we always do).
        boolean fourOctet = theirs.has(Capability.FourOctetAs.class);
        Set<AddressFamily> addPathReceive = new HashSet<>();
        if (config.addPathReceive()) {
            // RFC 7911 §5: we receive path identifiers for a family when we said receive and they said send.
            for (Capability.AddPath ap : theirs.capabilities(Capability.AddPath.class)) {
                for (Capability.AddPath.Family f : ap.families()) {
                    if (f.send() && config.families().contains(f.family())) addPathReceive.add(f.family());
                }
            }
        }
        boolean extended = theirs.has(Capability.ExtendedMessage.class); // RFC 8654 §3: both must advertise it
        return new SessionContext(fourOctet, addPathReceive, Set.of(), extended);
    }

    /**
     * RFC 4271 §6.8: when an OPEN arrives while another connection to the same peer is in OpenConfirm, keep the connection initiated by the speaker with the higher BGP identifier. Returns false
     * when {@code c} lost (it is closed then).
     */
    boolean resolveCollision(Connection c) {
        for (Connection other : new ArrayList<>(connections)) {
            if (other == c || other.isClosed()) continue;
            if (other.state == SessionState.ESTABLISHED) {
                c.fail(collision(), "connection collision with an Established session");
                return false;
            }
            // Only connections whose OPEN has arrived carry the peer's identifier to compare.
            if (other.state != SessionState.OPEN_CONFIRM) continue;
            long ours = speaker.config().routerIdInt() & 0xFFFF_FFFFL;
            long theirs = c.remoteOpen.bgpIdentifier() & 0xFFFF_FFFFL;
            // The loser is the connection initiated by the side with the lower identifier.
            boolean closeLocallyInitiated = ours < theirs;
            Connection loser = (c.outgoing == closeLocallyInitiated) ? c : other;
            if (other.outgoing == c.outgoing) loser = other; // same direction twice: keep the newer one
            loser.fail(collision(), "connection collision resolved (RFC 4271 §6.8)");
            if (loser == c) return false;
        }
        return true;
    }

    private static NotificationMessage collision() {
        return new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.CONNECTION_COLLISION_RESOLUTION);
    }

    void connectionStateChanged(Connection c) {
        setState(c.state, c);
    }

    void established(Connection c) {
        established = c;
        establishedSince = Instant.now();
        establishedNanos = System.nanoTime();
        lastError = null;
        for (Connection other : new ArrayList<>(connections)) {
            if (other != c) other.fail(collision(), "connection collision resolved (RFC 4271 §6.8)");
        }
        if (pausedByUs) c.pauseReading(true);
        setState(SessionState.ESTABLISHED, c);
        BgpSpeaker.LOG.log(System.Logger.Level.INFO, "{0}: established, hold time {1} s", name(), c.holdTime);
        speaker.listener().established(info(c), c.remoteOpen, c.context, c.holdTime);
        gracefulRestartResumed(c.remoteOpen);
    }

    void endOfRib(AddressFamily family) {
        speaker.listener().endOfRib(info(established), family);
        // RFC 4724 §4.2: on End-of-RIB, routes still stale for that family are removed.
        if (staleFamilies.remove(family)) speaker.listener().staleRoutesExpired(info(established), family);
        if (staleFamilies.isEmpty()) cancel(stalePathTimer);
    }

    void notificationSent(Connection c, NotificationMessage n) {
        speaker.listener().notification(info(c), n, true);
    }

    void pauseReading(boolean pause) {
        pausedByUs = pause;
        if (established != null) established.pauseReading(pause);
    }

    /** A connection ended (it has already stopped its timers). */
    void connectionClosed(Connection c, String reason, boolean notificationInvolved) {
        connections.remove(c);
        messagesIn += c.messagesIn;
        messagesOut += c.messagesOut;
        if (c == established) {
            established = null;
            establishedSince = null;
            lastError = reason;
            boolean stale = !stopped && startGracefulRestart(c.remoteOpen, notificationInvolved);
            BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: session down: {1}{2}", name(), reason,
                    stale ? " (graceful restart: routes kept as stale)" : "");
            speaker.listener().down(info(c), reason, stale);
            long lived = (System.nanoTime() - establishedNanos) / 1_000_000;
            idleHoldMillis = lived >= STABLE_MILLIS ? 1000 : Math.min(MAX_IDLE_HOLD_MILLIS, idleHoldMillis * 2);
        } else if (lastError == null || c.state != SessionState.OPEN_SENT || !reason.startsWith("TCP")) {
            lastError = reason;
        }
        if (!connections.isEmpty()) {
            setState(connections.getFirst().state, connections.getFirst());
            return;
        }
        if (stopped) return;
        if (config.passive()) {
            setState(SessionState.ACTIVE, null); // wait for the peer to connect again
        } else {
            // RFC 4271 §8.1.1 (IdleHoldTimer, DampPeerOscillations): back off after errors, 1 s doubling to 60 s.
            setState(SessionState.IDLE, null);
            scheduleRetry(idleHoldMillis);
        }
    }

    // ------------------------------------------------------------------------------------ graceful restart

    /**
     * RFC 4724 §4.2: when the TCP session of a peer that advertised Graceful Restart ends without a
     * NOTIFICATION, keep its routes of the families it listed as stale and start the restart timer.
     */
    private boolean startGracefulRestart(OpenMessage theirs, boolean notificationInvolved) {
        if (!config.gracefulRestartHelper() || notificationInvolved || theirs == null) return false;
        List<Capability.GracefulRestart> gr = theirs.capabilities(Capability.GracefulRestart.class);
        if (gr.isEmpty() || gr.getFirst().families().isEmpty()) return false;
        for (Capability.GracefulRestart.Family f : gr.getFirst().families()) staleFamilies.add(f.family());
        cancel(stalePathTimer);
        cancel(restartTimer);
        int restartTime = gr.getFirst().restartTime();
        restartTimer = speaker.loop().schedule(() -> {
            BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: restart time of {1} s ran out: dropping its stale routes", name(), restartTime);
            expireStale();
        }, restartTime, TimeUnit.SECONDS);
        return true;
    }

    /** RFC 4724 §4.2: the session is back; families the peer no longer preserves are flushed at once. */
    private void gracefulRestartResumed(OpenMessage theirs) {
        if (staleFamilies.isEmpty()) return;
        cancel(restartTimer);
        List<Capability.GracefulRestart> gr = theirs.capabilities(Capability.GracefulRestart.class);
        Set<AddressFamily> kept = new HashSet<>();
        if (!gr.isEmpty()) {
            for (Capability.GracefulRestart.Family f : gr.getFirst().families()) if (f.forwardingPreserved()) kept.add(f.family());
        }
        for (AddressFamily f : new ArrayList<>(staleFamilies)) {
            if (!kept.contains(f)) {
                staleFamilies.remove(f);
                speaker.listener().staleRoutesExpired(info(established), f);
            }
        }
        if (!staleFamilies.isEmpty()) {
            long wait = config.stalePathTime().toMillis();
            stalePathTimer = speaker.loop().schedule(() -> {
                BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: no End-of-RIB within {1} ms: dropping its stale routes", name(), wait);
                expireStale();
            }, wait, TimeUnit.MILLISECONDS);
        }
    }

    private void expireStale() {
        cancel(restartTimer);
        cancel(stalePathTimer);
        for (AddressFamily f : new ArrayList<>(staleFamilies)) speaker.listener().staleRoutesExpired(info(established), f);
        staleFamilies.clear();
    }

    // ------------------------------------------------------------------------------------------ status

    private void setState(SessionState next, Connection c) {
        if (next == state) return;
        SessionState prev = state;
        state = next;
        speaker.listener().stateChanged(info(c), prev, next);
    }

    PeerStatus status() {
        long in = messagesIn, out = messagesOut;
        for (Connection c : connections) {
            in += c.messagesIn;
            out += c.messagesOut;
        }
        return new PeerStatus(config.address(), config.remoteAs(), state, establishedSince,
                established == null ? 0 : established.holdTime, in, out, lastError);
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) f.cancel(false);
    }

}
