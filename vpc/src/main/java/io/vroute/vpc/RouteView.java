package io.vroute.vpc;

/**
 * One route as a route table shows it, static or propagated: what DescribeRouteTables lists and what a
 * lookup answers.
 *
 * @param destination        the destination block
 * @param gatewayId          "local" or an {@code igw-...}, or null
 * @param networkInterfaceId the target interface, or null
 * @param ipAddress          for a route a route server propagated: the BGP next hop (EC2's {@code ipAddress});
 *                           null otherwise
 * @param origin             "CreateRouteTable", "CreateRoute" or "Advertisement" (a route server's route)
 * @param state              "active" or "blackhole"
 */
public record RouteView(Cidr destination, String gatewayId, String networkInterfaceId, String ipAddress,
                        String origin, String state) {

    /** The IPv4 destination as text, or null for an IPv6 route. */
    public String destinationCidrBlock() {
        return destination.isIpv6() ? null : destination.toString();
    }

    /** The IPv6 destination as text, or null for an IPv4 route. */
    public String destinationIpv6CidrBlock() {
        return destination.isIpv6() ? destination.toString() : null;
    }

    /** The gateway id or the network interface id. */
    public String target() {
        return gatewayId != null ? gatewayId : networkInterfaceId;
    }

    public boolean blackhole() {
        return RouteTable.BLACKHOLE.equals(state);
    }

    static RouteView of(RouteTable.Route route) {
        return new RouteView(route.cidr(), route.gatewayId(), route.networkInterfaceId(), null, route.origin(),
                route.state());
    }

    @Override
    public String toString() {
        return destination + " (" + origin + ") -> " + target() + (ipAddress == null ? "" : " via " + ipAddress)
                + (blackhole() ? " [blackhole]" : "");
    }
}
