package io.vroute.bench.ingest;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's private network: two namespaces joined by a veth pair, {@code vrt-bench-<pid>-feed} holding
 * the feeder's 10.0.1.1/24 and {@code vrt-bench-<pid>-recv} holding the receiver's 10.0.1.2/24. Two namespaces,
 * not one, because BIRD takes a neighbour whose address is one of its own for a local address and never brings
 * the session up; the veth pair keeps the traffic inside the kernel, like loopback. Nothing is configured in
 * the namespace the benchmark was started from.
 *
 * <p>Receivers run in the receiver namespace through {@code ip netns exec}; the feeder's thread joins the feeder
 * namespace with setns(2), which moves only the calling thread.
 */
final class BenchNetwork implements AutoCloseable {
    static final Inet4Address FEEDER = v4("10.0.1.1");
    static final Inet4Address RECEIVER = v4("10.0.1.2");
    private static final int CLONE_NEWNET = 0x4000_0000; // <sched.h>
    private static final int O_RDONLY = 0, O_CLOEXEC = 0x80000;

    private final String feederNamespace;
    private final String receiverNamespace;
    private boolean closed;

    private BenchNetwork(String feederNamespace, String receiverNamespace) {
        this.feederNamespace = feederNamespace;
        this.receiverNamespace = receiverNamespace;
    }

    /** Creates both namespaces and the link between them; needs root. */
    static BenchNetwork create(long pid) throws IOException {
        String base = "vrt-bench-" + pid;
        BenchNetwork n = new BenchNetwork(base + "-feed", base + "-recv");
        n.deleteNamespaces(); // left over from an earlier run that was killed with this same PID
        String f = "vrtf" + pid, r = "vrtr" + pid; // interface names: at most 15 characters
        try {
            ip("netns", "add", n.feederNamespace);
            ip("netns", "add", n.receiverNamespace);
            ip("link", "add", f, "type", "veth", "peer", "name", r);
            ip("link", "set", f, "netns", n.feederNamespace);
            ip("link", "set", r, "netns", n.receiverNamespace);
            ip("-n", n.feederNamespace, "addr", "add", FEEDER.getHostAddress() + "/24", "dev", f);
            ip("-n", n.receiverNamespace, "addr", "add", RECEIVER.getHostAddress() + "/24", "dev", r);
            for (String ns : List.of(n.feederNamespace, n.receiverNamespace)) ip("-n", ns, "link", "set", "lo", "up");
            ip("-n", n.feederNamespace, "link", "set", f, "up");
            ip("-n", n.receiverNamespace, "link", "set", r, "up");
        } catch (IOException e) {
            n.close();
            throw e;
        }
        return n;
    }

    String feederNamespace() { return feederNamespace; }
    String receiverNamespace() { return receiverNamespace; }

    /** {@code command} run in the receiver namespace ({@code ip netns exec} execs in place: same PID). */
    List<String> inReceiverNamespace(List<String> command) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", receiverNamespace));
        out.addAll(command);
        return out;
    }

    /** Moves the calling thread, and only it, into the feeder namespace: its new sockets live there. */
    void enterFeederNamespace() throws IOException {
        Namespaces.enter("/var/run/netns/" + feederNamespace);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        deleteNamespaces();
    }

    private void deleteNamespaces() {
        for (String ns : List.of(feederNamespace, receiverNamespace)) {
            if (!Files.exists(Path.of("/var/run/netns", ns))) continue;
            try {
                ip("netns", "del", ns); // takes the veth end inside it, and so the pair, along
            } catch (IOException e) {
                System.err.println("could not delete network namespace " + ns + ": " + e.getMessage() + " (remove it with: ip netns del " + ns + ")");
            }
        }
    }

    private static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroy();
                throw new IOException(String.join(" ", cmd) + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            throw new IOException("interrupted while running " + String.join(" ", cmd), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + output
                    + " (the benchmark needs root and iproute2 with veth support; run it as root, e.g. sudo bin/bench-ingest)");
        }
    }

    private static Inet4Address v4(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** setns(2) through java.lang.foreign; bin/bench-ingest grants the JVM native access. */
    @SuppressWarnings("restricted")
    private static final class Namespaces {
        private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO = CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
        private static final MethodHandle OPEN, SETNS, CLOSE;

        static {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            OPEN = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                    errno, Linker.Option.firstVariadicArg(2));
            SETNS = linker.downcallHandle(libc.find("setns").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), errno);
            CLOSE = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        }

        static void enter(String path) throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CAPTURE);
                int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY | O_CLOEXEC, 0);
                if (fd < 0) throw new IOException("cannot open " + path + ": errno " + (int) ERRNO.get(state, 0L) + " (does the namespace exist?)");
                try {
                    int rc = (int) SETNS.invokeExact(state, fd, CLONE_NEWNET);
                    if (rc != 0) {
                        throw new IOException("setns(" + path + ") failed: errno " + (int) ERRNO.get(state, 0L)
                                + " (joining a network namespace needs root / CAP_SYS_ADMIN)");
                    }
                } finally {
                    int ignored = (int) CLOSE.invokeExact(fd);
                }
            } catch (IOException e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("setns through java.lang.foreign failed (run the JVM with --enable-native-access=ALL-UNNAMED)", t);
            }
        }
    }
}
