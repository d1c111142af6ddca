package io.vroute.bfd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Encoding, decoding, signing and checking allocate nothing per packet once warm. */
class AllocationTest {
    static final int PACKETS = 100_000;
    static final long MS = 1_000_000L;

    @Test
    void aHundredThousandPacketsAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot count allocated bytes per thread: run the test on a HotSpot JVM");
        byte[] key = "no-garbage".getBytes(StandardCharsets.US_ASCII);
        BfdSession a = new BfdSession(0x0a0a, 300_000, 300_000, 3, Authentication.meticulousKeyedSha1(1, key, 1),
                new SplittableRandom(1), (f, t, d, n) -> { });
        BfdSession b = new BfdSession(0x0b0b, 300_000, 300_000, 3, Authentication.meticulousKeyedSha1(1, key, 2),
                new SplittableRandom(2), (f, t, d, n) -> { });
        BfdSession plainA = new BfdSession(0x0c0c, 300_000, 300_000, 3, null, new SplittableRandom(3), (f, t, d, n) -> { });
        BfdSession plainB = new BfdSession(0x0d0d, 300_000, 300_000, 3, null, new SplittableRandom(4), (f, t, d, n) -> { });
        byte[] wire = new byte[64];
        ControlPacket p = new ControlPacket();

        long t = exchange(a, b, plainA, plainB, wire, p, 0, PACKETS);        // warm-up: JIT, first state changes
        long before = threads.getCurrentThreadAllocatedBytes();
        t = exchange(a, b, plainA, plainB, wire, p, t, PACKETS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(SessionState.UP, a.state());
        assertEquals(SessionState.UP, plainB.state());
        assertEquals(0, a.discardedTotal() + b.discardedTotal() + plainA.discardedTotal() + plainB.discardedTotal());
        assertTrue(allocated < 1024, allocated + " bytes allocated for " + 4 * PACKETS + " packets: something allocates per packet");
    }

    private static long exchange(BfdSession a, BfdSession b, BfdSession c, BfdSession d, byte[] wire, ControlPacket p,
                                 long t, int rounds) {
        for (int i = 0; i < rounds; i++) {
            t += MS;
            b.receive(p.wrap(wire, 0, a.buildPacket(wire, t)), t);
            a.receive(p.wrap(wire, 0, b.buildPacket(wire, t)), t);
            d.receive(p.wrap(wire, 0, c.buildPacket(wire, t)), t);
            c.receive(p.wrap(wire, 0, d.buildPacket(wire, t)), t);
            a.checkDetection(t);
            c.nextTransmit(t);
        }
        return t;
    }
}
