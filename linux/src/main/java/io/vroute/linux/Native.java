package io.vroute.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The libc calls this module makes, as java.lang.foreign downcalls that capture errno: sockets, namespaces and
 * mounts. Each wrapper takes the capture segment first (allocate it from {@link #CAPTURE}) and returns what the C
 * function returns; read the errno of a failed call with {@link #errno}. Linux values are from
 * {@code <asm-generic/socket.h>}, {@code <linux/sched.h>}, {@code <linux/mount.h>}, {@code <asm-generic/fcntl.h>}
 * and {@code <asm-generic/errno-base.h>}; structure layouts are x86_64 and aarch64 (LP64).
 */
final class Native {
    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_ROUTE = 0;

    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;
    static final int NETLINK_GET_STRICT_CHK = 12;
    static final int MSG_TRUNC = 0x20;

    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    static final long MS_BIND = 4096;
    static final long MS_REC = 16384;
    static final long MS_SHARED = 1L << 20;
    static final int MNT_DETACH = 2;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EMFILE = 24;
    static final int ERANGE = 34;
    static final int EMSGSIZE = 90;
    static final int EPROTONOSUPPORT = 93;
    static final int EOPNOTSUPP = 95;
    static final int EAFNOSUPPORT = 97;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETDOWN = 100;
    static final int ENETUNREACH = 101;
    static final int ENOBUFS = 105;
    static final int EHOSTUNREACH = 113;

    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final long ERRNO = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final MemoryLayout PTR = ValueLayout.ADDRESS;

    private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle BIND = libc("bind", FunctionDescriptor.of(INT, INT, PTR, INT));
    private static final MethodHandle GETSOCKNAME = libc("getsockname", FunctionDescriptor.of(INT, INT, PTR, PTR));
    private static final MethodHandle SETSOCKOPT = libc("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT));
    private static final MethodHandle GETSOCKOPT = libc("getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, PTR));
    private static final MethodHandle SENDTO = libc("sendto", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, INT));
    private static final MethodHandle RECV = libc("recv", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(INT, INT));
    // open(2) is variadic: the mode follows the flags (it is read only with O_CREAT, which this module never uses)
    private static final MethodHandle OPEN = libc("open", FunctionDescriptor.of(INT, PTR, INT, INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle UNSHARE = libc("unshare", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle SETNS = libc("setns", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle MOUNT = libc("mount", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR));
    private static final MethodHandle UMOUNT2 = libc("umount2", FunctionDescriptor.of(INT, PTR, INT));

    private Native() {}

    /** A downcall handle to a libc function whose first argument is a {@link #CAPTURE} segment that receives errno. */
    @SuppressWarnings("restricted")     // the JVM runs with --enable-native-access (see the surefire argLine)
    private static MethodHandle libc(String name, FunctionDescriptor descriptor, Linker.Option... more) {
        Linker linker = Linker.nativeLinker();
        Linker.Option[] options = new Linker.Option[more.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(more, 0, options, 1, more.length);
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("libc has no " + name + ": vroute's Linux data plane needs Linux with glibc")),
                descriptor, options);
    }

    /** The errno a failed call left in the capture segment. */
    static int errno(MemorySegment state) {
        return state.get(ValueLayout.JAVA_INT, ERRNO);
    }

    static int socket(MemorySegment state, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(state, domain, type, protocol);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int bind(MemorySegment state, int fd, MemorySegment address, int length) {
        try {
            return (int) BIND.invokeExact(state, fd, address, length);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int getsockname(MemorySegment state, int fd, MemorySegment address, MemorySegment length) {
        try {
            return (int) GETSOCKNAME.invokeExact(state, fd, address, length);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int setsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, int length) {
        try {
            return (int) SETSOCKOPT.invokeExact(state, fd, level, name, value, length);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int getsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, MemorySegment length) {
        try {
            return (int) GETSOCKOPT.invokeExact(state, fd, level, name, value, length);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static long sendto(MemorySegment state, int fd, MemorySegment buffer, long length, int flags,
                       MemorySegment address, int addressLength) {
        try {
            return (long) SENDTO.invokeExact(state, fd, buffer, length, flags, address, addressLength);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static long recv(MemorySegment state, int fd, MemorySegment buffer, long length, int flags) {
        try {
            return (long) RECV.invokeExact(state, fd, buffer, length, flags);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * close(2), result ignored: Linux releases the descriptor even when close reports an error, and for the
     * sockets and namespace files closed here that error can only be EINTR or EBADF.
     */
    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) CLOSE.invokeExact(arena.allocate(CAPTURE), fd);
            assert rc == 0 : "close(" + fd + ") failed";
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int open(MemorySegment state, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(state, path, flags, 0);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int unshare(MemorySegment state, int flags) {
        try {
            return (int) UNSHARE.invokeExact(state, flags);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int setns(MemorySegment state, int fd, int nstype) {
        try {
            return (int) SETNS.invokeExact(state, fd, nstype);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int mount(MemorySegment state, MemorySegment source, MemorySegment target, MemorySegment type, long flags,
                     MemorySegment data) {
        try {
            return (int) MOUNT.invokeExact(state, source, target, type, flags, data);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int umount2(MemorySegment state, MemorySegment target, int flags) {
        try {
            return (int) UMOUNT2.invokeExact(state, target, flags);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** A downcall can only throw what the JVM throws; pass runtime failures on unwrapped. */
    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed", t);
    }

    /** The symbolic name of an errno ("EEXIST"), or "errno N" for one this module has no name for. */
    static String errnoName(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ESRCH -> "ESRCH";
            case EINTR -> "EINTR";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case EMFILE -> "EMFILE";
            case ERANGE -> "ERANGE";
            case EMSGSIZE -> "EMSGSIZE";
            case EPROTONOSUPPORT -> "EPROTONOSUPPORT";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EAFNOSUPPORT -> "EAFNOSUPPORT";
            case EADDRINUSE -> "EADDRINUSE";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
            case ENETDOWN -> "ENETDOWN";
            case ENETUNREACH -> "ENETUNREACH";
            case ENOBUFS -> "ENOBUFS";
            case EHOSTUNREACH -> "EHOSTUNREACH";
            default -> "errno " + errno;
        };
    }

    /** What to do about an errno any operation can meet; null for errnos whose advice depends on the operation. */
    static String generalAdvice(int errno) {
        return switch (errno) {
            case EPERM, EACCES -> "not permitted: run as root or with CAP_NET_ADMIN (and CAP_SYS_ADMIN for namespaces)";
            case EMFILE -> "too many open files: raise the open-file limit (ulimit -n) or close sockets";
            case ENOMEM, ENOBUFS -> "the kernel is out of memory for this request: retry later or make the batch smaller";
            case EOPNOTSUPP -> "the kernel does not support this: load the module it needs (modprobe bridge, veth) "
                    + "or use a newer kernel";
            case EPROTONOSUPPORT, EAFNOSUPPORT -> "the address family is not supported: is IPv6 disabled on this host?";
            default -> null;
        };
    }
}
