package io.vroute.bgp.session;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The Linux socket options Netty does not expose, set through java.lang.foreign: the TTL/hop limit pair of
 * GTSM (RFC 5082) and the saved SYN that tells what TTL an accepted connection arrived with. Linux values from
 * {@code <netinet/in.h>}, {@code <linux/in6.h>} and {@code <linux/tcp.h>}.
 */
final class SocketOptions {
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_IPV6 = 41;
    static final int IP_TTL = 2;
    static final int IP_MINTTL = 21;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MINHOPCOUNT = 73;
    static final int IPPROTO_TCP = 6;
    static final int TCP_SAVE_SYN = 27;
    static final int TCP_SAVED_SYN = 28;
    /** RFC 5082 §3: segments from a directly connected peer arrive with TTL 255, or 254 after one hop. */
    static final int GTSM_MIN_TTL = 254;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle GETSOCKOPT;

    static {
        Linker linker = Linker.nativeLinker();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        SETSOCKOPT = linker.downcallHandle(linker.defaultLookup().find("setsockopt").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_INT), errno);
        GETSOCKOPT = linker.downcallHandle(linker.defaultLookup().find("getsockopt").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS), errno);
    }

    private SocketOptions() {}

    /**
     * RFC 5082 §3: send with TTL (hop limit) 255 and accept only segments that arrive with at least 254, i.e.
     * from a directly connected peer.
     */
    static void applyGtsm(int fd, boolean ipv6) throws IOException {
        if (ipv6) {
            setInt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255);
            setInt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, 254);
        } else {
            setInt(fd, IPPROTO_IP, IP_TTL, 255);
            setInt(fd, IPPROTO_IP, IP_MINTTL, 254);
        }
    }

    static void setInt(int fd, int level, int name, int value) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) SETSOCKOPT.invokeExact(state, fd, level, name, v, 4);
            if (rc != 0) throw new IOException("setsockopt(" + level + ", " + name + ") failed: errno " + (int) ERRNO.get(state, 0L));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("setsockopt failed", t);
        }
    }

    /**
     * The TTL (IPv4) or hop limit (IPv6) of the SYN that opened an accepted connection, from the IP header the
     * kernel saved because the listener has TCP_SAVE_SYN; -1 when none was saved. Readable once per socket.
     */
    static int savedSynTtl(int fd) throws IOException {
        byte[] syn = getBytes(fd, IPPROTO_TCP, TCP_SAVED_SYN, 512);
        if (syn.length < 20) return -1;
        int version = (syn[0] & 0xF0) >>> 4;
        if (version == 4) return syn[8] & 0xFF;
        if (version == 6 && syn.length >= 40) return syn[7] & 0xFF;
        return -1;
    }

    static byte[] getBytes(int fd, int level, int name, int max) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(max);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, max);
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) GETSOCKOPT.invokeExact(state, fd, level, name, v, len);
            if (rc != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                if (errno == 2) return new byte[0]; // ENOENT: nothing saved
                throw new IOException("getsockopt(" + level + ", " + name + ") failed: errno " + errno);
            }
            return v.asSlice(0, Math.min(max, len.get(ValueLayout.JAVA_INT, 0))).toArray(ValueLayout.JAVA_BYTE);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("getsockopt failed", t);
        }
    }

    static int getInt(int fd, int level, int name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, 4);
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) GETSOCKOPT.invokeExact(state, fd, level, name, v, len);
            if (rc != 0) throw new IOException("getsockopt(" + level + ", " + name + ") failed: errno " + (int) ERRNO.get(state, 0L));
            return v.get(ValueLayout.JAVA_INT, 0);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("getsockopt failed", t);
        }
    }
}
