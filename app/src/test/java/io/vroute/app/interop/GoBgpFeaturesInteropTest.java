package io.vroute.app.interop;

import static io.vroute.app.interop.VrouteListen.is;
import static io.vroute.app.interop.VrouteListen.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vroute.app.interop.VrouteListen.Event;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GoBGP 3.10 features against {@code vroute bgp listen} that {@link GoBgpInteropTest} does not exercise: ADD-PATH
 * (RFC 7911), TCP-MD5 with GTSM, and the seed's two appliances (AS 65001, configured like the seed's gobgpd.conf
 * with both unicast families on one IPv4 session, the standby prepending) peering from their own namespaces, with
 * the details the common steps leave out (MED 0, a 32-bit large community above 2^31, an IPv6 withdrawal over an
 * IPv4 session, the hold timer's lower bound, the RFC 9003 message in the down reason, a clean exit).
 *
 * <p>Each test has its own lab: the route server namespace holds bridge br0 with one address per subnet
 * (10.0.N.230, fd00:N::230), each appliance is a host on that bridge in its own subnet.
 */
class GoBgpFeaturesInteropTest {
    private static final long RS_AS = 65000;
    private static final long AP_AS = 65001;
    private static final int HOLD = 9;
    private static final String RS1 = "10.0.1.230";
    private static final String RS2 = "10.0.2.230";
    private static final String RS3 = "10.0.3.230";
    private static final String AZ1 = "10.0.1.203";
    private static final String AZ2 = "10.0.2.204";
    private static final String OTHER = "10.0.3.205";

    private Lab lab;
    private VrouteListen vroute;
    private final List<GoBgp> daemons = new java.util.ArrayList<>();
    private boolean passed;

    @BeforeEach
    void setUp() {
        Interop.require(Interop.GOBGPD, Interop.GOBGP);
    }

    @AfterEach
    void tearDown() {
        if (lab == null) return;
        if (!passed) {
            lab.keepLogs();
            StringBuilder sb = new StringBuilder("[interop GoBGP features] failed; logs:\n");
            if (vroute != null) sb.append(vroute.describe()).append('\n');
            for (GoBgp d : daemons) sb.append(d.logTail(20)).append('\n');
            System.out.println(sb);
        }
        if (vroute != null) vroute.stop();
        lab.close();
    }

    /** The route server namespace: br0 with 10.0.N.230/24 and fd00:N::230/64 for each subnet N. */
    private String routeServer(int subnets) {
        String[] addresses = new String[2 * subnets];
        for (int n = 1; n <= subnets; n++) {
            addresses[2 * n - 2] = "10.0." + n + ".230/24";
            addresses[2 * n - 1] = "fd00:" + n + "::230/64";
        }
        return lab.routeServer("rs", addresses);
    }

    /** An appliance host in subnet N with 10.0.N.H and fd00:N::H. */
    private String appliance(String role, String rs, String v4) {
        String[] octets = v4.split("\\.");
        return lab.host(role, rs, v4 + "/24", "fd00:" + octets[2] + "::" + octets[3] + "/64");
    }

    /** gobgpd of AS 65001 at {@code local}, one neighbor (ipv4 and ipv6 unicast) as given. */
    private GoBgp gobgpd(String ns, String name, String local, GoBgp.Neighbor neighbor) {
        GoBgp d = new GoBgp(lab, ns, name, AP_AS, local, List.of(local), List.of(neighbor), HOLD);
        daemons.add(d);
        return d.start();
    }

    private static GoBgp.Neighbor routeServerPeer(String address) {
        return GoBgp.Neighbor.dualStack(address, RS_AS);
    }

    private long count(String peer, String event) {
        return vroute.events().stream().filter(is(event, peer)).count();
    }

    @Test
    void addPathReceivesEveryPathWithItsIdentifier() {
        lab = Lab.create("fap");
        String rs = routeServer(1);
        String app = appliance("app", rs, AZ1);
        vroute = new VrouteListen(lab, rs, "vroute", RS_AS, List.of(RS1), List.of(AZ1 + "=" + AP_AS), "--add-path").start();
        // RFC 7911: GoBGP sends up to 4 paths per prefix to a peer that can receive them.
        GoBgp gobgp = gobgpd(app, "gobgp-app", AZ1, routeServerPeer(RS1).addPathSend(4));
        Event up = vroute.await("established from " + AZ1, is("established", AZ1), Duration.ofSeconds(30));
        assertTrue(up.toString().contains("add-path"), "GoBGP offers ADD-PATH: " + up);
        gobgp.cli("global", "rib", "add", "10.50.0.0/16", "identifier", "1", "nexthop", AZ1);
        gobgp.cli("global", "rib", "add", "10.50.0.0/16", "identifier", "2", "nexthop", "10.0.1.204", "med", "50");
        JsonNode first = vroute.await("10.50.0.0/16 without MED", e -> e.json().path("prefix").asText().equals("10.50.0.0/16")
                && e.json().path("med").isMissingNode(), Duration.ofSeconds(10)).json();
        JsonNode second = vroute.await("10.50.0.0/16 with MED 50", e -> e.json().path("prefix").asText().equals("10.50.0.0/16")
                && e.json().path("med").asLong() == 50, Duration.ofSeconds(10)).json();
        assertTrue(first.has("path_id") && second.has("path_id"), first + " " + second);
        assertTrue(first.path("path_id").asLong() != second.path("path_id").asLong(), "two paths, two identifiers");
        assertEquals("10.0.1.204", second.path("next_hop").asText());
        passed = true;
    }

    @Test
    void md5AndGtsmSessionEstablishesAndAWrongPasswordDoesNot() throws InterruptedException {
        lab = Lab.create("fmd");
        String rs = routeServer(2);
        String a = appliance("a", rs, AZ1);
        String b = appliance("b", rs, AZ2);
        vroute = new VrouteListen(lab, rs, "vroute", RS_AS, List.of(RS1, RS2), List.of(AZ1 + "=" + AP_AS, AZ2 + "=" + AP_AS),
                "--md5", AZ1 + "=s3cret-a", "--md5", AZ2 + "=s3cret-b", "--gtsm").start();
        // GoBGP: TCP-MD5 with auth-password, GTSM with ttl-security.
        gobgpd(a, "gobgp-a", AZ1, routeServerPeer(RS1).authPassword("s3cret-a").ttlSecurity(254));
        gobgpd(b, "gobgp-b", AZ2, routeServerPeer(RS2).authPassword("guess").ttlSecurity(254));
        vroute.await("established from " + AZ1, is("established", AZ1), Duration.ofSeconds(30));
        Thread.sleep(5_000);
        assertEquals(0, count(AZ2, "established"), "a wrong TCP-MD5 password gets no session");
        assertTrue(vroute.events().stream().noneMatch(e -> e.toString().contains("s3cret")), "the password is never printed");
        vroute.stop();
        assertFalse(Lab.read(vroute.stderrLog()).contains("s3cret"), "the password is never logged");
        passed = true;
    }

    @Test
    void seedScenarioAppliancesAdvertiseWithdrawFreezeAndShutDown() {
        lab = Lab.create("fsd");
        String rs = routeServer(3);
        String az1 = appliance("az1", rs, AZ1);
        String az2 = appliance("az2", rs, AZ2);
        String other = appliance("other", rs, OTHER);
        vroute = new VrouteListen(lab, rs, "vroute", RS_AS, List.of(RS1, RS2, RS3),
                List.of(AZ1 + "=" + AP_AS, AZ2 + "=" + AP_AS), "--hold-time", Integer.toString(HOLD)).start();
        GoBgp active = gobgpd(az1, "gobgp-az1", AZ1, routeServerPeer(RS1));
        GoBgp standby = gobgpd(az2, "gobgp-az2", AZ2, routeServerPeer(RS2));
        JsonNode up = vroute.await("established from " + AZ1, is("established", AZ1), Duration.ofSeconds(30)).json();
        assertEquals(AP_AS, up.path("peer_as").asLong());
        assertEquals(HOLD, up.path("hold_time").asInt());
        vroute.await("established from " + AZ2, is("established", AZ2), Duration.ofSeconds(30));

        // A BGP speaker that is not a configured peer is refused (Cease / Connection Rejected).
        GoBgp stranger = gobgpd(other, "gobgp-other", OTHER, routeServerPeer(RS3));
        vroute.await("rejected from " + OTHER, is("rejected", OTHER), Duration.ofSeconds(30));
        assertFalse(stranger.cli("neighbor").contains("Establ"), "the stranger never gets a session");

        // The floating IP from both instances; the standby prepends and sends a higher MED.
        active.cli("global", "rib", "add", "172.16.1.1/32", "origin", "igp", "community", "65001:100",
                "large-community", "65001:1:2", "med", "0");
        standby.cli("global", "rib", "add", "172.16.1.1/32", "origin", "igp", "aspath", "65001,65001",
                "community", "65001:200", "med", "10");
        active.cli("global", "rib", "-a", "ipv6", "add", "2001:db8:100::/48", "nexthop", "fd00:1::203",
                "community", "65001:100", "large-community", "4200000000:7:8");
        active.cli("global", "rib", "add", "10.20.0.0/16", "origin", "egp");

        Duration tenSeconds = Duration.ofSeconds(10);
        JsonNode main = vroute.await("172.16.1.1/32 from " + AZ1, route("update", AZ1, "172.16.1.1/32"), tenSeconds).json();
        assertEquals("ipv4", main.path("afi").asText());
        assertEquals(AZ1, main.path("next_hop").asText());
        assertEquals(List.of(65001L), ApplianceInteropBase.longs(main.path("as_path")));
        assertEquals("igp", main.path("origin").asText());
        assertEquals(0, main.path("med").asLong());
        assertEquals(List.of("65001:100"), ApplianceInteropBase.strings(main.path("communities")));
        assertEquals(List.of("65001:1:2"), ApplianceInteropBase.strings(main.path("large_communities")));

        JsonNode backup = vroute.await("172.16.1.1/32 from " + AZ2, route("update", AZ2, "172.16.1.1/32"), tenSeconds).json();
        assertEquals(AZ2, backup.path("next_hop").asText());
        assertEquals(List.of(65001L, 65001L, 65001L), ApplianceInteropBase.longs(backup.path("as_path")),
                "the standby's path is longer");
        assertEquals(10, backup.path("med").asLong());
        assertEquals(List.of("65001:200"), ApplianceInteropBase.strings(backup.path("communities")));

        JsonNode v6 = vroute.await("2001:db8:100::/48 from " + AZ1, route("update", AZ1, "2001:db8:100::/48"), tenSeconds).json();
        assertEquals("ipv6", v6.path("afi").asText());
        assertEquals("fd00:1::203", v6.path("next_hop").asText());
        assertEquals(List.of("4200000000:7:8"), ApplianceInteropBase.strings(v6.path("large_communities")));
        assertEquals("egp", vroute.await("10.20.0.0/16 from " + AZ1, route("update", AZ1, "10.20.0.0/16"), tenSeconds)
                .json().path("origin").asText());

        active.cli("global", "rib", "del", "10.20.0.0/16");
        vroute.await("withdraw 10.20.0.0/16", e -> e.event().equals("withdraw")
                && e.json().path("prefix").asText().equals("10.20.0.0/16"), tenSeconds);
        active.cli("global", "rib", "-a", "ipv6", "del", "2001:db8:100::/48");
        vroute.await("withdraw 2001:db8:100::/48", e -> e.event().equals("withdraw")
                && e.json().path("prefix").asText().equals("2001:db8:100::/48")
                && e.json().path("afi").asText().equals("ipv6"), tenSeconds);

        // Freeze the standby: no keepalives, so vroute's hold timer (9 s) expires.
        int mark = vroute.mark();
        long frozenAt = System.nanoTime();
        standby.freeze();
        Event down = vroute.awaitAfter(mark, "down from " + AZ2, is("down", AZ2), Duration.ofSeconds(15));
        long ms = (down.arrivedNanos() - frozenAt) / 1_000_000;
        System.out.println("GoBGP frozen: session down after " + ms + " ms (hold time 9 s)");
        assertTrue(down.json().path("reason").asText().toLowerCase(Locale.ROOT).contains("hold timer expired"), down.toString());
        assertTrue(ms >= 6_000 && ms <= 11_000, "down " + ms + " ms after the freeze, hold time 9 s");
        vroute.awaitAfter(mark, "Hold Timer Expired NOTIFICATION sent to " + AZ2, is("notification", AZ2)
                .and(e -> e.json().path("direction").asText().equals("sent") && e.json().path("code").asInt() == 4),
                Duration.ofSeconds(2));
        int thawed = vroute.mark();
        standby.thaw();
        vroute.awaitAfter(thawed, "established again from " + AZ2, is("established", AZ2), Duration.ofSeconds(30));
        assertTrue(count(AZ2, "established") >= 2, "established twice");

        // An administrative shutdown with a message (RFC 9003) is decoded and shown.
        // GoBGP 3.10 puts the communication in its NOTIFICATION only with the deprecated "shutdown"
        // command; "disable --reason" sends Administrative Shutdown without it.
        int shut = vroute.mark();
        active.shutdown(RS1, "az1 maintenance: back at 14:00");
        JsonNode n = vroute.awaitAfter(shut, "NOTIFICATION from " + AZ1, is("notification", AZ1), tenSeconds).json();
        assertEquals("received", n.path("direction").asText());
        assertEquals(6, n.path("code").asInt());
        assertEquals(2, n.path("subcode").asInt());
        assertEquals("az1 maintenance: back at 14:00", n.path("message").asText(), n.toString());
        assertTrue(vroute.awaitAfter(shut, "down from " + AZ1, is("down", AZ1), Duration.ofSeconds(5))
                .json().path("reason").asText().contains("az1 maintenance"));

        assertEquals(0, vroute.stop(), "a clean stop exits 0");
        passed = true;
    }
}
