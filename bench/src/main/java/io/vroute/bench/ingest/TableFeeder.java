package io.vroute.bench.ingest;

import io.vroute.bgp.feed.SyntheticTable;
import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.BgpMessage;
import io.vroute.bgp.wire.BgpProtocolException;
import io.vroute.bgp.wire.Capability;
import io.vroute.bgp.wire.KeepaliveMessage;
import io.vroute.bgp.wire.MessageDecoder;
import io.vroute.bgp.wire.MessageEncoder;
import io.vroute.bgp.wire.Nlri;
import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.SessionContext;
import io.vroute.bgp.wire.UpdateMessage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An active BGP speaker that does one thing fast: it feeds a table of the {@link SyntheticTable} mix to a
 * receiver. The table is encoded once, up front, into message-aligned chunks, so a feed costs only socket writes
 * and every receiver gets exactly the same bytes. After the table and its End-of-RIB it can churn: single-prefix
 * UPDATEs at a fixed rate.
 *
 * <p>Per connection a reader thread drains everything the receiver sends (a receiver whose socket buffer fills
 * up stalls) and a keepalive thread sends a KEEPALIVE every hold time / 3 from the moment the receiver's OPEN is
 * accepted, so neither OpenConfirm nor a long table transfer lets the receiver's hold timer run out.
 *
 * <p>The socket is created on the calling thread: call {@link #connect} from a thread that is in the network
 * namespace the feed should come from.
 */
public final class TableFeeder {
    /** The feeder's AS: the first AS of every path in the table. */
    public static final long ASN = 65001;
    /** The hold time we offer; the session uses the smaller of ours and the receiver's (RFC 4271 §4.2). */
    static final int HOLD_TIME = 90;
    /** Chunks of the pre-encoded table are at most this long and hold whole messages only. */
    private static final int CHUNK_BYTES = 64 * 1024;
    /** Churn is written in ticks of this length: every update due by then goes out in one write. */
    private static final long CHURN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Prefix[] prefixes;
    private final PathAttributes[] attributes;
    private final int attributeSets;
    private final List<byte[]> chunks;
    private final long tableBytes;
    private final int tableMessages;
    private final InetAddress source;

    /**
     * A feeder for exactly {@code prefixCount} prefixes of the {@link SyntheticTable} mix, all usable by every
     * receiver: the table is drawn a little larger and 127.0.0.0/8 prefixes are dropped (BIRD ignores them as
     * bogus, RFC 1122 §3.2.1.3 host-internal addresses), then as many randomly chosen others as it takes to land
     * on the count. The rest keep their attribute sets and UPDATE packing. Encoded for a session with 4-octet
     * ASNs and 4096-octet messages; {@code source} is where connections come from, the BGP identifier and the
     * NEXT_HOP of every route.
     */
    public static TableFeeder generate(long seed, int prefixCount, int attributeSets, Inet4Address source) {
        int drawn = prefixCount + prefixCount / 50 + 100;
        SyntheticTable table = SyntheticTable.generate(seed, drawn, attributeSets, ASN, source);
        HashSet<Prefix> dropped = new HashSet<>();
        List<Integer> usable = new ArrayList<>(drawn);
        for (int i = 0; i < table.size(); i++) {
            Prefix p = table.prefix(i);
            if ((p.lo() >>> 24) == 127) dropped.add(p);
            else usable.add(i);
        }
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int extra = usable.size() - prefixCount; extra > 0; extra--) {
            int k = r.nextInt(usable.size());
            dropped.add(table.prefix(usable.get(k)));
            usable.set(k, usable.get(usable.size() - 1));
            usable.remove(usable.size() - 1);
        }
        if (usable.size() != prefixCount) throw new IllegalStateException("drew too few usable prefixes: " + usable.size());
        usable.sort(null);
        Prefix[] prefixes = new Prefix[prefixCount];
        PathAttributes[] attributes = new PathAttributes[prefixCount];
        for (int k = 0; k < prefixCount; k++) {
            prefixes[k] = table.prefix(usable.get(k));
            attributes[k] = table.attributesOf(usable.get(k));
        }
        List<byte[]> messages = new ArrayList<>();
        for (UpdateMessage u : table.updates(SessionContext.FOUR_OCTET)) {
            List<Prefix> kept = new ArrayList<>(u.nlri().size());
            for (Prefix p : u.nlri().prefixes()) if (!dropped.contains(p)) kept.add(p);
            if (kept.isEmpty()) continue;
            UpdateMessage m = new UpdateMessage(null, u.attributes(), Nlri.of(AddressFamily.IPV4_UNICAST, kept), null, null);
            messages.add(MessageEncoder.encode(m, SessionContext.FOUR_OCTET));
        }
        return new TableFeeder(prefixes, attributes, attributeSets, messages, source);
    }

    private TableFeeder(Prefix[] prefixes, PathAttributes[] attributes, int attributeSets, List<byte[]> messages, InetAddress source) {
        this.prefixes = prefixes;
        this.attributes = attributes;
        this.attributeSets = attributeSets;
        this.source = source;
        this.tableMessages = messages.size();
        this.chunks = new ArrayList<>();
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(CHUNK_BYTES);
        long total = 0;
        for (byte[] m : messages) {
            if (chunk.size() + m.length > CHUNK_BYTES) {
                chunks.add(chunk.toByteArray());
                chunk.reset();
            }
            chunk.writeBytes(m);
            total += m.length;
        }
        if (chunk.size() > 0) chunks.add(chunk.toByteArray());
        this.tableBytes = total;
    }

    public int prefixCount() { return prefixes.length; }
    public int attributeSets() { return attributeSets; }
    public int tableMessages() { return tableMessages; }
    public long tableBytes() { return tableBytes; }

    /**
     * Connects to {@code receiver} (retrying while it refuses, until {@code timeout}) and runs the OPEN exchange
     * up to Established.
     */
    public Session connect(InetSocketAddress receiver, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true); // keepalives and churn updates go out at once
                socket.bind(new InetSocketAddress(source, 0));
                socket.connect(receiver, (int) Math.max(1, timeout.toMillis()));
                return new Session(socket, receiver, deadline);
            } catch (ConnectException e) {
                socket.close();
                if (System.nanoTime() > deadline) {
                    throw new IOException("the receiver at " + show(receiver) + " refused the BGP connection for "
                            + timeout.toSeconds() + " s: check that it listens there and accepts peer " + source.getHostAddress(), e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }
    }

    /** What one table transfer took, on {@link System#nanoTime} clock. */
    public record TableSent(long firstUpdateNanos, long lastByteNanos, int messages, long bytes) {}

    /**
     * What a churn run sent: {@code sentNanos[i]} is when update i went to the socket, {@code dueNanos[i]} when
     * the schedule wanted it (the difference is how far the feeder fell behind).
     */
    public record ChurnSent(int announcements, int withdrawals, long startNanos, long endNanos, long[] sentNanos, long[] dueNanos) {
        public int updates() { return sentNanos.length; }
        public double updatesPerSecond() { return updates() / ((endNanos - startNanos) / 1e9); }
        public long maxLagNanos() {
            long max = 0;
            for (int i = 0; i < sentNanos.length; i++) max = Math.max(max, sentNanos[i] - dueNanos[i]);
            return max;
        }
    }

    /** One established session with a receiver. */
    public final class Session implements AutoCloseable {
        private final Socket socket;
        private final InetSocketAddress receiver;
        private final OutputStream out;
        private final ReentrantLock writeLock = new ReentrantLock();
        private final ScheduledExecutorService keepalives;
        private final byte[] keepalive = MessageEncoder.encode(KeepaliveMessage.INSTANCE, SessionContext.INITIAL);
        private volatile String down;
        private int holdTime;

        private Session(Socket socket, InetSocketAddress receiver, long deadline) throws IOException {
            this.socket = socket;
            this.receiver = receiver;
            this.out = socket.getOutputStream();
            this.keepalives = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "feeder-keepalive"));
            try {
                handshake(new DataInputStream(socket.getInputStream()), deadline);
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /** The hold time both sides agreed on (RFC 4271 §4.2), 0 when no keepalives are sent. */
        public int holdTime() { return holdTime; }

        private void handshake(DataInputStream in, long deadline) throws IOException {
            int id = toInt(source);
            OpenMessage open = OpenMessage.of(ASN, HOLD_TIME, id, List.of(
                    new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST), // RFC 4760 §8
                    new Capability.FourOctetAs(ASN)));                         // RFC 6793 §3
            write(MessageEncoder.encode(open, SessionContext.INITIAL));
            // RFC 4271 §8.2.2: OpenSent waits for the peer's OPEN, OpenConfirm for its KEEPALIVE.
            MessageDecoder decoder = new MessageDecoder(SessionContext.INITIAL);
            boolean openReceived = false;
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) throw new IOException("no BGP session with " + show(receiver) + " in time: it "
                        + (openReceived ? "sent OPEN but no KEEPALIVE" : "sent no OPEN") + "; check its log and its peer configuration");
                socket.setSoTimeout((int) left);
                BgpMessage m;
                try {
                    m = readMessage(in, decoder);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (m instanceof NotificationMessage n) {
                    throw new IOException(show(receiver) + " refused the session with NOTIFICATION " + n.describe()
                            + ": check its peer configuration (AS " + ASN + ", address " + source.getHostAddress() + ")");
                } else if (m instanceof OpenMessage o && !openReceived) {
                    if (!o.has(Capability.FourOctetAs.class)) {
                        throw new IOException(show(receiver) + " did not offer 4-octet AS numbers (RFC 6793) and the table is"
                                + " encoded with them: enable the capability on the receiver");
                    }
                    // RFC 4271 §4.2: the smaller hold time wins; 0 means no keepalives at all.
                    holdTime = Math.min(HOLD_TIME, o.holdTime());
                    openReceived = true;
                    write(keepalive); // RFC 4271 §8.2.2: a valid OPEN is answered with KEEPALIVE (-> OpenConfirm)
                    if (holdTime > 0) {
                        long every = Math.max(1000, holdTime * 1000L / 3); // RFC 4271 §10: a third of the hold time
                        keepalives.scheduleAtFixedRate(this::sendKeepalive, every, every, TimeUnit.MILLISECONDS);
                    }
                } else if (m instanceof KeepaliveMessage && openReceived) {
                    socket.setSoTimeout(0);
                    Thread reader = new Thread(() -> drain(in, decoder), "feeder-reader");
                    reader.setDaemon(true);
                    reader.start();
                    return; // RFC 4271 §8.2.2: KEEPALIVE in OpenConfirm -> Established
                } else {
                    String what = m == null ? "UPDATE" : m.getClass().getSimpleName();
                    throw new IOException(show(receiver) + " sent " + what + " during the OPEN exchange (RFC 4271 §8.2.2 allows"
                            + " only OPEN then KEEPALIVE): this is a bug in the receiver");
                }
            }
        }

        /** Reads and drops everything after Established, remembering a NOTIFICATION or the end of the stream. */
        private void drain(DataInputStream in, MessageDecoder decoder) {
            try {
                while (true) {
                    BgpMessage m = readMessage(in, decoder);
                    if (m instanceof NotificationMessage n) {
                        down = "NOTIFICATION " + n.describe();
                        return;
                    }
                }
            } catch (EOFException e) {
                if (down == null) down = "the receiver closed the connection";
            } catch (IOException e) {
                if (down == null) down = e.getMessage();
            }
        }

        /**
         * Streams the whole table as fast as the socket takes it, then End-of-RIB (RFC 4724 §2). Returns when the
         * last byte is in the socket, which may be well before the receiver has read it.
         */
        public TableSent sendTable() throws IOException {
            long first = System.nanoTime();
            for (byte[] chunk : chunks) write(chunk);
            write(MessageEncoder.encode(UpdateMessage.endOfRib(AddressFamily.IPV4_UNICAST), SessionContext.FOUR_OCTET));
            return new TableSent(first, System.nanoTime(), tableMessages, tableBytes);
        }

        /**
         * Churns the table for {@code duration} at {@code perSecond} single-prefix UPDATEs: mostly a prefix
         * re-announced with another table entry's attribute set (an implicit withdraw, RFC 4271 §3.1), and one in
         * ten a withdrawal whose prefix comes back 1,000 updates later. The feeder wakes at most once a millisecond
         * and writes every update then due in one write (10 at 10k/s); each is timestamped when written. {@code atMark} runs on this thread once {@code markAt} has
         * passed (e.g. to tell the receiver that a warm-up is over); null for none.
         */
        public ChurnSent churn(int perSecond, Duration duration, long seed, Duration markAt, Runnable atMark) throws IOException {
            int total = (int) Math.min(Integer.MAX_VALUE - 8, (long) perSecond * duration.toSeconds());
            long[] sent = new long[total];
            long[] due = new long[total];
            SplittableRandom r = new SplittableRandom(seed);
            PathAttributes[] current = new PathAttributes[prefixes.length];
            BitSet withdrawn = new BitSet(prefixes.length);
            ArrayDeque<long[]> comeBack = new ArrayDeque<>(); // {prefix index, update number it is due at}
            ByteArrayOutputStream batch = new ByteArrayOutputStream(8192);
            int[] batchIndex = new int[Math.max(16, perSecond)];
            int announcements = 0, withdrawals = 0;
            double interval = 1e9 / perSecond;
            long start = System.nanoTime();
            long mark = atMark == null ? Long.MAX_VALUE : start + markAt.toNanos();
            int next = 0;
            while (next < total) {
                long now = System.nanoTime();
                int dueNow = (int) Math.min(total, (long) ((now - start) / interval) + 1);
                batch.reset();
                int inBatch = 0;
                for (; next < dueNow; next++) {
                    UpdateMessage u;
                    if (!comeBack.isEmpty() && comeBack.peekFirst()[1] <= next) {
                        int i = (int) comeBack.pollFirst()[0];
                        withdrawn.clear(i);
                        u = announce(i, attributesOf(current, i));
                        announcements++;
                    } else {
                        int i = r.nextInt(prefixes.length);
                        while (withdrawn.get(i)) i = r.nextInt(prefixes.length);
                        if (r.nextInt(10) == 0) {
                            withdrawn.set(i);
                            comeBack.addLast(new long[] {i, next + 1000L});
                            u = new UpdateMessage(new Nlri(AddressFamily.IPV4_UNICAST, new Prefix[] {prefixes[i]}, null), null, null, null, null);
                            withdrawals++;
                        } else {
                            PathAttributes was = attributesOf(current, i), other;
                            do other = attributes[r.nextInt(prefixes.length)]; while (other.equals(was));
                            current[i] = other;
                            u = announce(i, other);
                            announcements++;
                        }
                    }
                    batch.writeBytes(MessageEncoder.encode(u, SessionContext.FOUR_OCTET));
                    due[next] = start + (long) (next * interval);
                    if (inBatch == batchIndex.length) batchIndex = Arrays.copyOf(batchIndex, inBatch * 2);
                    batchIndex[inBatch++] = next;
                }
                if (inBatch > 0) {
                    write(batch.toByteArray());
                    long at = System.nanoTime();
                    for (int k = 0; k < inBatch; k++) sent[batchIndex[k]] = at;
                    if (at >= mark) {
                        atMark.run();
                        mark = Long.MAX_VALUE;
                    }
                }
                if (next < total) {
                    // Wake for the next update, but at most once per tick: the feeder shares the cores with the
                    // receiver it measures, and 10k wake-ups a second would take a noticeable share of them.
                    long wake = Math.max(start + (long) (next * interval), now + CHURN_TICK_NANOS);
                    long wait = wake - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                }
            }
            return new ChurnSent(announcements, withdrawals, start, System.nanoTime(), sent, due);
        }

        private PathAttributes attributesOf(PathAttributes[] current, int i) {
            return current[i] != null ? current[i] : attributes[i];
        }

        private UpdateMessage announce(int i, PathAttributes a) {
            return new UpdateMessage(null, a, new Nlri(AddressFamily.IPV4_UNICAST, new Prefix[] {prefixes[i]}, null), null, null);
        }

        private void sendKeepalive() {
            try {
                write(keepalive);
            } catch (IOException e) {
                if (down == null) down = "cannot send KEEPALIVE: " + e.getMessage();
            }
        }

        /** Whole messages only, so keepalives never land inside another message. */
        private void write(byte[] bytes) throws IOException {
            writeLock.lock();
            try {
                out.write(bytes);
            } catch (IOException e) {
                String why = down;
                throw new IOException("the session with " + show(receiver) + " broke"
                        + (why != null ? " (" + why + ")" : "") + ": " + e.getMessage() + "; check the receiver's log", e);
            } finally {
                writeLock.unlock();
            }
        }

        /** Why the session ended, or null while it is up. */
        public String down() { return down; }

        /**
         * Ends the session with Cease / Administrative Shutdown (RFC 4486 §4, with an RFC 9003 §2 shutdown
         * communication) and closes the connection; the receiver drops the feeder's routes.
         */
        @Override
        public void close() {
            keepalives.shutdownNow();
            if (down == null) {
                try {
                    write(MessageEncoder.encode(NotificationMessage.shutdown(NotificationMessage.ADMINISTRATIVE_SHUTDOWN, "feed finished"),
                            SessionContext.FOUR_OCTET));
                } catch (IOException e) {
                    // the receiver is already gone: closing is all that is left
                }
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket we are done with: nothing to do
            }
        }
    }

    /** The next message; null for an UPDATE, which is skipped undecoded. */
    private static BgpMessage readMessage(DataInputStream in, MessageDecoder decoder) throws IOException {
        byte[] header = new byte[BgpMessage.HEADER_LENGTH];
        in.readFully(header);
        try {
            int length = decoder.frameLength(header, 0, header.length);
            byte[] whole = new byte[length];
            System.arraycopy(header, 0, whole, 0, header.length);
            in.readFully(whole, header.length, length - header.length);
            int type = whole[18] & 0xFF;
            if (type == BgpMessage.TYPE_UPDATE) return null; // a feeder has no use for the receiver's routes
            return decoder.decode(whole, 0, length);
        } catch (BgpProtocolException e) {
            throw new IOException("the receiver sent a malformed message (" + e.getMessage() + "): this is a bug in the receiver", e);
        }
    }

    private static int toInt(InetAddress a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    private static String show(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
