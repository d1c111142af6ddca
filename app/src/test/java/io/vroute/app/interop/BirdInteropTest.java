package io.vroute.app.interop;

import java.util.List;

/** BIRD 2.0.12 as the appliance; see {@link ApplianceInteropBase} for the steps and {@link Bird} for the quirks. */
class BirdInteropTest extends ApplianceInteropBase {
    private static final Route V4 = Route.of("172.16.2.0/24").prepend(AP_AS).med(30)
            .communities("65001:100", "65001:200").large("65001:1:2");
    private static final Route V4_GONE = Route.of("172.16.3.0/24").origin("incomplete").communities("65001:300");
    private static final Route V6 = Route.of("2001:db8:2::/48").origin("egp").prepend(AP_AS, AP_AS).med(40)
            .communities("65001:100").large("65001:1:2", "4200000000:7:8");

    private Bird appliance;
    private Bird stranger;

    @Override
    String daemon() {
        return "BIRD";
    }

    @Override
    Interop.Need[] needs() {
        return new Interop.Need[] {Interop.BIRD, Interop.BIRDC};
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
        appliance = new Bird(lab, ns, "bird-ap", AP_AS, AP4, List.of(
                new Bird.Session("vr4", AP4, RS4, RS_AS, false),
                new Bird.Session("vr6", AP6, RS6, RS_AS, true)), routes(), HOLD).start();
    }

    @Override
    void startStranger(String ns) {
        stranger = new Bird(lab, ns, "bird-x", STRANGER_AS, STRANGER4,
                List.of(new Bird.Session("vr4", STRANGER4, RS4, RS_AS, false)), List.of(), HOLD).start();
    }

    @Override
    boolean strangerSawConnectionRejected() {
        return Lab.read(stranger.log()).contains("vr4: Received: Connection rejected");
    }

    @Override
    String strangerView() {
        return stranger.showProtocol("vr4") + "\n" + stranger.logTail(10);
    }

    @Override
    void withdraw(Route r) {
        appliance.withdraw(r);
    }

    @Override
    void adminShutdown(String neighbor, String message) {
        appliance.disable(neighbor.contains(":") ? "vr6" : "vr4", message);
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
        return appliance.logTail(30) + "\n" + appliance.showProtocol("vr4") + "\n" + appliance.showProtocol("vr6")
                + "\n" + (stranger == null ? "" : stranger.logTail(10));
    }
}
