package io.vroute.app.interop;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/** FRR 8.4 as the appliance; see {@link ApplianceInteropBase} for the steps and {@link Frr} for the quirks. */
class FrrInteropTest extends ApplianceInteropBase {
    private static final Route V4 = Route.of("172.16.4.0/24").prepend(AP_AS).med(50)
            .communities("65001:100", "65001:200").large("65001:1:2");
    private static final Route V4_GONE = Route.of("172.16.5.0/24").origin("egp").large("65001:9:9");
    private static final Route V6 = Route.of("2001:db8:4::/48").origin("incomplete").prepend(AP_AS, AP_AS).med(60)
            .communities("65001:100").large("65001:1:2", "65001:3:4");

    private Frr appliance;
    private Frr stranger;

    @Override
    String daemon() {
        return "FRR";
    }

    @Override
    Interop.Need[] needs() {
        return new Interop.Need[] {Interop.ZEBRA, Interop.BGPD, Interop.VTYSH};
    }

    @Override
    List<Route> routes() {
        return List.of(V4, V4_GONE, V6);
    }

    @Override
    Route toWithdraw() {
        return V4_GONE;
    }

    @Override
    void startAppliance(String ns) {
        appliance = new Frr(lab, ns, "frr-ap", AP_AS, AP4,
                List.of(new Frr.Neighbor(RS4, RS_AS), new Frr.Neighbor(RS6, RS_AS)), routes(), HOLD).start();
    }

    @Override
    void startStranger(String ns) {
        stranger = new Frr(lab, ns, "frr-x", STRANGER_AS, STRANGER4, List.of(new Frr.Neighbor(RS4, RS_AS)), List.of(), HOLD)
                .start();
    }

    @Override
    boolean strangerSawConnectionRejected() {
        return Lab.read(stranger.log()).contains("received from neighbor " + RS4 + " 6/5 (Cease/Connection Rejected)");
    }

    @Override
    String strangerView() {
        return stranger.logTail(10);
    }

    @Override
    void withdraw(Route r) {
        appliance.withdraw(r);
    }

    @Override
    void adminShutdown(String neighbor, String message) {
        appliance.shutdown(neighbor, message);
    }

    /** FRR sends a locally originated ({@code network}) route with MED 0 unless a route-map sets one. */
    @Override
    Long expectedMed(Route r) {
        return r.med() == null ? Long.valueOf(0) : r.med();
    }

    /**
     * FRR wraps the Administrative Shutdown in a Cease/Hard Reset (6/9, RFC 8538) because vroute offers
     * graceful restart with the N bit; vroute prints the inner one in {@code reason} and its text in
     * {@code message}.
     */
    @Override
    boolean isAdminShutdown(JsonNode n) {
        return super.isAdminShutdown(n) || (n.path("code").asInt() == 6 && n.path("subcode").asInt() == 9
                && n.path("reason").asText().toLowerCase(Locale.ROOT).contains("administrative shutdown"));
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
        return appliance.logTail(30) + "\n" + (stranger == null ? "" : stranger.logTail(10));
    }
}
