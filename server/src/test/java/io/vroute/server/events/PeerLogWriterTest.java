package io.vroute.server.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vroute.server.events.PeerLogWriter.Destination;
import io.vroute.server.events.RouteServerEvent.EndpointStatus;
import io.vroute.server.events.RouteServerEvent.Failover;
import io.vroute.server.events.RouteServerEvent.PeerStatus;
import io.vroute.server.events.RouteServerEvent.RouteStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerLogWriterTest {
    private static final String ARN = "arn:aws:ec2:vroute:000000000000";
    private static final String RS = "rs-0123456789abcdef0";
    private static final String RS2 = "rs-0fedcba987654321f";
    private static final String PEER = "rsp-00000000000000001";
    private static final String PEER2 = "rsp-00000000000000002";
    private static final Instant T0 = Instant.ofEpochSecond(1_718_000_000L, 123_456_789);
    private static final long T0_MILLIS = 1_718_000_000_123L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    private final Map<String, Destination> settings = new ConcurrentHashMap<>();
    private final ByteArrayOutputStream stdoutBytes = new ByteArrayOutputStream();
    private final PrintStream stdout = new PrintStream(stdoutBytes, true, StandardCharsets.UTF_8);

    private PeerLogWriter writer(Path logDir) {
        return new PeerLogWriter(logDir, stdout, ARN, settings::get);
    }

    private static PeerStatus bgp(String rs, String peer, String status, String reason, int ms) {
        return new PeerStatus(T0.plusMillis(ms), rs, "rse-00000000000000001", peer, "10.0.1.5", "BGP", status, reason);
    }

    private static PeerStatus bfd(String rs, String peer, String status, String reason, int ms) {
        return new PeerStatus(T0.plusMillis(ms), rs, "rse-00000000000000001", peer, "10.0.1.5", "BFD", status, reason);
    }

    private static RouteStatus route(String rs, String peer, String status, String prefix, Long med, int ms) {
        return new RouteStatus(T0.plusMillis(ms), rs, peer, "10.0.1.5", status, prefix, "65001 65002", med, "10.0.1.5");
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.properties().forEach(p -> out.add(p.getKey()));
        return out;
    }

    private List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) out.add(JSON.readTree(l));
        return out;
    }

    private List<JsonNode> stdoutLines() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        String all = stdoutBytes.toString(StandardCharsets.UTF_8);
        if (all.isEmpty()) return out;
        assertTrue(all.endsWith("\n"), "standard output ends with a whole line");
        for (String l : all.split("\n")) out.add(JSON.readTree(l));
        return out;
    }

    private Path fileOf(String rs, String peer) {
        return dir.resolve(rs).resolve(peer + ".log");
    }

    private static void settle(PeerLogWriter w) throws InterruptedException {
        assertTrue(w.awaitSettled(Duration.ofSeconds(5)), "the writer writes what was queued");
    }

    @Test
    void bgpUpThreeRouteChangesAndBfdDownLandInThePeersFileInOrder() throws Exception {
        settings.put(RS, Destination.FILE);
        try (PeerLogWriter w = writer(dir)) {
            w.accept(bgp(RS, PEER, "UP", null, 0));
            w.accept(route(RS, PEER, "ADVERTISED", "10.24.34.0/32", 100L, 1));
            w.accept(route(RS, PEER, "UPDATED", "10.24.34.0/32", 200L, 2));
            w.accept(route(RS, PEER, "WITHDRAWN", "10.24.34.0/32", null, 3));
            w.accept(bfd(RS, PEER, "DOWN", "control detection time expired", 4));
        }
        List<JsonNode> l = lines(fileOf(RS, PEER));
        assertEquals(5, l.size());
        String arn = ARN + ":route-server-peer/" + PEER;
        for (int i = 0; i < 5; i++) {
            assertEquals(List.of("resource_arn", "event_timestamp", "type", "status", "message"), keys(l.get(i)));
            assertEquals(arn, l.get(i).get("resource_arn").asText());
            assertTrue(l.get(i).get("event_timestamp").isIntegralNumber());
            assertEquals(T0_MILLIS + i, l.get(i).get("event_timestamp").asLong());
        }

        assertEquals("BGPStatus", l.get(0).get("type").asText());
        assertEquals("UP", l.get(0).get("status").asText());
        assertEquals(List.of("peerAddress", "endpointId"), keys(l.get(0).get("message")), "null reason is left out");

        String[] statuses = {"ADVERTISED", "UPDATED", "WITHDRAWN"};
        for (int i = 1; i <= 3; i++) {
            JsonNode r = l.get(i);
            assertEquals("RouteStatus", r.get("type").asText());
            assertEquals(statuses[i - 1], r.get("status").asText());
            assertEquals("10.24.34.0/32", r.get("message").get("prefix").asText());
            assertEquals("65001 65002", r.get("message").get("asPath").asText());
            assertEquals("10.0.1.5", r.get("message").get("nextHopIp").asText());
        }
        assertEquals(List.of("prefix", "asPath", "med", "nextHopIp"), keys(l.get(1).get("message")));
        assertEquals(100, l.get(1).get("message").get("med").asInt());
        assertTrue(l.get(1).get("message").get("med").isIntegralNumber());
        assertEquals(200, l.get(2).get("message").get("med").asInt());
        assertEquals(List.of("prefix", "asPath", "nextHopIp"), keys(l.get(3).get("message")), "no MED, no med key");

        assertEquals("BFDStatus", l.get(4).get("type").asText());
        assertEquals("DOWN", l.get(4).get("status").asText());
        assertEquals(List.of("peerAddress", "endpointId", "reason"), keys(l.get(4).get("message")));
        assertEquals("control detection time expired", l.get(4).get("message").get("reason").asText());
        assertEquals("10.0.1.5", l.get(4).get("message").get("peerAddress").asText());
        assertEquals("rse-00000000000000001", l.get(4).get("message").get("endpointId").asText());
    }

    @Test
    void twoPeersOfTwoRouteServersGetFourFiles() throws Exception {
        settings.put(RS, Destination.FILE);
        settings.put(RS2, Destination.FILE);
        try (PeerLogWriter w = writer(dir)) {
            w.accept(bgp(RS, PEER, "UP", null, 0));
            w.accept(bgp(RS, PEER2, "UP", null, 1));
            w.accept(route(RS, PEER2, "ADVERTISED", "10.0.0.0/24", 5L, 2));
            w.accept(bgp(RS2, PEER, "UP", null, 3));
            w.accept(bgp(RS2, PEER2, "DOWN", "hold timer expired", 4));
        }
        assertEquals(1, lines(fileOf(RS, PEER)).size());
        List<JsonNode> p2 = lines(fileOf(RS, PEER2));
        assertEquals(2, p2.size());
        assertEquals("RouteStatus", p2.get(1).get("type").asText());
        assertEquals(ARN + ":route-server-peer/" + PEER2, p2.get(0).get("resource_arn").asText());
        assertEquals(1, lines(fileOf(RS2, PEER)).size());
        assertEquals("DOWN", lines(fileOf(RS2, PEER2)).get(0).get("status").asText());
        assertEquals("", stdoutBytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void offWritesNothingAndWantsNoRouteEvents() throws Exception {
        settings.put(RS, Destination.OFF);
        PeerLogWriter w = writer(dir);
        assertFalse(w.wantsRoutes(RS));
        assertFalse(w.wantsRoutes("rs-unknown"), "a route server with no setting is off");
        w.accept(bgp(RS, PEER, "UP", null, 0));
        w.accept(route(RS, PEER, "ADVERTISED", "10.0.0.0/24", null, 1));
        w.close();
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
        assertEquals("", stdoutBytes.toString(StandardCharsets.UTF_8));
        assertEquals(0, w.writtenCount());
        assertEquals(0, w.droppedCount());
    }

    @Test
    void stdoutGetsOneLinePerPeerEventAndNoFailoverOrEndpointEvents() throws Exception {
        settings.put(RS, Destination.STDOUT);
        try (PeerLogWriter w = writer(dir)) {
            assertTrue(w.wantsRoutes(RS));
            w.accept(bgp(RS, PEER, "DOWN", "peer sent NOTIFICATION 6/2", 0));
            w.accept(new Failover(T0, RS, PEER, "10.0.1.5", "BFD down", 3, 1, List.of("rtb-1"), 12.5));
            w.accept(new EndpointStatus(T0, RS, "rse-1", "10.0.0.4", "failed", "address in use"));
            w.accept(route(RS, PEER, "WITHDRAWN", "192.168.0.0/16", 10L, 1));
        }
        List<JsonNode> l = stdoutLines();
        assertEquals(2, l.size());
        assertEquals("BGPStatus", l.get(0).get("type").asText());
        assertEquals("peer sent NOTIFICATION 6/2", l.get(0).get("message").get("reason").asText());
        assertEquals("WITHDRAWN", l.get(1).get("status").asText());
        assertEquals("192.168.0.0/16", l.get(1).get("message").get("prefix").asText());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "stdout makes no files");
        }
    }

    @Test
    void switchingARouteServersDestinationTakesEffectWithTheNextEvent() throws Exception {
        settings.put(RS, Destination.FILE);
        try (PeerLogWriter w = writer(dir)) {
            w.accept(bgp(RS, PEER, "UP", null, 0));
            settle(w);
            settings.put(RS, Destination.STDOUT);
            w.accept(bgp(RS, PEER, "DOWN", "a", 1));
            settle(w);
            settings.put(RS, Destination.OFF);
            assertFalse(w.wantsRoutes(RS));
            w.accept(bgp(RS, PEER, "UP", null, 2));
            settle(w);
            settings.put(RS, Destination.FILE);
            assertTrue(w.wantsRoutes(RS));
            w.accept(bgp(RS, PEER, "DOWN", "b", 3));
        }
        List<JsonNode> file = lines(fileOf(RS, PEER));
        assertEquals(2, file.size());
        assertEquals(T0_MILLIS, file.get(0).get("event_timestamp").asLong());
        assertEquals(T0_MILLIS + 3, file.get(1).get("event_timestamp").asLong());
        List<JsonNode> out = stdoutLines();
        assertEquals(1, out.size());
        assertEquals(T0_MILLIS + 1, out.get(0).get("event_timestamp").asLong());
    }

    /** Standard output that stops at the first write until the test lets it go. */
    private static final class StalledOutput extends OutputStream {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            entered.countDown();
            try {
                if (!release.await(10, TimeUnit.SECONDS)) throw new IOException("test never released the output");
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            bytes.write(b, off, len);
        }
    }

    @Test
    void aFullQueueDropsNewEventsAndCountsThem() throws Exception {
        settings.put(RS, Destination.STDOUT);
        StalledOutput slow = new StalledOutput();
        PeerLogWriter w = new PeerLogWriter(null, new PrintStream(slow, false, StandardCharsets.UTF_8), ARN,
                settings::get, 3);
        try {
            w.accept(bgp(RS, PEER, "UP", null, 0));
            assertTrue(slow.entered.await(5, TimeUnit.SECONDS), "the writer took the first event");
            for (int i = 1; i <= 10; i++) w.accept(route(RS, PEER, "ADVERTISED", "10.0." + i + ".0/24", null, i));
            assertEquals(7, w.droppedCount(), "three fit in the queue, seven do not");
        } finally {
            slow.release.countDown();
            w.close();
        }
        assertEquals(4, w.writtenCount());
        String[] out = slow.bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, out.length);
        assertEquals("10.0.3.0/24", JSON.readTree(out[3]).get("message").get("prefix").asText(),
                "the queued events are kept, the newest are dropped");
    }

    @Test
    void anUnwritableDirectoryDropsWithoutThrowingAndOtherDestinationsGoOn() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("in-the-way"), "x");
        settings.put(RS, Destination.FILE);
        settings.put(RS2, Destination.STDOUT);
        try (PeerLogWriter w = writer(notADirectory)) {
            for (int i = 0; i < 5; i++) w.accept(route(RS, PEER, "ADVERTISED", "10.1." + i + ".0/24", 1L, i));
            w.accept(bgp(RS2, PEER, "UP", null, 9));
            settle(w);
            assertEquals(5, w.droppedCount());
            assertEquals(1, w.writtenCount());
        }
        assertEquals("x", Files.readString(notADirectory));
        assertEquals(1, stdoutLines().size());
    }

    @Test
    void fileWithoutALogDirectoryDropsAndCounts() throws Exception {
        settings.put(RS, Destination.FILE);
        try (PeerLogWriter w = writer(null)) {
            w.accept(bgp(RS, PEER, "UP", null, 0));
            w.accept(bgp(RS, PEER, "DOWN", "x", 1));
            assertEquals(2, w.droppedCount());
        }
        assertEquals("", stdoutBytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void reopenAfterTheFileIsMovedAwayStartsANewFile() throws Exception {
        settings.put(RS, Destination.FILE);
        Path file = fileOf(RS, PEER);
        Path rotated = dir.resolve(RS).resolve(PEER + ".log.1");
        try (PeerLogWriter w = writer(dir)) {
            w.accept(bgp(RS, PEER, "UP", null, 0));
            settle(w);
            Files.move(file, rotated);
            w.reopen();
            w.accept(bgp(RS, PEER, "DOWN", "after rotation", 1));
            settle(w);
            assertTrue(Files.exists(file));
        }
        assertEquals(List.of(T0_MILLIS), lines(rotated).stream().map(n -> n.get("event_timestamp").asLong()).toList());
        assertEquals(List.of(T0_MILLIS + 1), lines(file).stream().map(n -> n.get("event_timestamp").asLong()).toList());
    }

    @Test
    void aDeletedFileIsCreatedAgainWithoutReopen() throws Exception {
        settings.put(RS, Destination.FILE);
        Path file = fileOf(RS, PEER);
        try (PeerLogWriter w = writer(dir)) {
            w.accept(bgp(RS, PEER, "UP", null, 0));
            settle(w);
            Files.delete(file);
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(PeerLogWriter.FILE_CHECK_NANOS) + 100);
            w.accept(bgp(RS, PEER, "DOWN", "after delete", 1));
        }
        List<JsonNode> l = lines(file);
        assertEquals(1, l.size());
        assertEquals("after delete", l.get(0).get("message").get("reason").asText());
    }

    @Test
    void truncatedInPlaceTheFileGoesOnFromTheStart() throws Exception {
        settings.put(RS, Destination.FILE);
        Path file = fileOf(RS, PEER);
        try (PeerLogWriter w = writer(dir)) {
            w.accept(bgp(RS, PEER, "UP", null, 0));
            settle(w);
            Files.write(file, new byte[0]);        // what logrotate's copytruncate does after copying
            w.accept(bgp(RS, PEER, "DOWN", "after truncate", 1));
        }
        List<JsonNode> l = lines(file);
        assertEquals(1, l.size(), "appends land at the new end, no hole of zeros before them");
        assertEquals("after truncate", l.get(0).get("message").get("reason").asText());
    }

    @Test
    void destinationWordsOfTheApiAndCli() {
        assertEquals(Destination.FILE, Destination.parse("file"));
        assertEquals(Destination.STDOUT, Destination.parse("STDOUT"));
        assertEquals(Destination.OFF, Destination.parse(" off "));
        assertEquals("stdout", Destination.STDOUT.wireName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Destination.parse("syslog"));
        assertTrue(e.getMessage().contains("file, stdout or off"));
    }
}
