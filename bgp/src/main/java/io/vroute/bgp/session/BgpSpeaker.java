package io.vroute.bgp.session;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.vroute.bgp.wire.NotificationMessage;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A BGP speaker: listeners that accept only configured peers, and one session (RFC 4271 §8 state machine) per
 * peer, passive or active.
 *
 * <p>Threads: every session runs on one shared epoll event-loop thread ("vroute-bgp-io"): socket I/O, message
 * decoding (UPDATEs included), the hold, keepalive, connect-retry and restart timers. Nothing on it blocks. A
 * session decodes for at most 2 ms per turn and then lets the loop run its timers and the other sessions, so a
 * peer flooding UPDATEs delays nobody's keepalives. The {@link SessionListener} is called on that thread and must
 * hand work off (to the RIB's queue) instead of doing it.
 *
 * <p>Backpressure: when the consumer's queue is too long it calls {@link #pauseReading}; the session stops
 * reading its socket (TCP flow control then holds the peer back) until {@link #resumeReading}. While paused by
 * us the session's hold timer does not expire: the silence is ours, not the peer's. Keepalives keep going out.
 *
 * <p>GTSM (RFC 5082) on accepted connections: listeners keep each SYN's IP header (TCP_SAVE_SYN) when any
 * peer uses GTSM; an accepted connection from a GTSM peer whose SYN arrived with a TTL below 254 is closed
 * before anything is read, otherwise IP_MINTTL (IPV6_MINHOPCOUNT) 254 and TTL 255 are set on it before its
 * first read. Active connections get both before connect.
 */
public final class BgpSpeaker implements AutoCloseable {
    static final System.Logger LOG = System.getLogger("vroute.bgp");

    private final SpeakerConfig config;
    private final SessionListener listener;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final List<Channel> listeners = new ArrayList<>();
    /** Peers by address; mutated on the loop only, read anywhere. */
    private final Map<InetAddress, Peer> peers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private BgpSpeaker(SpeakerConfig config, SessionListener listener) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("vroute needs Linux epoll (netty native transport): " + Epoll.unavailabilityCause());
        }
        this.config = config;
        this.listener = new SafeListener(listener);
        IoHandlerFactory factory = EpollIoHandler.newFactory();
        // One I/O thread for every session: decoding, timers and keepalives. Nothing on it blocks.
        this.group = new MultiThreadIoEventLoopGroup(1, new io.netty.util.concurrent.DefaultThreadFactory("vroute-bgp-io", true), factory);
        this.loop = group.next();
    }

    /** Starts a speaker and binds every listen address; fails with a message saying what to do. */
    public static BgpSpeaker start(SpeakerConfig config, SessionListener listener) throws IOException {
        BgpSpeaker s = new BgpSpeaker(config, listener);
        try {
            for (InetSocketAddress a : config.listen()) s.bind(a);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void bind(InetSocketAddress address) throws IOException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false) // reads start once the peer check has passed
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                });
        if (config.freeBind()) b.option(EpollChannelOption.IP_FREEBIND, true);
        ChannelFuture f = b.bind(address).awaitUninterruptibly();
        if (!f.isSuccess()) throw bindFailure(address, f.cause());
        listeners.add(f.channel());
        updateListenerOptions();
        LOG.log(System.Logger.Level.INFO, "listening on {0}", format((InetSocketAddress) f.channel().localAddress()));
    }

    /** What went wrong binding a listener, and what to do about it. */
    private static BindException bindFailure(InetSocketAddress address, Throwable cause) {
        String why = cause == null || cause.getMessage() == null ? "unknown error" : cause.getMessage();
        String where = "cannot listen on " + format(address) + ": ";
        String text;
        if (why.contains("Cannot assign requested address")) {
            text = where + "the address is not on any interface (add it, or use freeBind / --free-bind)";
        } else if (why.contains("Permission denied")) {
            text = where + "permission denied: port " + address.getPort() + " needs root or CAP_NET_BIND_SERVICE";
        } else if (why.contains("Address already in use")) {
            text = where + "the address is already in use (another BGP daemon?): stop it or pick another address or port";
        } else {
            text = where + why + " (check the address and port)";
        }
        BindException e = new BindException(text);
        if (cause != null) e.initCause(cause);
        return e;
    }

    /** The addresses actually bound (with the port chosen when 0 was asked). */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel c : listeners) out.add((InetSocketAddress) c.localAddress());
        return out;
    }

    /** Adds a peer: a passive one waits for its connection, an active one is dialled. */
    public void addPeer(PeerConfig peer) {
        call(() -> {
            if (peers.containsKey(peer.address())) {
                throw new IllegalArgumentException("peer " + peer.address().getHostAddress() + " is already configured: remove it first");
            }
            Peer p = new Peer(this, peer);
            peers.put(peer.address(), p);
            updateListenerOptions();
            p.start();
            return null;
        });
    }

    /**
     * Removes a peer, ending its session with {@code cease} (null: Cease / Peer De-configured, RFC 4486 §4). To a
     * peer that negotiated the N bit, Maximum Prefixes, Administrative Shutdown and Peer De-configured go out
     * wrapped in Cease / Hard Reset (RFC 8538 §5), so that it drops our routes instead of keeping them stale.
     */
    public void removePeer(InetAddress address, NotificationMessage cease) {
        call(() -> {
            Peer p = peers.remove(address);
            if (p == null) return null;
            p.stop(cease != null ? cease : new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.PEER_DECONFIGURED));
            updateListenerOptions();
            return null;
        });
    }

    /** A snapshot of every configured peer's session. */
    public List<PeerStatus> peers() {
        return call(() -> {
            List<PeerStatus> out = new ArrayList<>();
            for (Peer p : peers.values()) out.add(p.status());
            return out;
        });
    }

    /**
     * Stops reading from a peer's connection, for backpressure. While paused by us the session's hold timer
     * does not expire: the silence is ours, not the peer's. Keepalives keep going out.
     */
    public void pauseReading(InetAddress address) {
        loop.execute(() -> { Peer p = peers.get(address); if (p != null) p.pauseReading(true); });
    }

    /** Undoes {@link #pauseReading}: buffered messages are handled first, then the socket is read again. */
    public void resumeReading(InetAddress address) {
        loop.execute(() -> { Peer p = peers.get(address); if (p != null) p.pauseReading(false); });
    }

    /**
     * Ends every session with Cease / Administrative Shutdown and the shutdown communication "vroute is shutting
     * down" (RFC 9003), then releases the listeners and the I/O thread.
     */
    @Override
    public void close() {
        close("vroute is shutting down");
    }

    /**
     * Ends every session with Cease / Administrative Shutdown carrying {@code shutdownCommunication} (RFC 9003
     * §2: up to 255 octets of UTF-8, cut on a character boundary), then releases everything. Wrapped in Hard
     * Reset for peers that negotiated the N bit (RFC 8538 §5). Waits up to a few seconds for the I/O thread.
     */
    public void close(String shutdownCommunication) {
        if (closed) return;
        closed = true;
        try {
            call(() -> {
                NotificationMessage bye = NotificationMessage.shutdown(NotificationMessage.ADMINISTRATIVE_SHUTDOWN, shutdownCommunication);
                for (Peer p : peers.values()) p.stop(bye);
                peers.clear();
                for (Channel c : listeners) c.close();
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "while closing: {0}", e.toString());
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------------------------------ internals

    SpeakerConfig config() { return config; }
    SessionListener listener() { return listener; }
    EventLoop loop() { return loop; }

    private void accept(SocketChannel ch) {
        InetSocketAddress remote = ch.remoteAddress();
        Peer p = closed ? null : peers.get(remote.getAddress());
        if (p == null) {
            // Only configured peers may connect: anyone else gets Cease / Connection Rejected (RFC 4486 §4,
            // RFC 4271 §8.2.1.3 for unconfigured peers).
            // The listener says it to the user, with what it knows (a peer not configured here, or one that is
            // configured but held, e.g. until BFD is Up); this line is for debugging the speaker.
            LOG.log(System.Logger.Level.DEBUG, "connection from {0} refused: no peer accepted at this address now", format(remote));
            byte[] bytes = io.vroute.bgp.wire.MessageEncoder.encode(
                    new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.CONNECTION_REJECTED),
                    io.vroute.bgp.wire.SessionContext.INITIAL);
            ch.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(bytes)).addListener(f -> ch.close());
            listener.rejected(remote, "not a configured peer: sent Cease / Connection Rejected");
            return;
        }
        p.incoming((EpollSocketChannel) ch);
    }

    Bootstrap clientBootstrap(PeerConfig pc) {
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1000, Math.min(30_000, pc.connectRetry().toMillis())))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) { }
                });
        if (pc.md5Password() != null) {
            b.option(EpollChannelOption.TCP_MD5SIG, Map.of(pc.address(), pc.md5Password().getBytes(StandardCharsets.US_ASCII)));
        }
        return b;
    }

    /**
     * Listener options that depend on the peers: RFC 2385 keys (a listener must know every peer's key, or it
     * cannot answer their signed SYNs) and the GTSM TTL.
     */
    private void updateListenerOptions() {
        Map<InetAddress, byte[]> keys = new HashMap<>();
        for (Peer p : peers.values()) {
            String pw = p.config().md5Password();
            if (pw != null) keys.put(p.config().address(), pw.getBytes(StandardCharsets.US_ASCII));
        }
        boolean gtsm = peers.values().stream().anyMatch(p -> p.config().gtsm());
        for (Channel c : listeners) {
            try {
                c.config().setOption(EpollChannelOption.TCP_MD5SIG, keys);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot set TCP-MD5 keys on {0}: {1}", c.localAddress(), e.getMessage());
            }
            if (gtsm) {
                // RFC 5082 §3: keep each SYN's IP header (TCP_SAVE_SYN) so an accepted GTSM connection can be
                // checked for the TTL it arrived with before anything is read from it.
                try {
                    int fd = ((EpollServerSocketChannel) c).fd().intValue();
                    SocketOptions.setInt(fd, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_SAVE_SYN, 1);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.ERROR, "cannot keep SYN headers for GTSM on {0}: {1}", c.localAddress(), e.getMessage());
                }
                // RFC 5082 §3: the SYN-ACK leaves from the listening socket, so it too must carry TTL 255 or a
                // GTSM peer drops it. The minimum TTL is set per accepted connection, for GTSM peers only.
                try {
                    boolean v6 = ((InetSocketAddress) c.localAddress()).getAddress() instanceof java.net.Inet6Address;
                    int fd = ((EpollServerSocketChannel) c).fd().intValue();
                    if (v6) SocketOptions.setInt(fd, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_UNICAST_HOPS, 255);
                    else SocketOptions.setInt(fd, SocketOptions.IPPROTO_IP, SocketOptions.IP_TTL, 255);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.ERROR, "cannot set TTL 255 for GTSM on {0}: {1}", c.localAddress(), e.getMessage());
                }
            }
        }
    }

    private <T> T call(Callable<T> task) {
        if (loop.inEventLoop()) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the BGP I/O thread did not answer within 10 s");
        }
    }

    static String format(InetSocketAddress a) {
        if (a == null) return "?";
        String host = io.vroute.bgp.wire.Prefix.formatAddress(a.getAddress());
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Shields the speaker from a listener that throws: logged, then ignored. */
    private record SafeListener(SessionListener d) implements SessionListener {
        private void guard(Runnable r) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "session listener failed", e);
            }
        }
        @Override public void stateChanged(PeerInfo p, SessionState f, SessionState t) { guard(() -> d.stateChanged(p, f, t)); }
        @Override public void established(PeerInfo p, io.vroute.bgp.wire.OpenMessage o, io.vroute.bgp.wire.SessionContext c, int h) { guard(() -> d.established(p, o, c, h)); }
        @Override public void update(PeerInfo p, io.vroute.bgp.wire.UpdateMessage u) { guard(() -> d.update(p, u)); }
        @Override public void endOfRib(PeerInfo p, io.vroute.bgp.wire.AddressFamily f) { guard(() -> d.endOfRib(p, f)); }
        @Override public void notification(PeerInfo p, NotificationMessage n, boolean s) { guard(() -> d.notification(p, n, s)); }
        @Override public void down(PeerInfo p, String r, boolean k) { guard(() -> d.down(p, r, k)); }
        @Override public void staleRoutesExpired(PeerInfo p, io.vroute.bgp.wire.AddressFamily f) { guard(() -> d.staleRoutesExpired(p, f)); }
        @Override public void routeRefresh(PeerInfo p, io.vroute.bgp.wire.RouteRefreshMessage m) { guard(() -> d.routeRefresh(p, m)); }
        @Override public void rejected(InetSocketAddress r, String why) { guard(() -> d.rejected(r, why)); }
    }
}
