package io.vroute.server;

import java.util.List;

/**
 * One route of a route server's routing database (GetRouteServerRoutingDatabase): who sent it, what it says, whether it
 * won (in-fib) or not (in-rib), and per propagated route table whether it was installed or rejected and why.
 */
public record RoutingDatabaseEntry(String routeServerEndpointId, String routeServerPeerId, String prefix, List<Long> asPath,
                                   Long med, String nextHopIp, String routeStatus, String ineligibleReason,
                                   List<Installation> installations) {
    /** {@code status}: installed | rejected. */
    public record Installation(String routeTableId, String status, String reason) {}
}
