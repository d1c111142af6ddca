package io.vroute.vpc;

/**
 * Whether a route server's route to a destination is installed in a route table, and if not, why. This is
 * the per-table part of GetRouteServerRoutingDatabase.
 *
 * @param installed true when the route is in the table
 * @param reason    why it is rejected (says what to do); null when installed
 */
public record Installation(boolean installed, String reason) {

    static final Installation INSTALLED = new Installation(true, null);

    static Installation rejected(String reason) {
        return new Installation(false, reason);
    }

    /** "installed" or "rejected", as EC2's routeInstallationStatus. */
    public String status() {
        return installed ? "installed" : "rejected";
    }
}
