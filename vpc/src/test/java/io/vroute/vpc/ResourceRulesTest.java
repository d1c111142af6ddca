package io.vroute.vpc;

import static io.vroute.vpc.Errors.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.vpc.RouteTable.Association;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The EC2 rules for VPCs, subnets, interfaces, gateways, route tables and associations. */
class ResourceRulesTest {
    private Network network;
    private Vpc vpc;
    private Subnet subnet;

    @BeforeEach
    void oneVpcOneSubnet() {
        network = new Network(new SplittableRandom(7));
        vpc = network.createVpc("10.0.0.0/16");
        subnet = network.createSubnet(vpc.vpcId(), "10.0.1.0/24", null);
    }

    @Test
    void idsLookLikeEc2Ids() {
        assertTrue(vpc.vpcId().matches("vpc-[0-9a-f]{17}"), vpc.vpcId());
        assertTrue(subnet.subnetId().matches("subnet-[0-9a-f]{17}"), subnet.subnetId());
        RouteTable main = network.mainRouteTable(vpc.vpcId());
        assertTrue(main.routeTableId().matches("rtb-[0-9a-f]{17}"));
        assertTrue(main.associations().getFirst().routeTableAssociationId().matches("rtbassoc-[0-9a-f]{17}"));
        assertTrue(network.createInternetGateway().internetGatewayId().matches("igw-[0-9a-f]{17}"));
        NetworkInterface eni = network.createNetworkInterface(NewInterface.in(subnet.subnetId()));
        assertTrue(eni.networkInterfaceId().matches("eni-[0-9a-f]{17}"));
        assertTrue(eni.macAddress().matches("02(:[0-9a-f]{2}){5}"), eni.macAddress());
    }

    @Test
    void sameSeedGivesSameIds() {
        Network again = new Network(new SplittableRandom(7));
        assertEquals(vpc.vpcId(), again.createVpc("10.0.0.0/16").vpcId());
    }

    @Test
    void newVpcHasAvailableStateAndAMainTableWithItsLocalRoute() {
        assertEquals("available", vpc.state());
        assertFalse(vpc.isDefault());
        assertEquals("default", vpc.dhcpOptionsId());
        assertEquals("default", vpc.instanceTenancy());
        assertEquals("us-east-1a", subnet.availabilityZone());
        RouteTable main = network.mainRouteTable(vpc.vpcId());
        assertTrue(main.associations().getFirst().main());
        assertEquals(List.of(new RouteTable.Route("10.0.0.0/16", null, "local", null, "CreateRouteTable", "active")),
                main.routes());
    }

    @Test
    void vpcBlockMustBeIpv4From16To28() {
        refused("InvalidVpc.Range", () -> network.createVpc("10.0.0.0/8"));
        refused("InvalidVpc.Range", () -> network.createVpc("10.0.0.0/29"));
        refused("InvalidVpc.Range", () -> network.createVpc("2001:db8::/56"));
        refused("InvalidParameterValue", () -> network.createVpc("10.0.0.1/16"));
        refused("MissingParameter", () -> network.createVpc(null));
        refused("InvalidParameterValue", () -> network.createVpc("10.0.0.0/16", "2001:db8::/64", false, null));
        refused("InvalidParameterCombination", () -> network.createVpc("10.0.0.0/16", "2001:db8::/56", true, null));
        refused("InvalidParameterValue", () -> network.createVpc("10.0.0.0/16", null, false, "shared"));
    }

    @Test
    void amazonProvidedIpv6BlockIsAUniqueLocal56WithALocalRoute() {
        Vpc dual = network.createVpc("10.1.0.0/16", null, true, null);
        Cidr block = Cidr.parse(dual.ipv6CidrBlock());
        assertEquals(56, block.length());
        assertTrue(Cidr.parse("fd00::/8").contains(block), dual.ipv6CidrBlock());
        assertEquals("Amazon", dual.ipv6Pool());
        List<String> local = network.mainRouteTable(dual.vpcId()).routes().stream().map(RouteTable.Route::destination).toList();
        assertEquals(List.of("10.1.0.0/16", dual.ipv6CidrBlock()), local);
    }

