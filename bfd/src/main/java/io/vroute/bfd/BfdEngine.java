package io.vroute.bfd;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Single-hop BFD (RFC 5881) on this host: one thread that owns every session, its sockets and its clock.
 *
 * <p>Per local address one socket receives on UDP 3784 and reports each datagram's TTL; per session one socket
 * sends from its own source port in 49152-65535, with TTL (hop limit) 255. A received packet is dropped unless it
 * arrived with TTL 255 (RFC 5881 §5), then goes to the session its Your Discriminator names, or, while that is zero,
 * to the session of its source address on that local address (RFC 5880 §6.3, RFC 5881 §3: one session per pair of
 * addresses). The thread sleeps in ppoll(2) until the earliest transmission or detection deadline of its sessions or
 * a packet; on that path it allocates nothing, so garbage collection has little to collect from it.
 *
 * <p>Other threads talk to it through {@link #add} and the methods of {@link Peer}: they post commands and wake the
 * thread. Listeners are called on the BFD thread and must return quickly (post the work elsewhere).
 */
public final class BfdEngine implements AutoCloseable {
    static final System.Logger LOG = System.getLogger("io.vroute.bfd");
    /** RFC 5881 §4: Control packets go to UDP port 3784. */
    public static final int CONTROL_PORT = 3784;
    /** RFC 5881 §4: the source port is in 49152-65535, the same for every packet of a session. */
    static final int SOURCE_PORT_MIN = 49152, SOURCE_PORT_MAX = 65535;
    /** RFC 5881 §5: sent with TTL/hop limit 255; anything received with less is from beyond the link and dropped. */
    static final int TTL = 255;
    private static final long SECOND = 1_000_000_000L;

    /** Timers of one session, in microseconds as on the wire (RFC 5880 §6.8.1). */
    public record Timers(long desiredMinTxMicros, long requiredMinRxMicros, int multiplier) {
        /** vroute's default: 300 ms both ways, Detect Mult 3, so a silent peer is declared down after 900 ms. */
        public static final Timers DEFAULT = new Timers(300_000, 300_000, 3);

        public Timers {
            if (desiredMinTxMicros < 1_000 || desiredMinTxMicros > 60_000_000) {
                throw new IllegalArgumentException("BFD minimum transmit interval " + desiredMinTxMicros / 1000.0
                        + " ms: give 1 to 60000 ms");
            }
            if (requiredMinRxMicros < 1_000 || requiredMinRxMicros > 60_000_000) {
                throw new IllegalArgumentException("BFD minimum receive interval " + requiredMinRxMicros / 1000.0
                        + " ms: give 1 to 60000 ms");
            }
            if (multiplier < 2 || multiplier > 255) {
                throw new IllegalArgumentException("BFD detect multiplier " + multiplier + ": give 2 to 255");
            }
        }

        public static Timers ofMillis(long minTx, long minRx, int multiplier) {
            return new Timers(minTx * 1000, minRx * 1000, multiplier);
        }
    }

    /** Told of every state change of a session, on the BFD thread; must not block. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param remoteState what the peer last said its state was: a change to Down with the peer AdminDown is
         *                    not a failure of the path (RFC 5882 §3.2)
         * @param nanoTime    {@link System#nanoTime()} when the change was made
         */
        void changed(Peer peer, SessionState from, SessionState to, Diagnostic diag, SessionState remoteState, long nanoTime);
    }

    /** What the engine dropped before a packet reached a session (each session counts its own discards). */
    public record Counters(long received, long badTtl, long malformed, long noSession, long wrongSource, long truncated) {}

    /** A live session's state for display; counters are read without locking and may be a packet behind. */
    public record Status(SessionState state, SessionState remoteState, Diagnostic diagnostic, Instant since,
                         Timers configured, long transmitIntervalMicros, long detectionTimeMicros,
                         long sent, long received, long discarded, int localDiscriminator, int remoteDiscriminator,
                         int sourcePort, int lastSendErrno) {}

    private final int port;
    private final Poller poller;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final SplittableRandom random = new SplittableRandom();
    private final Discriminators discriminators = new Discriminators(random);
    private final DiscriminatorTable<Peer> byDiscriminator = new DiscriminatorTable<>();
    /** Receivers by scope name and local address. */
    private final Map<String, Receiver> receivers = new HashMap<>();
    private Receiver[] receiverArray = new Receiver[0];
    private Peer[] active = new Peer[16];
    private int activeCount;
    private volatile boolean closing;
    private volatile boolean silentClose;

    // counters, written by the BFD thread only
    private volatile long received, badTtl, malformed, noSession, wrongSource, truncated;

    private BfdEngine(int port) throws IOException {
        this.port = port;
        this.poller = new Poller();
        this.thread = Thread.ofPlatform().name("vroute-bfd").daemon(true).priority(Thread.MAX_PRIORITY).unstarted(this::run);
    }

    /** Starts the BFD thread; sessions send to and listen on {@link #CONTROL_PORT}. */
    public static BfdEngine start() throws IOException {
        return start(CONTROL_PORT);
    }

    /** Starts the BFD thread with another control port (tests, or two engines on one host). */
    public static BfdEngine start(int port) throws IOException {
        BfdEngine e = new BfdEngine(port);
        e.thread.start();
        return e;
    }

    /**
     * Creates the session from {@code local} to {@code remote} and starts it (Down, sending at 1 s until Up, RFC 5880
     * §6.8.3). The local address need not be on an interface yet (IP_FREEBIND). Throws if the sockets cannot be
     * opened or a session for this pair of addresses exists (RFC 5881 §3: one per pair).
     */
    public Peer add(InetAddress local, InetAddress remote, Timers timers, Authentication auth, Listener listener) throws IOException {
        return add(SocketScope.HOST, local, remote, timers, auth, listener);
    }

    /** {@link #add(InetAddress, InetAddress, Timers, Authentication, Listener)} with the sockets made in {@code scope}. */
    public Peer add(SocketScope scope, InetAddress local, InetAddress remote, Timers timers, Authentication auth,
                    Listener listener) throws IOException {
        if ((local instanceof Inet6Address) != (remote instanceof Inet6Address)) {
            throw new IllegalArgumentException("BFD from " + local.getHostAddress() + " to " + remote.getHostAddress()
                    + ": both addresses must be IPv4 or both IPv6");
        }
        try {
            return call(() -> open(scope, local, remote, timers, auth, listener));
        } catch (RuntimeIOException e) {
            throw (IOException) e.getCause();
        }
    }

    public Counters counters() {
        return new Counters(received, badTtl, malformed, noSession, wrongSource, truncated);
    }

    /** Sessions alive, including those sending AdminDown before they go. */
    public int sessions() {
        return call(() -> activeCount);
    }

    /**
     * Sends AdminDown once on every session (RFC 5880 §6.8.16, so that peers do not read a failure into it) and
     * stops the thread.
     */
    @Override
    public void close() {
        shutdown(false);
    }

    /**
     * Stops without a word to the peers, as a crash or a frozen process would: for tests and load generators that
     * exercise the far side's detection.
     */
    public void closeSilently() {
        shutdown(true);
    }

    private void shutdown(boolean silent) {
        if (closing) return;
        silentClose = silent;
        closing = true;
        poller.wake();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poller.close();
    }

    // ------------------------------------------------------------------------------------------ the peer handle

    /** One session, as other threads see it. */
    public final class Peer {
        private final InetAddress local, remote;
        private final byte[] remoteBytes;
        private final BfdSession session;
        private final UdpSocket sender;
        private final Receiver receiver;
        private final Listener listener;
        private Timers timers;
        private long removeAt;                  // nanoTime when the AdminDown grace ends; 0 while not removing
        private long removalInterval;           // nanos between AdminDown packets during the grace
        private long nextRemovalPacket;
        private volatile SessionState state = SessionState.DOWN;
        private volatile SessionState remoteState = SessionState.DOWN;
        private volatile Diagnostic diagnostic = Diagnostic.NO_DIAGNOSTIC;
        private volatile Instant since = Instant.now();
        private volatile int lastSendErrno;

        private Peer(InetAddress local, InetAddress remote, Timers timers, Authentication auth, Listener listener,
                     UdpSocket sender, Receiver receiver) {
            this.local = local;
            this.remote = remote;
            this.remoteBytes = remote.getAddress();
            this.timers = timers;
            this.listener = listener;
            this.sender = sender;
            this.receiver = receiver;
            this.session = new BfdSession(discriminators.allocate(), timers.desiredMinTxMicros(), timers.requiredMinRxMicros(),
                    timers.multiplier(), auth, random.split(), this::changed);
        }

        public InetAddress local() { return local; }

        /**
         * {@link System#nanoTime()} when the session last accepted a packet (0 before the first). Read it on the BFD
         * thread, i.e. in the {@link Listener}: from a Down's time it gives how long the path was silent.
         */
        public long lastReceivedNanos() { return session.lastReceived(); }
        public InetAddress remote() { return remote; }
        public SessionState state() { return state; }

        public Status status() {
            BfdSession s = session;
            return new Status(state, remoteState, diagnostic, since, timers, s.transmitInterval(), s.detectionTime(),
                    s.sent(), s.received(), s.discardedTotal(), s.myDiscriminator(), s.remoteDiscriminator(),
                    sender.localPort(), lastSendErrno);
        }

        /** Changes the timers; the peer learns them through a Poll Sequence (RFC 5880 §6.8.3). */
        public void setTimers(Timers t) {
            post(() -> {
                if (removeAt != 0) return;
                timers = t;
                session.setTimers(t.desiredMinTxMicros(), t.requiredMinRxMicros(), t.multiplier());
            });
        }

        /**
         * Ends the session: AdminDown at once, then at the interval the session was sending at, for at least the
         * peer's detection time (RFC 5880 §6.8.16, §6.8.18: the peer must be able to tell an administrative end
         * from a failure, even if a packet is lost); then the sockets go. Returns once the first AdminDown is sent.
         * No listener call after.
         */
        public void remove() {
            call(() -> {
                if (removeAt != 0) return null;
                long now = System.nanoTime();
                long interval = Math.max(1_000_000L, session.transmitInterval() * 1000L);
                long grace = Math.clamp(Math.max(session.detectionTime(), session.advertisedDetectionTime()) * 1000L,
                        SECOND, 5 * SECOND);
                receiver.sessions.remove(this);                // a new session for this pair may start meanwhile
                session.adminDown(now);
                transmit(this, now);
                removalInterval = interval;
                nextRemovalPacket = now + interval;
                removeAt = now + grace;
                return null;
            });
        }

        private void changed(SessionState from, SessionState to, Diagnostic diag, long now) {
            diagnostic = diag;
            remoteState = session.remoteState();
            since = Instant.now();
            state = to;
            if (removeAt != 0) return;
            if (to == SessionState.UP || from == SessionState.UP) {
                LOG.log(System.Logger.Level.INFO, "BFD {0} -> {1}: {2} -> {3} ({4})", local.getHostAddress(),
                        remote.getHostAddress(), from, to, diag);
            }
            try {
                listener.changed(this, from, to, diag, session.remoteState(), now);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "BFD listener failed on " + remote.getHostAddress(), e);
            }
        }

        @Override public String toString() {
            return "BFD " + local.getHostAddress() + " -> " + remote.getHostAddress() + " " + state;
        }
    }

    /** The socket receiving on one local address's port 3784, and the sessions from that address. */
    private static final class Receiver {
        final String key;
        final UdpSocket socket;
        final List<Peer> sessions = new ArrayList<>();
        int users;

        Receiver(String key, UdpSocket socket) {
            this.key = key;
            this.socket = socket;
        }
    }

    // ------------------------------------------------------------------------------------------ the BFD thread

    private Peer open(SocketScope scope, InetAddress local, InetAddress remote, Timers timers, Authentication auth,
                      Listener listener) throws IOException {
        String key = scope.name() + "|" + local.getHostAddress();
        Receiver r = receivers.get(key);
        for (int i = 0; r != null && i < r.sessions.size(); i++) {
            if (r.sessions.get(i).remote.equals(remote)) {
                throw new IllegalStateException("a BFD session from " + local.getHostAddress() + " to "
                        + remote.getHostAddress() + " exists already (RFC 5881 §3: one per pair of addresses): remove it first");
            }
        }
        boolean newReceiver = r == null;
        if (newReceiver) {
            UdpSocket s = scope.open(() -> UdpSocket.bind(local, port, true, TTL, true));
            r = new Receiver(key, s);
        }
        UdpSocket sender;
        try {
            sender = scope.open(() -> UdpSocket.bindInRange(local, SOURCE_PORT_MIN, SOURCE_PORT_MAX, random, true, TTL, false));
        } catch (IOException e) {
            if (newReceiver) r.socket.close();
            throw e;
        }
        if (newReceiver) {
            receivers.put(key, r);
            receiverArray = receivers.values().toArray(new Receiver[0]);
            poller.add(r.socket.fd());
        }
        r.users++;
        Peer p = new Peer(local, remote, timers, auth, listener, sender, r);
        r.sessions.add(p);
        byDiscriminator.put(p.session.myDiscriminator(), p);
        if (activeCount == active.length) active = Arrays.copyOf(active, activeCount * 2);
        active[activeCount++] = p;
        return p;
    }

    private void destroy(int index) {
        Peer p = active[index];
        active[index] = active[--activeCount];
        active[activeCount] = null;
        byDiscriminator.remove(p.session.myDiscriminator());
        discriminators.release(p.session.myDiscriminator());
        p.receiver.sessions.remove(p);
        p.sender.close();
        if (--p.receiver.users == 0) {
            poller.remove(p.receiver.socket.fd());
            p.receiver.socket.close();
            receivers.remove(p.receiver.key);
            receiverArray = receivers.values().toArray(new Receiver[0]);
        }
    }

    private void run() {
        byte[] in = new byte[256];
        ControlPacket packet = new ControlPacket();
        while (!closing) {
            try {
                for (Runnable c; (c = commands.poll()) != null; ) c.run();
                // Packets first: after a stall, what is waiting in the sockets must count before any detection
                // deadline is checked, or a late but alive peer would be declared down.
                for (Receiver r : receiverArray) drain(r, in, packet);
                long now = System.nanoTime();
                long next = now + SECOND;
                for (int i = 0; i < activeCount; i++) {
                    Peer p = active[i];
                    BfdSession s = p.session;
                    if (p.removeAt != 0) {
                        if (now - p.removeAt >= 0) {
                            destroy(i--);
                            continue;
                        }
                        if (now - p.nextRemovalPacket >= 0) {
                            transmit(p, now);
                            p.nextRemovalPacket = now + p.removalInterval;
                        }
                        if (p.nextRemovalPacket - next < 0) next = p.nextRemovalPacket;
                    }
                    long detect = s.detectionDeadline();
                    if (detect != Long.MAX_VALUE && now - detect >= 0) {
                        s.checkDetection(now);
                        detect = s.detectionDeadline();
                    }
                    long tx = s.nextTransmit(now);
                    if (tx != Long.MAX_VALUE && now - tx >= 0) {
                        transmit(p, now);
                        tx = s.nextTransmit(now);
                    }
                    if (tx != Long.MAX_VALUE && tx - next < 0) next = tx;
                    if (detect != Long.MAX_VALUE && detect - next < 0) next = detect;
                    if (p.removeAt != 0 && p.removeAt - next < 0) next = p.removeAt;
                }
                long wait = next - System.nanoTime();
                poller.poll(Math.max(0, wait));      // the sockets are read at the top of the loop
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "BFD thread: unexpected failure, carrying on", e);
            }
        }
        long now = System.nanoTime();
        for (int i = 0; i < activeCount; i++) {
            Peer p = active[i];
            if (!silentClose && p.removeAt == 0) {
                p.session.adminDown(now);
                transmit(p, now);
            }
            p.sender.close();
        }
        for (Receiver r : receivers.values()) r.socket.close();
        activeCount = 0;
    }

    private final byte[] out = new byte[64];

    private void transmit(Peer p, long now) {
        int len = p.session.buildPacket(out, now);
        // RFC 5881 §4: to port 3784 of the peer, from this session's own source port.
        int errno = p.sender.send(out, len, p.remoteBytes, port);
        if (errno != 0) p.lastSendErrno = errno;
    }

    /** Reads every waiting datagram of one receiver. */
    private void drain(Receiver r, byte[] in, ControlPacket packet) {
        UdpSocket s = r.socket;
        for (int n; (n = s.receive(in)) != -1; ) {
            if (n == -2) return;
            received++;
            if (n > in.length) {
                truncated++;
                continue;
            }
            // RFC 5881 §5: a single-hop packet that did not arrive with TTL 255 came from beyond the link.
            if (s.lastTtl() != TTL) {
                badTtl++;
                continue;
            }
            packet.wrap(in, 0, n);
            if (packet.check() != Verdict.ACCEPT) {
                malformed++;
                continue;
            }
            Peer p;
            int yours = packet.yourDiscriminator();
            if (yours != 0) {
                p = byDiscriminator.get(yours);               // RFC 5880 §6.3: the discriminator picks the session
                if (p != null && (p.receiver != r || !s.lastSourceIs(p.remoteBytes))) {
                    wrongSource++;
                    continue;
                }
            } else {
                p = null;                                     // §6.3: by the addresses while the peer knows none
                List<Peer> list = r.sessions;
                for (int i = 0; i < list.size(); i++) {
                    if (s.lastSourceIs(list.get(i).remoteBytes)) {
                        p = list.get(i);
                        break;
                    }
                }
            }
            if (p == null) {
                noSession++;
                continue;
            }
            p.session.receive(packet, System.nanoTime());
        }
    }

    // ------------------------------------------------------------------------------------------ commands

    private void post(Runnable r) {
        if (Thread.currentThread() == thread) {
            r.run();
            return;
        }
        commands.add(r);
        poller.wake();
    }

    private <T> T call(Callable<T> c) throws RuntimeIOException {
        if (Thread.currentThread() == thread) {
            try {
                return c.call();
            } catch (IOException e) {
                throw new RuntimeIOException(e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (closing) throw new IllegalStateException("the BFD engine is closed");
        CompletableFuture<T> f = new CompletableFuture<>();
        commands.add(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        poller.wake();
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw new RuntimeIOException(io);
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the BFD thread");
        } catch (TimeoutException e) {
            throw new IllegalStateException("the BFD thread did not answer within 10 s");
        }
    }

    /** Carries an IOException out of the BFD thread; {@link #add} unwraps it. */
    static final class RuntimeIOException extends RuntimeException {
        RuntimeIOException(IOException cause) { super(cause); }
    }
}
