package io.vroute.vpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A route table: its static routes and its associations. Immutable: every change yields a new record.
 * Routes propagated by a route server are not part of the record (they change at BGP speed); the
 * {@link Network} keeps them beside it and {@link Network#effectiveRoutes(String)} shows both.
 *
 * @param routeTableId {@code rtb-} and 17 hex digits
 * @param vpcId        its VPC
 * @param routes       static routes: the local route(s) first, then those made with CreateRoute
 * @param associations the main association, subnet associations and at most one gateway (edge) association
 * @param tags         the table's tags
 */
public record RouteTable(String routeTableId, String vpcId, List<Route> routes, List<Association> associations,
                         Map<String, String> tags) {

    /** Route origins as EC2 names them. */
    public static final String CREATE_ROUTE_TABLE = "CreateRouteTable";
    public static final String CREATE_ROUTE = "CreateRoute";
    public static final String ADVERTISEMENT = "Advertisement";
    /** Route states as EC2 names them. */
    public static final String ACTIVE = "active";
    public static final String BLACKHOLE = "blackhole";
    /** The gateway id of a local route. */
    public static final String LOCAL = "local";

    public RouteTable {
        routes = List.copyOf(routes);
        associations = List.copyOf(associations);
        tags = Tags.copy(tags);
    }

    /**
     * A static route. Exactly one of the two destinations and one of the two targets is set.
     *
     * @param destinationCidrBlock     IPv4 destination, or null
     * @param destinationIpv6CidrBlock IPv6 destination, or null
     * @param gatewayId                "local" or an {@code igw-...}, or null
     * @param networkInterfaceId       an {@code eni-...}, or null
     * @param origin                   "CreateRouteTable" (local routes) or "CreateRoute"
     * @param state                    "active", or "blackhole" when its target is gone (interface deleted,
     *                                 gateway detached)
     */
    public record Route(String destinationCidrBlock, String destinationIpv6CidrBlock, String gatewayId,
                        String networkInterfaceId, String origin, String state) {

        /** The destination, IPv4 or IPv6. */
        public String destination() {
            return destinationCidrBlock != null ? destinationCidrBlock : destinationIpv6CidrBlock;
        }

        /** The target: the gateway id or the network interface id. */
        public String target() {
            return gatewayId != null ? gatewayId : networkInterfaceId;
        }

        Cidr cidr() {
            return Cidr.parse(destination());
        }

        static Route to(Cidr destination, String gatewayId, String networkInterfaceId, String origin, String state) {
            String text = destination.toString();
            return new Route(destination.isIpv6() ? null : text, destination.isIpv6() ? text : null, gatewayId,
                    networkInterfaceId, origin, state);
        }

        Route withState(String newState) {
            return new Route(destinationCidrBlock, destinationIpv6CidrBlock, gatewayId, networkInterfaceId, origin,
                    newState);
        }
    }

    /**
     * One association of the table.
     *
     * @param routeTableAssociationId {@code rtbassoc-} and 17 hex digits
     * @param routeTableId            this table
     * @param subnetId                the subnet, for a subnet association
     * @param gatewayId               the internet gateway, for an edge association
     * @param main                    true for the VPC's main association (no subnet, no gateway)
     * @param associationState        always "associated"
     */
    public record Association(String routeTableAssociationId, String routeTableId, String subnetId, String gatewayId,
                              boolean main, String associationState) {
    }

    /** The static route for exactly this destination, or null. */
    public Route route(Cidr destination) {
        for (Route route : routes) {
            if (route.cidr().equals(destination)) {
                return route;
            }
        }
        return null;
    }

    /** True when this table is the main one of its VPC. */
    public boolean mainTable() {
        return associations.stream().anyMatch(Association::main);
    }

    /** The internet gateway of this table's edge association, or null when it is not an edge table. */
    public String edgeGatewayId() {
        for (Association association : associations) {
            if (association.gatewayId() != null) {
                return association.gatewayId();
            }
        }
        return null;
    }

    RouteTable withRoutes(List<Route> newRoutes) {
        return new RouteTable(routeTableId, vpcId, newRoutes, associations, tags);
    }

    RouteTable withAssociations(List<Association> newAssociations) {
        return new RouteTable(routeTableId, vpcId, routes, newAssociations, tags);
    }

    RouteTable withTags(Map<String, String> newTags) {
        return new RouteTable(routeTableId, vpcId, routes, associations, newTags);
    }

    RouteTable plus(Association association) {
        List<Association> more = new ArrayList<>(associations);
        more.add(association);
        return withAssociations(more);
    }

    RouteTable minus(String associationId) {
        return withAssociations(associations.stream()
                .filter(a -> !a.routeTableAssociationId().equals(associationId)).toList());
    }
}
