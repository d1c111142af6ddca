package io.vroute.bgp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wireshark's BGP dissector is an independent reading of the RFCs: every kind of message vroute writes is
 * sent over a loopback TCP connection, captured by tshark, and must decode with no malformed packet.
 */
class TsharkDecodeTest {

    @TempDir
    Path dir;

    @Test
    void tsharkDecodesEveryMessageVrouteWritesWithoutMalformedPackets() throws Exception {
        requireTshark();
        List<BgpMessage> messages = new ArrayList<>();
        List<SessionContext> contexts = new ArrayList<>();
        SessionContext four = SessionContext.FOUR_OCTET;
        SessionContext two = SessionContext.INITIAL;
        SessionContext addPath = new SessionContext(true, Set.of(), Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST), false);

        messages.add(OpenMessage.of(4_200_000_000L, 90, 0x0A0001E6, List.of(
                new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST),
                new Capability.Multiprotocol(AddressFamily.IPV6_UNICAST),
                new Capability.RouteRefresh(),
                new Capability.EnhancedRouteRefresh(),
                new Capability.FourOctetAs(4_200_000_000L),
                new Capability.GracefulRestart(false, true, 120, List.of(
                        new Capability.GracefulRestart.Family(AddressFamily.IPV4_UNICAST, false))),
                new Capability.AddPath(List.of(new Capability.AddPath.Family(AddressFamily.IPV4_UNICAST, true, false))),
                new Capability.ExtendedMessage())));
        contexts.add(four);
        messages.add(KeepaliveMessage.INSTANCE);
        contexts.add(four);

        PathAttributes full = PathAttributes.builder()
                .origin(Origin.IGP)
                .asPath(new AsPath(List.of(
                        new AsPath.Segment(AsPath.SegmentType.AS_SEQUENCE, new int[] {65001, 65001, (int) 4_200_000_001L}),
                        new AsPath.Segment(AsPath.SegmentType.AS_SET, new int[] {64512, 64513}))))
                .nextHop(InetAddress.getByName("10.0.1.203"))
                .med(10L)
                .localPref(100L)
                .atomicAggregate(true)
                .aggregator(new PathAttributes.Aggregator(65001, InetAddress.getByName("10.0.1.203")))
                .communities(new int[] {65001 << 16 | 100, 0xFFFFFF01})
                .extendedCommunities(new long[] {0x0002FDE900000064L})
                .largeCommunities(new int[] {65001, 1, 2})
                .build();
        Nlri v4 = Nlri.of(AddressFamily.IPV4_UNICAST, List.of(Prefix.parse("172.16.1.1/32"), Prefix.parse("10.10.0.0/16")));
        messages.add(new UpdateMessage(null, full, v4, null, null));
        contexts.add(four);
        // The same from a 2-octet speaker's point of view: AS_TRANS and AS4_PATH/AS4_AGGREGATOR (RFC 6793 §4.2.2).
        messages.add(new UpdateMessage(null, full.toBuilder()
                .aggregator(new PathAttributes.Aggregator(4_200_000_001L, InetAddress.getByName("10.0.1.203"))).build(), v4, null, null));
        contexts.add(two);
        PathAttributes v6attrs = full.toBuilder().nextHop(null).build();
        messages.add(new UpdateMessage(null, v6attrs, null, new UpdateMessage.MpReach(
                Nlri.of(AddressFamily.IPV6_UNICAST, List.of(Prefix.parse("2001:db8:100::/48"), Prefix.parse("::/0"))),
                InetAddress.getByName("fd00:1::203"), InetAddress.getByName("fe80::1")), null));
        contexts.add(four);
        messages.add(new UpdateMessage(Nlri.of(AddressFamily.IPV4_UNICAST, List.of(Prefix.parse("10.10.0.0/16"))), null, null, null,
                Nlri.of(AddressFamily.IPV6_UNICAST, List.of(Prefix.parse("2001:db8:100::/48")))));
        contexts.add(four);
        messages.add(new UpdateMessage(null, full, new Nlri(AddressFamily.IPV4_UNICAST,
                new Prefix[] {Prefix.parse("192.0.2.0/24")}, new int[] {7}), null, null));
        contexts.add(addPath);
        messages.add(UpdateMessage.endOfRib(AddressFamily.IPV4_UNICAST));
        contexts.add(four);
        messages.add(UpdateMessage.endOfRib(AddressFamily.IPV6_UNICAST));
        contexts.add(four);
        for (int subtype : new int[] {RouteRefreshMessage.NORMAL, RouteRefreshMessage.BORR, RouteRefreshMessage.EORR}) {
            messages.add(new RouteRefreshMessage(AddressFamily.IPV4_UNICAST, subtype));
            contexts.add(four);
        }
        messages.add(NotificationMessage.shutdown(NotificationMessage.ADMINISTRATIVE_SHUTDOWN, "maintenance: back at 14:00 ✓"));
        contexts.add(four);
        messages.add(new NotificationMessage(NotificationMessage.HOLD_TIMER_EXPIRED, 0));
        contexts.add(four);

        Path pcap = dir.resolve("vroute.pcap");
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = server.getLocalPort();
            Process tshark = new ProcessBuilder("tshark", "-n", "-i", "lo", "-f", "tcp port " + port, "-w", pcap.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("tshark.log").toFile()).start();
            try {
                awaitCapturing(dir.resolve("tshark.log"), tshark);
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port); Socket accepted = server.accept()) {
                    OutputStream out = client.getOutputStream();
                    for (int i = 0; i < messages.size(); i++) {
                        out.write(MessageEncoder.encode(messages.get(i), contexts.get(i)));
                        out.flush();
                        Thread.sleep(5); // one message per segment keeps the capture easy to read
                    }
                    accepted.getInputStream().readNBytes(1); // wait for the peer side to see the stream end
                }
                Thread.sleep(500);
            } finally {
                tshark.destroy();
                tshark.waitFor(10, TimeUnit.SECONDS);
            }
            String decodeAs = "tcp.port==" + port + ",bgp";
            String malformed = run("tshark", "-n", "-r", pcap.toString(), "-d", decodeAs, "-Y", "_ws.malformed || _ws.expert.severity >= \"error\"");
            assertEquals("", malformed.strip(), "tshark found malformed BGP messages:\n" + malformed);
            String types = run("tshark", "-n", "-r", pcap.toString(), "-d", decodeAs, "-Y", "bgp", "-T", "fields", "-e", "bgp.type");
            Map<String, Integer> counts = new TreeMap<>();
            for (String line : types.split("\n")) for (String t : line.strip().split(",")) if (!t.isEmpty()) counts.merge(t, 1, Integer::sum);
            Map<String, Integer> expected = new TreeMap<>();
            for (BgpMessage m : messages) expected.merge(Integer.toString(m.type()), 1, Integer::sum);
            assertEquals(expected, counts, "tshark should see every message we sent, by type");
            String verbose = run("tshark", "-n", "-r", pcap.toString(), "-d", decodeAs, "-V");
            assertTrue(verbose.contains("172.16.1.1/32"), "IPv4 NLRI decoded");
            assertTrue(verbose.contains("2001:db8:100::/48"), "IPv6 MP_REACH NLRI decoded");
            assertTrue(verbose.contains("maintenance: back at 14:00"), "shutdown communication decoded");
        }
    }

    private static void awaitCapturing(Path log, Process tshark) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("Capturing on")) {
                Thread.sleep(300);
                return;
            }
            if (!tshark.isAlive()) fail("tshark exited: " + Files.readString(log));
            Thread.sleep(50);
        }
        fail("tshark did not start capturing within 20 s: " + Files.readString(log));
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        // stdout only: tshark's stderr has a warning about running as root that is not a finding
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    private static void requireTshark() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/tshark"));
        boolean root = "root".equals(System.getProperty("user.name"));
        String why = !present ? "tshark is not installed (apt-get install tshark)" : "capturing on lo needs root";
        if (present && root) return;
        if ("required".equals(System.getProperty("vroute.interop"))) fail(why);
        Assumptions.abort(why);
    }
}
