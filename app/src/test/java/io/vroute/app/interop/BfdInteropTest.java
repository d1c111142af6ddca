package io.vroute.app.interop;

import static io.vroute.app.interop.Interop.msSince;
import static io.vroute.app.interop.Interop.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.RouteServerPeer;

/**
 * BFD between vroute and real appliances (FRR 8.4 bfdd, BIRD 2.0.12), driven as a user would: {@code vroute serve} in
 * the VPC namespace, the AWS SDK for everything the SDK can say, and a signed EC2 Query call for vroute's
 * {@code BfdOptions} extension. One appliance, one endpoint, one peer with liveness bfd at 100 ms x 3 on both sides:
 * <pre>
 *   namespace "ap" 10.0.1.10 (FRR or BIRD, AS 65001, BFD 100 ms x 3) ── br0 in "vpc": the endpoint's address
 *                                                                       vroute serve (AS 65000)
 * </pre>
 * Steps, in order: BFD Up before BGP Established, the route in the routing database and the route table; the
 * sessions are stable a few seconds later (FRR 8.4's first-session BFD flap survived); the appliance's BFD freezes
 * ({@code kill -STOP}): vroute says BFD Down within the detection time + 50 ms of the freeze, ends BGP (Cease / BFD
 * Down, RFC 9384 §2) and the route leaves the table; thaw: BFD, BGP and the route return; deleting the peer: the
 * appliance sees BFD AdminDown from vroute (RFC 5880 §6.8.16), and the wire shows it. Timings are printed with the
 * prefix {@code BFD-INTEROP:}.
 */
class BfdInteropTest {
    static final long RS_AS = 65000;
    static final long AP_AS = 65001;
    static final String AP4 = "10.0.1.10";
    static final Route ROUTE = Route.of("172.16.1.0/24");
    static final int INTERVAL_MS = 100;
    static final int MULTIPLIER = 3;
    /** How much later than the detection time vroute may say Down: the freeze itself, its threads, the clock. */
    static final long SLACK_MS = 50;
    static final Interop.Need BFDD = new Interop.Need("/usr/lib/frr/bfdd", "frr");
    static final Interop.Need TSHARK = new Interop.Need("tshark", "tshark");

    private Lab lab;
    private String vpcNs;
    private VrouteServe serve;
    private InNamespace inVpc;
    private Ec2Client ec2;
    private Ec2Query query;
    private Appliance appliance;
    private boolean passed;
    /** Notifications (snsNotificationsEnabled) land here, signature-checked, inside the daemon's namespace. */
    private WebhookReceiver receiver;

    @AfterEach
    void tearDown() {
        if (!passed && lab != null) {
            lab.keepLogs();
            System.out.println("[interop] BFD test failed; appliance:\n" + (appliance == null ? "" : appliance.logs())
                    + "\n---- vroute (" + (serve == null ? "" : serve.log()) + ") ----\n"
                    + (serve == null ? "" : Lab.tail(serve.log(), 60)));
        }
        if (receiver != null) receiver.close();
        if (inVpc != null) inVpc.close();
        if (lab != null) lab.close();
    }

    // ------------------------------------------------------------------------------------------ the appliances

    /** What the steps need of an appliance daemon. */
    interface Appliance {
        String daemon();

        /** Stops its BFD dead (kill -STOP): bfdd for FRR, the whole daemon for BIRD, which runs BFD in-process. */
        void freezeBfd();

        void thawBfd();

        boolean established();

        /** Its own view of the BFD session to the endpoint, as its CLI shows it. */
        String bfdView();

        /**
         * What its CLI shows of the BFD session when that says the session is down because the far side (vroute) said
         * AdminDown; null while it does not.
         */
        String adminDownFromVroute();

        /** Whether it logged a Cease / BFD Down (6/10, RFC 9384 §2) received from vroute. */
        boolean loggedCeaseBfdDown();

        String logs();
    }

    record FrrAppliance(Frr frr, String endpoint) implements Appliance {
        @Override public String daemon() { return "FRR"; }
        @Override public void freezeBfd() { frr.freezeBfd(); }
        @Override public void thawBfd() { frr.thawBfd(); }
        @Override public boolean established() { return frr.established(endpoint); }
        @Override public String bfdView() { return frr.bfdPeer(endpoint).toString(); }

        /** RFC 5880 §6.8.6: a received AdminDown takes the session Down; bfdd keeps the far side's diagnostic. */
        @Override
        public String adminDownFromVroute() {
            JsonNode p = frr.bfdPeer(endpoint);
            boolean adminDown = "down".equals(p.path("status").asText())
                    && p.path("remote-diagnostic").asText().contains("administratively down");
            return adminDown ? p.toString() : null;
        }

