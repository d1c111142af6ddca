package io.vroute.linux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * An rtnetlink socket ({@code NETLINK_ROUTE}): the one way vroute changes links, addresses, routes and policy rules
 * in a network namespace, through java.lang.foreign and without running {@code ip}.
 *
 * <p>A socket belongs to the network namespace it was created in, for its whole life: {@link #open()} talks to the
 * namespace of the calling thread (the host's, for the daemon), {@link #openIn(String)} to a named namespace, while
 * the caller's threads stay where they are. The operations are grouped by what they change: {@link #links()},
 * {@link #addresses()}, {@link #routes()}, {@link #rules()}.
 *
 * <p>Every change is sent with {@code NLM_F_ACK} and a sequence number, and its answer is matched back by that
 * number; a refused change becomes a {@link NetlinkException} carrying the errno, what to do about it and the
 * kernel's own explanation (extended ack). {@link Routes#apply} sends many changes per {@code sendto}, as many as
 * the socket's receive buffer has room to acknowledge, and reports each change's outcome.
 *
 * <p>Thread-safe: requests are serialised on the socket. Closing it while another thread waits on it is not
 * supported. Socket options used (all best effort except the first): {@code SO_SNDBUFFORCE}/{@code SO_RCVBUFFORCE}
 * for room to batch, {@code NETLINK_EXT_ACK} for the kernel's messages, {@code NETLINK_CAP_ACK} so acks do not
 * echo whole requests, {@code NETLINK_GET_STRICT_CHK} so dumps are filtered in the kernel, {@code SO_RCVTIMEO} so
 * a missing answer cannot hang the caller.
 */
public final class Netlink implements AutoCloseable {
    /**
     * The protocol number vroute's routes and rules carry (rtm_protocol, FRA_PROTOCOL): 249. The kernel does not
     * interpret numbers above RTPROT_STATIC ({@code <linux/rtnetlink.h>}); 249 is unnamed in the kernel's list, in
     * iproute2's {@code rt_protos} and in FRR's {@code rt_protos.d/frr.conf} (which takes 186..198, 196 for its
     * staticd), and BIRD uses 12. Name it for {@code ip} with a line {@code 249 vroute} in
     * {@code /etc/iproute2/rt_protos.d/vroute.conf}.
     */
    public static final int VROUTE_PROTOCOL = 249;

    /** How long a request waits for the kernel's answer before failing. */
    static final int ANSWER_TIMEOUT_SECONDS = 30;
    /** How many times a dump is restarted when the kernel reports that the table changed under it. */
    static final int DUMP_ATTEMPTS = 5;

    static final int SEND_BUFFER = 1 << 20;
    static final int RECEIVE_BUFFER = 1 << 16;
    private static final int WANTED_SOCKET_SNDBUF = 4 << 20;
    private static final int WANTED_SOCKET_RCVBUF = 8 << 20;
    /** What one queued ack costs in the receive buffer (skb truesize of a small message), with margin. */
    private static final int ACK_COST = 1024;
    private static final int MAX_WINDOW = 4096;
    private static final int SOCKADDR_NL_SIZE = 12;

    private final int fd;
    private final String namespace;
    private final Arena arena;
    private final MemorySegment state;
    private final MemorySegment sendBuffer;
    private final MemorySegment receiveBuffer;
    private final MemorySegment kernel;
    private final byte[] received = new byte[RECEIVE_BUFFER];
    private final int window;
    private final int maxSendBytes;
    private int sequence;
    private boolean closed;

    private Netlink(int fd, String namespace) {
        this.fd = fd;
        this.namespace = namespace;
        this.arena = Arena.ofShared();
        this.state = arena.allocate(Native.CAPTURE);
        this.sendBuffer = arena.allocate(SEND_BUFFER, 8);
        this.receiveBuffer = arena.allocate(RECEIVE_BUFFER, 8);
        this.kernel = arena.allocate(SOCKADDR_NL_SIZE, 4);
        kernel.set(ValueLayout.JAVA_SHORT, 0, (short) Native.AF_NETLINK);   // nl_pid 0: the kernel
        // The kernel reports twice what was set (its bookkeeping overhead); each queued ack costs about ACK_COST.
        int receiveRoom = intOption(Native.SOL_SOCKET, Native.SO_RCVBUF, 212992);
        int sendRoom = intOption(Native.SOL_SOCKET, Native.SO_SNDBUF, 212992);
        this.window = Math.clamp(receiveRoom / 2 / ACK_COST, 16, MAX_WINDOW);
        this.maxSendBytes = Math.min(SEND_BUFFER, sendRoom / 2 - 64);
        this.sequence = (int) (System.nanoTime() & 0x7FFFFFFF);
    }

    /**
     * Opens an rtnetlink socket in the calling thread's network namespace (the host's for the daemon's threads).
     *
     * @throws IOException when no socket can be made (the message says why and what to do)
     */
    public static Netlink open() throws IOException {
        int fd = openSocket();
        try {
            return new Netlink(fd, null);
        } catch (RuntimeException | Error e) {
            Native.close(fd);
            throw e;
        }
    }

    /**
     * Opens an rtnetlink socket inside the named network namespace (one under {@code /run/netns}, as made by
     * {@link Namespaces#create} or {@code ip netns add}). The socket is created on a short-lived platform thread
     * that entered the namespace; the caller's thread does not change namespace, and the socket keeps talking to
     * that namespace until closed (which also keeps the namespace alive after {@link Namespaces#delete}).
     *
     * @throws IOException when the namespace does not exist or cannot be entered, or no socket can be made
     */
    public static Netlink openIn(String netnsName) throws IOException {
        int fd = Namespaces.call(netnsName, Netlink::openSocket);
        try {
            return new Netlink(fd, netnsName);
        } catch (RuntimeException | Error e) {
            Native.close(fd);
            throw e;
        }
    }

    /** Creates, configures and binds a NETLINK_ROUTE socket in the calling thread's namespace; returns its fd. */
    static int openSocket() throws IOException {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment st = scratch.allocate(Native.CAPTURE);
            int fd = Native.socket(st, Native.AF_NETLINK, Native.SOCK_RAW | Native.SOCK_CLOEXEC, Native.NETLINK_ROUTE);
            if (fd < 0) throw failure("cannot open a netlink socket", Native.errno(st));
            boolean ok = false;
            try {
                MemorySegment value = scratch.allocate(16, 8);
                // Room to batch: FORCE passes net.core.{w,r}mem_max with CAP_NET_ADMIN; without it, the capped size.
                if (setInt(st, fd, value, Native.SOL_SOCKET, Native.SO_SNDBUFFORCE, WANTED_SOCKET_SNDBUF) != 0) {
                    setInt(st, fd, value, Native.SOL_SOCKET, Native.SO_SNDBUF, WANTED_SOCKET_SNDBUF);
                }
                if (setInt(st, fd, value, Native.SOL_SOCKET, Native.SO_RCVBUFFORCE, WANTED_SOCKET_RCVBUF) != 0) {
                    setInt(st, fd, value, Native.SOL_SOCKET, Native.SO_RCVBUF, WANTED_SOCKET_RCVBUF);
                }
                // Kernels older than 4.12 / 4.20 lack these options; everything still works without them.
                setInt(st, fd, value, Native.SOL_NETLINK, Native.NETLINK_EXT_ACK, 1);
                setInt(st, fd, value, Native.SOL_NETLINK, Native.NETLINK_CAP_ACK, 1);
                setInt(st, fd, value, Native.SOL_NETLINK, Native.NETLINK_GET_STRICT_CHK, 1);
                value.set(ValueLayout.JAVA_LONG, 0, ANSWER_TIMEOUT_SECONDS);   // struct timeval {tv_sec, tv_usec}
                value.set(ValueLayout.JAVA_LONG, 8, 0);
                if (Native.setsockopt(st, fd, Native.SOL_SOCKET, Native.SO_RCVTIMEO, value, 16) != 0) {
                    throw failure("cannot set a receive timeout on the netlink socket", Native.errno(st));
                }
                MemorySegment address = scratch.allocate(SOCKADDR_NL_SIZE, 4);
                address.set(ValueLayout.JAVA_SHORT, 0, (short) Native.AF_NETLINK);   // nl_pid 0: kernel assigns one
                if (Native.bind(st, fd, address, SOCKADDR_NL_SIZE) != 0) {
                    throw failure("cannot bind the netlink socket", Native.errno(st));
                }
                ok = true;
                return fd;
            } finally {
                if (!ok) Native.close(fd);
            }
        }
    }

    private static int setInt(MemorySegment st, int fd, MemorySegment value, int level, int name, int v) {
        value.set(ValueLayout.JAVA_INT, 0, v);
        return Native.setsockopt(st, fd, level, name, value, 4);
    }

    private int intOption(int level, int name, int otherwise) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment value = scratch.allocate(ValueLayout.JAVA_INT);
            MemorySegment length = scratch.allocate(ValueLayout.JAVA_INT);
            length.set(ValueLayout.JAVA_INT, 0, 4);
            MemorySegment st = scratch.allocate(Native.CAPTURE);
            return Native.getsockopt(st, fd, level, name, value, length) == 0 ? value.get(ValueLayout.JAVA_INT, 0) : otherwise;
        }
    }

    private static IOException failure(String what, int errno) {
        String advice = Native.generalAdvice(errno);
        return new NetlinkException(what + ": " + Native.errnoName(errno) + (advice == null ? "" : ": " + advice),
                errno, null, -1);
    }

    /** The namespace this socket talks to, as given to {@link #openIn}; empty for {@link #open()}. */
    public Optional<String> namespace() {
        return Optional.ofNullable(namespace);
    }

    /** Links: bridges, veth pairs, up/down, MTU, bridge ports, moving between namespaces. */
    public Links links() {
        return new Links(this);
    }

    /** IPv4 and IPv6 addresses on links. */
    public Addresses addresses() {
        return new Addresses(this);
    }

    /** Routes owned by vroute ({@link #VROUTE_PROTOCOL}). */
    public Routes routes() {
        return new Routes(this, VROUTE_PROTOCOL);
    }

    /**
     * Routes owned by {@code ownerProtocol}: what they write carries that protocol number, and they delete or
     * replace no route of another. For a second vroute instance in one namespace, or for tests.
     */
    public Routes routes(int ownerProtocol) {
        return new Routes(this, ownerProtocol);
    }

    /** Policy routing rules owned by vroute ({@link #VROUTE_PROTOCOL}). */
    public Rules rules() {
        return new Rules(this, VROUTE_PROTOCOL);
    }

    /** Policy routing rules owned by {@code ownerProtocol}. */
    public Rules rules(int ownerProtocol) {
        return new Rules(this, ownerProtocol);
    }

    /** Where this socket is, for messages: "namespace NAME", or "this namespace" for {@link #open()}. */
    String where() {
        return namespace == null ? "this namespace" : "namespace " + namespace;
    }

    // ------------------------------------------------------------------------------------------------------------
    // The request engine

    /** Sends one request with NLM_F_ACK and waits for its answer. */
    void execute(Request request) throws IOException {
        Outcomes outcome = executeAll(List.of(request));
        if (outcome.failed(0)) throw outcome.exception(0);
    }

    /**
     * What the kernel answered to each request of a batch: an errno (0: accepted) and its extended-ack text. The
     * exception for a refusal is made only when asked for, so that an expected refusal (the EEXIST of a replace
     * probe) costs no message and no stack trace.
     */
    static final class Outcomes {
        private final List<Request> requests;
        private final int[] errno;
        private final String[] kernelMessage;

        Outcomes(List<Request> requests) {
            this.requests = requests;
            this.errno = new int[requests.size()];
            this.kernelMessage = new String[requests.size()];
        }

        boolean failed(int i) {
            return errno[i] != 0;
        }

        int errno(int i) {
            return errno[i];
        }

        NetlinkException exception(int i) {
            return errno[i] == 0 ? null : refusal(requests.get(i), errno[i], kernelMessage[i]);
        }
    }

    /**
     * Sends the requests in order, many per {@code sendto}, each with NLM_F_ACK and its own sequence number, and
     * waits for every answer. The kernel handles the messages of one {@code sendto} one after the other, so order
     * is kept; a failed request does not stop the ones after it.
     *
     * @return what the kernel answered to each request
     * @throws IOException when the socket itself fails (answers lost or missing); the requests' outcome is then
     *                     unknown, and the caller must read back what it changed
     */
    synchronized Outcomes executeAll(List<Request> requests) throws IOException {
        ensureOpen();
        Outcomes outcome = new Outcomes(requests);
        int next = 0;
        while (next < requests.size()) {
            int first = next;
            int base = sequence;
            long bytes = 0;
            while (next < requests.size() && next - first < window) {
                Message m = requests.get(next).message();
                if (Message.align(m.length()) > maxSendBytes) {
                    throw new IllegalArgumentException("a netlink request of " + m.length() + " bytes does not fit the "
                            + maxSendBytes + "-byte send buffer");
                }
                if (bytes + Message.align(m.length()) > maxSendBytes) break;
                bytes += m.copyTo(sendBuffer, bytes, sequence++);
                next++;
            }
            send(bytes);
            awaitAcks(first, next - first, base, outcome);
        }
        return outcome;
    }

    /** Reads answers until each of the {@code count} requests sent from sequence {@code base} has its ack. */
    private void awaitAcks(int first, int count, int base, Outcomes outcome) throws IOException {
        boolean[] answered = new boolean[count];
        int pending = count;
        while (pending > 0) {
            ByteBuffer datagram = receive();
            int at = 0;
            while (at + Message.HEADER <= datagram.limit()) {
                int length = datagram.getInt(at);
                if (length < Message.HEADER || at + length > datagram.limit()) {
                    throw new IOException("the kernel sent a malformed netlink message (length " + length + ") in "
                            + where() + "; this is a bug: report it with the kernel version");
                }
                int type = Short.toUnsignedInt(datagram.getShort(at + 4));
                int index = datagram.getInt(at + 8) - base;   // wraps with the sequence numbers
                if (type == Message.NLMSG_ERROR && index >= 0 && index < count && !answered[index]) {
                    answered[index] = true;
                    pending--;
                    int error = length >= Message.HEADER + 4 ? datagram.getInt(at + Message.HEADER) : 0;
                    if (error != 0) {
                        outcome.errno[first + index] = -error;
                        outcome.kernelMessage[first + index] = extendedAckMessage(datagram, at, length);
                    }
                }
                // anything else is left over from an earlier, abandoned request: skip it
                at += Message.align(length);
            }
        }
    }

    /** Sends one request that answers with a single message (e.g. RTM_GETLINK by name); returns a copy of it. */
    synchronized ByteBuffer query(Request request) throws IOException {
        ensureOpen();
        int seq = sequence++;
        send(request.message().copyTo(sendBuffer, 0, seq));
        while (true) {
            ByteBuffer datagram = receive();
            int at = 0;
            while (at + Message.HEADER <= datagram.limit()) {
                int length = datagram.getInt(at);
                if (length < Message.HEADER || at + length > datagram.limit()) break;
                if (datagram.getInt(at + 8) == seq) {
                    int type = Short.toUnsignedInt(datagram.getShort(at + 4));
                    if (type == Message.NLMSG_ERROR) {
                        int error = datagram.getInt(at + Message.HEADER);
                        if (error != 0) throw refusal(request, -error, extendedAckMessage(datagram, at, length));
                        throw new IOException(request.what().get() + ": the kernel acknowledged without answering");
                    }
                    return copy(datagram, at, length);
                }
                at += Message.align(length);
            }
        }
    }

    /**
     * Sends a dump request (NLM_F_DUMP is added) and parses every message of the answer with {@code parse}, which
     * returns null for messages to leave out. When the kernel flags the dump as interrupted (the table changed
     * while being read, NLM_F_DUMP_INTR) it is read again, up to {@value #DUMP_ATTEMPTS} times. A table that does
     * not exist dumps as empty.
     */
    synchronized <T> List<T> dump(Request request, Function<ByteBuffer, T> parse) throws IOException {
        ensureOpen();
        for (int attempt = 0; attempt < DUMP_ATTEMPTS; attempt++) {
            List<T> result = new ArrayList<>();
            int seq = sequence++;
            send(request.message().copyTo(sendBuffer, 0, seq));
            boolean interrupted = false;
            boolean done = false;
            while (!done) {
                ByteBuffer datagram = receive();
                int at = 0;
                while (at + Message.HEADER <= datagram.limit()) {
                    int length = datagram.getInt(at);
                    if (length < Message.HEADER || at + length > datagram.limit()) {
                        throw new IOException("the kernel sent a malformed netlink message (length " + length
                                + ") in a dump in " + where() + "; this is a bug: report it with the kernel version");
                    }
                    if (datagram.getInt(at + 8) == seq) {
                        int type = Short.toUnsignedInt(datagram.getShort(at + 4));
                        int flags = Short.toUnsignedInt(datagram.getShort(at + 6));
                        if ((flags & Message.NLM_F_DUMP_INTR) != 0) interrupted = true;
                        if (type == Message.NLMSG_DONE || type == Message.NLMSG_ERROR) {
                            int error = length >= Message.HEADER + 4 ? datagram.getInt(at + Message.HEADER) : 0;
                            // ENOENT: a strict dump of a table that does not exist (yet); it holds nothing
                            if (error != 0 && -error != Native.ENOENT) {
                                throw refusal(request, -error, extendedAckMessage(datagram, at, length));
                            }
                            done = true;
                        } else if (type != Message.NLMSG_NOOP) {
                            T item = parse.apply(datagram.slice(at, length).order(ByteOrder.nativeOrder()));
                            if (item != null) result.add(item);
                        }
                    }
                    at += Message.align(length);
                }
            }
            if (!interrupted) return result;
        }
        throw new IOException(request.what().get() + ": the kernel's tables kept changing during " + DUMP_ATTEMPTS
                + " dumps in a row; retry when the churn is over");
    }

    private void send(long bytes) throws IOException {
        while (true) {
            long n = Native.sendto(state, fd, sendBuffer, bytes, 0, kernel, SOCKADDR_NL_SIZE);
            if (n == bytes) return;
            int errno = n < 0 ? Native.errno(state) : Native.EMSGSIZE;
            if (errno == Native.EINTR) continue;
            throw new IOException("cannot send " + bytes + " bytes of netlink requests to the kernel in " + where() + ": "
                    + Native.errnoName(errno) + adviceSuffix(errno));
        }
    }

    /** Receives one datagram into {@link #received}; returns a native-order view of it. */
    private ByteBuffer receive() throws IOException {
        while (true) {
            long n = Native.recv(state, fd, receiveBuffer, RECEIVE_BUFFER, Native.MSG_TRUNC);
            if (n >= 0) {
                if (n > RECEIVE_BUFFER) {
                    throw new IOException("a netlink answer of " + n + " bytes did not fit the " + RECEIVE_BUFFER
                            + "-byte receive buffer; this is a bug: report it");
                }
                MemorySegment.copy(receiveBuffer, ValueLayout.JAVA_BYTE, 0, received, 0, (int) n);
                return ByteBuffer.wrap(received, 0, (int) n).slice().order(ByteOrder.nativeOrder());
            }
            int errno = Native.errno(state);
            if (errno == Native.EINTR) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while waiting for the kernel's netlink answer");
                }
                continue;
            }
            if (errno == Native.EAGAIN) {
                throw new IOException("the kernel did not answer a netlink request within " + ANSWER_TIMEOUT_SECONDS
                        + " s in " + where() + "; the request's outcome is unknown: read the state back");
            }
            if (errno == Native.ENOBUFS) {
                throw new IOException("the netlink socket's receive buffer overflowed in " + where() + " and answers "
                        + "were lost; the outcome of the requests in flight is unknown: read the state back, and "
                        + "raise net.core.rmem_max if this repeats");
            }
            throw new IOException("cannot receive from the netlink socket in " + where() + ": "
                    + Native.errnoName(errno) + adviceSuffix(errno));
        }
    }

    private static String adviceSuffix(int errno) {
        String advice = Native.generalAdvice(errno);
        return advice == null ? "" : ": " + advice;
    }

    private static ByteBuffer copy(ByteBuffer datagram, int at, int length) {
        byte[] bytes = new byte[length];
        datagram.get(at, bytes);
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    /**
     * The NLMSGERR_ATTR_MSG text of an NLMSG_ERROR or NLMSG_DONE answer, or null. With NETLINK_CAP_ACK the echoed
     * request is only its header (NLM_F_CAPPED); the TLVs follow it when NLM_F_ACK_TLVS is set.
     */
    static String extendedAckMessage(ByteBuffer datagram, int at, int length) {
        int flags = Short.toUnsignedInt(datagram.getShort(at + 6));
        if ((flags & Message.NLM_F_ACK_TLVS) == 0) return null;
        int type = Short.toUnsignedInt(datagram.getShort(at + 4));
        int tlvs;
        if (type == Message.NLMSG_DONE) {
            tlvs = at + Message.HEADER + 4;
        } else {
            int inner = at + Message.HEADER + 4;   // after the error code: the echoed request's header
            if (inner + Message.HEADER > at + length) return null;
            int echoed = (flags & Message.NLM_F_CAPPED) != 0 ? Message.HEADER : datagram.getInt(inner);
            tlvs = inner + Message.align(echoed);
        }
        String text = Attributes.parse(datagram, tlvs, at + length).string(Message.NLMSGERR_ATTR_MSG);
        return text == null || text.isBlank() ? null : text;
    }

    /** The exception for a request the kernel refused with {@code errno}. */
    static NetlinkException refusal(Request request, int errno, String kernelMessage) {
        String advice = request.advice() == null ? null : request.advice().apply(errno);
        if (advice == null) advice = Native.generalAdvice(errno);
        StringBuilder message = new StringBuilder(request.what().get()).append(": ").append(Native.errnoName(errno));
        if (advice != null) message.append(": ").append(advice);
        if (kernelMessage != null) message.append(" (kernel: ").append(kernelMessage).append(')');
        return new NetlinkException(message.toString(), errno, kernelMessage, -1);
    }

    /** A request with its description and advice, for the domain classes. */
    static Request request(Message message, Supplier<String> what, IntFunction<String> advice) {
        return new Request(message, what, advice);
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("the netlink socket for " + where() + " is closed: open a new one");
    }

    /** Closes the socket and frees its buffers; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Native.close(fd);
        arena.close();
    }

    @Override
    public String toString() {
        return "Netlink[fd " + fd + ", " + where() + (closed ? ", closed]" : "]");
    }
}
