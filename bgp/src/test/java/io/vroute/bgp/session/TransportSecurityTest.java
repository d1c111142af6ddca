package io.vroute.bgp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.bgp.wire.BgpMessage;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.Test;

/** TCP-MD5 (RFC 2385) and GTSM (RFC 5082) on real loopback sockets. */
class TransportSecurityTest extends LoopbackTest {

    @Test
    void md5SessionEstablishesAndWrongKeyDoesNot() throws Exception {
        Events a = new Events(), b = new Events(), c = new Events();
        BgpSpeaker passive = speaker("127.0.24.1", 65000, a);
        passive.addPeer(PeerConfig.builder(ip("127.0.24.2"), 65001).md5Password("s3cret").build());
        passive.addPeer(PeerConfig.builder(ip("127.0.24.3"), 65001).md5Password("s3cret").build());
        BgpSpeaker good = activeOnly("127.0.24.2", 65001, b);
        good.addPeer(dial("127.0.24.1", 65000, passive, "127.0.24.2").md5Password("s3cret").build());
        BgpSpeaker bad = activeOnly("127.0.24.3", 65001, c);
        bad.addPeer(dial("127.0.24.1", 65000, passive, "127.0.24.3").md5Password("wrong").build());
        a.await("established 127.0.24.2", 5000);
        b.await("established 127.0.24.1", 5000);
        // The wrong key's SYNs are dropped by the kernel: no TCP connection, so never a session. Give it two
        // connect-retry rounds (1 s each) to prove it.
        Thread.sleep(2500);
        assertFalse(a.any("established 127.0.24.3"), "a wrong TCP-MD5 key never gets a session");
        assertFalse(c.any("established"));
        assertNotEquals(SessionState.ESTABLISHED, status(bad, "127.0.24.1").state());
        assertFalse(String.valueOf(status(bad, "127.0.24.1").lastError()).contains("wrong"), "the key is never shown");
    }

    @Test
    void md5KeysFollowPeersAddedAfterTheListenerStarted() throws Exception {
        Events a = new Events(), b = new Events();
        BgpSpeaker passive = speaker("127.0.24.11", 65000, a);
        BgpSpeaker active = activeOnly("127.0.24.12", 65001, b);
        passive.addPeer(PeerConfig.builder(ip("127.0.24.12"), 65001).md5Password("later").build());
        active.addPeer(dial("127.0.24.11", 65000, passive, "127.0.24.12").md5Password("later").build());
        a.await("established 127.0.24.12", 5000);
    }

    @Test
    void gtsmPeerWithLowTtlIsDropped() throws Exception {
        Events a = new Events(), b = new Events();
        BgpSpeaker passive = speaker("127.0.25.1", 65000, a);
        passive.addPeer(PeerConfig.builder(ip("127.0.25.2"), 65001).gtsm(true).build());
        passive.addPeer(PeerConfig.builder(ip("127.0.25.3"), 65001).gtsm(true).build());
        // A GTSM speaker sends with TTL 255: its session comes up.
        BgpSpeaker active = activeOnly("127.0.25.2", 65001, b);
        active.addPeer(dial("127.0.25.1", 65000, passive, "127.0.25.2").gtsm(true).build());
        a.await("established 127.0.25.2", 5000);
        // A plain socket sends with the default TTL (64): its SYN is below 254, so the speaker closes the
        // connection without a word, before reading anything from it.
        RawPeer lowTtl = raw("127.0.25.3", passive);
        BgpMessage first;
        try {
            first = lowTtl.read();
        } catch (IOException reset) {
            first = null;
        }
        assertEquals(null, first, "no OPEN for a peer that is too far away");
        String rejected = a.await("rejected 127.0.25.3", 2000);
        assertTrue(rejected.contains("TTL 64"), rejected);
        assertEquals(SessionState.ACTIVE, status(passive, "127.0.25.3").state());
    }

    @Test
    void gtsmSocketOptionsReadBack() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle socket = linker.downcallHandle(linker.defaultLookup().find("socket").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        MethodHandle close = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        int v4 = (int) socket.invokeExact(2, 1, 0);  // AF_INET, SOCK_STREAM
        int v6 = (int) socket.invokeExact(10, 1, 0); // AF_INET6, SOCK_STREAM
        try {
            SocketOptions.applyGtsm(v4, false);
            assertEquals(255, SocketOptions.getInt(v4, SocketOptions.IPPROTO_IP, SocketOptions.IP_TTL));
            assertEquals(254, SocketOptions.getInt(v4, SocketOptions.IPPROTO_IP, SocketOptions.IP_MINTTL));
            SocketOptions.applyGtsm(v6, true);
            assertEquals(255, SocketOptions.getInt(v6, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_UNICAST_HOPS));
            assertEquals(254, SocketOptions.getInt(v6, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_MINHOPCOUNT));
        } finally {
            int r1 = (int) close.invokeExact(v4);
            int r2 = (int) close.invokeExact(v6);
        }
    }
}
