package io.vroute.app.interop;

import static io.vroute.app.interop.VrouteListen.route;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vroute.app.interop.VrouteListen.Event;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GoBGP 3.10 as the appliance, configured like the seed's gobgpd.conf (scenario 1): two instances of AS 65001,
 * the active one at 10.0.1.203 and the standby at 10.0.1.204, each with one [[neighbors]] per route server
 * endpoint (10.0.1.230 and 10.0.1.136, AS 65000, ipv4-unicast), both advertising the floating IP
 * 172.16.1.1/32, the standby with {@code aspath 65001,65001}. Each endpoint is its own {@code vroute bgp
 * listen}. The active one also has an IPv6 session to fd00:1::230 and advertises more routes for the common
 * steps of {@link ApplianceInteropBase}. See {@link GoBgp} for the quirks.
 */
class GoBgpInteropTest extends ApplianceInteropBase {
    static final String RS4_B = "10.0.1.136";
    static final String STANDBY4 = "10.0.1.204";
    private static final Route FLOATING = Route.of("172.16.1.1/32").origin("incomplete");
    private static final Route FLOATING_STANDBY = FLOATING.prepend(AP_AS, AP_AS);
    private static final Route V4 = Route.of("172.16.10.0/24").prepend(AP_AS).med(10)
            .communities("65001:100", "65001:200").large("65001:1:2");
    private static final Route V4_GONE = Route.of("172.16.11.0/24").origin("egp").communities("65001:666");
    private static final Route V6 = Route.of("2001:db8:1::/48").prepend(AP_AS, AP_AS).med(20)
            .communities("65001:300").large("65001:3:4", "65001:5:6");

    private GoBgp appliance;
    private GoBgp standby;
    private GoBgp stranger;
    private VrouteListen endpointB;

    @Override
    String daemon() {
        return "GoBGP";
    }

    @Override
    Interop.Need[] needs() {
        return new Interop.Need[] {Interop.GOBGPD, Interop.GOBGP};
    }

    @Override
    List<Route> routes() {
        return List.of(FLOATING, V4, V4_GONE, V6);
    }

    @Override
    Route toWithdraw() {
        return V4_GONE;
    }

    @Override
    List<String> extraPeers() {
        return List.of(STANDBY4 + "=" + AP_AS);
    }

    @Override
    boolean sendsEndOfRib() {
        return false; // not without graceful restart
    }

    @Override
    void startAppliance(String ns) {
        appliance = new GoBgp(lab, ns, "gobgp-az1", AP_AS, AP4, List.of(), List.of(
                GoBgp.Neighbor.ipv4(RS4, RS_AS), GoBgp.Neighbor.ipv4(RS4_B, RS_AS), GoBgp.Neighbor.ipv6(RS6, RS_AS)), HOLD)
                .start();
        for (Route r : routes()) appliance.announce(r);
    }

    @Override
    void startStranger(String ns) {
        stranger = new GoBgp(lab, ns, "gobgp-x", STRANGER_AS, STRANGER4, List.of(),
                List.of(GoBgp.Neighbor.ipv4(RS4, RS_AS)), HOLD).start();
    }

    /** The second endpoint (its own vroute) and the standby instance. */
    @Override
    void moreSetUp(String rs) {
        Lab.run("ip", "-n", rs, "addr", "add", RS4_B + "/24", "dev", "br0");
        endpointB = new VrouteListen(lab, rs, "vroute-b", RS_AS, List.of(RS4_B),
                List.of(AP4 + "=" + AP_AS, STANDBY4 + "=" + AP_AS), "--hold-time", Integer.toString(HOLD)).start();
        String az2 = lab.host("az2", rs, STANDBY4 + "/24");
        standby = new GoBgp(lab, az2, "gobgp-az2", AP_AS, STANDBY4, List.of(),
                List.of(GoBgp.Neighbor.ipv4(RS4, RS_AS), GoBgp.Neighbor.ipv4(RS4_B, RS_AS)), HOLD).start();
        standby.announce(FLOATING_STANDBY);
    }

    /** Seed scenario 1: four advertisements of 172.16.1.1/32 (2 instances x 2 endpoints), the standby's longer. */
    @Test
    @Order(25)
    @Timeout(60)
    void seedScenarioBothEndpointsHearBothInstances() {
        for (VrouteListen endpoint : List.of(vroute, endpointB)) {
            Event active = endpoint.await("172.16.1.1/32 from the active instance", route("update", AP4, FLOATING.prefix()),
                    SESSION_UP);
            Event backup = endpoint.await("172.16.1.1/32 from the standby instance", route("update", STANDBY4, FLOATING.prefix()),
                    SESSION_UP);
            assertRoute(FLOATING, AP4, active.json());
            assertRoute(FLOATING_STANDBY, STANDBY4, backup.json());
            assertEquals(1, active.json().path("as_path").size(), active.toString());
            assertEquals(3, backup.json().path("as_path").size(), backup.toString());
            log("%s: active path %s, standby path %s", endpoint == vroute ? RS4 : RS4_B,
                    active.json().path("as_path"), backup.json().path("as_path"));
        }
    }

    @Override
    boolean strangerSawConnectionRejected() {
        // GoBGP logs no notification code for a session that never came up; its CLI counts the NOTIFICATION.
        return stranger.notificationsReceived(RS4) >= 1 && !stranger.established(RS4);
    }

    @Override
    String strangerView() {
        return stranger.cli("neighbor", RS4) + "\n" + stranger.logTail(10);
    }

    @Override
    void withdraw(Route r) {
        appliance.withdraw(r);
    }

    @Override
    void adminShutdown(String neighbor, String message) {
        appliance.shutdown(neighbor, message);
    }

    @Override
    void freeze() {
        appliance.freeze();
    }

    @Override
    void thaw() {
        appliance.thaw();
    }

    @Override
    String daemonLogs() {
        return appliance.logTail(30) + "\n" + Lab.runQuietly("ip", "netns", "exec", appliance.ns, "gobgp", "neighbor").output()
                + (standby == null ? "" : standby.logTail(10)) + "\n" + (stranger == null ? "" : stranger.logTail(10))
                + (endpointB == null ? "" : "\n" + endpointB.describe());
    }
}