    @Test
    void subnetMustLieInsideTheVpcAndOverlapNoOtherSubnet() {
        refused("InvalidSubnet.Range", () -> network.createSubnet(vpc.vpcId(), "10.1.0.0/24", null));
        refused("InvalidSubnet.Range", () -> network.createSubnet(vpc.vpcId(), "10.0.0.0/29", null));
        VpcException conflict = refused("InvalidSubnet.Conflict", () -> network.createSubnet(vpc.vpcId(), "10.0.1.128/25", null));
        assertTrue(conflict.getMessage().contains(subnet.subnetId()), conflict.getMessage());
        refused("InvalidParameterValue", () -> network.createSubnet(vpc.vpcId(), "10.0.2.0/24", "2001:db8::/64", null));
        refused("InvalidVpcID.NotFound", () -> network.createSubnet("vpc-00000000000000000", "10.0.2.0/24", null));
        assertEquals("us-west-2b", network.createSubnet(vpc.vpcId(), "10.0.2.0/24", "us-west-2b").availabilityZone());
    }

    @Test
    void ipv6SubnetIsA64InsideTheVpcBlock() {
        Vpc dual = network.createVpc("10.1.0.0/16", "fd12:3456:789a:1200::/56", false, null);
        Subnet first = network.createSubnet(dual.vpcId(), "10.1.1.0/24", "fd12:3456:789a:1201::/64", "az");
        assertEquals("fd12:3456:789a:1201::/64", first.ipv6CidrBlock());
        refused("InvalidSubnet.Range", () -> network.createSubnet(dual.vpcId(), "10.1.2.0/24", "fd12:3456:789a:1300::/64", null));
        refused("InvalidParameterValue", () -> network.createSubnet(dual.vpcId(), "10.1.2.0/24", "fd12:3456:789a:1202::/60", null));
        refused("InvalidSubnet.Conflict", () -> network.createSubnet(dual.vpcId(), "10.1.2.0/24", "fd12:3456:789a:1201::/64", null));
    }

    @Test
    void interfaceAddressMustBeInsideTheSubnetUnreservedAndFree() {
        NetworkInterface eni = network.createNetworkInterface(NewInterface.in(subnet.subnetId()).withPrivateIpAddress("10.0.1.10"));
        VpcException inUse = refused("InvalidIPAddress.InUse",
                () -> network.createNetworkInterface(NewInterface.in(subnet.subnetId()).withPrivateIpAddress("10.0.1.10")));
        assertTrue(inUse.getMessage().contains(eni.networkInterfaceId()), inUse.getMessage());
        refused("InvalidParameterValue",
                () -> network.createNetworkInterface(NewInterface.in(subnet.subnetId()).withPrivateIpAddress("10.0.2.10")));
        refused("InvalidParameterValue",
                () -> network.createNetworkInterface(NewInterface.in(subnet.subnetId()).withPrivateIpAddress("10.0.1.2")));
        refused("InvalidParameterValue",
                () -> network.createNetworkInterface(NewInterface.in(subnet.subnetId()).withPrivateIpAddress("10.0.1.255")));
        refused("InvalidParameterValue",
                () -> network.createNetworkInterface(NewInterface.in(subnet.subnetId()).withIpv6AddressAssigned()));
        assertEquals("interface", eni.interfaceType());
        assertEquals("available", eni.status());
        assertTrue(eni.sourceDestCheck());
    }

    @Test
    void routeServerEndpointInterfaceCannotBeDeletedByTheUser() {
        NetworkInterface endpoint = network.createNetworkInterface(NewInterface.in(subnet.subnetId())
                .managedAs("route_server_endpoint", "Route server endpoint rse-0123456789abcdef0"));
        assertEquals("in-use", endpoint.status());
        VpcException e = refused("OperationNotPermitted", () -> network.deleteNetworkInterface(endpoint.networkInterfaceId()));
        assertTrue(e.getMessage().contains("DeleteRouteServerEndpoint"), e.getMessage());

        network.deleteManagedNetworkInterface(endpoint.networkInterfaceId());
        assertNull(network.find(endpoint.networkInterfaceId()));
    }

