package io.vroute.bfd;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.random.RandomGenerator;

/**
 * A Linux UDP socket for BFD Control packets (RFC 5881), driven through java.lang.foreign because the JDK cannot
 * tell the TTL / hop limit a datagram arrived with (RFC 5881 §5 drops anything not received with 255).
 *
 * <p>Every native structure (send and receive buffers, {@code msghdr}, {@code iovec}, both socket addresses, the
 * control-message buffer and the errno capture state) is allocated once when the socket is opened and freed by
 * {@link #close()}. {@link #receive}, {@link #send} and the {@code last*} accessors allocate nothing (except
 * {@link #lastSourceAddress()}) and report failures as return codes, never as exceptions. Datagrams are limited
 * to {@value #MAX_DATAGRAM} bytes, far above the 255 a BFD Control packet can be (RFC 5880 §4.1 Length).
 *
 * <p>Not thread-safe: one thread (the event loop) uses and closes it. Linux values are from
 * {@code <linux/in.h>}, {@code <linux/in6.h>}, {@code <bits/socket.h>} and {@code <asm-generic/errno.h>}, x86_64
 * layouts.
 */
public final class UdpSocket implements AutoCloseable {
    /** Largest datagram {@link #send} accepts and {@link #receive} copies out. */
    public static final int MAX_DATAGRAM = 2048;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_IP = 0;
    static final int IP_TTL = 2;
    static final int IP_RECVTTL = 12;
    static final int IP_FREEBIND = 15;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_V6ONLY = 26;
    static final int IPV6_RECVHOPLIMIT = 51;
    static final int IPV6_HOPLIMIT = 52;
    static final int IPV6_FREEBIND = 78;
    static final int MSG_TRUNC = 0x20;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVBUFFORCE = 33;
    /** Receive buffer of a socket that reports TTLs (a BFD receiver), bytes. */
    static final int RECEIVE_BUFFER = 4 << 20;

    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EINVAL = 22;
    static final int EMFILE = 24;
    static final int EMSGSIZE = 90;
    static final int EAFNOSUPPORT = 97;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETUNREACH = 101;
    static final int EHOSTUNREACH = 113;

    /** How many ports {@link #bindInRange} tries before giving up. */
    static final int PORT_ATTEMPTS = 128;

