package io.vroute.bfd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 5881 transport on loopback: TTL / hop limit in and out, source ports, truncation, freebind, the poller. */
class UdpSocketTest {
    static final long MS = 1_000_000L;
    static final int EPHEMERAL_FROM = 49152;   // RFC 5881 §4 source port range
    static final int EPHEMERAL_TO = 65535;

    static InetAddress loopback(String family) throws IOException {
        return InetAddress.getByName(family.equals("v6") ? "::1" : "127.0.0.1");
    }

    /** Polls until the socket has a datagram (loopback delivers at once; the bound only keeps a failure short). */
    static int receiveWithin(UdpSocket s, byte[] buf, long nanos) throws IOException {
        try (Poller poller = new Poller()) {
            poller.add(s.fd());
            long deadline = System.nanoTime() + nanos;
            int n;
            while ((n = s.receive(buf)) == -1 && System.nanoTime() < deadline) {
                poller.poll(deadline - System.nanoTime());
            }
            return n;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v4", "v6"})
    void datagramSentWithTtl255ArrivesWith255FromTheSendersAddressAndPort(String family) throws IOException {
        InetAddress lo = loopback(family);
        try (UdpSocket rx = UdpSocket.bind(lo, 0, false, 0, true);
             UdpSocket tx = UdpSocket.bindInRange(lo, EPHEMERAL_FROM, EPHEMERAL_TO, new SplittableRandom(1), false, 255, false)) {
            byte[] packet = {0x20, 0x40, 0x03, 0x18, 1, 2, 3, 4};
            assertEquals(0, tx.send(packet, packet.length, lo.getAddress(), rx.localPort()));

            byte[] buf = new byte[64];
            assertEquals(packet.length, receiveWithin(rx, buf, 2_000 * MS));
            assertArrayEquals(packet, java.util.Arrays.copyOf(buf, packet.length));
            assertEquals(255, rx.lastTtl());
            assertEquals(tx.localPort(), rx.lastSourcePort());
            assertTrue(rx.lastSourceIs(lo.getAddress()));
            assertFalse(rx.lastSourceIs(new byte[lo.getAddress().length]));
            byte[] source = new byte[16];
            assertEquals(lo.getAddress().length, rx.lastSource(source));
            assertArrayEquals(lo.getAddress(), java.util.Arrays.copyOf(source, lo.getAddress().length));
            assertEquals(lo, rx.lastSourceAddress());
            assertEquals(family.equals("v6"), rx.ipv6());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v4", "v6"})
    void datagramSentWithTtl7ArrivesWith7SoTheReceiverCanDropIt(String family) throws IOException {
        InetAddress lo = loopback(family);
        try (UdpSocket rx = UdpSocket.bind(lo, 0, false, 0, true);
             UdpSocket tx = UdpSocket.bind(lo, 0, false, 7, false)) {
            byte[] packet = {1, 2, 3};
            assertEquals(0, tx.send(packet, packet.length, lo.getAddress(), rx.localPort()));
            assertEquals(3, receiveWithin(rx, new byte[64], 2_000 * MS));
            assertEquals(7, rx.lastTtl(), "RFC 5881 §5 drops this one: the caller needs to see it was not 255");
        }
    }

    @Test
    void withoutReceiveTtlTheKernelReportsNone() throws IOException {
        InetAddress lo = loopback("v4");
        try (UdpSocket rx = UdpSocket.bind(lo, 0, false, 0, false);
             UdpSocket tx = UdpSocket.bind(lo, 0, false, 255, false)) {
            assertEquals(0, tx.send(new byte[] {9}, 1, lo.getAddress(), rx.localPort()));
            assertEquals(1, receiveWithin(rx, new byte[8], 2_000 * MS));
            assertEquals(-1, rx.lastTtl());
        }
    }

    @Test
    void bindInRangePicksDistinctPortsInsideTheRange() throws IOException {
        InetAddress lo = loopback("v4");
        SplittableRandom random = new SplittableRandom(42);
        try (UdpSocket a = UdpSocket.bindInRange(lo, EPHEMERAL_FROM, EPHEMERAL_TO, random, false, 255, false);
             UdpSocket b = UdpSocket.bindInRange(lo, EPHEMERAL_FROM, EPHEMERAL_TO, random, false, 255, false)) {
            assertTrue(a.localPort() >= EPHEMERAL_FROM && a.localPort() <= EPHEMERAL_TO, "port " + a.localPort());
            assertTrue(b.localPort() >= EPHEMERAL_FROM && b.localPort() <= EPHEMERAL_TO, "port " + b.localPort());
            assertNotEquals(a.localPort(), b.localPort());
        }
    }

    @Test
    void bindInRangeSkipsPortsInUseAndGivesUpWhenAllAre() throws IOException {
        InetAddress lo = loopback("v4");
        try (UdpSocket first = UdpSocket.bindInRange(lo, EPHEMERAL_FROM, EPHEMERAL_TO, new SplittableRandom(3), false, 0, false)) {
            int taken = first.localPort();
            int other = taken == EPHEMERAL_TO ? taken - 1 : taken + 1;
            int from = Math.min(taken, other);
            int to = Math.max(taken, other);
            // a two-port range is swept in full, so the taken port is skipped whichever one is drawn first
            try (UdpSocket second = UdpSocket.bindInRange(lo, from, to, new SplittableRandom(3), false, 0, false)) {
                assertEquals(other, second.localPort());
                BindException full = assertThrows(BindException.class,
                        () -> UdpSocket.bindInRange(lo, from, to, new SplittableRandom(3), false, 0, false));
                assertTrue(full.getMessage().contains("no free UDP port"), full.getMessage());
                assertTrue(full.getMessage().contains("widen the range"), full.getMessage());
            }
        }
    }

    @Test
    void emptySocketReceivesMinusOne() throws IOException {
        try (UdpSocket s = UdpSocket.bind(loopback("v4"), 0, false, 0, true)) {
            assertEquals(-1, s.receive(new byte[64]));
            assertEquals(UdpSocket.EAGAIN, s.lastErrno());
        }
    }

    @Test
    void truncatedDatagramReportsItsFullLength() throws IOException {
        InetAddress lo = loopback("v4");
        try (UdpSocket rx = UdpSocket.bind(lo, 0, false, 0, true);
             UdpSocket tx = UdpSocket.bind(lo, 0, false, 255, false)) {
            byte[] packet = new byte[100];
            for (int i = 0; i < packet.length; i++) packet[i] = (byte) i;
            assertEquals(0, tx.send(packet, packet.length, lo.getAddress(), rx.localPort()));
            byte[] small = new byte[24];
            assertEquals(100, receiveWithin(rx, small, 2_000 * MS));
            assertArrayEquals(java.util.Arrays.copyOf(packet, 24), small);
            assertEquals(255, rx.lastTtl());
            assertEquals(-1, rx.receive(small), "the rest of a truncated datagram is gone, not a second datagram");
        }
    }

    @Test
    void sendRejectsAnAddressOfTheOtherFamilyWithoutThrowing() throws IOException {
        try (UdpSocket s = UdpSocket.bind(loopback("v4"), 0, false, 0, false)) {
            assertEquals(UdpSocket.EAFNOSUPPORT, s.send(new byte[4], 4, new byte[16], 3784));
            assertEquals(UdpSocket.EINVAL, s.send(new byte[4], 5, new byte[] {127, 0, 0, 1}, 3784));
            assertEquals(UdpSocket.EINVAL, s.lastErrno());
        }
    }

    @Test
    void closedSocketReportsEbadfAndClosesOnce() throws IOException {
        UdpSocket s = UdpSocket.bind(loopback("v4"), 0, false, 0, false);
        s.close();
        s.close();
        assertEquals(-2, s.receive(new byte[8]));
        assertEquals(UdpSocket.EBADF, s.lastErrno());
        assertEquals(UdpSocket.EBADF, s.send(new byte[1], 1, new byte[] {127, 0, 0, 1}, 3784));
    }

    @Test
    void portInUseIsABindExceptionThatSaysWhatToDo() throws IOException {
        InetAddress lo = loopback("v4");
        try (UdpSocket s = UdpSocket.bind(lo, 0, false, 0, false)) {
            BindException e = assertThrows(BindException.class, () -> UdpSocket.bind(lo, s.localPort(), false, 0, false));
            assertTrue(e.getMessage().contains("EADDRINUSE"), e.getMessage());
            assertTrue(e.getMessage().contains(String.valueOf(s.localPort())), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.77", "2001:db8::77"})
    void freebindBindsAnAddressOnNoInterface(String address) throws IOException {
        InetAddress absent = InetAddress.getByName(address);
        String family = absent.getAddress().length == 4 ? "ipv4" : "ipv6";
        assumeTrue(Files.readString(Path.of("/proc/sys/net/" + family + "/ip_nonlocal_bind")).trim().equals("0"),
                "this host binds non-local addresses anyway (net." + family + ".ip_nonlocal_bind=1)");

        try (UdpSocket s = UdpSocket.bind(absent, 0, true, 255, true)) {
            assertEquals(absent, s.localAddress());
            assertTrue(s.localPort() > 0);
        }
        BindException e = assertThrows(BindException.class, () -> UdpSocket.bind(absent, 0, false, 255, true));
        assertTrue(e.getMessage().contains(absent.getHostAddress()), e.getMessage());
        assertTrue(e.getMessage().contains("EADDRNOTAVAIL") && e.getMessage().contains("freebind"), e.getMessage());
    }

    @Test
    void invalidArgumentsAreRefusedBeforeAnySocketIsMade() {
        assertThrows(IllegalArgumentException.class, () -> UdpSocket.bind(loopback("v4"), 0, false, 256, false));
        assertThrows(IllegalArgumentException.class, () -> UdpSocket.bind(loopback("v4"), 65536, false, 0, false));
        assertThrows(IllegalArgumentException.class,
                () -> UdpSocket.bindInRange(loopback("v4"), 60000, 50000, new SplittableRandom(1), false, 0, false));
    }

    @Test
    void pollReportsTheSocketWithAWaitingDatagram() throws IOException {
        InetAddress lo = loopback("v4");
        try (Poller poller = new Poller();
             UdpSocket rx = UdpSocket.bind(lo, 0, false, 0, true);
             UdpSocket idle = UdpSocket.bind(lo, 0, false, 0, true);
             UdpSocket tx = UdpSocket.bind(lo, 0, false, 255, false)) {
            poller.add(rx.fd());
            poller.add(idle.fd());
            assertEquals(0, poller.poll(0));
            assertFalse(poller.readable(rx.fd()));

            assertEquals(0, tx.send(new byte[] {1}, 1, lo.getAddress(), rx.localPort()));
            assertEquals(1, poller.poll(2_000 * MS));
            assertTrue(poller.readable(rx.fd()));
            assertFalse(poller.readable(idle.fd()));
            assertFalse(poller.readable(tx.fd()), "not in the set");

            assertEquals(1, rx.receive(new byte[8]));
            poller.remove(rx.fd());
            assertEquals(0, tx.send(new byte[] {2}, 1, lo.getAddress(), rx.localPort()));
            assertEquals(0, poller.poll(20 * MS), "a removed fd is no longer watched");
        }
    }

    @Test
    void pollTimesOutAfterTheTimeout() throws IOException {
        try (Poller poller = new Poller(); UdpSocket s = UdpSocket.bind(loopback("v6"), 0, false, 0, true)) {
            poller.add(s.fd());
            long start = System.nanoTime();
            assertEquals(0, poller.poll(20 * MS));
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= 15 * MS, "poll returned after " + elapsed / 1000 + " µs");
            assertFalse(poller.readable(s.fd()));
        }
    }

    @Test
    void wakeFromAnotherThreadEndsAnEndlessPoll() throws Exception {
        try (Poller poller = new Poller()) {
            CountDownLatch polling = new CountDownLatch(1);
            AtomicLong returnedAt = new AtomicLong();
            Thread waiter = Thread.ofPlatform().start(() -> {
                polling.countDown();
                int ready = poller.poll(Long.MAX_VALUE);
                returnedAt.set(ready == 0 ? System.nanoTime() : -1);
            });
            assertTrue(polling.await(5, TimeUnit.SECONDS));
            Thread.sleep(50);                           // let it block in ppoll
            assertTrue(waiter.isAlive(), "poll(Long.MAX_VALUE) returned without a wake");
            long wokenAt = System.nanoTime();
            poller.wake();
            waiter.join(5_000);
            assertFalse(waiter.isAlive(), "wake() did not end the poll");
            assertTrue(returnedAt.get() > 0, "the woken poll must count no ready fd");
            assertTrue(returnedAt.get() - wokenAt < 1_000 * MS, "woke after " + (returnedAt.get() - wokenAt) / MS + " ms");
            assertEquals(0, poller.poll(0), "the wake-up was drained");
        }
    }

    @Test
    void wakeBeforePollMakesTheNextPollReturnAtOnce() throws IOException {
        try (Poller poller = new Poller()) {
            poller.wake();
            poller.wake();
            long start = System.nanoTime();
            assertEquals(0, poller.poll(5_000 * MS));
            assertTrue(System.nanoTime() - start < 1_000 * MS);
        }
    }

    @Test
    void pollerGrowsPastItsFirstArray() throws IOException {
        InetAddress lo = loopback("v4");
        UdpSocket[] sockets = new UdpSocket[40];
        try (Poller poller = new Poller(); UdpSocket tx = UdpSocket.bind(lo, 0, false, 255, false)) {
            for (int i = 0; i < sockets.length; i++) {
                sockets[i] = UdpSocket.bind(lo, 0, false, 0, false);
                poller.add(sockets[i].fd());
            }
            UdpSocket last = sockets[sockets.length - 1];
            assertEquals(0, tx.send(new byte[] {1}, 1, lo.getAddress(), last.localPort()));
            assertEquals(1, poller.poll(2_000 * MS));
            assertTrue(poller.readable(last.fd()));
            assertFalse(poller.readable(sockets[0].fd()));
        } finally {
            for (UdpSocket s : sockets) if (s != null) s.close();
        }
    }

    @Test
    void aHundredThousandRoundTripsAllocateNothing() throws IOException {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot count allocated bytes per thread: run the test on a HotSpot JVM");
        InetAddress lo = loopback("v4");
        try (Poller poller = new Poller();
             UdpSocket rx = UdpSocket.bind(lo, 0, false, 0, true);
             UdpSocket tx = UdpSocket.bindInRange(lo, EPHEMERAL_FROM, EPHEMERAL_TO, new SplittableRandom(9), false, 255, false)) {
            poller.add(rx.fd());
            byte[] packet = new byte[24];
            byte[] buf = new byte[64];
            byte[] to = lo.getAddress();

            long bad = roundTrips(poller, rx, tx, packet, buf, to, 100_000);      // warm-up: JIT
            long before = threads.getCurrentThreadAllocatedBytes();
            bad += roundTrips(poller, rx, tx, packet, buf, to, 100_000);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertEquals(0, bad, "every datagram must come back whole, with TTL 255, from the sender");
            assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for 100,000 round trips: something allocates per packet");
        }
    }

    private static long roundTrips(Poller poller, UdpSocket rx, UdpSocket tx, byte[] packet, byte[] buf, byte[] to, int rounds) {
        long bad = 0;
        for (int i = 0; i < rounds; i++) {
            packet[0] = (byte) i;
            if (tx.send(packet, packet.length, to, rx.localPort()) != 0) bad++;
            int ready = poller.poll(0);
            if (ready == 0) ready = poller.poll(1_000 * MS);    // loopback delivery normally beats the poll
            if (ready != 1 || !poller.readable(rx.fd())) bad++;
            if (rx.receive(buf) != packet.length || buf[0] != (byte) i || rx.lastTtl() != 255
                    || !rx.lastSourceIs(to) || rx.lastSourcePort() != tx.localPort()) {
                bad++;
            }
        }
        return bad;
    }
}