    @Test
    void oneInternetGatewayPerVpcAndOneVpcPerGateway() {
        InternetGateway igw = network.createInternetGateway();
        network.attachInternetGateway(igw.internetGatewayId(), vpc.vpcId());
        assertEquals(List.of(new InternetGateway.Attachment(vpc.vpcId(), "available")),
                network.internetGateway(igw.internetGatewayId()).attachments());
        refused("Resource.AlreadyAssociated", () -> network.attachInternetGateway(igw.internetGatewayId(), vpc.vpcId()));
        InternetGateway second = network.createInternetGateway();
        refused("Resource.AlreadyAssociated", () -> network.attachInternetGateway(second.internetGatewayId(), vpc.vpcId()));
        Vpc other = network.createVpc("10.9.0.0/16");
        refused("Gateway.NotAttached", () -> network.detachInternetGateway(igw.internetGatewayId(), other.vpcId()));
        refused("Gateway.NotAttached", () -> network.detachInternetGateway(second.internetGatewayId(), vpc.vpcId()));
        refused("DependencyViolation", () -> network.deleteInternetGateway(igw.internetGatewayId()));

        network.detachInternetGateway(igw.internetGatewayId(), vpc.vpcId());
        network.deleteInternetGateway(igw.internetGatewayId());
        refused("InvalidInternetGatewayID.NotFound", () -> network.internetGateway(igw.internetGatewayId()));
    }

    @Test
    void gatewayWithAnEdgeTableMustBeDisassociatedBeforeDetaching() {
        InternetGateway igw = network.createInternetGateway();
        RouteTable edge = network.createRouteTable(vpc.vpcId());
        refused("Gateway.NotAttached", () -> network.associateRouteTable(edge.routeTableId(), null, igw.internetGatewayId()));
        network.attachInternetGateway(igw.internetGatewayId(), vpc.vpcId());
        Association association = network.associateRouteTable(edge.routeTableId(), null, igw.internetGatewayId());
        refused("Resource.AlreadyAssociated",
                () -> network.associateRouteTable(network.createRouteTable(vpc.vpcId()).routeTableId(), null, igw.internetGatewayId()));
        refused("DependencyViolation", () -> network.detachInternetGateway(igw.internetGatewayId(), vpc.vpcId()));
        network.disassociateRouteTable(association.routeTableAssociationId());
        network.detachInternetGateway(igw.internetGatewayId(), vpc.vpcId());
    }

    @Test
    void deletingAVpcWaitsForItsDependenciesAndTakesTheMainTable() {
        InternetGateway igw = network.createInternetGateway();
        network.attachInternetGateway(igw.internetGatewayId(), vpc.vpcId());
        RouteTable extra = network.createRouteTable(vpc.vpcId());
        NetworkInterface eni = network.createNetworkInterface(NewInterface.in(subnet.subnetId()));

        VpcException e = refused("DependencyViolation", () -> network.deleteVpc(vpc.vpcId()));
        for (String dependency : List.of(subnet.subnetId(), eni.networkInterfaceId(), extra.routeTableId(), igw.internetGatewayId())) {
            assertTrue(e.getMessage().contains(dependency), e.getMessage());
        }
        refused("DependencyViolation", () -> network.deleteSubnet(subnet.subnetId()));

        network.deleteNetworkInterface(eni.networkInterfaceId());
        network.deleteSubnet(subnet.subnetId());
        network.deleteRouteTable(extra.routeTableId());
        network.detachInternetGateway(igw.internetGatewayId(), vpc.vpcId());
        String mainId = network.mainRouteTable(vpc.vpcId()).routeTableId();
        network.deleteVpc(vpc.vpcId());

        assertNull(network.find(vpc.vpcId()));
        assertNull(network.find(mainId));
        refused("InvalidVpcID.NotFound", () -> network.vpc(vpc.vpcId()));
    }

    @Test
    void mainTableAndAssociatedTablesCannotBeDeleted() {
        RouteTable main = network.mainRouteTable(vpc.vpcId());
        VpcException e = refused("DependencyViolation", () -> network.deleteRouteTable(main.routeTableId()));
        assertTrue(e.getMessage().contains("ReplaceRouteTableAssociation"), e.getMessage());
        RouteTable table = network.createRouteTable(vpc.vpcId());
        network.associateRouteTable(table.routeTableId(), subnet.subnetId(), null);
        refused("DependencyViolation", () -> network.deleteRouteTable(table.routeTableId()));
    }

