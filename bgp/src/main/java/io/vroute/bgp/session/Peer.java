package io.vroute.bgp.session;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One configured peer: its session state (RFC 4271 §8), its connections (two during a collision, §6.8), the
 * connect-retry and idle-hold timers of an active peer, and the graceful restart helper state (RFC 4724 §4.2,
 * RFC 8538). Lives on the speaker's event loop.
 */
final class Peer {
    /** RFC 4724 §3: the restart time we advertise as a helper-only speaker. */
    static final int OUR_RESTART_TIME = 120;
    private static final long MAX_IDLE_HOLD_MILLIS = 60_000;
    /** A session that lasted this long resets the idle-hold back-off. */
    private static final long STABLE_MILLIS = 30_000;

    private final BgpSpeaker speaker;
    private final PeerConfig config;
    private final List<Connection> connections = new ArrayList<>(2);
    private Connection established;
    private SessionState state = SessionState.IDLE;
    private boolean stopped;
    private ScheduledFuture<?> retryTimer;
    /** Back-off before dialling again after a failure that never reached Established. */
    private long idleHoldMillis;
    /** Established sessions in a row that ended within {@link #STABLE_MILLIS}. */
    private int flaps;
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
        this.idleHoldMillis = config.idleHoldTime().toMillis();
    }

    PeerConfig config() { return config; }
    BgpSpeaker speaker() { return speaker; }
    String name() { return "peer " + io.vroute.bgp.wire.Prefix.formatAddress(config.address()) + " (AS" + config.remoteAs() + ")"; }

    PeerInfo info(Connection c) {
        return new PeerInfo(config.address(), config.remoteAs(), c == null ? null : c.local(), c == null ? null : c.remote());
    }

    void start() {
        BgpSpeaker.LOG.log(System.Logger.Level.INFO, "{0}: configured, {1}", name(), config.passive() ? "passive: waiting for it to connect" : "active");
        if (config.passive()) setState(SessionState.ACTIVE, null); // RFC 4271 §8.2.2: passive start waits in Active
        else connect();
    }

    /**
     * Ends the session for good (RFC 4271 §8.2.2, Event 2 ManualStop): NOTIFICATION to every connection, stale
     * routes dropped. With the N bit negotiated, the Cease subcodes RFC 8538 §5 lists go out as Hard Reset so
     * that the peer does not keep our routes as stale.
     */
    void stop(NotificationMessage cease) {
        stopped = true;
        cancel(retryTimer);
        for (Connection c : new ArrayList<>(connections)) {
            NotificationMessage n = notificationBitNegotiated(c.remoteOpen) ? hardResetFor(cease) : cease;
            c.fail(n, "we sent " + describe(n));
        }
        expireStale();
        setState(SessionState.IDLE, null);
    }

    // ------------------------------------------------------------------------------------------ connections

    /** RFC 4271 §8.2.2 (Idle, ManualStart/automatic start): dial the peer; the FSM moves to Connect. */
    private void connect() {
        if (stopped) return;
        setState(SessionState.CONNECT, null);
        InetSocketAddress remote = new InetSocketAddress(config.address(), config.remotePort());
        var b = speaker.clientBootstrap(config).option(ChannelOption.AUTO_READ, false);
        if (config.gtsm()) {
            b.handler(new ChannelInitializer<EpollSocketChannel>() {
                @Override
                protected void initChannel(EpollSocketChannel ch) throws IOException {
                    // RFC 5082 §3: TTL 255 out and a minimum of 254 in, set before the SYN leaves.
                    SocketOptions.applyGtsm(ch.fd().intValue(), config.address() instanceof Inet6Address);
                }
            });
        }
        ChannelFuture f = config.localAddress() != null
                ? b.connect(remote, new InetSocketAddress(config.localAddress(), 0)) : b.connect(remote);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                lastError = "connect to " + BgpSpeaker.format(remote) + " failed: " + done.cause().getMessage();
                BgpSpeaker.LOG.log(System.Logger.Level.DEBUG, "{0}: {1}", name(), lastError);
                // RFC 4271 §8.2.2 (Connect, TcpConnectionFails): to Active, ConnectRetryTimer running.
                if (connections.isEmpty() && !stopped) setState(SessionState.ACTIVE, null);
                scheduleRetry(config.connectRetry().toMillis());
                return;
            }
            if (stopped) {
                f.channel().close();
                return;
            }
            BgpSpeaker.LOG.log(System.Logger.Level.INFO, "{0}: connected from {1}", name(), BgpSpeaker.format((InetSocketAddress) f.channel().localAddress()));
            open(new Connection(this, (EpollSocketChannel) f.channel(), true));
        });
    }

    /** RFC 4271 §10: timers like ConnectRetryTime get jitter, a factor between 0.75 and 1, so peers do not lock-step. */
    private void scheduleRetry(long millis) {
        if (stopped || config.passive()) return;
        cancel(retryTimer);
        long delay = (long) (millis * (0.75 + 0.25 * ThreadLocalRandom.current().nextDouble()));
        retryTimer = speaker.loop().schedule(() -> {
            if (connections.isEmpty()) connect();
        }, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * A configured peer connected to us. GTSM is applied before the first read: the SYN must have arrived with
     * TTL 254 or more, and from now on the kernel drops any segment below that (RFC 5082 §3).
     */
    void incoming(EpollSocketChannel ch) {
        int fd = ch.fd().intValue();
        boolean v6 = ch.remoteAddress().getAddress() instanceof Inet6Address;
        if (config.gtsm()) {
            try {
                int synTtl = SocketOptions.savedSynTtl(fd);
                if (synTtl >= 0 && synTtl < SocketOptions.GTSM_MIN_TTL) {
                    String why = "GTSM: its SYN arrived with TTL " + synTtl + ", below " + SocketOptions.GTSM_MIN_TTL
                            + " (not directly connected, or GTSM not enabled on its side)";
                    BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: connection from {1} dropped: {2}", name(), BgpSpeaker.format(ch.remoteAddress()), why);
                    lastError = why;
                    ch.close();
                    speaker.listener().rejected(ch.remoteAddress(), why);
                    return;
                }
                SocketOptions.applyGtsm(fd, v6);
            } catch (IOException e) {
                BgpSpeaker.LOG.log(System.Logger.Level.ERROR, "{0}: cannot apply GTSM, closing the connection: {1}", name(), e.getMessage());
                ch.close();
                return;
            }
        } else {
            resetTtl(fd, v6);
        }
        BgpSpeaker.LOG.log(System.Logger.Level.INFO, "{0}: connection from {1}", name(), BgpSpeaker.format(ch.remoteAddress()));
        // RFC 4271 §8.2.2 (Active/Connect, Tcp_CR_Acked): send OPEN, to OpenSent. If another connection exists the
        // two coexist until the OPENs tell which one stays (§6.8).
        open(new Connection(this, ch, false));
    }

    /** A listener with GTSM peers sends with TTL 255 (for its SYN-ACKs); other peers' connections go back to the default. */
    private static void resetTtl(int fd, boolean v6) {
        try {
            if (v6) SocketOptions.setInt(fd, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_UNICAST_HOPS, -1);
            else SocketOptions.setInt(fd, SocketOptions.IPPROTO_IP, SocketOptions.IP_TTL, -1);
        } catch (IOException e) {
            BgpSpeaker.LOG.log(System.Logger.Level.DEBUG, "cannot reset the TTL: {0}", e.getMessage());
        }
    }

    private void open(Connection c) {
        cancel(retryTimer);
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
            // RFC 4724 §3: a speaker that preserves no forwarding state itself but helps restarting peers sends
            // the capability with no address families. RFC 8538 §2: the N bit says we do GR for NOTIFICATIONs too.
            caps.add(new Capability.GracefulRestart(false, true, OUR_RESTART_TIME, List.of()));
        }
        if (config.addPathReceive()) {
            List<Capability.AddPath.Family> ap = new ArrayList<>();
            for (AddressFamily f : families) ap.add(new Capability.AddPath.Family(f, true, false)); // RFC 7911 §4
            caps.add(new Capability.AddPath(ap));
        }
        caps.add(new Capability.ExtendedMessage()); // RFC 8654 §3
        return OpenMessage.of(speaker.config().localAs(), config.holdTime(), speaker.config().routerIdInt(), caps);
    }

    /**
     * The session's reading and writing rules from both OPENs. Capabilities we do not know are ignored
     * (RFC 5492 §4); the decoder keeps them as {@link Capability.Unknown}.
     */
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
     * RFC 4271 §6.8, called when {@code c} has received the peer's OPEN. Against a connection in OpenConfirm
     * (the other OPEN is known too), the connection initiated by the speaker with the higher BGP identifier
     * stays; with equal identifiers (allowed for eBGP) the one initiated by the larger AS (RFC 6286 §2.3).
     * Against an Established session the new connection loses, unless the peer advertised Graceful Restart:
     * then a new connection means it restarted before we noticed, and the old session is treated as a TCP
     * reset (RFC 4724 §4.2). Returns false when {@code c} lost (it is closed then).
     */
    boolean resolveCollision(Connection c) {
        for (Connection other : new ArrayList<>(connections)) {
            if (other == c || other.isClosed()) continue;
            if (other.state == SessionState.ESTABLISHED) {
                if (config.gracefulRestartHelper() && other.remoteOpen != null
                        && other.remoteOpen.has(Capability.GracefulRestart.class)) {
                    BgpSpeaker.LOG.log(System.Logger.Level.INFO,
                            "{0}: new OPEN while Established: the peer restarted, closing the old session (RFC 4724 §4.2)", name());
                    other.abort("the peer reconnected (restart): old session closed");
                    continue;
                }
                c.fail(collision(), "connection collision with the Established session (RFC 4271 §6.8)");
                return false;
            }
            // Only connections whose OPEN has arrived carry the peer's identifier; an OpenSent one is compared
            // when its own OPEN arrives.
            if (other.state != SessionState.OPEN_CONFIRM) continue;
            long ours = speaker.config().routerIdInt() & 0xFFFF_FFFFL;
            long theirs = c.remoteOpen.bgpIdentifier() & 0xFFFF_FFFFL;
            boolean keepLocallyInitiated = ours != theirs ? ours > theirs : speaker.config().localAs() > config.remoteAs();
            Connection loser;
            if (other.outgoing == c.outgoing) loser = other;    // same direction twice: the older one is stale
            else loser = (c.outgoing == keepLocallyInitiated) ? other : c;
            BgpSpeaker.LOG.log(System.Logger.Level.INFO, "{0}: connection collision, identifiers {1} (ours) and {2}: keeping {3}",
                    name(), formatId((int) ours), formatId((int) theirs), (loser == c ? other : c).describe());
            loser.fail(collision(), "connection collision resolved (RFC 4271 §6.8)");
            if (loser == c) return false;
        }
        return true;
    }

    /** RFC 4486 §4: Cease / Connection Collision Resolution. */
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
        idleHoldMillis = config.idleHoldTime().toMillis();
        for (Connection other : new ArrayList<>(connections)) {
            // RFC 4271 §6.8: the newer connection of a collision with an Established one is closed.
            if (other != c) other.fail(collision(), "connection collision with the Established session (RFC 4271 §6.8)");
        }
        if (pausedByUs) c.pauseReading(true);
        setState(SessionState.ESTABLISHED, c);
        BgpSpeaker.LOG.log(System.Logger.Level.INFO, "{0}: established on {1}, hold time {2} s, identifier {3}, {4}",
                name(), c.describe(), c.holdTime, formatId(c.remoteOpen.bgpIdentifier()), c.context);
        speaker.listener().established(info(c), c.remoteOpen, c.context, c.holdTime);
        gracefulRestartResumed(c.remoteOpen);
    }

    void endOfRib(AddressFamily family) {
        BgpSpeaker.LOG.log(System.Logger.Level.INFO, "{0}: End-of-RIB for {1}", name(), family);
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

    /**
     * A connection ended (it has already stopped its timers). {@code notification} is what ended it, sent or
     * received, or null when TCP just went away.
     */
    void connectionClosed(Connection c, String reason, NotificationMessage notification, boolean sentByUs) {
        connections.remove(c);
        messagesIn += c.messagesIn;
        messagesOut += c.messagesOut;
        long wait;
        if (c == established) {
            established = null;
            establishedSince = null;
            lastError = reason;
            boolean stale = !stopped && startGracefulRestart(c.remoteOpen, notification);
            BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: session down: {1}{2}", name(), reason,
                    stale ? " (graceful restart: routes kept as stale)" : "");
            speaker.listener().down(info(c), reason, stale);
            if (!stale) expireStale(); // routes still stale from an earlier restart go with this session
            // RFC 4271 §8.1.1 (IdleHoldTimer, DampPeerOscillations): the first flap of a session waits only the
            // base time, so a session that flapped once (a BFD hiccup) is back within seconds; each further
            // flap within 30 s of coming up doubles the wait, up to 60 s.
            long lived = (System.nanoTime() - establishedNanos) / 1_000_000;
            flaps = lived >= STABLE_MILLIS ? 1 : flaps + 1;
            wait = Math.min(MAX_IDLE_HOLD_MILLIS, config.idleHoldTime().toMillis() << Math.min(flaps - 1, 16));
        } else {
            // RFC 4271 §8.1.1: failures before Established back off too, 1 s doubling to 60 s.
            // A connection closed to resolve a collision is no failure.
            boolean collision = notification != null && notification.code() == NotificationMessage.CEASE
                    && notification.subcode() == NotificationMessage.CONNECTION_COLLISION_RESOLUTION;
            wait = idleHoldMillis;
            if (!collision) idleHoldMillis = Math.min(MAX_IDLE_HOLD_MILLIS, Math.max(1000, idleHoldMillis * 2));
            if (notification != null || lastError == null || !reason.startsWith("TCP")) lastError = reason;
            if (notification != null && !sentByUs && !collision) {
                BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: the peer closed the connection before Established: {1}", name(), reason);
            }
        }
        if (!connections.isEmpty()) {
            setState(connections.getFirst().state, connections.getFirst());
            return;
        }
        if (stopped) return;
        if (config.passive()) {
            setState(SessionState.ACTIVE, null); // wait for the peer to connect again
            return;
        }
        setState(SessionState.IDLE, null);
        BgpSpeaker.LOG.log(System.Logger.Level.INFO, "{0}: idle, dialling again in about {1} ms", name(), wait);
        scheduleRetry(wait);
    }

    // ------------------------------------------------------------------------------------ graceful restart

    /** RFC 8538 §2: the N bit counts when both sides advertised it (we do whenever we help). */
    private boolean notificationBitNegotiated(OpenMessage theirs) {
        if (!config.gracefulRestartHelper() || theirs == null) return false;
        List<Capability.GracefulRestart> gr = theirs.capabilities(Capability.GracefulRestart.class);
        return !gr.isEmpty() && gr.getFirst().notification();
    }

    /**
     * RFC 4724 §4.2: when the session of a peer that advertised Graceful Restart ends without a NOTIFICATION
     * (TCP reset, or the peer reconnecting), keep its routes of the families it listed as stale and start its
     * restart timer. RFC 8538 §3: with the N bit negotiated, a NOTIFICATION sent or received (our Hold Timer
     * Expired included, §4) does the same, except Cease / Hard Reset. Without the N bit, a NOTIFICATION — our
     * own Hold Timer Expired too — ends the session for good (RFC 4724 predates RFC 8538).
     */
    private boolean startGracefulRestart(OpenMessage theirs, NotificationMessage notification) {
        if (!config.gracefulRestartHelper() || theirs == null) return false;
        List<Capability.GracefulRestart> gr = theirs.capabilities(Capability.GracefulRestart.class);
        if (gr.isEmpty() || gr.getFirst().families().isEmpty()) return false;
        if (notification != null) {
            boolean hardReset = notification.code() == NotificationMessage.CEASE && notification.subcode() == NotificationMessage.HARD_RESET;
            if (!gr.getFirst().notification() || hardReset) return false;
        }
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

    /**
     * RFC 4724 §4.2: the session is back. A family the new OPEN does not list, or lists with the F bit clear
     * (or no GR capability at all), loses its stale routes at once; the others wait for their End-of-RIB,
     * bounded by the stale-path time.
     */
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
                BgpSpeaker.LOG.log(System.Logger.Level.INFO, "{0}: forwarding state for {1} not preserved: dropping its stale routes", name(), f);
                speaker.listener().staleRoutesExpired(info(established), f);
            }
        }
        if (!staleFamilies.isEmpty()) {
            long wait = config.stalePathTime().toMillis();
            cancel(stalePathTimer);
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

    /** RFC 8538 §5: Cease subcodes sent as Hard Reset (1 Max Prefixes, 2 Administrative Shutdown, 3 Peer De-configured). */
    static NotificationMessage hardResetFor(NotificationMessage n) {
        if (n.code() != NotificationMessage.CEASE) return n;
        int sub = n.subcode();
        if (sub != NotificationMessage.MAX_PREFIXES_REACHED && sub != NotificationMessage.ADMINISTRATIVE_SHUTDOWN
                && sub != NotificationMessage.PEER_DECONFIGURED) return n;
        // RFC 8538 §3.1: the Hard Reset's data is the original code, subcode and data.
        byte[] inner = n.data();
        byte[] data = new byte[2 + inner.length];
        data[0] = (byte) n.code();
        data[1] = (byte) n.subcode();
        System.arraycopy(inner, 0, data, 2, inner.length);
        return new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.HARD_RESET, data);
    }

    /** {@link NotificationMessage#describe()}, opening a Hard Reset to show what it carries (RFC 8538 §3.1). */
    static String describe(NotificationMessage n) {
        byte[] d = n.data();
        if (n.code() == NotificationMessage.CEASE && n.subcode() == NotificationMessage.HARD_RESET && d.length >= 2) {
            NotificationMessage inner = new NotificationMessage(d[0] & 0xFF, d[1] & 0xFF, Arrays.copyOfRange(d, 2, d.length));
            return "Cease / Hard Reset: " + inner.describe();
        }
        return n.describe();
    }

    static String formatId(int id) {
        return ((id >>> 24) & 0xFF) + "." + ((id >>> 16) & 0xFF) + "." + ((id >>> 8) & 0xFF) + "." + (id & 0xFF);
    }

    // ------------------------------------------------------------------------------------------ status

    private void setState(SessionState next, Connection c) {
        if (next == state) return;
        SessionState prev = state;
        state = next;
        BgpSpeaker.LOG.log(System.Logger.Level.DEBUG, "{0}: {1} -> {2}", name(), prev, next);
        speaker.listener().stateChanged(info(c), prev, next);
    }

    SessionState state() { return state; }

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
