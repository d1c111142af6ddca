package io.vroute.bfd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two BFD engines in this process, on 127.0.0.1 and 127.0.0.2 of the loopback, talking real UDP with TTL 255 on a
 * port of their own: sessions come Up, a silent peer is declared Down within its detection time, AdminDown is told
 * apart from a failure, and packets that break RFC 5881's rules are dropped with a counter.
 */
class BfdEngineTest {
    private static final InetAddress A = address("127.0.0.1"), B = address("127.0.0.2");
    private final int port = 20_000 + new SplittableRandom().nextInt(20_000);
    private BfdEngine a, b;
    private final List<Change> atA = new CopyOnWriteArrayList<>(), atB = new CopyOnWriteArrayList<>();

    record Change(SessionState from, SessionState to, Diagnostic diag, SessionState remote, long nanos) {}

    @BeforeEach
    void start() throws Exception {
        a = BfdEngine.start(port);
        b = BfdEngine.start(port);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    private BfdEngine.Peer[] pair(BfdEngine.Timers timers) throws Exception {
        BfdEngine.Peer pa = a.add(A, B, timers, null, (p, f, t, d, r, n) -> atA.add(new Change(f, t, d, r, n)));
        BfdEngine.Peer pb = b.add(B, A, timers, null, (p, f, t, d, r, n) -> atB.add(new Change(f, t, d, r, n)));
        waitFor(() -> pa.state() == SessionState.UP && pb.state() == SessionState.UP, 5_000, "both sessions Up");
        return new BfdEngine.Peer[] {pa, pb};
    }

    @Test
    void sessionsComeUpAndStayUp() throws Exception {
        BfdEngine.Peer[] p = pair(BfdEngine.Timers.ofMillis(50, 50, 3));
        Thread.sleep(600);
        assertEquals(SessionState.UP, p[0].state());
        assertEquals(SessionState.UP, atA.getLast().to());
        assertTrue(atA.stream().noneMatch(c -> c.to() == SessionState.DOWN), "no Down while both run: " + atA);
        BfdEngine.Status s = p[0].status();
        assertEquals(150, s.detectionTimeMicros() / 1000, "3 x 50 ms once Up");
        assertTrue(s.sent() >= 8, "50 ms packets for 600 ms: " + s.sent());
        assertTrue(s.sourcePort() >= 49152, "RFC 5881 §4 source port range: " + s.sourcePort());
    }

    @Test
    void aSilentPeerIsDownWithinTheDetectionTime() throws Exception {
        pair(BfdEngine.Timers.ofMillis(50, 50, 3));
        long frozen = System.nanoTime();
        b.closeSilently();
        waitFor(() -> atA.stream().anyMatch(c -> c.to() == SessionState.DOWN), 2_000, "A declares B down");
        Change down = atA.stream().filter(c -> c.to() == SessionState.DOWN).findFirst().orElseThrow();
        long ms = (down.nanos() - frozen) / 1_000_000;
        assertEquals(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED, down.diag());
        // the last packet from B left up to one interval before the freeze: Down comes 100-150 ms after it, + slack
        assertTrue(ms >= 90 && ms <= 200, "Down " + ms + " ms after the peer went silent (detection time 150 ms)");
    }

    @Test
    void removingASessionSendsAdminDownWhichIsNoFailure() throws Exception {
        BfdEngine.Peer[] p = pair(BfdEngine.Timers.ofMillis(50, 50, 3));
        p[0].remove();
        waitFor(() -> atB.stream().anyMatch(c -> c.to() == SessionState.DOWN), 2_000, "B sees the AdminDown");
        Change down = atB.stream().filter(c -> c.to() == SessionState.DOWN).findFirst().orElseThrow();
        assertEquals(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, down.diag());
        assertEquals(SessionState.ADMIN_DOWN, down.remote(), "RFC 5882 §3.2: the client can tell it from a failure");
        waitFor(() -> a.sessions() == 0, 7_000, "A forgets the session after the AdminDown grace");
    }

    @Test
    void closingTheEngineSendsAdminDown() throws Exception {
        pair(BfdEngine.Timers.ofMillis(50, 50, 3));
        a.close();
        waitFor(() -> atB.stream().anyMatch(c -> c.to() == SessionState.DOWN), 2_000, "B sees A stop");
        assertEquals(SessionState.ADMIN_DOWN, atB.stream().filter(c -> c.to() == SessionState.DOWN).findFirst().orElseThrow().remote());
    }

    @Test
    void newTimersTakeEffectWithoutGoingDown() throws Exception {
        BfdEngine.Peer[] p = pair(BfdEngine.Timers.ofMillis(300, 300, 3));
        // after Up, the 1 s rate of §6.8.3 gives way to 300 ms through a first Poll Sequence
        waitFor(() -> p[1].status().detectionTimeMicros() == 900_000, 3_000, "B at 3 x 300 ms");
        p[0].setTimers(BfdEngine.Timers.ofMillis(300, 300, 5));
        // RFC 5880 §6.8.4: B's detection time is A's multiplier x max(B's RX, A's TX)
        waitFor(() -> p[1].status().detectionTimeMicros() == 1_500_000, 3_000, "B uses A's new multiplier");
        assertTrue(atA.stream().noneMatch(c -> c.to() == SessionState.DOWN) && atB.stream().noneMatch(c -> c.to() == SessionState.DOWN),
                "a Poll Sequence changes timers without a flap");
    }

    @Test
    void packetsBreakingTheSingleHopRulesAreDroppedAndCounted() throws Exception {
        BfdEngine.Peer[] p = pair(BfdEngine.Timers.ofMillis(50, 50, 3));
        byte[] good = new byte[64];
        ControlPacket c = new ControlPacket().wrap(good, 0, good.length).clear(24).setState(SessionState.DOWN)
                .setDetectMult(3).setMyDiscriminator(12345).setDesiredMinTx(1_000_000).setRequiredMinRx(1_000_000);
        assertEquals(Verdict.ACCEPT, c.check());
        byte[] to = A.getAddress();
        // RFC 5881 §5: TTL 254 means one router away: dropped, though the packet is fine
        try (UdpSocket far = UdpSocket.bind(B, 0, false, 254, false)) {
            assertEquals(0, far.send(good, 24, to, port));
        }
        // garbage with TTL 255
        try (UdpSocket near = UdpSocket.bind(B, 0, false, 255, false)) {
            assertEquals(0, near.send(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 8, to, port));
        }
        // a good packet from an address with no session
        try (UdpSocket stranger = UdpSocket.bind(address("127.0.0.3"), 0, false, 255, false)) {
            assertEquals(0, stranger.send(good, 24, to, port));
        }
        waitFor(() -> {
            BfdEngine.Counters k = a.counters();
            return k.badTtl() == 1 && k.malformed() == 1 && k.noSession() == 1;
        }, 2_000, "each bad packet counted once: " + a.counters());
        Thread.sleep(200);
        assertEquals(SessionState.UP, p[0].state(), "the session is untouched");
        assertTrue(atA.stream().noneMatch(x -> x.to() == SessionState.DOWN));
    }

    @Test
    void theBfdThreadAllocatesNothingPerPacket() throws Exception {
        // 40 sessions each way at 10 ms: ~8,000 packets a second through both engines' threads
        List<BfdEngine.Peer> mine = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            InetAddress far = address("127.0.1." + (i + 1));
            mine.add(a.add(A, far, BfdEngine.Timers.ofMillis(10, 10, 5), null, (p, f, t, d, r, n) -> { }));
            b.add(far, A, BfdEngine.Timers.ofMillis(10, 10, 5), null, (p, f, t, d, r, n) -> { });
        }
        waitFor(() -> mine.stream().allMatch(p -> p.state() == SessionState.UP), 5_000, "40 sessions Up");
        Thread.sleep(2_000);                                     // warm: the JIT has compiled the loop
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] ids = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("vroute-bfd"))
                .mapToLong(Thread::threadId).toArray();
        assertEquals(2, ids.length);
        long before = java.util.Arrays.stream(threads.getThreadAllocatedBytes(ids)).sum();
        long sentBefore = mine.stream().mapToLong(p -> p.status().sent()).sum();
        Thread.sleep(3_000);
        long allocated = java.util.Arrays.stream(threads.getThreadAllocatedBytes(ids)).sum() - before;
        long sent = mine.stream().mapToLong(p -> p.status().sent()).sum() - sentBefore;
        assertTrue(sent > 5_000, "packets went out: " + sent);
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated by the BFD threads for " + 2 * sent + " packets");
    }

    @Test
    void oneSessionPerPairOfAddresses() throws Exception {
        a.add(A, B, BfdEngine.Timers.DEFAULT, null, (p, f, t, d, r, n) -> { });
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> a.add(A, B, BfdEngine.Timers.DEFAULT, null, (p, f, t, d, r, n) -> { }));
        assertTrue(e.getMessage().contains("RFC 5881 §3"), e.getMessage());
        assertNotNull(a.add(A, address("127.0.0.9"), BfdEngine.Timers.DEFAULT, null, (p, f, t, d, r, n) -> { }));
    }

    private static void waitFor(BooleanSupplier done, long millis, String what) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for: " + what);
            Thread.sleep(5);
        }
    }

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