        @Override
        public boolean loggedCeaseBfdDown() {
            return Lab.read(frr.log()).contains("received from neighbor " + endpoint + " 6/10");
        }

        @Override
        public String logs() {
            return frr.logTail(30) + "\n---- bfdd ----\n" + Lab.tail(frr.bfddLog(), 30) + "\n" + bfdView();
        }
    }

    record BirdAppliance(Bird bird, String endpoint) implements Appliance {
        @Override public String daemon() { return "BIRD"; }
        @Override public void freezeBfd() { bird.freeze(); }
        @Override public void thawBfd() { bird.thaw(); }
        @Override public boolean established() { return bird.established("vr4"); }
        @Override public String bfdView() { return bird.bfdSessions(); }

        /**
         * BIRD 2.0.12 shows only the local state, so the diagnostic is checked on the wire. (BIRD also drops its BFD
         * session when the Cease / Peer De-configured ends BGP, which vroute sends just before the AdminDown, and
         * starts a new one: the Down shown may be that new session's, which the AdminDown keeps down.)
         */
        @Override
        public String adminDownFromVroute() {
            String view = bird.bfdSessions();
            return view.lines().anyMatch(l -> l.trim().startsWith(endpoint + " ") && l.contains(" Down ")) ? view : null;
        }

        /** BIRD 2.0.12 has no name for subcode 10: {@code vr4: Received: Unknown error 6.10}. */
        @Override
        public boolean loggedCeaseBfdDown() {
            return Lab.read(bird.log()).lines().anyMatch(l -> l.contains("vr4: Received:")
                    && (l.contains("6.10") || l.contains("BFD")));
        }

        @Override
        public String logs() {
            return bird.logTail(40) + "\n" + bird.showProtocol("vr4") + "\n" + bfdView();
        }
    }

    // ------------------------------------------------------------------------------------------ the tests

    @Test
    @Timeout(300)
    void frrBfdDownEndsBgpWithinDetectionTimeAndBfdUpBringsItBack() {
        Interop.require(Interop.ZEBRA, Interop.BGPD, Interop.VTYSH, BFDD, TSHARK);
        lab = Lab.create("bff");
        Built b = build();
        String apNs = lab.host("ap", vpcNs, AP4 + "/24");
        Frr frr = new Frr(lab, apNs, "frr-ap", AP_AS, AP4, List.of(new Frr.Neighbor(b.endpointAddress(), RS_AS)),
                List.of(ROUTE), 9).bfd(INTERVAL_MS, MULTIPLIER);
        appliance = new FrrAppliance(frr, b.endpointAddress());
        long started = System.nanoTime();
        frr.start();
        steps(b, apNs, started);
        passed = true;
    }

    @Test
    @Timeout(300)
    void birdBfdDownEndsBgpWithinDetectionTimeAndBfdUpBringsItBack() {
        Interop.require(Interop.BIRD, Interop.BIRDC, TSHARK);
        lab = Lab.create("bfb");
        Built b = build();
        String apNs = lab.host("ap", vpcNs, AP4 + "/24");
        Bird bird = new Bird(lab, apNs, "bird-ap", AP_AS, AP4,
                List.of(new Bird.Session("vr4", AP4, b.endpointAddress(), RS_AS, false)), List.of(ROUTE), 9)
                .bfd(INTERVAL_MS, MULTIPLIER);
        appliance = new BirdAppliance(bird, b.endpointAddress());
        long started = System.nanoTime();
        bird.start();
        steps(b, apNs, started);
        passed = true;
    }

    record Built(String tableId, String eniId, String rsId, String endpointAddress, String peerId) {}

