package io.vroute.vpc;

import static io.vroute.vpc.Errors.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AddressAllocationTest {
    private Network network;
    private Subnet small;

    @BeforeEach
    void smallestSubnet() {
        network = new Network(new SplittableRandom(3));
        Vpc vpc = network.createVpc("10.0.0.0/16", null, true, null);
        small = network.createSubnet(vpc.vpcId(), "10.0.0.16/28", "us-east-1a");
    }

    @Test
    void firstFourAddressesAndBroadcastAreReserved() {
        assertEquals("10.0.0.20", network.allocateAddress(small.subnetId()));
        assertEquals(16 - 5, small.availableIpAddressCount());
    }

    @Test
    void allocationTakesTheLowestAddressNoInterfaceHolds() {
        network.createNetworkInterface(NewInterface.in(small.subnetId()).withPrivateIpAddress("10.0.0.20"));
        network.createNetworkInterface(NewInterface.in(small.subnetId()).withPrivateIpAddress("10.0.0.22"));
        assertEquals("10.0.0.21", network.allocateAddress(small.subnetId()));
        assertEquals("10.0.0.21", network.allocateAddress(small.subnetId()), "asking does not take the address");
        NetworkInterface third = network.createNetworkInterface(NewInterface.in(small.subnetId()));
        assertEquals("10.0.0.21", third.privateIpAddress());
        assertEquals("10.0.0.23", network.allocateAddress(small.subnetId()));
    }

    @Test
    void availableCountFollowsInterfacesAndAFullSubnetSaysSo() {
        List<NetworkInterface> all = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            all.add(network.createNetworkInterface(NewInterface.in(small.subnetId())));
        }
        assertEquals("10.0.0.30", all.getLast().privateIpAddress(), "the last usable address, before the broadcast");
        assertEquals(0, network.subnet(small.subnetId()).availableIpAddressCount());
        refused("InsufficientFreeAddressesInSubnet", () -> network.allocateAddress(small.subnetId()));
        refused("InsufficientFreeAddressesInSubnet", () -> network.createNetworkInterface(NewInterface.in(small.subnetId())));

        network.deleteNetworkInterface(all.get(3).networkInterfaceId());

        assertEquals(1, network.subnet(small.subnetId()).availableIpAddressCount());
        assertEquals(all.get(3).privateIpAddress(), network.allocateAddress(small.subnetId()));
    }

    @Test
    void ipv6AddressesSkipTheReservedOnesToo() {
        Vpc vpc = network.vpc(small.vpcId());
        Subnet dual = network.createSubnet(vpc.vpcId(), "10.0.1.0/24", Cidr.parse(vpc.ipv6CidrBlock()).network() + "/64", null);
        Cidr v6 = Cidr.parse(dual.ipv6CidrBlock());
        NetworkInterface first = network.createNetworkInterface(NewInterface.in(dual.subnetId()).withIpv6AddressAssigned());
        assertEquals(v6.address(4).toString(), first.ipv6Address());
        NetworkInterface chosen = network.createNetworkInterface(NewInterface.in(dual.subnetId()).withIpv6Address(v6.address(9).toString()));
        refused("InvalidIPAddress.InUse",
                () -> network.createNetworkInterface(NewInterface.in(dual.subnetId()).withIpv6Address(v6.address(9).toString())));
        refused("InvalidParameterValue",
                () -> network.createNetworkInterface(NewInterface.in(dual.subnetId()).withIpv6Address(v6.address(1).toString())));
        assertEquals(chosen.networkInterfaceId(), network.findInterfaceByAddress(vpc.vpcId(), v6.address(9).toString()).networkInterfaceId());
    }
}
