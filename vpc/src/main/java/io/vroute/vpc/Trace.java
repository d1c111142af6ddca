package io.vroute.vpc;

/**
 * Where a packet goes and why: which route table was used, which route matched, and where the packet
 * leaves. {@link #explanation()} says it in one line.
 *
 * @param from               the subnet, network interface or internet gateway the packet comes from
 * @param routeTableId       the table that decided, or null (an internet gateway without an edge table)
 * @param association        why that table: "explicit association", "main route table", "edge association",
 *                           or "no edge route table"
 * @param destination        the destination address
 * @param route              the matching route, or null when none matched
 * @param outcome            where the packet leaves
 * @param networkInterfaceId the interface it is delivered to, or null
 * @param interfaceAddress   that interface's address in the destination's family, or null
 * @param subnetId           the subnet of that interface, or the subnet holding the address for local
 *                           delivery, or null
 * @param gatewayId          the internet gateway it leaves through, or null
 * @param note               a further remark (why it is dropped, a source/destination check), or null
 */
public record Trace(String from, String routeTableId, String association, String destination, RouteView route,
                    Outcome outcome, String networkInterfaceId, String interfaceAddress, String subnetId,
                    String gatewayId, String note) {

    public enum Outcome {
        /** Sent to a network interface (an appliance) by a route that targets it. */
        INTERFACE,
        /** Delivered inside the VPC by the local route (or by an internet gateway without an edge table). */
        LOCAL,
        /** Leaves the VPC through the internet gateway. */
        INTERNET_GATEWAY,
        /** Dropped: no route, a blackhole route, or no subnet for a local address. */
        DROPPED
    }

    /**
     * One line, e.g. {@code from subnet-0a.. (table rtb-0b.., explicit association) to 172.16.1.1: route
     * 172.16.1.1/32 (Advertisement) -> eni-0c.. (10.0.1.10) in subnet-0d..}.
     */
    public String explanation() {
        StringBuilder line = new StringBuilder("from ").append(from).append(" (");
        if (routeTableId != null) {
            line.append("table ").append(routeTableId).append(", ");
        }
        line.append(association).append(") to ").append(destination).append(": ");
        if (route != null) {
            line.append("route ").append(route.destination()).append(" (").append(route.origin()).append(") -> ");
        }
        switch (outcome) {
            case INTERFACE -> line.append(networkInterfaceId).append(" (").append(interfaceAddress).append(") in ")
                    .append(subnetId);
            case LOCAL -> {
                line.append(route != null ? "local, " : "").append("delivered in ").append(subnetId);
                if (networkInterfaceId != null) {
                    line.append(" to ").append(networkInterfaceId).append(" (").append(interfaceAddress).append(')');
                } else {
                    line.append(", where no network interface holds that address");
                }
            }
            case INTERNET_GATEWAY -> line.append(gatewayId).append(", leaves the VPC");
            case DROPPED -> line.append(route != null ? route.target() + ", " : "").append("dropped");
        }
        if (note != null) {
            line.append(" (").append(note).append(')');
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return explanation();
    }
}
