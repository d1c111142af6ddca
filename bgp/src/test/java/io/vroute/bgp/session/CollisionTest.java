package io.vroute.bgp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vroute.bgp.wire.KeepaliveMessage;
import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.OpenMessage;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** RFC 4271 §6.8 connection collisions: two connections briefly, then exactly one. */
class CollisionTest extends LoopbackTest {

    @Test
    void collisionKeepsExactlyOneSession() throws Exception {
        Events a = new Events(), b = new Events();
        // Both listen and both dial: each side sees its own connection and the other's.
        BgpSpeaker x = speaker("127.0.26.1", 65000, a);
        BgpSpeaker y = speaker("127.0.26.2", 65001, b);
        x.addPeer(dial("127.0.26.2", 65001, y, "127.0.26.1").build());
        y.addPeer(dial("127.0.26.1", 65000, x, "127.0.26.2").build());
        awaitTrue(() -> established(x, "127.0.26.2") && established(y, "127.0.26.1"), 10_000, "both Established");
        // Stable: no session goes down for 3 s, and both sides name the same single TCP connection.
        long downsA = a.count("down"), downsB = b.count("down");
        Thread.sleep(3000);
        assertEquals(downsA, a.count("down"), "x stays up: " + a.lines);
        assertEquals(downsB, b.count("down"), "y stays up: " + b.lines);
        assertEquals(a.lastEstablished.local(), b.lastEstablished.remote(), "the same connection on both sides");
        assertEquals(a.lastEstablished.remote(), b.lastEstablished.local());
        assertEquals(SessionState.ESTABLISHED, status(x, "127.0.26.2").state());
        assertEquals(SessionState.ESTABLISHED, status(y, "127.0.26.1").state());
    }

    private static boolean established(BgpSpeaker s, String peer) {
        try {
            return status(s, peer).state() == SessionState.ESTABLISHED;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The speaker (router ID 127.0.27.1) dials a raw peer, and the raw peer dials the speaker. */
    private record Pair(RawPeer ours, RawPeer theirs, Events events) {}

    private Pair bothConnectionsInOpenConfirm(String speakerAddress, String peerAddress, long peerAs, String peerId) throws Exception {
        Events ev = new Events();
        ServerSocket peerSide = rawListener(peerAddress);
        BgpSpeaker s = speaker(speakerAddress, 65000, ev);
        s.addPeer(PeerConfig.builder(ip(peerAddress), peerAs).passive(false).localAddress(ip(speakerAddress))
                .remotePort(peerSide.getLocalPort()).build());
        // Connection 1, initiated by the speaker: OPENs both ways, the speaker goes to OpenConfirm.
        RawPeer ours = closeLater(new RawPeer(peerSide.accept()));
        ours.await(OpenMessage.class);
        ours.send(RawPeer.open(peerAs, 90, peerId));
        ours.await(KeepaliveMessage.class);
        // Connection 2, initiated by the peer: its OPEN makes the speaker resolve the collision.
        RawPeer theirs = raw(peerAddress, s);
        theirs.await(OpenMessage.class);
        theirs.send(RawPeer.open(peerAs, 90, peerId));
        return new Pair(ours, theirs, ev);
    }

    @Test
    void higherRemoteIdentifierKeepsTheRemotelyInitiatedConnection() throws Exception {
        Pair p = bothConnectionsInOpenConfirm("127.0.27.1", "127.0.27.2", 65001, "200.0.0.1");
        NotificationMessage n = p.ours().await(NotificationMessage.class);
        assertEquals(NotificationMessage.CEASE, n.code());
        assertEquals(NotificationMessage.CONNECTION_COLLISION_RESOLUTION, n.subcode()); // RFC 4486 §4
        p.theirs().await(KeepaliveMessage.class);
        p.theirs().send(KeepaliveMessage.INSTANCE);
        p.events().await("established 127.0.27.2", 2000);
        assertEquals(p.theirs().socket.getLocalPort(), p.events().lastEstablished.remote().getPort());
        assertFalse(p.events().any("down"), "no session was lost: " + p.events().lines);
    }

    @Test
    void lowerRemoteIdentifierKeepsTheLocallyInitiatedConnection() throws Exception {
        Pair p = bothConnectionsInOpenConfirm("127.0.27.11", "127.0.27.12", 65001, "1.0.0.1");
        NotificationMessage n = p.theirs().await(NotificationMessage.class);
        assertEquals(NotificationMessage.CONNECTION_COLLISION_RESOLUTION, n.subcode());
        p.ours().send(KeepaliveMessage.INSTANCE);
        p.events().await("established 127.0.27.12", 2000);
        assertEquals(p.ours().socket.getLocalPort(), p.events().lastEstablished.remote().getPort());
    }

    @Test
    void equalIdentifiersOfAnExternalPeerAreResolvedByTheLargerAs() throws Exception {
        // RFC 6286 §2.3: same BGP identifier (allowed for eBGP): the connection initiated by the larger AS stays.
        Pair p = bothConnectionsInOpenConfirm("127.0.27.21", "127.0.27.22", 65001, "127.0.27.21");
        NotificationMessage n = p.ours().await(NotificationMessage.class);
        assertEquals(NotificationMessage.CONNECTION_COLLISION_RESOLUTION, n.subcode());
        p.theirs().send(KeepaliveMessage.INSTANCE);
        p.events().await("established 127.0.27.22", 2000);
    }

    @Test
    void aNewConnectionWhileEstablishedIsClosed() throws Exception {
        Events ev = new Events();
        BgpSpeaker s = speaker("127.0.27.31", 65000, ev);
        s.addPeer(PeerConfig.builder(ip("127.0.27.32"), 65001).build());
        RawPeer first = raw("127.0.27.32", s);
        first.establish(RawPeer.open(65001, 90, "10.0.0.2"));
        RawPeer second = raw("127.0.27.32", s);
        second.await(OpenMessage.class);
        second.send(RawPeer.open(65001, 90, "10.0.0.2"));
        // RFC 4271 §6.8: a collision with an Established connection closes the new one.
        assertEquals(NotificationMessage.CONNECTION_COLLISION_RESOLUTION, second.await(NotificationMessage.class).subcode());
        first.send(KeepaliveMessage.INSTANCE);
        Thread.sleep(200);
        assertEquals(SessionState.ESTABLISHED, status(s, "127.0.27.32").state());
        assertFalse(ev.any("down"), ev.lines.toString());
    }
}
