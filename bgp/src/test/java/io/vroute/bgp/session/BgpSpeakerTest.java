package io.vroute.bgp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.BgpMessage;
import io.vroute.bgp.wire.Capability;
import io.vroute.bgp.wire.KeepaliveMessage;
import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.UpdateMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sessions over real loopback TCP: a speaker against hand-driven peers, or against another speaker. */
class BgpSpeakerTest {
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    private BgpSpeaker speaker(String address, long asn, Events events) throws Exception {
        BgpSpeaker s = BgpSpeaker.start(new SpeakerConfig(asn, InetAddress.getByName(address),
                List.of(new InetSocketAddress(InetAddress.getByName(address), 0)), false), events);
        closing.add(s);
        return s;
    }

    private RawPeer raw(String local, BgpSpeaker s) throws Exception {
        RawPeer p = new RawPeer(local, s.boundAddresses().getFirst());
        closing.add(p);
        return p;
    }

    private static InetAddress ip(String a) throws Exception {
        return InetAddress.getByName(a);
    }

    @Test
    void twoSpeakersEstablishWithTheSmallerHoldTime() throws Exception {
        Events a = new Events(), b = new Events();
        BgpSpeaker passive = speaker("127.0.10.1", 65000, a);
        passive.addPeer(PeerConfig.builder(ip("127.0.10.2"), 65001).holdTime(30).build());
        BgpSpeaker active = BgpSpeaker.start(new SpeakerConfig(65001, ip("127.0.10.2"), List.of(), false), b);
        closing.add(active);
        active.addPeer(PeerConfig.builder(ip("127.0.10.1"), 65000).passive(false).holdTime(9)
                .remotePort(passive.boundAddresses().getFirst().getPort()).localAddress(ip("127.0.10.2"))
                .connectRetry(Duration.ofSeconds(1)).build());
        a.await("established 127.0.10.2", 5000);
        b.await("established 127.0.10.1", 5000);
        // RFC 4271 §4.2: the smaller of both offers.
        assertEquals(9, a.lastHoldTime);
        assertEquals(9, b.lastHoldTime);
        PeerStatus st = passive.peers().getFirst();
        assertEquals(SessionState.ESTABLISHED, st.state());
        assertEquals(9, st.holdTime());
    }