    @Test
    void aSubnetHasOneTableAndMovesWithReplaceRouteTableAssociation() {
        RouteTable first = network.createRouteTable(vpc.vpcId());
        RouteTable second = network.createRouteTable(vpc.vpcId());
        Association association = network.associateRouteTable(first.routeTableId(), subnet.subnetId(), null);
        assertEquals("associated", association.associationState());
        refused("Resource.AlreadyAssociated", () -> network.associateRouteTable(second.routeTableId(), subnet.subnetId(), null));
        refused("MissingParameter", () -> network.associateRouteTable(second.routeTableId(), null, null));

        Association moved = network.replaceRouteTableAssociation(association.routeTableAssociationId(), second.routeTableId());

        assertNotEquals(association.routeTableAssociationId(), moved.routeTableAssociationId());
        assertEquals(second.routeTableId(), network.routeTableOf(subnet.subnetId()).routeTableId());
        assertTrue(network.routeTable(first.routeTableId()).associations().isEmpty());
        refused("InvalidAssociationID.NotFound", () -> network.disassociateRouteTable(association.routeTableAssociationId()));

        network.disassociateRouteTable(moved.routeTableAssociationId());
        assertEquals(network.mainRouteTable(vpc.vpcId()), network.routeTableOf(subnet.subnetId()));
    }

    @Test
    void mainAssociationMovesButIsNeverRemoved() {
        RouteTable main = network.mainRouteTable(vpc.vpcId());
        String mainAssociation = main.associations().getFirst().routeTableAssociationId();
        refused("InvalidParameterValue", () -> network.disassociateRouteTable(mainAssociation));
        RouteTable replacement = network.createRouteTable(vpc.vpcId());

        Association moved = network.replaceRouteTableAssociation(mainAssociation, replacement.routeTableId());

        assertTrue(moved.main());
        assertEquals(replacement.routeTableId(), network.mainRouteTable(vpc.vpcId()).routeTableId());
        network.deleteRouteTable(main.routeTableId());
    }

    @Test
    void tablesAndSubnetsOfDifferentVpcsDoNotMix() {
        Vpc other = network.createVpc("10.9.0.0/16");
        RouteTable foreign = network.createRouteTable(other.vpcId());
        refused("InvalidParameterValue", () -> network.associateRouteTable(foreign.routeTableId(), subnet.subnetId(), null));
        NetworkInterface eni = network.createNetworkInterface(NewInterface.in(subnet.subnetId()));
        refused("InvalidParameterValue", () -> network.createRoute(foreign.routeTableId(), "172.16.0.0/12", null, eni.networkInterfaceId()));
        refused("InvalidParameterValue",
                () -> network.replaceRouteTableAssociation(network.mainRouteTable(vpc.vpcId()).associations().getFirst()
                        .routeTableAssociationId(), foreign.routeTableId()));
    }

    @Test
    void staticRouteRules() {
        RouteTable table = network.createRouteTable(vpc.vpcId());
        String rtb = table.routeTableId();
        InternetGateway igw = network.createInternetGateway();
        refused("InvalidParameterValue", () -> network.createRoute(rtb, "0.0.0.0/0", igw.internetGatewayId(), null));
        network.attachInternetGateway(igw.internetGatewayId(), vpc.vpcId());
        NetworkInterface eni = network.createNetworkInterface(NewInterface.in(subnet.subnetId()));

        network.createRoute(rtb, "0.0.0.0/0", igw.internetGatewayId(), null);
        refused("RouteAlreadyExists", () -> network.createRoute(rtb, "0.0.0.0/0", null, eni.networkInterfaceId()));
        refused("RouteAlreadyExists", () -> network.createRoute(rtb, "10.0.0.0/16", null, eni.networkInterfaceId()));
        VpcException local = refused("InvalidParameterValue", () -> network.createRoute(rtb, "10.0.2.0/24", igw.internetGatewayId(), null));
        assertTrue(local.getMessage().contains("network interface"), local.getMessage());
        refused("InvalidParameterValue", () -> network.createRoute(rtb, "192.168.0.0/16", "local", null));
        refused("InvalidGatewayID.NotFound", () -> network.createRoute(rtb, "192.168.0.0/16", "vgw-0123456789abcdef0", null));
        refused("MissingParameter", () -> network.createRoute(rtb, "192.168.0.0/16", null, null));
        refused("MissingParameter", () -> network.createRoute(rtb, null, igw.internetGatewayId(), null));
        refused("InvalidParameterCombination",
                () -> network.createRoute(rtb, "192.168.0.0/16", igw.internetGatewayId(), eni.networkInterfaceId()));
        refused("InvalidRoute.NotFound", () -> network.replaceRoute(rtb, "192.168.0.0/16", igw.internetGatewayId(), null));
        refused("InvalidRoute.NotFound", () -> network.deleteRoute(rtb, "192.168.0.0/16"));
        refused("InvalidParameterValue", () -> network.deleteRoute(rtb, "10.0.0.0/16"));

        // A middlebox route: more specific than the local route, through an interface.
        network.createRoute(rtb, "10.0.2.0/24", null, eni.networkInterfaceId());
        network.replaceRoute(rtb, "0.0.0.0/0", null, eni.networkInterfaceId());
        assertEquals(eni.networkInterfaceId(), network.lookup(rtb, "8.8.8.8").networkInterfaceId());
        network.deleteRoute(rtb, "0.0.0.0/0");
        assertNull(network.lookup(rtb, "8.8.8.8"));
    }