    /** vroute serve, and through the SDK a VPC with the appliance's subnet, table and ENI, a route server and its endpoint. */
    private Built build() {
        vpcNs = lab.routeServer("vpc");
        inVpc = new InNamespace(vpcNs);
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        byte[] secret = java.util.HexFormat.of().formatHex(random).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.file.Path secretFile = lab.dir().resolve("webhook-secret");
        try {
            java.nio.file.Files.write(secretFile, secret);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        receiver = inVpc.call(() -> WebhookReceiver.start(secret));
        serve = new VrouteServe(lab, vpcNs, lab.dir().resolve("data"), "--hold-time", "9",
                "--webhook", receiver.url(), "--webhook-secret-file", secretFile.toString()).start();
        ec2 = inVpc.call(serve::client);
        query = new Ec2Query(serve);
        record Made(String table, String eni, String rs, String endpointId, String endpointAddress) {}
        Made m = inVpc.call(() -> {
            String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
            String subnet = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24").availabilityZone("us-east-1a"))
                    .subnet().subnetId();
            String table = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
            ec2.associateRouteTable(r -> r.routeTableId(table).subnetId(subnet));
            String eni = ec2.createNetworkInterface(r -> r.subnetId(subnet).privateIpAddress(AP4).description("appliance"))
                    .networkInterface().networkInterfaceId();
            String rs = ec2.createRouteServer(r -> r.amazonSideAsn(RS_AS).snsNotificationsEnabled(true)).routeServer().routeServerId();
            ec2.associateRouteServer(r -> r.routeServerId(rs).vpcId(vpc));
            var e = ec2.createRouteServerEndpoint(r -> r.routeServerId(rs).subnetId(subnet)).routeServerEndpoint();
            ec2.enableRouteServerPropagation(r -> r.routeServerId(rs).routeTableId(table));
            return new Made(table, eni, rs, e.routeServerEndpointId(), e.eniAddress());
        });
        // The endpoint's address on the VPC segment, as the Linux data plane puts it there.
        Lab.run("ip", "-n", vpcNs, "addr", "add", m.endpointAddress() + "/24", "dev", "br0");
        awaitEndpointsAvailable(ec2, inVpc, serve);
        inVpc.call(() -> query.call("ModifyRouteServerPeerLogging", Map.of("RouteServerId", m.rs(), "Destination", "file")));
        String peerId = inVpc.call(() -> query.createBfdPeer(m.endpointId(), AP4, AP_AS, INTERVAL_MS, INTERVAL_MS, MULTIPLIER));
        RouteServerPeer p = inVpc.call(() -> ec2.describeRouteServerPeers(r -> r.routeServerPeerIds(peerId)).routeServerPeers().get(0));
        assertEquals("bfd", p.bgpOptions().peerLivenessDetectionAsString(), "the SDK sees the peer's liveness: " + p);
        PeerXml x = inVpc.call(() -> query.peer(peerId));
        assertEquals(List.of((long) INTERVAL_MS, (long) INTERVAL_MS, (long) MULTIPLIER),
                List.of(x.minTxMs(), x.minRxMs(), x.multiplier()), "bfdOptions as created:\n" + x.xml());
        return new Built(m.table(), m.eni(), m.rs(), m.endpointAddress(), peerId);
    }

    private void steps(Built b, String apNs, long started) {
        String d = appliance.daemon();
        String id = b.peerId();

        // 1. BFD Up first, then BGP (RFC 5882 §4.1: vroute takes the BGP session only over a path BFD vouches for).
        awaitSdk("bfdStatus up", Duration.ofSeconds(30), p -> "up".equals(p.bfdStatus().statusAsString()), id);
        long bfdUp = msSince(started);
        awaitSdk("bgpStatus up", Duration.ofSeconds(30), p -> "up".equals(p.bgpStatus().statusAsString()), id);
        long bgpUp = msSince(started);
        PeerXml first = inVpc.call(() -> query.peer(id));
        PeerEvent firstBfdUp = first.first("BFDStatus", "UP", Instant.EPOCH).orElseThrow(() -> new AssertionError(
                "no BFD UP event:\n" + first.xml()));
        PeerEvent firstBgpUp = first.first("BGPStatus", "UP", Instant.EPOCH).orElseThrow(() -> new AssertionError(
                "no BGP UP event:\n" + first.xml()));
        assertTrue(!firstBgpUp.time().isBefore(firstBfdUp.time()), "BGP came up before BFD:\n" + first.xml());
        await("route in the routing database, in-fib via " + AP4, Duration.ofSeconds(30), () -> inVpc.call(() ->
                ec2.getRouteServerRoutingDatabase(r -> r.routeServerId(b.rsId())).routes().stream()
                        .anyMatch(r -> ROUTE.prefix().equals(r.prefix()) && "in-fib".equals(r.routeStatusAsString())
                                && AP4.equals(r.nextHopIp()))));
        await(ROUTE.prefix() + " -> " + b.eniId() + " in " + b.tableId(), Duration.ofSeconds(10),
                () -> b.eniId().equals(target(b.tableId())));
        long inTable = msSince(started);

        // 2. Stable: both sessions up and no new event for 4 s, within 30 s of the start (FRR 8.4 drops BFD once right
        //    after its first Established, see Frr; the session must come back from that on its own).
        long stableAt = (awaitStable(id, Duration.ofSeconds(4), Duration.ofSeconds(30).minusMillis(msSince(started)))
                - started) / 1_000_000;
        assertTrue(appliance.established(), d + " says its session is not Established:\n" + appliance.logs());
        assertEquals(b.eniId(), target(b.tableId()), "route in the table once stable");
        PeerXml stable = inVpc.call(() -> query.peer(id));
        long startupBfdDowns = stable.events().stream().filter(e -> e.is("BFDStatus", "DOWN")).count();
        System.out.printf("BFD-INTEROP: %s start-up: BFD Up %d ms, BGP Established %d ms, route in the table %d ms after the"
                        + " daemon started; stable (4 s without a change) at %d ms; BFD Down events during start-up: %d%n",
                d, bfdUp, bgpUp, inTable, stableAt, startupBfdDowns);
        System.out.println("BFD-INTEROP: " + d + " start-up events: " + stable.events());

        // 3. Freeze the appliance's BFD: Down within the detection time (RFC 5880 §6.8.4) + slack, measured from the
        //    freeze to the time vroute recorded the event.
        assertEquals(INTERVAL_MS * MULTIPLIER, stable.detectionTimeMs(),
                "detection time = appliance's Detect Mult x max(our Required Min RX, its Desired Min TX):\n" + stable.xml());
        Instant frozenAt = Instant.now();
        long frozen = System.nanoTime();
        appliance.freezeBfd();
        PeerEvent down = pollEvent(id, "BFDStatus", "DOWN", frozenAt, Duration.ofSeconds(5));
        long seen = msSince(frozen);
        long detect = Duration.between(frozenAt, down.time()).toMillis();
        PeerXml afterDown = inVpc.call(() -> query.peer(id));
        PeerEvent bgpDown = pollEvent(id, "BGPStatus", "DOWN", frozenAt, Duration.ofSeconds(2));
        await(ROUTE.prefix() + " gone from " + b.tableId(), Duration.ofSeconds(5), () -> target(b.tableId()) == null);
        long gone = msSince(frozen);
        System.out.printf("BFD-INTEROP: %s freeze: BFD Down event %d ms after kill -STOP (detection time %d ms, bound %d ms;"
                        + " seen by polling after %d ms), BGP Down event %d ms, route gone from the table %d ms (polling)%n",
                d, detect, stable.detectionTimeMs(), stable.detectionTimeMs() + SLACK_MS, seen,
                Duration.between(frozenAt, bgpDown.time()).toMillis(), gone);
        assertTrue(detect <= stable.detectionTimeMs() + SLACK_MS, d + ": BFD Down " + detect + " ms after the freeze, more"
                + " than the detection time " + stable.detectionTimeMs() + " ms + " + SLACK_MS + " ms:\n" + afterDown.xml()
                + loadNote());
        assertTrue(String.valueOf(down.reason()).contains("detection time"), "why BFD went down: " + down);
        // RFC 5880 §6.8.4: a detection time without packets is diagnostic 1, Control Detection Time Expired.
        assertTrue(String.valueOf(afterDown.diagnostic()).toLowerCase(Locale.ROOT).contains("detection"),
                "bfdStatus diagnostic after the freeze:\n" + afterDown.xml());
        assertTrue(bgpDown.reason() != null && bgpDown.reason().contains("BFD"), "why BGP went down: " + bgpDown);
        RouteServerPeer sdkDown = inVpc.call(() -> ec2.describeRouteServerPeers(r -> r.routeServerPeerIds(id)).routeServerPeers().get(0));
        assertEquals("down", sdkDown.bfdStatus().statusAsString(), "SDK bfdStatus while frozen: " + sdkDown);
        assertEquals("down", sdkDown.bgpStatus().statusAsString(), "SDK bgpStatus while frozen: " + sdkDown);

        // 4. Thaw: BFD Up, then BGP, then the route is back.
        long thawed = System.nanoTime();
        Instant thawedAt = Instant.now();
        appliance.thawBfd();
        PeerEvent bfdBack = pollEvent(id, "BFDStatus", "UP", thawedAt, Duration.ofSeconds(20));
        long bfdBackMs = msSince(thawed);
        PeerEvent bgpBack = pollEvent(id, "BGPStatus", "UP", thawedAt, Duration.ofSeconds(20));
        long bgpBackMs = msSince(thawed);
        assertTrue(!bgpBack.time().isBefore(bfdBack.time()), "BGP back before BFD: " + bfdBack + " " + bgpBack);
        await(ROUTE.prefix() + " -> " + b.eniId() + " again", Duration.ofSeconds(20), () -> b.eniId().equals(target(b.tableId())));
        long routeBackMs = msSince(thawed);
        System.out.printf("BFD-INTEROP: %s thaw: BFD Up %d ms (event %d ms), BGP Established %d ms (event %d ms), route back"
                        + " in the table %d ms after kill -CONT%n", d, bfdBackMs, Duration.between(thawedAt, bfdBack.time()).toMillis(),
                bgpBackMs, Duration.between(thawedAt, bgpBack.time()).toMillis(), routeBackMs);
        await(d + " Established again", Duration.ofSeconds(10), appliance::established);
        // RFC 9384 §2: the BGP session ended with Cease, subcode 10 (BFD Down); a frozen BIRD reads it once thawed.
        await(d + " logs Cease/BFD Down (6/10) from vroute", Duration.ofSeconds(5), appliance::loggedCeaseBfdDown);

        // 4b. What the operator was told: the signed webhook notifications and the peer event log, in order.
        checkNotifications(b, id, frozenAt);
        checkPeerLog(b, id);

        // 5. Delete the peer: vroute sends AdminDown (RFC 5880 §6.8.16) so that the appliance sees an administrative
        //    end, not a failure; the appliance's CLI and the wire both show it.
        Capture capture = Capture.start(lab, apNs, "eth0", "udp dst port 3784");
        inVpc.call(() -> ec2.deleteRouteServerPeer(r -> r.routeServerPeerId(id)));
        long deleted = System.nanoTime();
        String[] view = new String[1];
        await(d + " shows BFD down, AdminDown from vroute", Duration.ofSeconds(10),
                () -> (view[0] = appliance.adminDownFromVroute()) != null);
        long adminDownMs = msSince(deleted);
        sleep(1500);
        List<String> wire = capture.stop("frame.time_relative", "ip.src", "bfd.sta", "bfd.diag", "bfd.my_discriminator",
                "bfd.your_discriminator");
        List<String> fromVroute = wire.stream().filter(l -> l.split(" ")[1].equals(b.endpointAddress()))
                .map(l -> l.split(" ")[2] + " " + l.split(" ")[3]).toList();
        System.out.printf("BFD-INTEROP: %s delete peer: appliance shows BFD down %d ms after DeleteRouteServerPeer; it"
                        + " shows:%n%s%nBFD-INTEROP: %s delete peer: BFD on the wire (time source state diag my-disc your-disc):"
                        + "%n  %s%n", d, adminDownMs, view[0].strip(), d,
                String.join("\n  ", wire.subList(Math.max(0, wire.size() - 10), wire.size())));
        // RFC 5880 §4.1: State 0 is AdminDown, Diagnostic 7 Administratively Down.
        assertTrue(!fromVroute.isEmpty() && fromVroute.get(fromVroute.size() - 1).equals("0 7"),
                "vroute's last BFD packets after DeleteRouteServerPeer should be AdminDown, diagnostic 7: " + wire);
        await(ROUTE.prefix() + " gone after the delete", Duration.ofSeconds(5), () -> target(b.tableId()) == null);

        // 6. vroute stops: its endpoint's maintenance notice still gets out (the notifier gets up to 3 s at shutdown).
        serve.stop();
        await("ROUTE_SERVER_ENDPOINT_MAINTENANCE shutting-down", Duration.ofSeconds(5), () -> receiver.received().stream()
                .anyMatch(n -> n.code().equals("ROUTE_SERVER_ENDPOINT_MAINTENANCE")
                        && "shutting-down".equals(n.body().path("state").asText())
                        && b.rsId().equals(n.body().path("routeServerId").asText())));
        assertEquals(0, receiver.refused(), "every notification's signature checked out");
    }

    /**
     * After the freeze: BFD down, then BGP down, then (thawed) BFD up, then BGP up, each once at least and in that order,
     * for this peer, with AWS's event codes and the route server's topic.
     */
    private void checkNotifications(Built b, String id, Instant frozenAt) {
        List<String> wanted = List.of("ROUTE_SERVER_PEER_BFD_STATUS_CHANGE down", "ROUTE_SERVER_PEER_BGP_STATUS_CHANGE down",
                "ROUTE_SERVER_PEER_BFD_STATUS_CHANGE up", "ROUTE_SERVER_PEER_BGP_STATUS_CHANGE up");
        List<String> seen = new java.util.ArrayList<>();
        await("notifications of the failure and the recovery, in order", Duration.ofSeconds(10), () -> {
            seen.clear();
            for (WebhookReceiver.Notification n : receiver.received()) {
                if (!id.equals(n.body().path("routeServerPeerId").asText())) continue;
                if (Instant.parse(n.body().path("eventTime").asText()).isBefore(frozenAt)) continue;
                seen.add(n.code() + " " + n.status());
            }
            int at = 0;
            for (String s : seen) if (at < wanted.size() && s.equals(wanted.get(at))) at++;
            return at == wanted.size();
        });
        assertEquals(wanted.get(0), seen.get(0), "the first notification after the freeze is BFD down: " + seen);
        WebhookReceiver.Notification bfdDown = receiver.received().stream()
                .filter(n -> id.equals(n.body().path("routeServerPeerId").asText()) && n.code().endsWith("BFD_STATUS_CHANGE")
                        && "down".equals(n.status()) && !Instant.parse(n.body().path("eventTime").asText()).isBefore(frozenAt))
                .findFirst().orElseThrow();
        assertEquals(b.rsId(), bfdDown.body().path("routeServerId").asText());
        assertEquals("arn:aws:sns:vroute:000000000000:" + b.rsId(), bfdDown.body().path("snsTopicArn").asText());
        assertEquals("up", bfdDown.body().path("previousStatus").asText());
        assertEquals(AP4, bfdDown.body().path("peerAddress").asText());
        assertTrue(bfdDown.body().path("reason").asText().contains("detection time"), bfdDown.body().toString());
        System.out.println("BFD-INTEROP: " + appliance.daemon() + " notifications after the freeze: " + seen);
    }

    /** The peer's event log (destination file): the failure and recovery, and the route's withdrawal and return. */
    private void checkPeerLog(Built b, String id) {
        java.nio.file.Path file = lab.dir().resolve("data").resolve("peer-logs").resolve(b.rsId()).resolve(id + ".log");
        List<String> wanted = List.of("BFDStatus DOWN", "BGPStatus DOWN", "RouteStatus WITHDRAWN " + ROUTE.prefix(),
                "BFDStatus UP", "BGPStatus UP", "RouteStatus ADVERTISED " + ROUTE.prefix());
        List<String> seen = new java.util.ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        await("peer log " + file + " with " + wanted, Duration.ofSeconds(10), () -> {
            seen.clear();
            try {
                if (!java.nio.file.Files.exists(file)) return false;
                for (String line : java.nio.file.Files.readAllLines(file)) {
                    JsonNode n = json.readTree(line);
                    assertEquals("arn:aws:ec2:vroute:000000000000:route-server-peer/" + id, n.path("resource_arn").asText());
                    seen.add(n.path("type").asText() + " " + n.path("status").asText()
                            + (n.path("message").has("prefix") ? " " + n.path("message").path("prefix").asText() : ""));
                }
            } catch (IOException e) {
                return false;
            }
            int at = seen.lastIndexOf("BFDStatus DOWN");
            if (at < 0) return false;
            int i = 0;
            for (String s : seen.subList(at, seen.size())) if (i < wanted.size() && s.equals(wanted.get(i))) i++;
            return i == wanted.size();
        });
        System.out.println("BFD-INTEROP: " + appliance.daemon() + " peer log: " + seen);
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** The target ENI of {@link #ROUTE} in {@code table}, or null when the table has no such route. */
    private String target(String table) {
        return inVpc.call(() -> ec2.describeRouteTables(r -> r.routeTableIds(table)).routeTables().get(0).routes().stream()
                .filter(r -> ROUTE.prefix().equals(r.destinationCidrBlock())).map(r -> r.networkInterfaceId())
                .findFirst().orElse(null));
    }

    private void awaitSdk(String what, Duration timeout, java.util.function.Predicate<RouteServerPeer> condition, String id) {
        await(what, timeout, () -> condition.test(inVpc.call(() ->
                ec2.describeRouteServerPeers(r -> r.routeServerPeerIds(id)).routeServerPeers().get(0))));
    }

    /**
     * Polls the peer's events (raw DescribeRouteServerPeers, every 10 ms) until one of {@code type}/{@code status} at
     * or after {@code after} shows up.
     */
    private PeerEvent pollEvent(String id, String type, String status, Instant after, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        PeerXml last = null;
        while (System.nanoTime() < end) {
            last = inVpc.call(() -> query.peer(id));
            Optional<PeerEvent> e = last.first(type, status, after);
            if (e.isPresent()) return e.get();
            sleep(10);
        }
        fail("no " + type + " " + status + " event after " + after + " within " + timeout.toMillis() + " ms:\n"
                + (last == null ? "" : last.xml()) + "\n" + appliance.logs() + "\n---- vroute ----\n" + Lab.tail(serve.log(), 40));
        return null;
    }

    /**
     * Waits until BGP and BFD are up, the appliance says Established and no new event came for {@code window};
     * returns the {@link System#nanoTime()} at which that quiet period began.
     */
    private long awaitStable(String id, Duration window, Duration timeout) {
        long start = System.nanoTime();
        long end = start + Math.max(window.toNanos(), timeout.toNanos());
        int lastCount = -1;
        Instant lastTime = null;
        long quietSince = System.nanoTime();
        PeerXml x = null;
        while (System.nanoTime() < end) {
            x = inVpc.call(() -> query.peer(id));
            Instant newest = x.events().isEmpty() ? null : x.events().get(x.events().size() - 1).time();
            boolean up = "up".equals(x.bgpStatus()) && "up".equals(x.bfdStatus()) && appliance.established();
            if (!up || x.events().size() != lastCount || !java.util.Objects.equals(newest, lastTime)) {
                quietSince = System.nanoTime();
                lastCount = x.events().size();
                lastTime = newest;
            }
            if (up && System.nanoTime() - quietSince >= window.toNanos()) return quietSince;
            sleep(200);
        }
        fail("BGP and BFD did not stay up for " + window.toSeconds() + " s:\n" + (x == null ? "" : x.xml()) + "\n"
                + appliance.logs() + loadNote());
        return -1;
    }

    static void awaitEndpointsAvailable(Ec2Client ec2, InNamespace in, VrouteServe serve) {
        if (!Lab.waitFor(Duration.ofSeconds(10), () -> in.call(() -> ec2.describeRouteServerEndpoints(r -> {})
                .routeServerEndpoints().stream().allMatch(e -> "available".equals(e.stateAsString()))))) {
            fail("endpoints not available:\n" + in.call(() -> ec2.describeRouteServerEndpoints(r -> {}).routeServerEndpoints())
                    + "\n" + Lab.tail(serve.log(), 20));
        }
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return;
            sleep(50);
        }
        fail("timed out after " + timeout.toMillis() + " ms waiting for: " + what + "\n" + appliance.logs()
                + "\n---- vroute ----\n" + Lab.tail(serve.log(), 40));
    }

    /**
     * The machine's load, for timing failures: BFD at 100 ms x 3 gives up after 300 ms without a packet, so other
     * work on the same CPUs (a benchmark, a parallel build) makes sessions flap and delays detection.
     */
    static String loadNote() {
        String[] load = Lab.read(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
        return "\n(load average " + String.join(" ", java.util.Arrays.asList(load).subList(0, Math.min(3, load.length)))
                + " on " + Runtime.getRuntime().availableProcessors() + " CPUs; timers of 100 ms need CPUs that are"
                + " not busy with other work: run the interop tests alone)";
    }

    // ------------------------------------------------------------------------------------------ wire capture

    /** tshark on one interface of a namespace, writing a pcap; {@link #stop} decodes the fields asked for (no spaces in them). */
    static final class Capture {
        private final Lab lab;
        private final Process process;
        private final Path file;
        private final Path log;

        private Capture(Lab lab, Process process, Path file, Path log) {
            this.lab = lab;
            this.process = process;
            this.file = file;
            this.log = log;
        }

        static Capture start(Lab lab, String ns, String dev, String filter) {
            Path file = lab.dir().resolve(ns + "-" + dev + ".pcap");
            Path log = lab.dir().resolve(ns + "-" + dev + ".tshark");
            Process p = lab.spawn(ns, List.of("tshark", "-n", "-i", dev, "-f", filter, "-w", file.toString()), log, false);
            // tshark says "Capturing on" once its filter is in place.
            if (!Lab.waitFor(Duration.ofSeconds(15), () -> !p.isAlive() || Lab.read(log).contains("Capturing on"))
                    || !p.isAlive()) {
                throw new IllegalStateException("tshark did not start capturing: " + Lab.read(log));
            }
            return new Capture(lab, p, file, log);
        }

        /** Stops the capture; one line per packet, the fields separated by a space. */
        List<String> stop(String... fields) {
            lab.stop(process, Duration.ofSeconds(5));
            List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-T", "fields"));
            for (String f : fields) {
                cmd.add("-e");
                cmd.add(f);
            }
            Lab.Result r = Lab.runQuietly(cmd.toArray(String[]::new));
            if (r.status() != 0) throw new IllegalStateException("tshark -r " + file + ": " + r.output() + Lab.read(log));
            // tshark prints some integer fields in hex (0x00): numbers are decoded, fields joined by a space.
            return r.output().lines().filter(l -> !l.isBlank() && !l.startsWith("Running as user"))
                    .map(l -> String.join(" ", java.util.Arrays.stream(l.split("\t")).map(Capture::decimal).toList()))
                    .toList();
        }

        private static String decimal(String field) {
            try {
                return Long.toString(Long.decode(field.trim()));
            } catch (NumberFormatException e) {
                return field;
            }
        }
    }

    // ------------------------------------------------------------------------------------------ the Query API

    /** One entry of a peer's {@code eventSet} (vroute extension). */
    record PeerEvent(Instant time, String type, String status, String reason) {
        boolean is(String t, String s) {
            return type.equals(t) && status.equals(s);
        }

        @Override
        public String toString() {
            return time + " " + type + " " + status + (reason == null ? "" : " (" + reason + ")");
        }
    }

    /** A peer as DescribeRouteServerPeers's XML shows it, vroute's extension elements included. */
    record PeerXml(String bgpStatus, String bfdStatus, String bfdState, String diagnostic, long detectionTimeMs,
                   long minTxMs, long minRxMs, long multiplier, List<PeerEvent> events, String xml) {
        /** The first event of that type and status at or after {@code after}. */
        Optional<PeerEvent> first(String type, String status, Instant after) {
            return events.stream().filter(e -> e.is(type, status) && !e.time().isBefore(after)).findFirst();
        }

        static PeerXml of(Element item) {
            Element bfd = child(item, "bfdStatus");
            Element options = child(item, "bfdOptions");
            List<PeerEvent> events = new ArrayList<>();
            Element set = child(item, "eventSet");
            if (set != null) {
                for (Element e : children(set, "item")) {
                    events.add(new PeerEvent(Instant.parse(text(e, "time")), text(e, "type"), text(e, "status"),
                            text(e, "reason")));
                }
            }
            return new PeerXml(text(child(item, "bgpStatus"), "status"), text(bfd, "status"), text(bfd, "sessionState"),
                    text(bfd, "diagnostic"), number(bfd, "detectionTime"), number(options, "minTxInterval"),
                    number(options, "minRxInterval"), number(options, "multiplier"), events, Ec2Query.print(item));
        }
    }

    /**
     * Signed EC2 Query calls (SigV4, with the SDK's signer) to vroute's API, for what the SDK cannot send: the
     * {@code BfdOptions} extension, and the extension elements of answers. Call it on a thread inside the VPC namespace
     * (see {@link InNamespace}): the connection is made on the calling thread.
     */
    /** vroute's own Query client with the extension calls these tests need; call it inside the daemon's namespace. */
    static final class Ec2Query {
        private final io.vroute.api.QueryClient client;

        Ec2Query(VrouteServe serve) {
            this.client = serve.queryClient();
        }

        /** Calls {@code action}; the answer's document, or QueryClient.Failure with EC2's error code and message. */
        Document call(String action, Map<String, String> parameters) {
            try {
                return client.call(action, parameters);
            } catch (IOException e) {
                throw new UncheckedIOException(action + " to " + client.endpoint(), e);
            }
        }

        /** CreateRouteServerPeer with liveness bfd and the extension's BFD timers; returns the peer's id. */
        String createBfdPeer(String endpointId, String address, long asn, int minTxMs, int minRxMs, int multiplier) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("RouteServerEndpointId", endpointId);
            p.put("PeerAddress", address);
            p.put("BgpOptions.PeerAsn", Long.toString(asn));
            p.put("BgpOptions.PeerLivenessDetection", "bfd");
            p.put("BfdOptions.MinTxInterval", Integer.toString(minTxMs));
            p.put("BfdOptions.MinRxInterval", Integer.toString(minRxMs));
            p.put("BfdOptions.Multiplier", Integer.toString(multiplier));
            Element peer = child(call("CreateRouteServerPeer", p).getDocumentElement(), "routeServerPeer");
            return text(peer, "routeServerPeerId");
        }

        /** DescribeRouteServerPeers of one peer, its extension elements included. */
        PeerXml peer(String id) {
            Element set = child(call("DescribeRouteServerPeers", Map.of("RouteServerPeerId.1", id)).getDocumentElement(),
                    "routeServerPeerSet");
            List<Element> items = set == null ? List.of() : children(set, "item");
            if (items.size() != 1) throw new IllegalStateException("DescribeRouteServerPeers " + id + ": " + items.size() + " peers");
            return PeerXml.of(items.get(0));
        }

        /** DescribeRouteServerPeers of every peer, by id. */
        Map<String, PeerXml> peers() {
            Element set = child(call("DescribeRouteServerPeers", Map.of()).getDocumentElement(), "routeServerPeerSet");
            Map<String, PeerXml> out = new LinkedHashMap<>();
            if (set != null) for (Element item : children(set, "item")) out.put(text(item, "routeServerPeerId"), PeerXml.of(item));
            return out;
        }

        static String print(Node n) {
            try {
                var t = javax.xml.transform.TransformerFactory.newInstance().newTransformer();
                t.setOutputProperty(javax.xml.transform.OutputKeys.OMIT_XML_DECLARATION, "yes");
                var w = new java.io.StringWriter();
                t.transform(new javax.xml.transform.dom.DOMSource(n), new javax.xml.transform.stream.StreamResult(w));
                return w.toString();
            } catch (javax.xml.transform.TransformerException e) {
                return n.getTextContent();
            }
        }
    }

    static Element child(Element parent, String name) {
        if (parent == null) return null;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) return e;
        }
        return null;
    }

    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) out.add(e);
        }
        return out;
    }

    static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent();
    }

    static long number(Element parent, String name) {
        String t = text(parent, name);
        return t == null ? -1 : Long.parseLong(t.trim());
    }
}