    @Test
    void keepalivesComeEveryThirdOfTheHoldTime() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.11.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.11.2"), 65001).holdTime(3).build());
        RawPeer p = raw("127.0.11.2", s);
        p.establish(RawPeer.open(65001, 90, "10.0.0.2"));
        long start = System.nanoTime();
        int keepalives = 0;
        while (System.nanoTime() - start < 3_500_000_000L) {
            p.send(KeepaliveMessage.INSTANCE);
            if (p.read() instanceof KeepaliveMessage) keepalives++;
        }
        // Hold time 3 s: one keepalive a second, so three (or four) in 3.5 s.
        assertTrue(keepalives >= 3 && keepalives <= 4, "keepalives in 3.5 s: " + keepalives);
    }

    @Test
    void unknownSourceIsRejectedWithCeaseConnectionRejected() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.12.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.12.2"), 65001).build());
        RawPeer stranger = raw("127.0.12.99", s);
        NotificationMessage n = stranger.await(NotificationMessage.class);
        assertEquals(NotificationMessage.CEASE, n.code());
        assertEquals(NotificationMessage.CONNECTION_REJECTED, n.subcode());
        assertNull(stranger.read(), "then the connection is closed");
        ev.await("rejected 127.0.12.99", 2000);
        assertEquals(SessionState.ACTIVE, s.peers().getFirst().state(), "the configured peer is untouched");
    }

    @Test
    void wrongAsnGetsBadPeerAs() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.13.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.13.2"), 65001).build());
        RawPeer p = raw("127.0.13.2", s);
        p.send(RawPeer.open(65999, 90, "10.0.0.2"));
        NotificationMessage n = p.await(NotificationMessage.class);
        assertEquals(NotificationMessage.OPEN_MESSAGE_ERROR, n.code());
        assertEquals(NotificationMessage.BAD_PEER_AS, n.subcode());
        ev.await("notification sent 127.0.13.2 2/2", 2000);
    }

    @Test
    void fourOctetAsnIsAcceptedFromTheCapability() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.13.11", 4_200_000_000L, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.13.12"), 4_200_000_001L).build());
        RawPeer p = raw("127.0.13.12", s);
        OpenMessage theirs = p.establish(RawPeer.open(4_200_000_001L, 90, "10.0.0.2"));
        assertEquals(OpenMessage.AS_TRANS, theirs.myAutonomousSystem(), "RFC 6793 §4.1: AS_TRANS in the 2-octet field");
        assertEquals(4_200_000_000L, theirs.asn());
        ev.await("established 127.0.13.12", 2000);
    }

    @Test
    void unacceptableHoldTimeIsRefused() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.14.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.14.2"), 65001).build());
        RawPeer p = raw("127.0.14.2", s);
        OpenMessage bad = RawPeer.open(65001, 3, "10.0.0.2");
        byte[] wire = io.vroute.bgp.wire.MessageEncoder.encode(bad, p.context);
        wire[19 + 3] = 0;
        wire[19 + 4] = 2; // hold time 2 s: neither 0 nor >= 3
        p.sendRaw(wire);
        NotificationMessage n = p.await(NotificationMessage.class);
        assertEquals(NotificationMessage.OPEN_MESSAGE_ERROR, n.code());
        assertEquals(NotificationMessage.UNACCEPTABLE_HOLD_TIME, n.subcode());
        assertThrows(IllegalArgumentException.class, () -> PeerConfig.builder(ip("127.0.14.3"), 1).holdTime(2));
    }

    @Test
    void silentPeerExpiresTheHoldTimer() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.15.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.15.2"), 65001).holdTime(3).build());
        RawPeer p = raw("127.0.15.2", s);
        p.establish(RawPeer.open(65001, 3, "10.0.0.2"));
        long start = System.nanoTime();
        NotificationMessage n = p.await(NotificationMessage.class); // we stay silent
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(NotificationMessage.HOLD_TIMER_EXPIRED, n.code());
        assertTrue(ms >= 2_800 && ms <= 4_000, "hold timer of 3 s expired after " + ms + " ms");
        ev.await(l -> l.startsWith("down 127.0.15.2") && l.contains("hold timer expired"), 2000);
    }

    @Test
    void notificationsCarryTheShutdownCommunicationBothWays() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.16.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.16.2"), 65001).build());
        s.addPeer(PeerConfig.builder(ip("127.0.16.3"), 65001).build());
        RawPeer p = raw("127.0.16.2", s);
        p.establish(RawPeer.open(65001, 90, "10.0.0.2"));
        p.send(NotificationMessage.shutdown(NotificationMessage.ADMINISTRATIVE_SHUTDOWN, "firewall upgrade, back at 14:00"));
        ev.await("notification received 127.0.16.2 6/2 \"firewall upgrade, back at 14:00\"", 2000);
        ev.await(l -> l.startsWith("down 127.0.16.2") && l.contains("firewall upgrade"), 2000);

        RawPeer q = raw("127.0.16.3", s);
        q.establish(RawPeer.open(65001, 90, "10.0.0.3"));
        s.close();
        NotificationMessage n = q.await(NotificationMessage.class);
        assertEquals(NotificationMessage.CEASE, n.code());
        assertEquals(NotificationMessage.ADMINISTRATIVE_SHUTDOWN, n.subcode());
        assertEquals("vroute is shutting down", n.shutdownCommunication());
    }

    @Test
    void removingAPeerSendsCeasePeerDeconfigured() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.17.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.17.2"), 65001).build());
        RawPeer p = raw("127.0.17.2", s);
        p.establish(RawPeer.open(65001, 90, "10.0.0.2"));
        s.removePeer(ip("127.0.17.2"), null);
        NotificationMessage n = p.await(NotificationMessage.class);
        assertEquals(NotificationMessage.CEASE, n.code());
        assertEquals(NotificationMessage.PEER_DECONFIGURED, n.subcode());
        assertTrue(s.peers().isEmpty());
    }

    @Test
    void updateBeforeEstablishedIsAnFsmError() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.18.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.18.2"), 65001).build());
        RawPeer p = raw("127.0.18.2", s);
        p.send(RawPeer.open(65001, 90, "10.0.0.2"));
        p.await(OpenMessage.class);
        p.send(UpdateMessage.endOfRib(AddressFamily.IPV4_UNICAST)); // still OpenConfirm on their side
        NotificationMessage n = p.await(NotificationMessage.class);
        assertEquals(NotificationMessage.FSM_ERROR, n.code());
        assertEquals(2, n.subcode(), "RFC 6608: unexpected message in OpenConfirm");
    }

    @Test
    void floodingPeerExpiresNoHoldTimer() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.19.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.19.2"), 65001).holdTime(3).build());
        s.addPeer(PeerConfig.builder(ip("127.0.19.3"), 65001).holdTime(3).build());
        RawPeer flood = raw("127.0.19.2", s);
        flood.establish(RawPeer.open(65001, 3, "10.0.0.2"));
        RawPeer quiet = raw("127.0.19.3", s);
        quiet.establish(RawPeer.open(65001, 3, "10.0.0.3"));
        // A full table's worth of UPDATEs, sent again and again for 8 s, while the quiet peer only keepalives.
        var table = io.vroute.bgp.feed.SyntheticTable.generate(7, 100_000, 10_000, 65001, ip("127.0.19.2"));
        List<byte[]> updates = table.encodedUpdates(io.vroute.bgp.wire.SessionContext.FOUR_OCTET);
        Thread flooder = Thread.ofPlatform().start(() -> {
            long end = System.nanoTime() + 8_000_000_000L;
            try {
                java.io.OutputStream out = flood.socket.getOutputStream();
                while (System.nanoTime() < end) for (byte[] u : updates) out.write(u);
            } catch (Exception e) {
                // the assertion below reports what happened to the session
            }
        });
        Thread drain = Thread.ofPlatform().daemon().start(() -> { // read the speaker's keepalives to the flooder
            try { while (flood.read() != null) { } } catch (Exception ignored) { }
        });
        quiet.socket.setSoTimeout(200);
        long end = System.nanoTime() + 8_000_000_000L, lastKeepalive = System.nanoTime(), worstGap = 0;
        while (System.nanoTime() < end) {
            quiet.send(KeepaliveMessage.INSTANCE);
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
        drain.interrupt();
        assertFalse(ev.any("down"), "no session went down: " + ev.lines);
        assertTrue(ev.updates.get() > updates.size(), "the flood was read: " + ev.updates.get() + " UPDATEs");
        assertTrue(worstGap < 2_000_000_000L, "keepalives to the quiet peer kept flowing; worst gap " + worstGap / 1_000_000 + " ms");
    }

    @Test
    void pausedReadingDoesNotExpireTheHoldTimer() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.20.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.20.2"), 65001).holdTime(3).build());
        RawPeer p = raw("127.0.20.2", s);
        p.establish(RawPeer.open(65001, 3, "10.0.0.2"));
        s.pauseReading(ip("127.0.20.2"));
        long end = System.nanoTime() + 5_000_000_000L;
        p.socket.setSoTimeout(300);
        while (System.nanoTime() < end) {
            try {
                BgpMessage m = p.read();
                if (m instanceof NotificationMessage n) throw new AssertionError("got " + n);
            } catch (SocketTimeoutException e) {
                // keep waiting
            }
        }
        s.resumeReading(ip("127.0.20.2"));
        p.send(KeepaliveMessage.INSTANCE);
        Thread.sleep(500);
        assertEquals(SessionState.ESTABLISHED, s.peers().getFirst().state());
    }

    @Test
    void gracefulRestartKeepsRoutesStaleUntilEndOfRib() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.21.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.21.2"), 65001).build());
        Capability gr = new Capability.GracefulRestart(false, false, 30,
                List.of(new Capability.GracefulRestart.Family(AddressFamily.IPV4_UNICAST, true)));
        RawPeer p = raw("127.0.21.2", s);
        p.establish(RawPeer.open(65001, 90, "10.0.0.2", gr));
        p.close(); // TCP ends without a NOTIFICATION: the peer restarts (RFC 4724 §4.2)
        ev.await("down 127.0.21.2 stale", 3000);
        assertFalse(ev.any("stale-expired"));
        RawPeer again = raw("127.0.21.2", s);
        again.establish(RawPeer.open(65001, 90, "10.0.0.2",
                new Capability.GracefulRestart(true, false, 30,
                        List.of(new Capability.GracefulRestart.Family(AddressFamily.IPV4_UNICAST, true)))));
        ev.await(l -> l.startsWith("established 127.0.21.2") && ev.count("established") == 2, 3000);
        assertFalse(ev.any("stale-expired"), "stale routes wait for End-of-RIB");
        again.send(UpdateMessage.endOfRib(AddressFamily.IPV4_UNICAST));
        ev.await("eor 127.0.21.2 ipv4-unicast", 2000);
        ev.await("stale-expired 127.0.21.2 ipv4-unicast", 2000);
    }

    @Test
    void gracefulRestartGivesUpAfterTheRestartTime() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.22.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.22.2"), 65001).build());
        RawPeer p = raw("127.0.22.2", s);
        p.establish(RawPeer.open(65001, 90, "10.0.0.2", new Capability.GracefulRestart(false, false, 2,
                List.of(new Capability.GracefulRestart.Family(AddressFamily.IPV4_UNICAST, true)))));
        p.close();
        long start = System.nanoTime();
        ev.await("down 127.0.22.2 stale", 3000);
        ev.await("stale-expired 127.0.22.2 ipv4-unicast", 4000);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 1_800, "restart time of 2 s respected, expired after " + ms + " ms");
    }

    @Test
    void aNotificationEndsGracefulRestart() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.23.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.23.2"), 65001).build());
        RawPeer p = raw("127.0.23.2", s);
        p.establish(RawPeer.open(65001, 90, "10.0.0.2", new Capability.GracefulRestart(false, false, 30,
                List.of(new Capability.GracefulRestart.Family(AddressFamily.IPV4_UNICAST, true)))));
        p.send(new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.ADMINISTRATIVE_RESET));
        String down = ev.await("down 127.0.23.2", 3000);
        assertFalse(down.contains("stale"), "RFC 4724: a NOTIFICATION means no graceful restart: " + down);
    }

    @Test
    void md5SessionEstablishesAndAWrongKeyDoesNot() throws Exception {
        Events a = new Events(), b = new Events(), c = new Events();
        BgpSpeaker passive = speaker("127.0.24.1", 65000, a);
        passive.addPeer(PeerConfig.builder(ip("127.0.24.2"), 65001).md5Password("s3cret").build());
        passive.addPeer(PeerConfig.builder(ip("127.0.24.3"), 65001).md5Password("s3cret").build());
        int port = passive.boundAddresses().getFirst().getPort();
        BgpSpeaker good = BgpSpeaker.start(new SpeakerConfig(65001, ip("127.0.24.2"), List.of(), false), b);
        closing.add(good);
        good.addPeer(PeerConfig.builder(ip("127.0.24.1"), 65000).passive(false).remotePort(port)
                .localAddress(ip("127.0.24.2")).md5Password("s3cret").connectRetry(Duration.ofSeconds(1)).build());
        BgpSpeaker bad = BgpSpeaker.start(new SpeakerConfig(65001, ip("127.0.24.3"), List.of(), false), c);
        closing.add(bad);
        bad.addPeer(PeerConfig.builder(ip("127.0.24.1"), 65000).passive(false).remotePort(port)
                .localAddress(ip("127.0.24.3")).md5Password("wrong").connectRetry(Duration.ofSeconds(1)).build());
        a.await("established 127.0.24.2", 5000);
        Thread.sleep(3000);
        assertFalse(a.any("established 127.0.24.3"), "a wrong TCP-MD5 key never gets a session");
        assertFalse(c.any("established"));
    }

    @Test
    void gtsmSessionsEstablishAndLowTtlSegmentsAreDropped() throws Exception {
        Events a = new Events(), b = new Events();
        BgpSpeaker passive = speaker("127.0.25.1", 65000, a);
        passive.addPeer(PeerConfig.builder(ip("127.0.25.2"), 65001).gtsm(true).build());
        passive.addPeer(PeerConfig.builder(ip("127.0.25.3"), 65001).gtsm(true).build());
        int port = passive.boundAddresses().getFirst().getPort();
        BgpSpeaker active = BgpSpeaker.start(new SpeakerConfig(65001, ip("127.0.25.2"), List.of(), false), b);
        closing.add(active);
        active.addPeer(PeerConfig.builder(ip("127.0.25.1"), 65000).passive(false).remotePort(port)
                .localAddress(ip("127.0.25.2")).gtsm(true).connectRetry(Duration.ofSeconds(1)).build());
        a.await("established 127.0.25.2", 5000);
        // A plain socket sends with the default TTL (64): after accept, its OPEN is below the minimum of 254
        // and never reaches the speaker, so the session cannot progress past OpenSent.
        RawPeer lowTtl = raw("127.0.25.3", passive);
        lowTtl.send(RawPeer.open(65001, 90, "10.0.0.3"));
        Thread.sleep(1500);
        assertFalse(a.any("established 127.0.25.3"));
        assertEquals(SessionState.OPEN_SENT, passive.peers().stream()
                .filter(p -> p.address().getHostAddress().equals("127.0.25.3")).findFirst().orElseThrow().state());
    }

    @Test
    void collisionLeavesExactlyOneSession() throws Exception {
        Events a = new Events(), b = new Events();
        // Both listen on 179 of their own address and both dial: each side sees two connections (RFC 4271 §6.8).
        BgpSpeaker x = BgpSpeaker.start(new SpeakerConfig(65000, ip("127.0.26.1"),
                List.of(new InetSocketAddress(ip("127.0.26.1"), 179)), false), a);
        closing.add(x);
        BgpSpeaker y = BgpSpeaker.start(new SpeakerConfig(65001, ip("127.0.26.2"),
                List.of(new InetSocketAddress(ip("127.0.26.2"), 179)), false), b);
        closing.add(y);
        x.addPeer(PeerConfig.builder(ip("127.0.26.2"), 65001).passive(false).localAddress(ip("127.0.26.1"))
                .connectRetry(Duration.ofSeconds(1)).build());
        y.addPeer(PeerConfig.builder(ip("127.0.26.1"), 65000).passive(false).localAddress(ip("127.0.26.2"))
                .connectRetry(Duration.ofSeconds(1)).build());
        a.await("established", 8000);
        b.await("established", 8000);
        Thread.sleep(3000);
        assertEquals(1, a.count("established"), "one session on x: " + a.lines);
        assertEquals(1, b.count("established"), "one session on y: " + b.lines);
        assertFalse(a.any("down") || b.any("down"), "and it stays up: " + a.lines + b.lines);
        assertEquals(SessionState.ESTABLISHED, x.peers().getFirst().state());
    }

    @Test
    void listeningOnAnAbsentAddressSaysWhatToDo() throws Exception {
        var e = assertThrows(java.io.IOException.class, () -> BgpSpeaker.start(new SpeakerConfig(65000, ip("10.0.0.1"),
                List.of(new InetSocketAddress(ip("192.0.2.77"), 0)), false), new Events()));
        assertTrue(e.getMessage().contains("192.0.2.77") && e.getMessage().contains("free-bind"), e.getMessage());
        // With IP_FREEBIND the same address binds.
        BgpSpeaker s = BgpSpeaker.start(new SpeakerConfig(65000, ip("10.0.0.1"),
                List.of(new InetSocketAddress(ip("192.0.2.77"), 0)), true), new Events());
        closing.add(s);
        assertEquals(ip("192.0.2.77"), s.boundAddresses().getFirst().getAddress());
    }
}
