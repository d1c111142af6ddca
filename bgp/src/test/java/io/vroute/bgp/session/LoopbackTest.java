package io.vroute.bgp.session;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/**
 * Shared set-up for session tests over real loopback TCP: every speaker on its own 127.0.x.y address and an
 * ephemeral port, everything opened is closed after each test.
 */
abstract class LoopbackTest {
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    <T extends AutoCloseable> T closeLater(T c) {
        closing.add(c);
        return c;
    }

    /** A speaker listening on {@code address}, port chosen by the kernel, with {@code address} as its router ID. */
    BgpSpeaker speaker(String address, long asn, SessionListener events) throws Exception {
        return closeLater(BgpSpeaker.start(new SpeakerConfig(asn, ip(address),
                List.of(new InetSocketAddress(ip(address), 0)), false), events));
    }

    /** A speaker that only dials out. */
    BgpSpeaker activeOnly(String routerId, long asn, SessionListener events) throws Exception {
        return closeLater(BgpSpeaker.start(new SpeakerConfig(asn, ip(routerId), List.of(), false), events));
    }

    /** An active peer config towards {@code remote}'s first listener, dialling from {@code local}. */
    static PeerConfig.Builder dial(String remoteAddress, long remoteAs, BgpSpeaker remote, String local) throws Exception {
        return PeerConfig.builder(ip(remoteAddress), remoteAs).passive(false)
                .remotePort(remote.boundAddresses().getFirst().getPort()).localAddress(ip(local))
                .connectRetry(Duration.ofSeconds(1));
    }

    RawPeer raw(String local, BgpSpeaker s) throws Exception {
        return closeLater(new RawPeer(local, s.boundAddresses().getFirst()));
    }

    ServerSocket rawListener(String address) throws Exception {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(ip(address), 0));
        ss.setSoTimeout(10_000);
        return closeLater(ss);
    }

    static InetAddress ip(String a) throws Exception {
        return InetAddress.getByName(a);
    }

    static PeerStatus status(BgpSpeaker s, String peer) throws Exception {
        InetAddress a = ip(peer);
        return s.peers().stream().filter(p -> p.address().equals(a)).findFirst().orElseThrow();
    }

    static void awaitTrue(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(20);
        }
        throw new AssertionError("not within " + millis + " ms: " + what);
    }
}
