package io.vroute.server.dataplane;

import io.vroute.vpc.Cidr;
import io.vroute.vpc.Network;
import io.vroute.vpc.NetworkInterface;
import io.vroute.vpc.NewInterface;
import io.vroute.vpc.RouteChange;
import io.vroute.vpc.RouteTable;
import io.vroute.vpc.Subnet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Scenario 1 of the spec as a model: VPC 10.0.0.0/16 with three subnets (two appliance subnets, one for clients),
 * a route table per subnet with a default route to the attached internet gateway, two route server endpoints in
 * each appliance subnet, instance A (10.0.1.10) and instance B (10.0.2.10) with the source/destination check off,
 * and a test instance (10.0.3.10); the three instances are tagged into namespaces of the caller's choice. The route
 * server's choice, 172.16.1.1/32, is propagated into every table by {@link #floatingIpTo}.
 */
final class FloatingIpVpc {
    static final Cidr FLOATING_IP = Cidr.parse("172.16.1.1/32");
    static final String ROUTE_SERVER = "rs-0123456789abcdef0";

    final Network network = new Network(new SplittableRandom(7));
    final String vpc;
    final Subnet az1;
    final Subnet az2;
    final Subnet clients;
    final String igw;
    final List<RouteTable> tables = new ArrayList<>();
    final NetworkInterface a;
    final NetworkInterface b;
    final NetworkInterface test;

    FloatingIpVpc(String namespaceA, String namespaceB, String namespaceTest) {
        vpc = network.createVpc("10.0.0.0/16").vpcId();
        az1 = network.createSubnet(vpc, "10.0.1.0/24", "us-east-1a");
        az2 = network.createSubnet(vpc, "10.0.2.0/24", "us-east-1b");
        clients = network.createSubnet(vpc, "10.0.3.0/24", "us-east-1a");
        igw = network.createInternetGateway().internetGatewayId();
        network.attachInternetGateway(igw, vpc);
        for (Subnet subnet : List.of(az1, az2, clients)) {
            RouteTable table = network.createRouteTable(vpc);
            network.createRoute(table.routeTableId(), "0.0.0.0/0", igw, null);
            network.associateRouteTable(table.routeTableId(), subnet.subnetId(), null);
            tables.add(table);
        }
        for (Subnet subnet : List.of(az1, az1, az2, az2)) {
            network.createNetworkInterface(NewInterface.in(subnet.subnetId())
                    .managedAs("route_server_endpoint", "Route server endpoint"));
        }
        a = instance(az1, "10.0.1.10", namespaceA, false);
        b = instance(az2, "10.0.2.10", namespaceB, false);
        test = instance(clients, "10.0.3.10", namespaceTest, true);
    }

    private NetworkInterface instance(Subnet subnet, String address, String namespace, boolean sourceDestCheck) {
        NetworkInterface eni = network.createNetworkInterface(NewInterface.in(subnet.subnetId())
                .withPrivateIpAddress(address));
        network.tag(eni.networkInterfaceId(), Map.of(KernelLayout.NAMESPACE_TAG, namespace));
        network.setSourceDestCheck(eni.networkInterfaceId(), sourceDestCheck);
        return network.networkInterface(eni.networkInterfaceId());
    }

    RouteTable clientTable() {
        return tables.get(2);
    }

    /**
     * The route server's best path for the floating IP now targets {@code eni}: the model takes it in every table,
     * and each table's change is returned, for the fast path.
     */
    Map<String, List<RouteChange>> floatingIpTo(NetworkInterface eni) {
        Map<String, List<RouteChange>> changes = new LinkedHashMap<>();
        for (RouteTable table : tables) {
            network.setPropagated(table.routeTableId(), FLOATING_IP, ROUTE_SERVER, eni.networkInterfaceId(),
                    eni.privateIpAddress());
            changes.put(table.routeTableId(), List.of(RouteBatch.propagated(network, table.routeTableId(), FLOATING_IP,
                    eni.networkInterfaceId(), eni.privateIpAddress())));
        }
        return changes;
    }
}
