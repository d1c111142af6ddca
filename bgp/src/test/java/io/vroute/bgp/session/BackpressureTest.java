package io.vroute.bgp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.bgp.feed.SyntheticTable;
import io.vroute.bgp.wire.BgpMessage;
import io.vroute.bgp.wire.KeepaliveMessage;
import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.SessionContext;
import io.vroute.bgp.wire.UpdateMessage;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Keepalives and hold timers never wait behind UPDATE processing; a slow consumer pauses reading. */
class BackpressureTest extends LoopbackTest {

    /**
     * The consumer a RIB would be: UPDATEs are queued on the I/O thread and applied slowly on another one;
     * above a high-water mark it pauses the session, below a low-water mark it resumes.
     */
    private static final class SlowConsumer implements SessionListener, AutoCloseable {
        final Events events = new Events();
        final BlockingQueue<UpdateMessage> queue = new ArrayBlockingQueue<>(100_000);
        final AtomicInteger pauses = new AtomicInteger();
        final AtomicInteger applied = new AtomicInteger();
        volatile BgpSpeaker speaker;
        volatile boolean paused;
        volatile InetAddress pausedPeer;
        private final Thread worker = Thread.ofPlatform().daemon().start(this::work);

        @Override public void update(PeerInfo p, UpdateMessage u) {
            if (!queue.offer(u)) throw new AssertionError("the queue overflowed: pausing did not hold the session back");
            if (!paused && queue.size() > 5_000) {
                paused = true;
                pausedPeer = p.address();
                pauses.incrementAndGet();
                speaker.pauseReading(p.address());
            }
        }

        private void work() {
            try {
                while (true) {
                    queue.take();
                    if (applied.incrementAndGet() % 10 == 0) Thread.sleep(1); // a slow RIB: under 10,000 UPDATEs a second
                    if (paused && queue.size() < 500) {
                        paused = false;
                        speaker.resumeReading(pausedPeer);
                    }
                }
            } catch (InterruptedException e) {
                // closed
            }
        }

        @Override public void established(PeerInfo p, io.vroute.bgp.wire.OpenMessage o, SessionContext c, int h) { events.established(p, o, c, h); }
        @Override public void down(PeerInfo p, String r, boolean s) { events.down(p, r, s); }
        @Override public void notification(PeerInfo p, NotificationMessage n, boolean s) { events.notification(p, n, s); }
        @Override public void close() { worker.interrupt(); }
    }

    @Test
    void floodingPeerDoesNotExpireAnyHoldTimer() throws Exception {
        SlowConsumer consumer = closeLater(new SlowConsumer());
        BgpSpeaker s = speaker("127.0.19.1", 65000, consumer);
        consumer.speaker = s;
        s.addPeer(PeerConfig.builder(ip("127.0.19.2"), 65001).holdTime(3).build());
        s.addPeer(PeerConfig.builder(ip("127.0.19.3"), 65001).holdTime(3).build());
        RawPeer flood = raw("127.0.19.2", s);
        flood.establish(RawPeer.open(65001, 3, "10.0.0.2"));
        RawPeer quiet = raw("127.0.19.3", s);
        quiet.establish(RawPeer.open(65001, 3, "10.0.0.3"));
        List<byte[]> updates = SyntheticTable.generate(7, 100_000, 10_000, 65001, ip("127.0.19.2"))
                .encodedUpdates(SessionContext.FOUR_OCTET);
        long seconds = 11;
        Thread flooder = Thread.ofPlatform().start(() -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            try {
                OutputStream out = flood.socket.getOutputStream();
                while (System.nanoTime() < end) for (byte[] u : updates) out.write(u);
            } catch (Exception e) {
                // the assertions below say what happened to the session
            }
        });
        Thread drain = Thread.ofPlatform().daemon().start(() -> { // read the speaker's keepalives to the flooder
            try {
                while (flood.read() != null) { }
            } catch (Exception ignored) {
                // closed
            }
        });
        // The quiet peer (hold time 3 s) keepalives and checks that the speaker's keepalives keep coming.
        quiet.socket.setSoTimeout(200);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long lastKeepalive = System.nanoTime(), worstGap = 0, lastSent = 0;
        while (System.nanoTime() < end) {
            if (System.nanoTime() - lastSent > 900_000_000L) {
                quiet.send(KeepaliveMessage.INSTANCE);
                lastSent = System.nanoTime();
            }
            try {
                BgpMessage m = quiet.read();
                if (m instanceof NotificationMessage n) throw new AssertionError("quiet peer got " + n);
                if (m instanceof KeepaliveMessage) {
                    long now = System.nanoTime();
                    worstGap = Math.max(worstGap, now - lastKeepalive);
                    lastKeepalive = now;
                }
            } catch (SocketTimeoutException e) {
                // nothing this round
            }
        }
        flooder.join();
        assertFalse(consumer.events.lines.stream().anyMatch(l -> l.startsWith("down") || l.startsWith("notification")),
                "no session went down: " + consumer.events.lines);
        assertTrue(consumer.applied.get() > updates.size(), "the flood was read: " + consumer.applied.get() + " UPDATEs");
        assertTrue(consumer.pauses.get() > 0, "the slow consumer had to pause the flooding session");
        assertTrue(worstGap < 1_300_000_000L, "keepalives (every 1 s) kept flowing; worst gap " + worstGap / 1_000_000 + " ms");
        assertEquals(SessionState.ESTABLISHED, status(s, "127.0.19.2").state());
        assertEquals(SessionState.ESTABLISHED, status(s, "127.0.19.3").state());
        flood.close();
        drain.join(2000);
    }

    @Test
    void pausedReadingDoesNotExpireTheHoldTimer() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.20.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.20.2"), 65001).holdTime(3).build());
        RawPeer p = raw("127.0.20.2", s);
        p.establish(RawPeer.open(65001, 3, "10.0.0.2"));
        s.pauseReading(ip("127.0.20.2"));
        // 5 s of silence from the peer's side is not its fault: we are not reading. Our keepalives still go out.
        long end = System.nanoTime() + 5_000_000_000L;
        p.socket.setSoTimeout(300);
        int keepalives = 0;
        while (System.nanoTime() < end) {
            try {
                BgpMessage m = p.read();
                if (m instanceof NotificationMessage n) throw new AssertionError("got " + n);
                if (m instanceof KeepaliveMessage) keepalives++;
            } catch (SocketTimeoutException e) {
                // keep waiting
            }
        }
        assertTrue(keepalives >= 4, "keepalives while paused: " + keepalives);
        s.resumeReading(ip("127.0.20.2"));
        p.send(KeepaliveMessage.INSTANCE);
        assertEquals(SessionState.ESTABLISHED, status(s, "127.0.20.2").state());
        // Once resumed, the hold timer counts again: silence now expires it.
        p.socket.setSoTimeout(5000);
        assertEquals(NotificationMessage.HOLD_TIMER_EXPIRED, p.await(NotificationMessage.class).code());
    }
}