    @Test
    void localRouteCanPointAtAnApplianceAndBack() {
        RouteTable main = network.mainRouteTable(vpc.vpcId());
        NetworkInterface firewall = network.createNetworkInterface(NewInterface.in(subnet.subnetId()));
        network.replaceRoute(main.routeTableId(), "10.0.0.0/16", null, firewall.networkInterfaceId());
        RouteView route = network.lookup(main.routeTableId(), "10.0.1.50");
        assertEquals(firewall.networkInterfaceId(), route.networkInterfaceId());
        assertEquals("CreateRouteTable", route.origin());
        network.replaceRoute(main.routeTableId(), "10.0.0.0/16", "local", null);
        assertEquals("local", network.lookup(main.routeTableId(), "10.0.1.50").gatewayId());
    }

    @Test
    void unknownIdsAreNotFoundAndMalformedIdsAreMalformed() {
        refused("InvalidVpcID.NotFound", () -> network.vpc("vpc-0123456789abcdef0"));
        refused("InvalidSubnetID.NotFound", () -> network.subnet("subnet-0123456789abcdef0"));
        refused("InvalidNetworkInterfaceID.NotFound", () -> network.networkInterface("eni-0123456789abcdef0"));
        refused("InvalidInternetGatewayID.NotFound", () -> network.internetGateway("igw-0123456789abcdef0"));
        refused("InvalidRouteTableID.NotFound", () -> network.routeTable("rtb-0123456789abcdef0"));
        refused("InvalidAssociationID.NotFound", () -> network.disassociateRouteTable("rtbassoc-0123456789abcdef0"));

        refused("InvalidVpcID.Malformed", () -> network.vpc("subnet-0123456789abcdef0"));
        refused("InvalidSubnetID.Malformed", () -> network.subnet("subnet-XYZ"));
        refused("InvalidNetworkInterfaceID.Malformed", () -> network.networkInterface("eni-12"));
        refused("InvalidInternetGatewayID.Malformed", () -> network.internetGateway("vgw-0123456789abcdef0"));
        refused("InvalidRouteTableID.Malformed", () -> network.routeTable("rtb-0123456789ABCDEF0"));
        refused("InvalidAssociationID.Malformed", () -> network.replaceRouteTableAssociation("assoc-1", "rtb-0123456789abcdef0"));
        refused("MissingParameter", () -> network.vpc(null));
    }

    @Test
    void notFoundMessagesSayWhereToLook() {
        VpcException e = refused("InvalidSubnetID.NotFound", () -> network.subnet("subnet-0123456789abcdef0"));
        assertTrue(e.getMessage().contains("DescribeSubnets"), e.getMessage());
    }

    @Test
    void tagsAreSetAndRemovedByReplacingTheRecord() {
        network.tag(subnet.subnetId(), Map.of("Name", "az1"));
        Subnet tagged = network.subnet(subnet.subnetId());
        assertEquals(Map.of("Name", "az1"), tagged.tags());
        assertEquals(Map.of(), subnet.tags(), "the old record is unchanged");
        network.untag(subnet.subnetId(), Map.of("Name", "other"));
        assertEquals(Map.of("Name", "az1"), network.subnet(subnet.subnetId()).tags(), "a different value is kept");
        java.util.HashMap<String, String> anyValue = new java.util.HashMap<>();
        anyValue.put("Name", null);
        network.untag(subnet.subnetId(), anyValue);
        assertEquals(Map.of(), network.subnet(subnet.subnetId()).tags());
        refused("InvalidID", () -> network.tag("rs-0123456789abcdef0", Map.of("a", "b")));
        refused("InvalidRouteTableID.NotFound", () -> network.tag("rtb-0123456789abcdef0", Map.of("a", "b")));
    }
}