    // struct msghdr (56 bytes), struct iovec (16), struct cmsghdr (16 + data, aligned to 8)
    private static final long MSG_NAME = 0, MSG_NAMELEN = 8, MSG_IOV = 16, MSG_IOVLEN = 24, MSG_CONTROL = 32,
            MSG_CONTROLLEN = 40, MSG_FLAGS = 48, MSGHDR_SIZE = 56;
    private static final long IOV_BASE = 0, IOV_LEN = 8, IOVEC_SIZE = 16;
    private static final long CMSG_LEVEL = 8, CMSG_TYPE = 12, CMSG_DATA = 16, CMSG_HEADER = 16;
    private static final int CONTROL_SIZE = 128;
    // struct sockaddr_in (16 bytes) and sockaddr_in6 (28); the port is in network byte order
    private static final long SA_FAMILY = 0, SA_PORT = 2, SIN_ADDR = 4, SIN6_ADDR = 8, SIN6_SCOPE_ID = 24;
    private static final int SOCKADDR_IN_SIZE = 16, SOCKADDR_IN6_SIZE = 28;
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    static final long ERRNO = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET = libc("socket",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT = libc("setsockopt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = libc("bind",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle GETSOCKNAME = libc("getsockname",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    // The packet path's calls capture no errno through the linker: that option slices a segment per call, which
    // escape analysis does not always remove, and the BFD thread must not allocate. errno is read right after a
    // failed call instead (errno(): good enough to tell EAGAIN and EINTR from the rest).
    private static final MethodHandle RECVMSG = plain("recvmsg",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle ERRNO_LOCATION = plain("__errno_location", FunctionDescriptor.of(ValueLayout.JAVA_LONG));
    private static final MemorySegment EVERYWHERE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final MethodHandle SENDTO = plain("sendto",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = libc("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final Arena arena;
    private final int fd;
    private final boolean ipv6;
    private final InetAddress localAddress;
    private final int localPort;
    private final int scopeId;
    private final int sockaddrSize;
    private final MemorySegment errno;
    private final MemorySegment rxData;
    private final MemorySegment txData;
    private final MemorySegment msghdr;
    private final MemorySegment iovec;
    private final MemorySegment rxName;
    private final MemorySegment txName;
    private final MemorySegment control;
    private final byte[] source = new byte[16];
    private int sourceLength;
    private int sourcePort;
    private int ttl = -1;
    private int lastErrno;
    private boolean closed;

    private UdpSocket(Arena arena, int fd, boolean ipv6, InetAddress localAddress, int localPort, int scopeId,
                      MemorySegment errno) {
        this.arena = arena;
        this.fd = fd;
        this.ipv6 = ipv6;
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.scopeId = scopeId;
        this.sockaddrSize = ipv6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE;
        this.errno = errno;
        this.rxData = arena.allocate(MAX_DATAGRAM, 8);
        this.txData = arena.allocate(MAX_DATAGRAM, 8);
        this.msghdr = arena.allocate(MSGHDR_SIZE, 8);
        this.iovec = arena.allocate(IOVEC_SIZE, 8);
        this.rxName = arena.allocate(SOCKADDR_IN6_SIZE, 8);
        this.txName = arena.allocate(SOCKADDR_IN6_SIZE, 8);
        this.control = arena.allocate(CONTROL_SIZE, 8);
        iovec.set(ValueLayout.ADDRESS, IOV_BASE, rxData);
        msghdr.set(ValueLayout.ADDRESS, MSG_NAME, rxName);
        msghdr.set(ValueLayout.ADDRESS, MSG_IOV, iovec);
        msghdr.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1);
        msghdr.set(ValueLayout.ADDRESS, MSG_CONTROL, control);
        txName.set(ValueLayout.JAVA_SHORT, SA_FAMILY, (short) (ipv6 ? AF_INET6 : AF_INET));
        if (ipv6) txName.set(ValueLayout.JAVA_INT, SIN6_SCOPE_ID, scopeId);
    }

    /**
     * Opens a non-blocking, close-on-exec UDP socket bound to {@code local:port}; the address family of
     * {@code local} decides IPv4 or IPv6, and an IPv6 socket is IPV6_V6ONLY. A link-local IPv6 address needs its
     * scope (e.g. {@code fe80::1%eth0}); that scope is also used for link-local destinations of {@link #send}.
     *
     * @param port       0..65535; 0 lets the kernel choose (see {@link #localPort()})
     * @param freebind   IP_FREEBIND (IPv4) / IPV6_FREEBIND (IPv6): the address need not be on an interface yet
     * @param sendTtl    1..255: the TTL (IP_TTL) or hop limit (IPV6_UNICAST_HOPS) of sent datagrams; 0 leaves the
     *                   system default. RFC 5881 §5 wants 255 for single-hop BFD
     * @param receiveTtl IP_RECVTTL / IPV6_RECVHOPLIMIT, so that {@link #lastTtl()} reports each datagram's TTL
     * @throws IOException when the socket cannot be made or bound; the message names the errno and what to do.
     *                     Binding fails with a {@link BindException} when the address is in use or not local.
     */
    public static UdpSocket bind(InetAddress local, int port, boolean freebind, int sendTtl, boolean receiveTtl)
            throws IOException {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("UDP port " + port + " is not in 0..65535");
        checkArguments(local, sendTtl);
        return open(local, port, freebind, sendTtl, receiveTtl);
    }

    /**
     * Like {@link #bind}, on a port drawn at random from {@code [fromPort, toPort]}; a port found in use
     * (EADDRINUSE) is skipped for another. A range of up to {@value #PORT_ATTEMPTS} ports is tried in full from a
     * random start; a wider one gets {@value #PORT_ATTEMPTS} random draws. RFC 5881 §4 takes BFD source ports from
     * 49152..65535.
     *
     * @throws BindException when every port tried was in use, or the address cannot be bound at all
     */
    public static UdpSocket bindInRange(InetAddress local, int fromPort, int toPort, RandomGenerator random,
                                        boolean freebind, int sendTtl, boolean receiveTtl) throws IOException {
        if (fromPort < 1 || toPort > 65535 || fromPort > toPort) {
            throw new IllegalArgumentException("UDP port range [" + fromPort + ", " + toPort
                    + "] must be non-empty and within 1..65535");
        }
        checkArguments(local, sendTtl);
        int size = toPort - fromPort + 1;
        boolean sweep = size <= PORT_ATTEMPTS;
        int start = random.nextInt(size);
        int attempts = sweep ? size : PORT_ATTEMPTS;
        for (int i = 0; i < attempts; i++) {
            int port = fromPort + (sweep ? (start + i) % size : random.nextInt(size));
            try {
                return open(local, port, freebind, sendTtl, receiveTtl);
            } catch (PortInUse e) {
                // try another port
            }
        }
        throw new BindException("no free UDP port on " + local.getHostAddress() + " in [" + fromPort + ", " + toPort
                + "] after trying " + attempts + " ports: widen the range or close sockets that hold its ports");
    }

    private static void checkArguments(InetAddress local, int sendTtl) {
        if (local == null) throw new IllegalArgumentException("no local address: give 0.0.0.0 or :: to bind to all");
        if (sendTtl < 0 || sendTtl > 255) {
            throw new IllegalArgumentException("send TTL " + sendTtl + " is not in 1..255 (or 0 for the system default)");
        }
    }

    private static UdpSocket open(InetAddress local, int port, boolean freebind, int sendTtl, boolean receiveTtl)
            throws IOException {
        boolean v6 = local instanceof Inet6Address;
        int scope = v6 ? ((Inet6Address) local).getScopeId() : 0;
        String where = (v6 ? "[" + local.getHostAddress() + "]" : local.getHostAddress()) + ":" + port;
        Arena arena = Arena.ofShared();
        int fd = -1;
        boolean opened = false;
        try {
            MemorySegment state = arena.allocate(CAPTURE);
            fd = (int) SOCKET.invokeExact(state, v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) throw failure("cannot open a UDP socket for " + where, errnoOf(state));
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            if (v6) {
                setOption(fd, value, state, IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY", where);
                if (freebind) setOption(fd, value, state, IPPROTO_IPV6, IPV6_FREEBIND, 1, "IPV6_FREEBIND", where);
                if (sendTtl != 0) setOption(fd, value, state, IPPROTO_IPV6, IPV6_UNICAST_HOPS, sendTtl, "IPV6_UNICAST_HOPS", where);
                if (receiveTtl) setOption(fd, value, state, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT", where);
            } else {
                if (freebind) setOption(fd, value, state, IPPROTO_IP, IP_FREEBIND, 1, "IP_FREEBIND", where);
                if (sendTtl != 0) setOption(fd, value, state, IPPROTO_IP, IP_TTL, sendTtl, "IP_TTL", where);
                if (receiveTtl) setOption(fd, value, state, IPPROTO_IP, IP_RECVTTL, 1, "IP_RECVTTL", where);
            }
            if (receiveTtl) {
                // A receiving socket of many sessions: room for ~4 MiB of datagrams, so that a stall of the reading
                // thread (a GC pause) loses no packets. SO_RCVBUFFORCE passes net.core.rmem_max when root; without
                // privileges SO_RCVBUF gets what rmem_max allows.
                try {
                    setOption(fd, value, state, SOL_SOCKET, SO_RCVBUFFORCE, RECEIVE_BUFFER, "SO_RCVBUFFORCE", where);
                } catch (IOException notPrivileged) {
                    setOption(fd, value, state, SOL_SOCKET, SO_RCVBUF, RECEIVE_BUFFER, "SO_RCVBUF", where);
                }
            }
            MemorySegment name = arena.allocate(SOCKADDR_IN6_SIZE, 8);
            int nameSize = writeSockaddr(name, v6, local.getAddress(), port, scope);
            int rc = (int) BIND.invokeExact(state, fd, name, nameSize);
            if (rc != 0) {
                int e = errnoOf(state);
                if (e == EADDRINUSE) throw new PortInUse("cannot bind UDP " + where + ": " + describe(e));
                throw failure("cannot bind UDP " + where, e);
            }
            MemorySegment nameLength = arena.allocate(ValueLayout.JAVA_INT);
            nameLength.set(ValueLayout.JAVA_INT, 0, SOCKADDR_IN6_SIZE);
            rc = (int) GETSOCKNAME.invokeExact(state, fd, name, nameLength);
            if (rc != 0) throw failure("cannot read the bound port of UDP " + where, errnoOf(state));
            int boundPort = Short.toUnsignedInt(name.get(PORT, SA_PORT));
            UdpSocket socket = new UdpSocket(arena, fd, v6, local, boundPort, scope, state);
            opened = true;
            return socket;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call failed while opening UDP " + where, t);
        } finally {
            if (!opened) {
                if (fd >= 0) closeFd(fd);
                arena.close();
            }
        }
    }

    private static void setOption(int fd, MemorySegment value, MemorySegment state, int level, int option, int v,
                                  String optionName, String where) throws Throwable {
        value.set(ValueLayout.JAVA_INT, 0, v);
        int rc = (int) SETSOCKOPT.invokeExact(state, fd, level, option, value, 4);
        if (rc != 0) throw failure("cannot set " + optionName + " on UDP " + where, errnoOf(state));
    }

    private static int writeSockaddr(MemorySegment sa, boolean v6, byte[] address, int port, int scope) {
        sa.fill((byte) 0);
        sa.set(ValueLayout.JAVA_SHORT, SA_FAMILY, (short) (v6 ? AF_INET6 : AF_INET));
        sa.set(PORT, SA_PORT, (short) port);
        long at = v6 ? SIN6_ADDR : SIN_ADDR;
        for (int i = 0; i < address.length; i++) sa.set(ValueLayout.JAVA_BYTE, at + i, address[i]);
        if (v6) sa.set(ValueLayout.JAVA_INT, SIN6_SCOPE_ID, scope);
        return v6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE;
    }

    private static IOException failure(String what, int errno) {
        String message = what + ": " + describe(errno);
        return errno == EADDRNOTAVAIL || errno == EACCES ? new BindException(message) : new IOException(message);
    }

    /** The errno's name and, for the ones a configuration can cause, what to do about it. */
    static String describe(int errno) {
        return switch (errno) {
            case EPERM -> "operation not permitted (EPERM): run with CAP_NET_ADMIN or CAP_NET_RAW";
            case EACCES -> "permission denied (EACCES): ports below 1024 need CAP_NET_BIND_SERVICE";
            case EMFILE -> "too many open files (EMFILE): raise the open-file limit (ulimit -n)";
            case EAFNOSUPPORT -> "address family not supported (EAFNOSUPPORT): is IPv6 disabled on this host?";
            case EADDRINUSE -> "address in use (EADDRINUSE): another socket holds this port; stop it or pick another";
            case EADDRNOTAVAIL -> "address not available (EADDRNOTAVAIL): the address is on no interface; "
                    + "configure it first or bind with freebind";
            case EINVAL -> "invalid argument (EINVAL)";
            default -> "errno " + errno;
        };
    }

    /** The file descriptor, for {@link Poller#add}. */
    public int fd() {
        return fd;
    }

    /** The address the socket was bound to, as given. */
    public InetAddress localAddress() {
        return localAddress;
    }

    /** The port the socket is bound to (the kernel's choice when bound to port 0). */
    public int localPort() {
        return localPort;
    }

    /** Whether this is an IPv6 socket; addresses given to and taken from it are then 16 bytes, else 4. */
    public boolean ipv6() {
        return ipv6;
    }

    /**
     * Takes the next waiting datagram without blocking and copies it into {@code buf} from index 0. Its source and
     * TTL are then available from {@link #lastSourceIs}, {@link #lastSourcePort()}, {@link #lastTtl()} and friends.
     * Allocates nothing.
     *
     * @return the datagram's full length, which exceeds {@code buf.length} (or {@value #MAX_DATAGRAM}) when it was
     *         truncated (MSG_TRUNC); -1 when nothing is waiting (EAGAIN); -2 on another error, whose errno
     *         {@link #lastErrno()} tells (EBADF once closed)
     */
    public int receive(byte[] buf) {
        if (closed) {
            lastErrno = EBADF;
            return -2;
        }
        int room = Math.min(buf.length, MAX_DATAGRAM);
        iovec.set(ValueLayout.JAVA_LONG, IOV_LEN, room);
        msghdr.set(ValueLayout.JAVA_INT, MSG_NAMELEN, SOCKADDR_IN6_SIZE);
        msghdr.set(ValueLayout.JAVA_LONG, MSG_CONTROLLEN, CONTROL_SIZE);
        msghdr.set(ValueLayout.JAVA_INT, MSG_FLAGS, 0);
        long n;
        try {
            // MSG_TRUNC as a flag: return the real datagram length even when it did not fit
            n = (long) RECVMSG.invokeExact(fd, msghdr, MSG_TRUNC);
        } catch (Throwable t) {
            throw unchecked(t);
        }
        if (n < 0) {
            int e = errno();
            lastErrno = e;
            return e == EAGAIN ? -1 : -2;
        }
        MemorySegment.copy(rxData, ValueLayout.JAVA_BYTE, 0, buf, 0, (int) Math.min(n, room));
        readSource();
        readTtl();
        return (int) n;
    }

    private void readSource() {
        int family = rxName.get(ValueLayout.JAVA_SHORT, SA_FAMILY);
        sourcePort = Short.toUnsignedInt(rxName.get(PORT, SA_PORT));
        if (family == AF_INET6) {
            sourceLength = 16;
            for (int i = 0; i < 16; i++) source[i] = rxName.get(ValueLayout.JAVA_BYTE, SIN6_ADDR + i);
        } else if (family == AF_INET) {
            sourceLength = 4;
            for (int i = 0; i < 4; i++) source[i] = rxName.get(ValueLayout.JAVA_BYTE, SIN_ADDR + i);
        } else {
            sourceLength = 0;
        }
    }

    /** Walks the control messages for IP_TTL (IPv4) or IPV6_HOPLIMIT (IPv6), each carrying an int. */
    private void readTtl() {
        ttl = -1;
        long length = msghdr.get(ValueLayout.JAVA_LONG, MSG_CONTROLLEN);
        int wantLevel = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
        int wantType = ipv6 ? IPV6_HOPLIMIT : IP_TTL;
        long at = 0;
        while (at + CMSG_HEADER <= length) {
            long cmsgLength = control.get(ValueLayout.JAVA_LONG, at);
            if (cmsgLength < CMSG_HEADER || at + cmsgLength > length) return;
            if (control.get(ValueLayout.JAVA_INT, at + CMSG_LEVEL) == wantLevel
                    && control.get(ValueLayout.JAVA_INT, at + CMSG_TYPE) == wantType
                    && cmsgLength >= CMSG_HEADER + 4) {
                ttl = control.get(ValueLayout.JAVA_INT, at + CMSG_DATA);
                return;
            }
            at += (cmsgLength + 7) & ~7L;                 // CMSG_ALIGN to 8 bytes
        }
    }

    /**
     * The TTL (IPv4) or hop limit (IPv6) the last received datagram arrived with, or -1 if the kernel gave none
     * (the socket was bound without {@code receiveTtl}). RFC 5881 §5 accepts only 255.
     */
    public int lastTtl() {
        return ttl;
    }

    /** The source port of the last received datagram. */
    public int lastSourcePort() {
        return sourcePort;
    }

    /**
     * Copies the source address of the last received datagram (4 or 16 bytes) into {@code dst} from index 0.
     *
     * @return how many bytes were copied; 0 before any datagram
     */
    public int lastSource(byte[] dst) {
        System.arraycopy(source, 0, dst, 0, sourceLength);
        return sourceLength;
    }

    /** Whether the last received datagram came from exactly {@code address} (4 or 16 raw bytes). Allocates nothing. */
    public boolean lastSourceIs(byte[] address) {
        if (address.length != sourceLength || sourceLength == 0) return false;
        for (int i = 0; i < sourceLength; i++) {
            if (address[i] != source[i]) return false;
        }
        return true;
    }

    /** The source of the last received datagram as an InetAddress, or null before any; allocates (for logs). */
    public InetAddress lastSourceAddress() {
        if (sourceLength == 0) return null;
        byte[] copy = new byte[sourceLength];
        System.arraycopy(source, 0, copy, 0, sourceLength);
        try {
            return InetAddress.getByAddress(copy);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a " + sourceLength + "-byte source address", e);
        }
    }

    /**
     * Sends {@code buf[0..len)} to {@code address:port} without blocking. Allocates nothing.
     *
     * @param address 4 raw bytes on an IPv4 socket, 16 on an IPv6 one
     * @return 0 when sent, else the errno: EAGAIN (11) when the send buffer is full, ENETUNREACH (101),
     *         EHOSTUNREACH (113), EAFNOSUPPORT (97) for an address of the wrong length, EMSGSIZE (90) above
     *         {@value #MAX_DATAGRAM} bytes, EINVAL (22) for a bad length or port, EBADF (9) once closed
     */
    public int send(byte[] buf, int len, byte[] address, int port) {
        int e;
        if (closed) e = EBADF;
        else if (address.length != (ipv6 ? 16 : 4)) e = EAFNOSUPPORT;
        else if (len > MAX_DATAGRAM) e = EMSGSIZE;
        else if (len < 0 || len > buf.length || port < 0 || port > 65535) e = EINVAL;
        else e = 0;
        if (e != 0) {
            lastErrno = e;
            return e;
        }
        MemorySegment.copy(buf, 0, txData, ValueLayout.JAVA_BYTE, 0, len);
        txName.set(PORT, SA_PORT, (short) port);
        long at = ipv6 ? SIN6_ADDR : SIN_ADDR;
        for (int i = 0; i < address.length; i++) txName.set(ValueLayout.JAVA_BYTE, at + i, address[i]);
        long n;
        try {
            n = (long) SENDTO.invokeExact(fd, txData, (long) len, 0, txName, sockaddrSize);
        } catch (Throwable t) {
            throw unchecked(t);
        }
        if (n < 0) {
            lastErrno = errno();
            return lastErrno;
        }
        return 0;
    }

    /** The errno of the last failed {@link #receive} or {@link #send}. */
    public int lastErrno() {
        return lastErrno;
    }

    /** Closes the socket and frees its native memory; later calls do nothing. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        closeFd(fd);
        arena.close();
    }

    @Override
    public String toString() {
        return "UdpSocket[fd " + fd + ", " + (ipv6 ? "[" + localAddress.getHostAddress() + "]" : localAddress.getHostAddress())
                + ":" + localPort + (closed ? ", closed]" : "]");
    }

    // --- shared with Poller ---

    /** A downcall handle to a libc function whose first argument is a {@link #CAPTURE} segment that receives errno. */
    @SuppressWarnings("restricted")     // the JVM runs with --enable-native-access (see the surefire argLine)
    static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("libc has no " + name + ": vroute's BFD needs Linux with glibc")),
                descriptor, Linker.Option.captureCallState("errno"));
    }

    /** A downcall handle without errno capture, for the packet path (see {@link #errno()}). */
    static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(
                () -> new IllegalStateException("libc has no " + name + ": vroute's BFD needs Linux with glibc")), descriptor);
    }

    /** The calling thread's errno, read through glibc's {@code __errno_location()}; allocates nothing. */
    static int errno() {
        try {
            long at = (long) ERRNO_LOCATION.invokeExact();
            return EVERYWHERE.get(ValueLayout.JAVA_INT, at);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int errnoOf(MemorySegment state) {
        return state.get(ValueLayout.JAVA_INT, ERRNO);
    }

    /**
     * close(2). Its result is not looked at: Linux releases the descriptor even when close reports an error, and
     * for a socket or eventfd that error can only be EINTR or EBADF (a bug the next call on the fd shows).
     */
    static void closeFd(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) CLOSE.invokeExact(state, fd);
            assert rc == 0 : "close(" + fd + ") failed: errno " + errnoOf(state);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** A downcall can only throw what the JVM throws; pass it on without wrapping runtime failures. */
    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed", t);
    }

    /** EADDRINUSE from bind, which {@link #bindInRange} answers by trying another port. */
    private static final class PortInUse extends BindException {
        PortInUse(String message) {
            super(message);
        }
    }
}
