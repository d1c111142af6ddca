package io.vroute.linux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Named network namespaces, kept the way {@code ip netns} keeps them: a namespace NAME is a bind mount of the
 * namespace on the file {@code /run/netns/NAME}, so vroute's namespaces and {@code ip netns}' are the same ones.
 *
 * <p>The daemon's own threads never change namespace. Whatever must happen inside one (creating it, making a
 * socket in it, reading its {@code /proc/sys/net}) runs on a dedicated platform thread that enters the namespace
 * (setns(2) with CLONE_NEWNET, which Linux allows per thread) and ends with the work, so no thread is ever reused
 * in the wrong namespace. What that thread creates keeps its namespace: a socket belongs to the namespace it was
 * created in for its whole life, whichever thread uses it later. This is how vroute listens for BGP and BFD
 * inside a VPC's namespace ({@link #call}) and programs it ({@link Netlink#openIn}).
 */
public final class Namespaces {
    /** Where named namespaces are mounted, as for {@code ip netns}. */
    public static final Path RUN_NETNS = Path.of("/run/netns");

    /** Names {@code ip netns} accepts: a file name, no slash, not . or .. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@+-]{1,64}");

    private Namespaces() {}

    /**
     * Work to run inside a namespace, throwing at most {@code X}: the compiler infers {@code X} from a lambda's body,
     * so {@code Namespaces.call(ns, () -> new ServerSocket(179))} throws IOException and nothing broader.
     */
    @FunctionalInterface
    public interface Task<T, X extends Exception> {
        /** Runs the work, inside the namespace. */
        T run() throws X;
    }

