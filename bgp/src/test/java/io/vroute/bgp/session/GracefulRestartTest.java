package io.vroute.bgp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.Capability;
import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.UpdateMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The graceful restart helper (RFC 4724 §4.2, RFC 8538). */
class GracefulRestartTest extends LoopbackTest {

    private static Capability gr(boolean restarting, boolean nBit, int restartTime, boolean forwardingPreserved, AddressFamily... families) {
        List<Capability.GracefulRestart.Family> fs = java.util.Arrays.stream(families)
                .map(f -> new Capability.GracefulRestart.Family(f, forwardingPreserved)).toList();
        return new Capability.GracefulRestart(restarting, nBit, restartTime, fs);
    }

    private static OpenMessage open(Capability... caps) throws Exception {
        Capability[] all = java.util.Arrays.copyOf(caps, caps.length + 1);
        all[caps.length] = new Capability.Multiprotocol(AddressFamily.IPV6_UNICAST);
        return RawPeer.open(65001, 90, "10.0.0.2", all);
    }

    @Test
    void gracefulRestartKeepsRoutesStaleUntilEndOfRib() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.21.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.21.2"), 65001).build());
        RawPeer p = raw("127.0.21.2", s);
        p.establish(open(gr(false, false, 30, true, AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST)));
        p.close(); // TCP ends without a NOTIFICATION: the peer restarts (RFC 4724 §4.2)
        ev.await("down 127.0.21.2 stale", 3000);
        RawPeer again = raw("127.0.21.2", s);
        again.establish(open(gr(true, false, 30, true, AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST)));
        awaitTrue(() -> ev.count("established") == 2, 3000, "second session");
        assertFalse(ev.any("stale-expired"), "stale routes wait for End-of-RIB: " + ev.lines);
        again.send(UpdateMessage.endOfRib(AddressFamily.IPV4_UNICAST));
        ev.await("eor 127.0.21.2 ipv4-unicast", 2000);
        ev.await("stale-expired 127.0.21.2 ipv4-unicast", 2000);
        assertFalse(ev.any("stale-expired 127.0.21.2 ipv6-unicast"), "IPv6 still waits for its own End-of-RIB");
        again.send(UpdateMessage.endOfRib(AddressFamily.IPV6_UNICAST));
        ev.await("stale-expired 127.0.21.2 ipv6-unicast", 2000);
    }

    @Test
    void gracefulRestartKeepsRoutesStaleUntilRestartTimer() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.22.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.22.2"), 65001).build());
        RawPeer p = raw("127.0.22.2", s);
        p.establish(open(gr(false, false, 2, true, AddressFamily.IPV4_UNICAST)));
        p.close();
        long start = System.nanoTime();
        ev.await("down 127.0.22.2 stale", 3000);
        ev.await("stale-expired 127.0.22.2 ipv4-unicast", 4000);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 1_800, "restart time of 2 s respected, expired after " + ms + " ms");
    }

    @Test
    void familiesWithoutPreservedForwardingExpireOnReconnect() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.22.11", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.22.12"), 65001).build());
        RawPeer p = raw("127.0.22.12", s);
        p.establish(open(gr(false, false, 30, true, AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST)));
        p.close();
        ev.await("down 127.0.22.12 stale", 3000);
        RawPeer again = raw("127.0.22.12", s);
        // The new OPEN lists IPv4 with the F bit clear and IPv6 not at all: both expire at once (RFC 4724 §4.2).
        again.establish(open(gr(true, false, 30, false, AddressFamily.IPV4_UNICAST)));
        ev.await("stale-expired 127.0.22.12 ipv4-unicast", 2000);
        ev.await("stale-expired 127.0.22.12 ipv6-unicast", 2000);
    }

    @Test
    void stalePathTimeBoundsTheWaitForEndOfRib() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.22.21", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.22.22"), 65001).stalePathTime(Duration.ofSeconds(1)).build());
        RawPeer p = raw("127.0.22.22", s);
        p.establish(open(gr(false, false, 30, true, AddressFamily.IPV4_UNICAST)));
        p.close();
        ev.await("down 127.0.22.22 stale", 3000);
        RawPeer again = raw("127.0.22.22", s);
        again.establish(open(gr(true, false, 30, true, AddressFamily.IPV4_UNICAST)));
        awaitTrue(() -> ev.count("established") == 2, 3000, "second session");
        long start = System.nanoTime();
        ev.await("stale-expired 127.0.22.22 ipv4-unicast", 3000); // no End-of-RIB ever comes
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 700);
    }

    @Test
    void aNotificationEndsGracefulRestartWithoutTheNBit() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.23.1", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.23.2"), 65001).build());
        RawPeer p = raw("127.0.23.2", s);
        p.establish(open(gr(false, false, 30, true, AddressFamily.IPV4_UNICAST)));
        p.send(new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.ADMINISTRATIVE_RESET));
        String down = ev.await("down 127.0.23.2", 3000);
        assertFalse(down.contains("stale"), "RFC 4724: a NOTIFICATION means no graceful restart: " + down);
    }

    @Test
    void withTheNBitANotificationKeepsRoutesStaleButHardResetDoesNot() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.23.11", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.23.12"), 65001).build());
        RawPeer p = raw("127.0.23.12", s);
        p.establish(open(gr(false, true, 30, true, AddressFamily.IPV4_UNICAST)));
        p.send(new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.ADMINISTRATIVE_RESET));
        ev.await("down 127.0.23.12 stale", 3000); // RFC 8538 §3

        RawPeer again = raw("127.0.23.12", s);
        again.establish(open(gr(true, true, 30, true, AddressFamily.IPV4_UNICAST)));
        awaitTrue(() -> ev.count("established") == 2, 3000, "second session");
        // RFC 8538 §3.1: Hard Reset, carrying Cease / Administrative Shutdown, means "drop my routes".
        again.send(new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.HARD_RESET,
                new byte[] {NotificationMessage.CEASE, NotificationMessage.ADMINISTRATIVE_SHUTDOWN, 3, 'b', 'y', 'e'}));
        awaitTrue(() -> ev.count("down") == 2, 3000, "second session down");
        String down = ev.lines.stream().filter(l -> l.startsWith("down")).toList().getLast();
        assertFalse(down.contains("stale"), down);
        assertTrue(down.contains("Hard Reset") && down.contains("\"bye\""), down);
        ev.await("stale-expired 127.0.23.12 ipv4-unicast", 1000); // the routes of the first restart go too
    }

    @Test
    void holdTimerExpiryKeepsRoutesStaleWhenTheNBitWasNegotiated() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.23.21", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.23.22"), 65001).holdTime(3).build());
        RawPeer p = raw("127.0.23.22", s);
        p.establish(open(gr(false, true, 30, true, AddressFamily.IPV4_UNICAST)));
        assertEquals(NotificationMessage.HOLD_TIMER_EXPIRED, p.await(NotificationMessage.class).code());
        ev.await("down 127.0.23.22 stale", 2000); // RFC 8538 §4
    }

    @Test
    void aRestartedPeerReconnectingWhileEstablishedReplacesTheOldSession() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.23.31", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.23.32"), 65001).build());
        RawPeer old = raw("127.0.23.32", s);
        old.establish(open(gr(false, false, 30, true, AddressFamily.IPV4_UNICAST)));
        // The peer restarted without us seeing the old TCP connection end: a new one arrives (RFC 4724 §4.2).
        RawPeer fresh = raw("127.0.23.32", s);
        fresh.establish(open(gr(true, false, 30, true, AddressFamily.IPV4_UNICAST)));
        ev.await("down 127.0.23.32 stale", 2000);
        awaitTrue(() -> ev.count("established") == 2, 2000, "the new session is up");
        assertEquals(fresh.socket.getLocalPort(), ev.lastEstablished.remote().getPort());
        assertEquals(null, old.read(), "the old connection is closed");
    }
}
