package io.vroute.server;

import io.vroute.bgp.wire.Prefix;
import io.vroute.vpc.Address;
import io.vroute.vpc.Cidr;
import io.vroute.vpc.InternetGateway;
import io.vroute.vpc.Network;
import io.vroute.vpc.NetworkInterface;
import io.vroute.vpc.NewInterface;
import io.vroute.vpc.RouteTable;
import io.vroute.vpc.Subnet;
import io.vroute.vpc.Vpc;
import java.net.InetAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the route server needs from the VPC model, in one place: lookups, endpoint interfaces, propagated routes. */
final class VpcFacts {
    private VpcFacts() {
    }

    record SubnetFacts(String subnetId, String vpcId) {}

    record Eni(String id, String address) {}

    static SubnetFacts subnet(Network n, String subnetId) {
        Subnet s = n.subnet(subnetId);
        return new SubnetFacts(s.subnetId(), s.vpcId());
    }

    static void requireVpc(Network n, String vpcId) {
        n.vpc(vpcId);
    }

    static String routeTableVpc(Network n, String routeTableId) {
        return n.routeTable(routeTableId).vpcId();
    }

    static boolean exists(Network n, String id) {
        return n.find(id) != null;
    }

    static boolean vpcContains(Network n, String vpcId, InetAddress a) {
        Vpc v = n.vpc(vpcId);
        Address address = Address.of(a);
        if (v.cidrBlock() != null && !address.ipv6() && Cidr.parse(v.cidrBlock()).contains(address)) return true;
        return v.ipv6CidrBlock() != null && address.ipv6() && Cidr.parse(v.ipv6CidrBlock()).contains(address);
    }

    /** The endpoint's own interface: requester-managed, so users cannot delete it from under the endpoint. */
    static Eni createEndpointInterface(Network n, String subnetId, String description) {
        NetworkInterface eni = n.createNetworkInterface(NewInterface.in(subnetId).managedAs("route_server_endpoint", description));
        return new Eni(eni.networkInterfaceId(), eni.privateIpAddress());
    }

    static void deleteEndpointInterface(Network n, String eniId) {
        n.deleteManagedNetworkInterface(eniId);
    }

    static String interfaceOwning(Network n, String vpcId, InetAddress address) {
        NetworkInterface eni = n.findInterfaceByAddress(vpcId, Address.of(address));
        return eni == null ? null : eni.networkInterfaceId();
    }

    static Cidr cidr(Prefix p) {
        return new Cidr(p.hi(), p.isIpv6() ? p.lo() : p.lo() & 0xFFFF_FFFFL, p.length(), p.isIpv6());
    }

    static void setPropagated(Network n, String table, Prefix p, String rsId, String eni, InetAddress nextHop) {
        n.setPropagated(table, cidr(p), rsId, eni, nextHop.getHostAddress());
    }

    static void setPropagated(Network n, String table, String dest, String rsId, String eni, String nextHop) {
        n.setPropagated(table, Cidr.parse(dest), rsId, eni, nextHop);
    }

    static void removePropagated(Network n, String table, Prefix p, String rsId) {
        n.removePropagated(table, cidr(p), rsId);
    }

    static void removePropagated(Network n, String table, String dest, String rsId) {
        n.removePropagated(table, Cidr.parse(dest), rsId);
    }

    static void clearPropagated(Network n, String table, String rsId) {
        n.clearPropagated(table, rsId);
    }

    static RoutingDatabaseEntry.Installation installation(Network n, String table, Prefix p, String rsId) {
        io.vroute.vpc.Installation i = n.installation(table, cidr(p), rsId);
        return new RoutingDatabaseEntry.Installation(table, i.status(), i.reason());
    }

    static void restore(Network n, Collection<Object> records) {
        for (Object r : records) n.put(r);
    }

    /** The VPC model's records by kind then id, for the store. */
    static Map<String, Map<String, Object>> snapshot(Network n) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String k : List.of("vpc", "internet-gateway", "subnet", "network-interface", "route-table")) out.put(k, new LinkedHashMap<>());
        for (Record r : n.resources()) {
            switch (r) {
                case Vpc v -> out.get("vpc").put(v.vpcId(), v);
                case InternetGateway g -> out.get("internet-gateway").put(g.internetGatewayId(), g);
                case Subnet s -> out.get("subnet").put(s.subnetId(), s);
                case NetworkInterface e -> out.get("network-interface").put(e.networkInterfaceId(), e);
                case RouteTable t -> out.get("route-table").put(t.routeTableId(), t);
                default -> throw new IllegalStateException("unknown VPC record " + r.getClass().getName());
            }
        }
        return out;
    }

    /** Tags of a VPC resource (they live in its record). */
    @SuppressWarnings("unchecked")
    static Map<String, String> tags(Network n, String id) {
        Record r = n.find(id);
        if (r == null) return Map.of();
        try {
            return (Map<String, String>) r.getClass().getMethod("tags").invoke(r);
        } catch (ReflectiveOperationException e) {
            return Map.of();
        }
    }
}
