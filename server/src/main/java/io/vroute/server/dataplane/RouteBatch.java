package io.vroute.server.dataplane;

import io.vroute.vpc.Cidr;
import io.vroute.vpc.Network;
import io.vroute.vpc.RouteChange;
import io.vroute.vpc.RouteTable;
import io.vroute.vpc.RouteView;
import io.vroute.vpc.Subnet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes to one route table in kernel terms, for {@link LinuxDataplane#routes(RouteBatch)}: the fast path that puts a
 * route server's decisions into the kernel without reconciling anything else. Made on the thread that owns the
 * {@link Network} ({@link #of}), applied on the data plane's thread. A destination appears once; the last change to
 * it wins.
 */
public final class RouteBatch {

    /**
     * One destination's new state.
     *
     * @param destination the destination
     * @param nextHop     where it goes from now on; null to remove vroute's route to it
     */
    public record Change(Cidr destination, NextHop nextHop) {
        public boolean removal() {
            return nextHop == null;
        }

        @Override
        public String toString() {
            return nextHop == null ? "remove " + destination : destination + " " + nextHop;
        }
    }

    private final String routeTableId;
    private final List<Change> changes;

    RouteBatch(String routeTableId, List<Change> changes) {
        this.routeTableId = routeTableId;
        this.changes = Collections.unmodifiableList(changes);
    }

    /**
     * The batch that brings the kernel's copy of the table in line with the model's changes. Reads the network (the
     * table, its VPC's subnets and gateway, the target interfaces' addresses): call it on the thread that owns it,
     * after the network took the changes.
     *
     * <p>A change of the "local" route becomes one route per subnet; removing a route for exactly a subnet's block
     * puts the subnet's local route back.
     *
     * @throws io.vroute.vpc.VpcException when the route table does not exist
     */
    public static RouteBatch of(Network network, KernelLayout layout, String routeTableId, List<RouteChange> changes) {
        RouteTable table = network.routeTable(routeTableId);
        Translator translator = new Translator(network, layout, network.vpc(table.vpcId()));
        Map<Cidr, Change> out = new LinkedHashMap<>(changes.size() * 4 / 3 + 4);
        for (RouteChange change : changes) {
            Cidr destination = change.destination();
            RouteView view = change.route();
            if (view == null) {
                Subnet subnet = translator.subnetWithBlock(destination);
                if (subnet != null && localIsLocal(table, translator, destination.isIpv6())) {
                    out.put(destination, new Change(destination, NextHop.device(layout.bridge(subnet.subnetId()))));
                } else {
                    out.put(destination, new Change(destination, null));
                }
            } else if (RouteTable.LOCAL.equals(view.gatewayId())) {
                // The VPC block itself holds no kernel route while it is local: the subnets' blocks do.
                out.put(destination, new Change(destination, null));
                for (KernelRoute local : translator.localRoutes(destination.isIpv6())) {
                    if (table.route(local.destination()) == null) {
                        out.put(local.destination(), new Change(local.destination(), local.nextHop()));
                    }
                }
            } else {
                out.put(destination, new Change(destination, translator.nextHop(view)));
            }
        }
        return new RouteBatch(routeTableId, new ArrayList<>(out.values()));
    }

    /**
     * What a route table holds for exactly {@code destination} after a route server put its route there
     * ({@code networkInterfaceId} and {@code nextHop}) or withdrew it ({@code networkInterfaceId} null), as a
     * {@link RouteChange} for {@link #of}: the route server's route when the table installs it, else the table's
     * static route for the destination, else nothing. Call it after {@link Network#setPropagated} or
     * {@link Network#removePropagated}, on the thread that owns the network. (With two route servers propagating
     * the same destination into one table, the caller passes the one whose route is installed.)
     */
    public static RouteChange propagated(Network network, String routeTableId, Cidr destination,
                                         String networkInterfaceId, String nextHop) {
        if (networkInterfaceId != null && network.installation(routeTableId, destination).installed()) {
            return RouteChange.put(new RouteView(destination, null, networkInterfaceId, nextHop,
                    RouteTable.ADVERTISEMENT, RouteTable.ACTIVE));
        }
        RouteTable.Route route = network.routeTable(routeTableId).route(destination);
        if (route != null) {
            return RouteChange.put(new RouteView(destination, route.gatewayId(), route.networkInterfaceId(), null,
                    route.origin(), route.state()));
        }
        return RouteChange.remove(destination);
    }

    private static boolean localIsLocal(RouteTable table, Translator translator, boolean ipv6) {
        String block = ipv6 ? translator.vpc().ipv6CidrBlock() : translator.vpc().cidrBlock();
        RouteTable.Route local = block == null ? null : table.route(Cidr.parse(block));
        return local != null && RouteTable.LOCAL.equals(local.gatewayId());
    }

    public String routeTableId() {
        return routeTableId;
    }

    public List<Change> changes() {
        return changes;
    }

    public int size() {
        return changes.size();
    }

    @Override
    public String toString() {
        return "RouteBatch[" + routeTableId + ", " + changes.size() + " changes]";
    }
}
