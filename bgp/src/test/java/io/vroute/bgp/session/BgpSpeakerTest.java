package io.vroute.bgp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.BgpMessage;
import io.vroute.bgp.wire.Capability;
import io.vroute.bgp.wire.KeepaliveMessage;
import io.vroute.bgp.wire.MessageEncoder;
import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.UpdateMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Session establishment, timers, OPEN checks and NOTIFICATIONs, over real loopback TCP. */
class BgpSpeakerTest extends LoopbackTest {

    @Test
    void sessionsEstablishAndExchangeKeepalives() throws Exception {
        Events a = new Events(), b = new Events();
        BgpSpeaker passive = speaker("127.0.10.1", 65000, a);
        passive.addPeer(PeerConfig.builder(ip("127.0.10.2"), 65001).holdTime(3).build());
        BgpSpeaker active = activeOnly("127.0.10.2", 65001, b);
        active.addPeer(dial("127.0.10.1", 65000, passive, "127.0.10.2").holdTime(3).build());
        a.await("established 127.0.10.2", 5000);
        b.await("established 127.0.10.1", 5000);
        long inAtStart = status(passive, "127.0.10.2").messagesReceived();
        // Hold time 3 s: without keepalives both hold timers would expire within 3 s.
        awaitTrue(() -> {
            try {
                return status(passive, "127.0.10.2").messagesReceived() >= inAtStart + 3;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 4500, "three keepalives in");
        assertEquals(SessionState.ESTABLISHED, status(passive, "127.0.10.2").state());
        assertEquals(SessionState.ESTABLISHED, status(active, "127.0.10.1").state());
        assertFalse(a.any("down") || b.any("down"), a.lines + " " + b.lines);
        assertTrue(status(active, "127.0.10.1").establishedSince() != null);
    }

    @Test
    void holdTimeIsTheSmallerOfBothAndKeepalivesComeEveryThird() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.11.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.11.2"), 65001).holdTime(90).build());
        RawPeer p = raw("127.0.11.2", s);
        OpenMessage theirs = p.establish(RawPeer.open(65001, 6, "10.0.0.2"));
        assertEquals(90, theirs.holdTime(), "the speaker offers its configured hold time");
        ev.await("established 127.0.11.2 hold=6", 2000); // RFC 4271 §4.2: min(90, 6)
        assertEquals(6, status(s, "127.0.11.2").holdTime());
        // RFC 4271 §10: a keepalive every 6/3 = 2 s.
        p.socket.setSoTimeout(5000);
        long first = 0;
        int seen = 0;
        long start = System.nanoTime();
        while (seen < 3) {
            p.send(KeepaliveMessage.INSTANCE);
            if (p.read() instanceof KeepaliveMessage) {
                if (seen++ == 0) first = System.nanoTime();
            }
        }
        long twoIntervals = (System.nanoTime() - first) / 1_000_000;
        assertTrue(twoIntervals >= 3_600 && twoIntervals <= 4_600, "two keepalive intervals took " + twoIntervals + " ms");
        assertTrue(System.nanoTime() - start < 7_000_000_000L);
    }

    @Test
    void holdTimeZeroMeansNoKeepalives() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.11.11", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.11.12"), 65001).holdTime(3).build());
        RawPeer p = raw("127.0.11.12", s);
        p.establish(RawPeer.open(65001, 0, "10.0.0.2"));
        ev.await("established 127.0.11.12 hold=0", 2000);
        p.socket.setSoTimeout(3500);
        // No keepalive and no hold timer expiry: nothing at all arrives for longer than the configured 3 s.
        assertThrows(java.net.SocketTimeoutException.class, p::read);
        assertEquals(SessionState.ESTABLISHED, status(s, "127.0.11.12").state());
    }

    @Test
    void unacceptableHoldTimeIsRefused() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.14.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.14.2"), 65001).build());
        RawPeer p = raw("127.0.14.2", s);
        byte[] wire = MessageEncoder.encode(RawPeer.open(65001, 3, "10.0.0.2"), p.context);
        wire[19 + 3] = 0;
        wire[19 + 4] = 2; // hold time 2 s: neither 0 nor >= 3
        p.sendRaw(wire);
        NotificationMessage n = p.await(NotificationMessage.class);
        assertEquals(NotificationMessage.OPEN_MESSAGE_ERROR, n.code());
        assertEquals(NotificationMessage.UNACCEPTABLE_HOLD_TIME, n.subcode());
        var e = assertThrows(IllegalArgumentException.class, () -> PeerConfig.builder(ip("127.0.14.3"), 1).holdTime(2));
        assertTrue(e.getMessage().contains("3"), e.getMessage());
    }

    @Test
    void unknownSourceIsRejectedWithCeaseConnectionRejected() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.12.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.12.2"), 65001).build());
        try (Socket stranger = new Socket()) {
            stranger.bind(new InetSocketAddress(ip("127.0.12.99"), 0));
            stranger.connect(s.boundAddresses().getFirst(), 2000);
            stranger.setSoTimeout(5000);
            byte[] bytes = stranger.getInputStream().readAllBytes(); // everything until the speaker closes
            assertEquals(21, bytes.length, "one NOTIFICATION without data, then close");
            for (int i = 0; i < 16; i++) assertEquals((byte) 0xFF, bytes[i]);
            assertEquals(BgpMessage.TYPE_NOTIFICATION, bytes[18]);
            assertEquals(NotificationMessage.CEASE, bytes[19]);
            assertEquals(NotificationMessage.CONNECTION_REJECTED, bytes[20]); // RFC 4486 §4
        }
        ev.await("rejected 127.0.12.99", 2000);
        assertEquals(SessionState.ACTIVE, status(s, "127.0.12.2").state(), "the configured peer is untouched");
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
        assertNull(p.read(), "then the connection is closed");
        ev.await("notification sent 127.0.13.2 2/2", 2000);
        assertTrue(status(s, "127.0.13.2").lastError().contains("65999"), status(s, "127.0.13.2").lastError());
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
    void ourOpenAdvertisesTheConfiguredCapabilities() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.13.21", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.13.22"), 65001).addPathReceive(true).build());
        RawPeer p = raw("127.0.13.22", s);
        OpenMessage theirs = p.establish(RawPeer.open(65001, 90, "10.0.0.2",
                new Capability.AddPath(List.of(new Capability.AddPath.Family(AddressFamily.IPV4_UNICAST, false, true))),
                new Capability.ExtendedMessage(), new Capability.Unknown(200, new byte[] {1, 2})));
        assertEquals(List.of(new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST), new Capability.Multiprotocol(AddressFamily.IPV6_UNICAST)),
                theirs.capabilities(Capability.Multiprotocol.class));
        assertTrue(theirs.has(Capability.RouteRefresh.class) && theirs.has(Capability.EnhancedRouteRefresh.class)
                && theirs.has(Capability.FourOctetAs.class) && theirs.has(Capability.ExtendedMessage.class));
        // RFC 4724 §3: a helper preserves no forwarding state, so it lists no families; RFC 8538: N bit set.
        Capability.GracefulRestart gr = theirs.capabilities(Capability.GracefulRestart.class).getFirst();
        assertTrue(gr.families().isEmpty() && gr.notification() && !gr.restarting());
        assertEquals(List.of(new Capability.AddPath.Family(AddressFamily.IPV4_UNICAST, true, false),
                new Capability.AddPath.Family(AddressFamily.IPV6_UNICAST, true, false)),
                theirs.capabilities(Capability.AddPath.class).getFirst().families());
        ev.await("established 127.0.13.22", 2000);
    }

    @Test
    void externalPeerMayShareOurIdentifierButInternalMayNot() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.13.31", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.13.32"), 65001).build());
        s.addPeer(PeerConfig.builder(ip("127.0.13.33"), 65000).build());
        RawPeer ebgp = raw("127.0.13.32", s);
        ebgp.establish(RawPeer.open(65001, 90, "127.0.13.31")); // RFC 6286 §2.1: fine for eBGP
        ev.await("established 127.0.13.32", 2000);
        RawPeer ibgp = raw("127.0.13.33", s);
        ibgp.send(RawPeer.open(65000, 90, "127.0.13.31"));
        NotificationMessage n = ibgp.await(NotificationMessage.class);
        assertEquals(NotificationMessage.OPEN_MESSAGE_ERROR, n.code());
        assertEquals(NotificationMessage.BAD_BGP_IDENTIFIER, n.subcode()); // RFC 6286 §2.2
    }

    @Test
    void frozenPeerExpiresHoldTimer() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.15.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.15.2"), 65001).holdTime(3).build());
        RawPeer p = raw("127.0.15.2", s);
        p.establish(RawPeer.open(65001, 3, "10.0.0.2")); // OPEN + KEEPALIVE, then silence
        long start = System.nanoTime();
        NotificationMessage n = p.await(NotificationMessage.class);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(NotificationMessage.HOLD_TIMER_EXPIRED, n.code());
        assertTrue(ms >= 2_800 && ms <= 4_000, "hold timer of 3 s expired after " + ms + " ms");
        assertNull(p.read(), "then the connection is closed");
        ev.await(l -> l.startsWith("down 127.0.15.2") && l.contains("hold timer expired"), 2000);
        ev.await("notification sent 127.0.15.2 4/0", 1000);
    }

    @Test
    void administrativeShutdownCarriesTheMessageBothWays() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.16.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.16.2"), 65001).build());
        s.addPeer(PeerConfig.builder(ip("127.0.16.3"), 65001).build());
        RawPeer p = raw("127.0.16.2", s);
        p.establish(RawPeer.open(65001, 90, "10.0.0.2"));
        p.send(NotificationMessage.shutdown(NotificationMessage.ADMINISTRATIVE_SHUTDOWN, "firewall upgrade, back at 14:00"));
        ev.await("notification received 127.0.16.2 6/2 \"firewall upgrade, back at 14:00\"", 2000);
        String down = ev.await("down 127.0.16.2", 2000);
        assertTrue(down.contains("Administrative Shutdown: \"firewall upgrade, back at 14:00\""), down); // RFC 9003

        RawPeer q = raw("127.0.16.3", s);
        q.establish(RawPeer.open(65001, 90, "10.0.0.3"));
        // Until the speaker has read our KEEPALIVE, closing would reset the connection (unread data) instead of
        // ending it cleanly after the NOTIFICATION.
        ev.await("established 127.0.16.3", 5000);
        s.close();
        NotificationMessage n = q.await(NotificationMessage.class);
        assertEquals(NotificationMessage.CEASE, n.code());
        assertEquals(NotificationMessage.ADMINISTRATIVE_SHUTDOWN, n.subcode());
        assertEquals("vroute is shutting down", n.shutdownCommunication());
        assertNull(q.read());
    }

    @Test
    void shutdownToAPeerThatNegotiatedTheNBitIsAHardReset() throws Exception {
        Events a = new Events(), b = new Events();
        BgpSpeaker passive = speaker("127.0.16.11", 65000, a);
        passive.addPeer(PeerConfig.builder(ip("127.0.16.12"), 65001).build());
        BgpSpeaker active = activeOnly("127.0.16.12", 65001, b);
        active.addPeer(dial("127.0.16.11", 65000, passive, "127.0.16.12").build());
        a.await("established 127.0.16.12", 5000);
        b.await("established 127.0.16.11", 5000);
        passive.close();
        // RFC 8538 §5: with N negotiated an Administrative Shutdown goes out as Hard Reset, so the peer does not
        // keep our routes; the shutdown communication travels inside it.
        b.await("notification received 127.0.16.11 6/9", 3000);
        String down = b.await("down 127.0.16.11", 2000);
        assertFalse(down.contains("stale"), down);
        assertTrue(down.contains("Hard Reset") && down.contains("vroute is shutting down"), down);
    }

    @Test
    void removePeerSendsCeaseDeconfigured() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.17.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.17.2"), 65001).build());
        RawPeer p = raw("127.0.17.2", s);
        p.establish(RawPeer.open(65001, 90, "10.0.0.2"));
        // Our KEEPALIVE may still be on its way when establish() returns: only an Established session has a "down".
        ev.await("established 127.0.17.2", 5000);
        s.removePeer(ip("127.0.17.2"), null);
        NotificationMessage n = p.await(NotificationMessage.class);
        assertEquals(NotificationMessage.CEASE, n.code());
        assertEquals(NotificationMessage.PEER_DECONFIGURED, n.subcode());
        assertTrue(s.peers().isEmpty());
        ev.await(l -> l.startsWith("down 127.0.17.2") && !l.contains("stale"), 2000);
        // Now it is a stranger.
        RawPeer again = raw("127.0.17.2", s);
        assertEquals(NotificationMessage.CONNECTION_REJECTED, again.await(NotificationMessage.class).subcode());
    }

    @Test
    void updateBeforeEstablishedIsAnFsmError() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.18.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.18.2"), 65001).build());
        RawPeer p = raw("127.0.18.2", s);
        p.send(RawPeer.open(65001, 90, "10.0.0.2"));
        p.await(OpenMessage.class);
        p.send(UpdateMessage.endOfRib(AddressFamily.IPV4_UNICAST)); // the speaker is in OpenConfirm
        NotificationMessage n = p.await(NotificationMessage.class);
        assertEquals(NotificationMessage.FSM_ERROR, n.code());
        assertEquals(2, n.subcode(), "RFC 6608 §4: unexpected message in OpenConfirm");
        assertEquals(0, ev.updates.get());
    }

    @Test
    void endOfRibAndRouteRefreshReachTheListener() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.18.11", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.18.12"), 65001).build());
        RawPeer p = raw("127.0.18.12", s);
        p.establish(RawPeer.open(65001, 90, "10.0.0.2", new Capability.Multiprotocol(AddressFamily.IPV6_UNICAST)));
        p.send(UpdateMessage.endOfRib(AddressFamily.IPV6_UNICAST));
        p.send(new io.vroute.bgp.wire.RouteRefreshMessage(AddressFamily.IPV4_UNICAST, 0));
        ev.await("eor 127.0.18.12 ipv6-unicast", 2000);
        ev.await("refresh 127.0.18.12 ipv4-unicast/0", 2000);
    }

    @Test
    void activePeerThatFlappedOnceComesBackWithinSeconds() throws Exception {
        Events ev = new Events();
        ServerSocket peerSide = rawListener("127.0.19.52");
        BgpSpeaker s = speaker("127.0.19.51", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.19.52"), 65001).passive(false).localAddress(ip("127.0.19.51"))
                .remotePort(peerSide.getLocalPort()).build());
        RawPeer first = closeLater(new RawPeer(peerSide.accept()));
        first.establish(RawPeer.open(65001, 90, "10.0.0.2"));
        ev.await("established 127.0.19.52", 2000);
        first.close(); // the session drops (a BFD flap, a reset): no NOTIFICATION
        long down = System.nanoTime();
        RawPeer second = closeLater(new RawPeer(peerSide.accept()));
        long ms = (System.nanoTime() - down) / 1_000_000;
        assertTrue(ms < 1_500, "dialled again after " + ms + " ms");
        second.establish(RawPeer.open(65001, 90, "10.0.0.2"));
        awaitTrue(() -> ev.count("established") == 2, 2000, "second session");
        second.close(); // a second flap right away: the wait doubles (RFC 4271 §8.1.1)
        down = System.nanoTime();
        closeLater(new RawPeer(peerSide.accept()));
        ms = (System.nanoTime() - down) / 1_000_000;
        assertTrue(ms >= 1_400 && ms < 2_600, "second flap: dialled again after " + ms + " ms");
    }

    @Test
    void listeningOnAnAbsentAddressSaysWhatToDo() throws Exception {
        var e = assertThrows(IOException.class, () -> BgpSpeaker.start(new SpeakerConfig(65000, ip("10.0.0.1"),
                List.of(new InetSocketAddress(ip("192.0.2.77"), 0)), false), new Events()));
        assertTrue(e.getMessage().contains("cannot listen on 192.0.2.77:0: the address is not on any interface")
                && e.getMessage().contains("freeBind"), e.getMessage());
        // With IP_FREEBIND the same address binds.
        BgpSpeaker s = closeLater(BgpSpeaker.start(new SpeakerConfig(65000, ip("10.0.0.1"),
                List.of(new InetSocketAddress(ip("192.0.2.77"), 0)), true), new Events()));
        assertEquals(ip("192.0.2.77"), s.boundAddresses().getFirst().getAddress());
    }

    @Test
    void aSecondSpeakerOnTheSamePortSaysItIsInUse() throws Exception {
        BgpSpeaker s = speaker("127.0.19.61", 65000, new Events());
        var e = assertThrows(IOException.class, () -> BgpSpeaker.start(new SpeakerConfig(65000, ip("10.0.0.1"),
                List.of(s.boundAddresses().getFirst()), false), new Events()));
        assertTrue(e.getMessage().contains("already in use"), e.getMessage());
    }
}