    /**
     * Creates the named network namespace, as {@code ip netns add} does: a platform thread unshares into a new
     * network namespace, bind-mounts it on {@code /run/netns/NAME} and sets its loopback up (which {@code ip}
     * leaves down). {@code /run/netns} is made a shared mount first, so that the namespace is visible from other
     * mount namespaces too.
     *
     * @throws IOException when the namespace exists (delete it or pick another name), or the kernel refuses (not
     *                     root: the message says so)
     */
    public static void create(String name) throws IOException {
        checkName(name);
        Files.createDirectories(RUN_NETNS);
        makeRunDirectoryShared();
        Path file = RUN_NETNS.resolve(name);
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("network namespace " + name + " exists already (" + file + "): delete it first or "
                    + "pick another name", e);
        }
        try {
            onOwnThread("vroute-netns-create-" + name, () -> { }, () -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment state = arena.allocate(Native.CAPTURE);
                    if (Native.unshare(state, Native.CLONE_NEWNET) != 0) {
                        throw failure("cannot create network namespace " + name + " (unshare)", Native.errno(state));
                    }
                    // this thread's namespace, not the process's: /proc/self/ns/net is the main thread's
                    if (Native.mount(state, cString(arena, "/proc/thread-self/ns/net"), cString(arena, file.toString()),
                            cString(arena, "none"), Native.MS_BIND, MemorySegment.NULL) != 0) {
                        throw failure("cannot bind-mount network namespace " + name + " on " + file, Native.errno(state));
                    }
                }
                try (Netlink netlink = Netlink.open()) {   // opened in the new namespace: this thread is there
                    netlink.links().setUp("lo");
                }
                return null;
            });
        } catch (IOException | RuntimeException | Error e) {
            try {
                unmount(file);
                Files.deleteIfExists(file);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Deletes the named namespace, as {@code ip netns delete} does: detaches its mount and removes the file. The
     * namespace itself lives on while anything still holds it: a process inside, or a socket created in it (close
     * the {@link Netlink}s opened there first).
     *
     * @throws IOException when there is no such namespace, or the kernel refuses
     */
    public static void delete(String name) throws IOException {
        checkName(name);
        Path file = RUN_NETNS.resolve(name);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no network namespace " + name + ": nothing to delete");
        }
        unmount(file);
        Files.delete(file);
    }

    /** Whether a namespace of that name exists (its file under {@code /run/netns}). */
    public static boolean exists(String name) {
        checkName(name);
        return Files.exists(RUN_NETNS.resolve(name));
    }

    /** The names under {@code /run/netns}, sorted. */
    public static List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(RUN_NETNS)) return names;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(RUN_NETNS)) {
            for (Path p : files) names.add(p.getFileName().toString());
        }
        names.sort(null);
        return names;
    }

    /**
     * Runs {@code task} inside the named namespace, on a new platform thread that entered it, and returns its
     * result; the caller waits. Sockets the task creates stay in the namespace: a {@code java.net.ServerSocket} or
     * {@code ServerSocketChannel} bound there listens there; for Netty, create (bind) the channel inside the task.
     * The task should do what needs the namespace and return: the thread ends with it.
     *
     * <p>Threads started by the task are in the namespace too (Linux copies the creating thread's namespaces), for
     * good. So the task must not be the first to use a shared pool that starts threads lazily: the common
     * ForkJoinPool, the virtual-thread scheduler, {@code CompletableFuture.supplyAsync}, parallel streams, or a
     * Netty event loop group that other namespaces also use; such a pool would keep workers in this namespace and
     * create other namespaces' sockets here. Open sockets inside; run them from anywhere.
     *
     * @throws X           what the task throws, unchanged
     * @throws IOException when the namespace does not exist or cannot be entered
     */
    public static <T, X extends Exception> T call(String name, Task<T, X> task) throws X, IOException {
        int fd = openNamespaceFile(name);
        try {
            return onOwnThread("vroute-netns-" + name, () -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment state = arena.allocate(Native.CAPTURE);
                    if (Native.setns(state, fd, Native.CLONE_NEWNET) != 0) {
                        throw failure("cannot enter network namespace " + name + " (setns)", Native.errno(state));
                    }
                }
            }, task);
        } finally {
            Native.close(fd);
        }
    }

    /**
     * Writes a per-namespace kernel setting under {@code /proc/sys/net}, inside the namespace: a thread sees the
     * {@code /proc/sys/net} of the namespace it is in when it opens the file.
     *
     * @param key   a sysctl name under {@code net.}, dotted ({@code net.ipv4.ip_forward}) or as a path below
     *              /proc/sys ({@code net/ipv4/conf/eth0.100/forwarding}, for names with dots)
     * @throws IOException when the namespace or the setting does not exist
     */
    public static void writeSysctl(String name, String key, String value) throws IOException {
        Path path = sysctlPath(key);
        call(name, () -> {
            Files.writeString(path, value + "\n", StandardCharsets.US_ASCII);
            return null;
        });
    }

    /** Reads a per-namespace kernel setting under {@code /proc/sys/net} ({@link #writeSysctl}), trimmed. */
    public static String readSysctl(String name, String key) throws IOException {
        Path path = sysctlPath(key);
        return call(name, () -> Files.readString(path, StandardCharsets.US_ASCII).strip());
    }

    /**
     * Makes the namespace a router: IPv4 forwarding ({@code net.ipv4.ip_forward}) and IPv6 forwarding
     * ({@code net.ipv6.conf.all.forwarding}; skipped when IPv6 is disabled) on.
     */
    public static void enableForwarding(String name) throws IOException {
        writeSysctl(name, "net.ipv4.ip_forward", "1");
        call(name, () -> {
            Path v6 = sysctlPath("net.ipv6.conf.all.forwarding");
            if (Files.exists(v6)) Files.writeString(v6, "1\n", StandardCharsets.US_ASCII);
            return null;
        });
    }

    static Path sysctlPath(String key) {
        String relative = key.indexOf('/') >= 0 ? key : key.replace('.', '/');
        if (!relative.startsWith("net/") || relative.contains("..") || !relative.matches("[A-Za-z0-9_./@+-]+")) {
            throw new IllegalArgumentException("'" + key + "' is not a per-namespace setting: give one under net., "
                    + "e.g. net.ipv4.ip_forward");
        }
        return Path.of("/proc/sys").resolve(relative);
    }

    /** Opens {@code /run/netns/NAME} read-only (for setns or IFLA_NET_NS_FD); the caller closes the fd. */
    static int openNamespaceFile(String name) throws IOException {
        checkName(name);
        Path file = RUN_NETNS.resolve(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            int fd = Native.open(state, cString(arena, file.toString()), Native.O_RDONLY | Native.O_CLOEXEC);
            if (fd >= 0) return fd;
            int errno = Native.errno(state);
            if (errno == Native.ENOENT) {
                throw new NoSuchFileException(file.toString(), null, "no network namespace " + name
                        + ": create it first (Namespaces.create or ip netns add)");
            }
            throw failure("cannot open network namespace " + name + " (" + file + ")", errno);
        }
    }

    /**
     * Makes {@code /run/netns} a shared mount, as {@code ip netns add} does: mount propagation then carries the
     * namespace mounts to other mount namespaces. When it is no mount point yet (EINVAL), it is bind-mounted on
     * itself first.
     */
    private static synchronized void makeRunDirectoryShared() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            MemorySegment dir = cString(arena, RUN_NETNS.toString());
            MemorySegment none = cString(arena, "none");
            MemorySegment empty = cString(arena, "");
            if (Native.mount(state, empty, dir, none, Native.MS_SHARED | Native.MS_REC, MemorySegment.NULL) == 0) return;
            int errno = Native.errno(state);
            if (errno != Native.EINVAL) throw failure("cannot make " + RUN_NETNS + " a shared mount", errno);
            if (Native.mount(state, dir, dir, none, Native.MS_BIND | Native.MS_REC, MemorySegment.NULL) != 0) {
                throw failure("cannot bind-mount " + RUN_NETNS + " on itself", Native.errno(state));
            }
            if (Native.mount(state, empty, dir, none, Native.MS_SHARED | Native.MS_REC, MemorySegment.NULL) != 0) {
                throw failure("cannot make " + RUN_NETNS + " a shared mount", Native.errno(state));
            }
        }
    }

    /** umount2(MNT_DETACH); a file that is no mount point (EINVAL) or is gone (ENOENT) is fine. */
    private static void unmount(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            if (Native.umount2(state, cString(arena, file.toString()), Native.MNT_DETACH) != 0) {
                int errno = Native.errno(state);
                if (errno != Native.EINVAL && errno != Native.ENOENT) {
                    throw failure("cannot unmount network namespace " + file, errno);
                }
            }
        }
    }

    /** What a namespace thread does before its task: enter the namespace. */
    @FunctionalInterface
    private interface Prelude {
        void run() throws IOException;
    }

    /**
     * Runs {@code prelude} then {@code task} on a new platform thread and waits for it; rethrows what either threw,
     * unchanged.
     */
    private static <T, X extends Exception> T onOwnThread(String threadName, Prelude prelude, Task<T, X> task)
            throws X, IOException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(() -> {
            try {
                prelude.run();
                result.set(task.run());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for work in a network namespace (" + threadName + ")");
        }
        Throwable t = thrown.get();
        if (t == null) return result.get();
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        if (t instanceof IOException io) throw io;
        throw Namespaces.<X>sneaky(t);   // the task's own checked exception, which is an X
    }

    @SuppressWarnings("unchecked")
    private static <X extends Exception> X sneaky(Throwable t) {
        return (X) t;
    }

    private static IOException failure(String what, int errno) {
        String advice = switch (errno) {
            case Native.EPERM, Native.EACCES -> "not permitted: namespaces need root (CAP_SYS_ADMIN)";
            case Native.EINVAL -> "the kernel refused (is it a network namespace file? was the kernel built with "
                    + "network namespaces?)";
            default -> Native.generalAdvice(errno);
        };
        return new NetlinkException(what + ": " + Native.errnoName(errno) + (advice == null ? "" : ": " + advice),
                errno, null, -1);
    }

    private static MemorySegment cString(Arena arena, String s) {
        return arena.allocateFrom(s, StandardCharsets.UTF_8);
    }

    /** @throws IllegalArgumentException for a name that is no plain file name */
    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("'" + name + "' is not a namespace name: use 1 to 64 letters, digits "
                    + "and . _ - @ +, not . or ..");
        }
    }
}
