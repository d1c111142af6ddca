package io.vroute.vpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Resources are immutable records that a store can save by comparing references and load back. */
class PersistenceTest {

    @Test
    void aChangeReplacesOnlyTheRecordsItTouches() {
        Network network = new Network(new SplittableRandom(5));
        Vpc vpc = network.createVpc("10.0.0.0/16");
        Subnet subnet = network.createSubnet(vpc.vpcId(), "10.0.1.0/24", null);
        RouteTable table = network.createRouteTable(vpc.vpcId());
        List<Record> before = network.resources();

        network.associateRouteTable(table.routeTableId(), subnet.subnetId(), null);

        List<Record> after = network.resources();
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            if (before.get(i) instanceof RouteTable old && old.routeTableId().equals(table.routeTableId())) {
                assertNotSame(old, after.get(i));
                assertEquals(List.of(), old.associations(), "the saved record is never altered");
            } else {
                assertSame(before.get(i), after.get(i));
            }
        }
    }

    @Test
    void restoredNetworkAnswersAsTheOriginal() {
        Network network = new Network(new SplittableRandom(5));
        Vpc vpc = network.createVpc("10.0.0.0/16", null, true, null);
        Subnet subnet = network.createSubnet(vpc.vpcId(), "10.0.1.0/24", null);
        NetworkInterface eni = network.createNetworkInterface(NewInterface.in(subnet.subnetId()).withDescription("web"));
        InternetGateway igw = network.createInternetGateway();
        network.attachInternetGateway(igw.internetGatewayId(), vpc.vpcId());
        RouteTable table = network.createRouteTable(vpc.vpcId());
        network.createRoute(table.routeTableId(), "0.0.0.0/0", igw.internetGatewayId(), null);
        network.associateRouteTable(table.routeTableId(), subnet.subnetId(), null);
        network.tag(vpc.vpcId(), Map.of("Name", "lab"));

        Network restored = Network.restore(network.resources());

        assertEquals(network.resources(), restored.resources());
        assertEquals(eni, restored.findInterfaceByAddress(vpc.vpcId(), eni.privateIpAddress()));
        assertEquals(network.trace(subnet.subnetId(), "8.8.8.8"), restored.trace(subnet.subnetId(), "8.8.8.8"));
        assertEquals("10.0.1.5", restored.allocateAddress(subnet.subnetId()), "the restored interface holds 10.0.1.4");
        assertEquals("lab", restored.vpc(vpc.vpcId()).tags().get("Name"));
    }

    @Test
    void putReplacesARecordAndItsAddresses() {
        Network network = new Network(new SplittableRandom(5));
        Vpc vpc = network.createVpc("10.0.0.0/16");
        Subnet subnet = network.createSubnet(vpc.vpcId(), "10.0.1.0/24", null);
        NetworkInterface eni = network.createNetworkInterface(NewInterface.in(subnet.subnetId()));
        NetworkInterface moved = new NetworkInterface(eni.networkInterfaceId(), eni.subnetId(), eni.vpcId(),
                eni.availabilityZone(), null, "interface", eni.macAddress(), "10.0.1.77", null, true, "available", false,
                Map.of());

        network.put(moved);

        assertEquals(null, network.findInterfaceByAddress(vpc.vpcId(), eni.privateIpAddress()));
        assertEquals(moved, network.findInterfaceByAddress(vpc.vpcId(), "10.0.1.77"));
        assertThrows(IllegalArgumentException.class, () -> network.put("not a resource"));
    }

    @Test
    void recordsHoldOnlyPlainValues() {
        for (Class<?> type : List.of(Vpc.class, Subnet.class, NetworkInterface.class, InternetGateway.class,
                InternetGateway.Attachment.class, RouteTable.class, RouteTable.Route.class, RouteTable.Association.class)) {
            for (var component : type.getRecordComponents()) {
                Class<?> kind = component.getType();
                boolean plain = kind == String.class || kind == boolean.class || kind == int.class || kind == long.class
                        || kind == List.class || kind == Map.class;
                assertEquals(true, plain, type.getSimpleName() + "." + component.getName() + " is " + kind.getName());
            }
        }
    }
}
