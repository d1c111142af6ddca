package io.vroute.app.interop;

import static io.vroute.app.interop.VrouteListen.is;
import static io.vroute.app.interop.VrouteListen.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vroute.app.interop.VrouteListen.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * What every appliance daemon must show against {@code vroute bgp listen}, one lab per class, the steps in
 * order on the same sessions:
 * <pre>
 *   namespace "ap"  10.0.1.203 fd00:1::203  daemon AS 65001 ─┐
 *   namespace "x"   10.0.1.66               daemon AS 65002 ─┤ br0 in namespace "rs": 10.0.1.230 fd00:1::230
 *                                                            └ vroute bgp listen --local-as 65000 --hold-time 9
 * </pre>
 * Steps are ordered 10, 20, ... so that a subclass can put its own in between.
 * The appliance has an IPv4 session (IPv4 unicast) and an IPv6 session (IPv6 unicast) to vroute, with hold
 * time 9 s and keepalive 3 s on both sides; the stranger at 10.0.1.66 is not a configured peer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ApplianceInteropBase {
    static final long RS_AS = 65000;
    static final long AP_AS = 65001;
    static final long STRANGER_AS = 65002;
    static final String RS4 = "10.0.1.230";
    static final String RS6 = "fd00:1::230";
    static final String AP4 = "10.0.1.203";
    static final String AP6 = "fd00:1::203";
    static final String STRANGER4 = "10.0.1.66";
    static final int HOLD = 9;
    static final Duration SESSION_UP = Duration.ofSeconds(30);

    Lab lab;
    VrouteListen vroute;
    private long labStarted;

    /** Logs of the lab's processes are printed (and kept on disk) when a step fails. */
    @RegisterExtension
    final TestWatcher logsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (lab == null) return;
            lab.keepLogs();
            System.out.println("[interop] " + context.getDisplayName() + " failed; logs:\n"
                    + (vroute == null ? "" : vroute.describe() + "\n") + daemonLogs());
        }
    };

    // ------------------------------------------------------------ what each daemon provides

    abstract String daemon();

    abstract Interop.Need[] needs();

    /** Everything the appliance advertises (IPv4 and IPv6), {@link #toWithdraw()} among them. */
    abstract List<Route> routes();

    abstract Route toWithdraw();

    /** Starts the appliance (AS 65001 at AP4/AP6) with sessions to RS4 and RS6, advertising {@link #routes()}. */
    abstract void startAppliance(String ns);

    /** Starts a daemon of the same kind at 10.0.1.66, AS 65002, that tries to peer with RS4. */
    abstract void startStranger(String ns);

    /** Whether the stranger's own log or CLI shows that it received Cease/Connection Rejected. */
    abstract boolean strangerSawConnectionRejected();

    abstract String strangerView();

    abstract void withdraw(Route r);

    /** The daemon's own way of an administrative shutdown of its session to {@code neighbor}, with a message. */
    abstract void adminShutdown(String neighbor, String message);

    abstract void freeze();

    abstract void thaw();

    abstract String daemonLogs();

    /** The MED the daemon sends for {@code r}: by default the one it was told to set, or none. */
    Long expectedMed(Route r) {
        return r.med();
    }

    boolean sendsEndOfRib() {
        return true;
    }

    /** Cease (6) / Administrative Shutdown (2) or Reset (4). */
    boolean isAdminShutdown(JsonNode n) {
        return n.path("code").asInt() == 6 && (n.path("subcode").asInt() == 2 || n.path("subcode").asInt() == 4);
    }

    // ------------------------------------------------------------ the lab

    @BeforeAll
    void setUp() {
        Interop.require(needs());
        labStarted = System.nanoTime();
        lab = Lab.create(tag());
        String rs = lab.routeServer("rs", RS4 + "/24", RS6 + "/64");
        String ap = lab.host("ap", rs, AP4 + "/24", AP6 + "/64");
        String x = lab.host("x", rs, STRANGER4 + "/24");
        List<String> peers = new ArrayList<>(List.of(AP4 + "=" + AP_AS, AP6 + "=" + AP_AS));
        peers.addAll(extraPeers());
        vroute = new VrouteListen(lab, rs, "vroute", RS_AS, List.of(RS4, RS6), peers,
                "--hold-time", Integer.toString(HOLD)).start();
        log("vroute listening %.1f s after the lab was started", seconds(System.nanoTime() - labStarted));
        startAppliance(ap);
        startStranger(x);
        moreSetUp(rs);
    }

    /** More --peer ADDRESS=ASN for the vroute on RS4/RS6. */
    List<String> extraPeers() {
        return List.of();
    }

    /** More of the lab (after the appliance and the stranger started), in the route server namespace {@code rs}. */
    void moreSetUp(String rs) {
    }

    private String tag() {
        return daemon().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "").substring(0, 2);
    }

    @AfterAll
    void tearDown() {
        try {
            if (vroute != null) {
                int status = vroute.stop();
                log("vroute stopped by SIGTERM, exit status %d", status);
            }
        } finally {
            if (lab != null) lab.close();
            log("whole class: %.1f s", seconds(System.nanoTime() - labStarted));
        }
    }

    // ------------------------------------------------------------ the steps

    @Test
    @Order(10)
    @Timeout(60)
    void bothSessionsEstablish() {
        for (String peer : List.of(AP4, AP6)) {
            Event e = vroute.await("established from " + peer, is("established", peer), SESSION_UP);
            assertEquals(AP_AS, e.json().path("peer_as").asLong(), e.toString());
            assertEquals(HOLD, e.json().path("hold_time").asInt(), e.toString());
            log("%s established %.1f s after the lab was started", peer, seconds(e.arrivedNanos() - labStarted));
        }
    }

    @Test
    @Order(20)
    @Timeout(60)
    void everyAttributeArrivesIntact() {
        for (Route r : routes()) {
            String peer = r.ipv6() ? AP6 : AP4;
            Event e = vroute.await("update " + r.prefix() + " from " + peer, route("update", peer, r.prefix()),
                    Duration.ofSeconds(20));
            assertRoute(r, peer, e.json());
        }
        if (sendsEndOfRib()) {
            vroute.await("End-of-RIB ipv4", is("end-of-rib", AP4).and(e -> e.json().path("afi").asText().equals("ipv4")),
                    Duration.ofSeconds(10));
            vroute.await("End-of-RIB ipv6", is("end-of-rib", AP6).and(e -> e.json().path("afi").asText().equals("ipv6")),
                    Duration.ofSeconds(10));
        }
    }

    /** Exactly the attributes the daemon was told to set; eBGP carries no LOCAL_PREF. */
    void assertRoute(Route r, String peer, JsonNode u) {
        String where = peer + " " + r.prefix() + ": " + u;
        assertEquals(r.afi(), u.path("afi").asText(), where);
        assertEquals(r.prefix(), u.path("prefix").asText(), where);
        assertEquals(peer, u.path("next_hop").asText(), "next hop: " + where);
        assertEquals(r.expectedAsPath(AP_AS), longs(u.path("as_path")), "AS path: " + where);
        assertEquals(r.origin(), u.path("origin").asText(), "origin: " + where);
        Long med = expectedMed(r);
        if (med == null) assertTrue(u.path("med").isMissingNode(), "no MED: " + where);
        else assertEquals(med.longValue(), u.path("med").asLong(-1), "MED: " + where);
        assertTrue(u.path("local_pref").isMissingNode(), "no LOCAL_PREF over eBGP: " + where);
        assertEquals(sorted(r.communities()), sorted(strings(u.path("communities"))), "communities: " + where);
        assertEquals(sorted(r.largeCommunities()), sorted(strings(u.path("large_communities"))), "large communities: " + where);
    }

    @Test
    @Order(30)
    @Timeout(60)
    void withdrawalIsReported() {
        Route w = toWithdraw();
        String peer = w.ipv6() ? AP6 : AP4;
        int mark = vroute.mark();
        long t0 = System.nanoTime();
        withdraw(w);
        Event e = vroute.awaitAfter(mark, "withdraw " + w.prefix(), route("withdraw", peer, w.prefix()), Duration.ofSeconds(15));
        assertEquals(w.afi(), e.json().path("afi").asText(), e.toString());
        log("withdraw of %s seen %.2f s after the daemon was told", w.prefix(), seconds(e.arrivedNanos() - t0));
        for (Route r : routes()) {
            if (r != w) {
                assertTrue(vroute.findAfter(mark, route("withdraw", r.ipv6() ? AP6 : AP4, r.prefix())).isEmpty(),
                        "only " + w.prefix() + " was withdrawn, yet " + r.prefix() + " too");
            }
        }
    }

    @Test
    @Order(40)
    @Timeout(60)
    void strangerIsRejected() {
        Event e = vroute.await("rejected from " + STRANGER4, is("rejected", STRANGER4), SESSION_UP);
        assertTrue(e.json().path("reason").asText().toLowerCase(Locale.ROOT).contains("connection rejected"), e.toString());
        assertTrue(Lab.waitFor(Duration.ofSeconds(10), this::strangerSawConnectionRejected),
                "the stranger does not show Cease/Connection Rejected:\n" + strangerView());
        assertTrue(vroute.events().stream().noneMatch(is("established", STRANGER4)), "the stranger got a session");
    }

    @Test
    @Order(50)
    @Timeout(90)
    void frozenApplianceHitsTheHoldTimer() {
        int mark = vroute.mark();
        long frozenAt = System.nanoTime();
        freeze();
        List<Double> took = new ArrayList<>();
        try {
            for (String peer : List.of(AP4, AP6)) {
                Event down = vroute.awaitAfter(mark, "down from " + peer, is("down", peer), Duration.ofSeconds(HOLD + 6));
                double s = seconds(down.arrivedNanos() - frozenAt);
                took.add(s);
                log("%s frozen: vroute reported down after %.2f s (hold time %d s): %s", peer, s, HOLD,
                        down.json().path("reason").asText());
                assertTrue(down.json().path("reason").asText().toLowerCase(Locale.ROOT).contains("hold timer expired"),
                        "down for the hold timer: " + down);
                assertTrue(s <= HOLD + 2, peer + ": down after " + s + " s, more than hold time + 2 s");
                assertFalse(vroute.findAfter(mark, is("notification", peer)
                        .and(n -> n.json().path("direction").asText().equals("sent") && n.json().path("code").asInt() == 4))
                        .isEmpty(), "vroute sent no Hold Timer Expired NOTIFICATION to " + peer);
            }
        } finally {
            thaw();
        }
        // Thawed, the daemon reads the NOTIFICATION, reconnects and advertises again (not the withdrawn route).
        int thawed = vroute.mark();
        long thawedAt = System.nanoTime();
        for (String peer : List.of(AP4, AP6)) {
            Event up = vroute.awaitAfter(thawed, "established again from " + peer, is("established", peer), SESSION_UP);
            log("%s thawed: established again after %.1f s", peer, seconds(up.arrivedNanos() - thawedAt));
        }
        for (Route r : routes()) {
            if (r == toWithdraw()) continue;
            String peer = r.ipv6() ? AP6 : AP4;
            Event u = vroute.awaitAfter(thawed, "re-advertised " + r.prefix(), route("update", peer, r.prefix()),
                    Duration.ofSeconds(20));
            assertRoute(r, peer, u.json());
        }
        assertTrue(vroute.findAfter(thawed, route("update", toWithdraw().ipv6() ? AP6 : AP4, toWithdraw().prefix())).isEmpty(),
                "the withdrawn route came back");
        log("hold timer detection: %s s", took);
    }

    @Test
    @Order(60)
    @Timeout(60)
    void adminShutdownCarriesItsMessage() {
        String message = "planned maintenance of " + daemon() + ", back at 10:00";
        int mark = vroute.mark();
        adminShutdown(RS4, message);
        Event n = vroute.awaitAfter(mark, "NOTIFICATION from " + AP4,
                is("notification", AP4).and(e -> e.json().path("direction").asText().equals("received")), Duration.ofSeconds(15));
        assertTrue(isAdminShutdown(n.json()), "Cease/Administrative Shutdown expected: " + n);
        assertEquals(message, n.json().path("message").asText(null), "shutdown communication: " + n);
        vroute.awaitAfter(mark, "down from " + AP4, is("down", AP4), Duration.ofSeconds(5));
        log("admin shutdown: %s", n);
    }

    @Test
    @Order(70)
    void nothingMalformed() {
        List<Event> bad = vroute.events().stream()
                .filter(e -> e.event().equals("malformed") || e.event().equals("not-json")).toList();
        assertTrue(bad.isEmpty(), "vroute saw malformed input or printed a line that is not JSON: " + bad);
    }

    // ------------------------------------------------------------ helpers

    void log(String format, Object... args) {
        System.out.println("[interop " + daemon() + "] " + String.format(Locale.ROOT, format, args));
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static List<Long> longs(JsonNode array) {
        List<Long> l = new ArrayList<>();
        for (JsonNode n : array) l.add(n.asLong());
        return l;
    }

    static List<String> strings(JsonNode array) {
        List<String> l = new ArrayList<>();
        for (JsonNode n : array) l.add(n.asText());
        return l;
    }

    static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }
}
