package io.vroute.server.dataplane;

import io.vroute.vpc.Cidr;
import io.vroute.vpc.InternetGateway;
import io.vroute.vpc.Network;
import io.vroute.vpc.NetworkInterface;
import io.vroute.vpc.RouteTable;
import io.vroute.vpc.RouteView;
import io.vroute.vpc.Subnet;
import io.vroute.vpc.Vpc;
import io.vroute.vpc.VpcException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the routes of one VPC's tables into kernel routes, on the control thread (it reads the {@link Network}).
 * Next hops are made once per target and shared by every route to it, as the model shares its propagated routes.
 *
 * <ul>
 *   <li>a network interface target: {@code via <its address in the route's family> dev <its subnet's bridge>}; the
 *       bridge holds the subnet's router address, so the kernel finds the gateway on the link without {@code onlink};
 *       an interface that is gone, or has no address in that family, makes a blackhole;</li>
 *   <li>the VPC's internet gateway: {@code via 169.254.0.2 dev igw-...} (IPv6 {@code via fe80::2});</li>
 *   <li>"local": one {@code <subnet block> dev <its bridge>} per subnet of that family; a route of the table for
 *       exactly a subnet's block wins over this expansion (that is how an edge table sends a subnet to a firewall);</li>
 *   <li>a route in state blackhole, or any other target: blackhole.</li>
 * </ul>
 */
final class Translator {
    private final Network network;
    private final KernelLayout layout;
    private final Vpc vpc;
    private final List<Subnet> subnets = new ArrayList<>();
    private final String gatewayId;
    private final Map<String, NextHop> v4 = new HashMap<>();
    private final Map<String, NextHop> v6 = new HashMap<>();

    Translator(Network network, KernelLayout layout, Vpc vpc) {
        this.network = network;
        this.layout = layout;
        this.vpc = vpc;
        for (Subnet subnet : network.subnets()) {
            if (subnet.vpcId().equals(vpc.vpcId())) {
                subnets.add(subnet);
            }
        }
        String attached = null;
        for (InternetGateway gateway : network.internetGateways()) {
            if (vpc.vpcId().equals(gateway.attachedVpcId())) {
                attached = gateway.internetGatewayId();
            }
        }
        this.gatewayId = attached;
    }

    Vpc vpc() {
        return vpc;
    }

    List<Subnet> subnets() {
        return subnets;
    }

    /** The internet gateway attached to the VPC, or null. */
    String gatewayId() {
        return gatewayId;
    }

    /** What a table holds in the kernel: its effective routes, "local" expanded per subnet. */
    Map<Cidr, NextHop> table(List<RouteView> effective) {
        Map<Cidr, NextHop> routes = new LinkedHashMap<>(effective.size() * 4 / 3 + 8);
        List<RouteView> local = new ArrayList<>(2);
        for (RouteView view : effective) {
            if (RouteTable.LOCAL.equals(view.gatewayId())) {
                local.add(view);
            } else {
                routes.put(view.destination(), nextHop(view));
            }
        }
        for (RouteView view : local) {
            for (KernelRoute route : localRoutes(view.destination().isIpv6())) {
                routes.putIfAbsent(route.destination(), route.nextHop());
            }
        }
        return routes;
    }

    /** The "local" route of a family, as the kernel holds it: each subnet's block on its bridge. */
    List<KernelRoute> localRoutes(boolean ipv6) {
        List<KernelRoute> routes = new ArrayList<>(subnets.size());
        for (Subnet subnet : subnets) {
            String block = ipv6 ? subnet.ipv6CidrBlock() : subnet.cidrBlock();
            if (block != null) {
                routes.add(new KernelRoute(Cidr.parse(block), NextHop.device(layout.bridge(subnet.subnetId()))));
            }
        }
        return routes;
    }

    /** The subnet whose block is exactly {@code destination}, or null. */
    Subnet subnetWithBlock(Cidr destination) {
        String text = destination.toString();
        for (Subnet subnet : subnets) {
            if (text.equals(subnet.cidrBlock()) || text.equals(subnet.ipv6CidrBlock())) {
                return subnet;
            }
        }
        return null;
    }

    /** The next hop of a route that is not "local". */
    NextHop nextHop(RouteView view) {
        if (view.blackhole()) {
            return NextHop.BLACKHOLE;
        }
        boolean ipv6 = view.destination().isIpv6();
        String gateway = view.gatewayId();
        if (gateway != null) {
            if (gateway.equals(gatewayId)) {
                return NextHop.via(ipv6 ? KernelLayout.INTERNET_SIDE_V6 : KernelLayout.INTERNET_SIDE_V4,
                        layout.gatewayLink(gateway));
            }
            return NextHop.BLACKHOLE;
        }
        String eni = view.networkInterfaceId();
        if (eni == null) {
            return NextHop.BLACKHOLE;
        }
        Map<String, NextHop> cache = ipv6 ? v6 : v4;
        NextHop hop = cache.get(eni);
        if (hop == null) {
            hop = interfaceHop(eni, ipv6);
            cache.put(eni, hop);
        }
        return hop;
    }

    private NextHop interfaceHop(String networkInterfaceId, boolean ipv6) {
        NetworkInterface eni;
        try {
            eni = network.networkInterface(networkInterfaceId);
        } catch (VpcException gone) {
            return NextHop.BLACKHOLE;
        }
        String address = ipv6 ? eni.ipv6Address() : eni.privateIpAddress();
        if (address == null || !eni.vpcId().equals(vpc.vpcId())) {
            return NextHop.BLACKHOLE;
        }
        return NextHop.via(Inet.parse(address), layout.bridge(eni.subnetId()));
    }
}
