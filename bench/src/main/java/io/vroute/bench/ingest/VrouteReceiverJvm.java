package io.vroute.bench.ingest;

import io.vroute.bgp.session.BgpSpeaker;
import io.vroute.bgp.session.PeerConfig;
import io.vroute.bgp.session.SpeakerConfig;
import io.vroute.bgp.wire.AddressFamily;
import io.vroute.rib.Rib;
import io.vroute.rib.RibOptions;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * The process the vroute receiver runs in (its own JVM, started by {@link VrouteReceiver} in the receiver
 * namespace, so that its heap holds nothing but the receiver): a passive {@link BgpSpeaker} for the feeder and a
 * {@link RibLoop}. It talks to the benchmark over stdin and stdout, one line each way:
 *
 * <pre>
 *   out: ready | established | down REASON | error TEXT
 *        decided ROUTES CHANGES NANOS APPLY_NANOS DRAIN_NANOS BATCHES PAUSES JIT_MS GC_CYCLES GC_MS
 *          (from the first UPDATE's arrival; the RIB thread's time in apply and in drainChanges; batches it ran;
 *          how often it paused the socket; since the last memory measurement or session end: JIT compilation
 *          time summed over compiler threads, garbage collection cycles and their time as the collectors report it)
 *   in:  memory   -> memory HEAP_USED_AFTER_FULL_GC RSS
 *        mark     -> marked   (the churn warm-up is over: decisions from now on are measured, and hiccups)
 *        latency  -> latency WARM_UP MEASURED HICCUPS UNMATCHED
 *                    (each of the three: COUNT P50 P99 P999 MAX in nanoseconds; UNMATCHED: churned prefixes whose
 *                    best path did not change, so they have no sample)
 *        status   -> status TEXT
 *        quit     -> (closes the session and exits)
 * </pre>
 * Arguments: {@code LISTEN_ADDRESS LOCAL_AS PEER_ADDRESS PEER_AS EXPECTED_ROUTES LATENCY_SAMPLES HICCUP_SAMPLES}.
 */
final class VrouteReceiverJvm {
    private VrouteReceiverJvm() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // library output must not mix with the protocol
        if (args.length != 7) {
            out.println("error usage: VrouteReceiverJvm LISTEN_ADDRESS LOCAL_AS PEER_ADDRESS PEER_AS EXPECTED_ROUTES LATENCY_SAMPLES HICCUP_SAMPLES");
            System.exit(2);
        }
        InetAddress listen = InetAddress.getByName(args[0]);
        long localAs = Long.parseLong(args[1]);
        InetAddress peer = InetAddress.getByName(args[2]);
        long peerAs = Long.parseLong(args[3]);
        long expected = Long.parseLong(args[4]);
        long[] samples = new long[Integer.parseInt(args[5])]; // before the idle measurement, so not counted as held
        Hiccups hiccups = new Hiccups(Integer.parseInt(args[6]));

        Rib rib = new Rib(new RibOptions(localAs, true), nextHop -> "eni-feeder");
        RibLoop loop = new RibLoop(rib, expected, samples, line -> {
            String l = line.startsWith("decided ") ? line + " " + JvmWork.since() : line;
            if (line.startsWith("down ")) JvmWork.mark();
            synchronized (out) { out.println(l); }
        });
        loop.start();
        BgpSpeaker speaker;
        try {
            speaker = BgpSpeaker.start(new SpeakerConfig(localAs, listen, List.of(new InetSocketAddress(listen, 179)), false), loop);
        } catch (Exception e) {
            out.println("error " + e.getMessage());
            System.exit(1);
            return;
        }
        loop.speaker(speaker);
        speaker.addPeer(PeerConfig.builder(peer, peerAs).passive(true).holdTime(TableFeeder.HOLD_TIME)
                .families(Set.of(AddressFamily.IPV4_UNICAST)).build());
        synchronized (out) { out.println("ready"); }

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String cmd; (cmd = in.readLine()) != null; ) {
            String reply = switch (cmd.trim()) {
                case "memory" -> {
                    String m = "memory " + heapAfterFullGc() + " " + ProcessMemory.rss(ProcessHandle.current().pid());
                    JvmWork.mark(); // the explicit collections are not the feed's
                    yield m;
                }
                case "mark" -> {
                    loop.markWarmedUp();
                    hiccups.record(true);
                    yield "marked";
                }
                case "latency" -> {
                    hiccups.record(false);
                    Latencies[] l = loop.latencies();
                    yield "latency " + l[0].toLine() + " " + l[1].toLine() + " " + hiccups.summary().toLine() + " " + loop.unmatched();
                }
                case "status" -> "status " + loop.status();
                case "quit" -> null;
                default -> "error unknown command '" + cmd + "': use memory, mark, latency, status or quit";
            };
            if (reply == null) break;
            synchronized (out) { out.println(reply); }
        }
        loop.stop();
        speaker.close("benchmark finished");
        System.exit(0);
    }

    /** JIT and GC work since the last {@link #mark} (or the JVM's start). */
    private static final class JvmWork {
        private static long jit, cycles, gcMs;

        static synchronized void mark() {
            long[] now = now();
            jit = now[0];
            cycles = now[1];
            gcMs = now[2];
        }

        /** "JIT_MS GC_CYCLES GC_MS" since the last mark. */
        static synchronized String since() {
            long[] now = now();
            return (now[0] - jit) + " " + (now[1] - cycles) + " " + (now[2] - gcMs);
        }

        private static long[] now() {
            long c = 0, ms = 0;
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (!gc.getName().contains("Cycles")) continue; // ZGC also has beans for its pauses: count each cycle once
                c += Math.max(0, gc.getCollectionCount());
                ms += Math.max(0, gc.getCollectionTime());
            }
            return new long[] {ManagementFactory.getCompilationMXBean().getTotalCompilationTime(), c, ms};
        }
    }

    /** Heap in use after two explicit full collections (with ZGC, System.gc() is a synchronous major cycle). */
    private static long heapAfterFullGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
