package io.vroute.vpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scenario 1 of the spec: a floating IP (172.16.1.1/32) held by two appliances in two availability
 * zones, propagated by a route server into the route table of every subnet.
 */
class FloatingIpScenarioTest {
    private static final Cidr FLOATING_IP = Cidr.parse("172.16.1.1/32");
    private static final String ROUTE_SERVER = "rs-0123456789abcdef0";

    private Network network;
    private Vpc vpc;
    private Subnet az1;
    private Subnet az2;
    private Subnet clients;
    private RouteTable az1Table;
    private RouteTable az2Table;
    private RouteTable clientTable;
    private InternetGateway igw;
    private NetworkInterface applianceA;
    private NetworkInterface applianceB;
    private NetworkInterface testInstance;

    @BeforeEach
    void buildScenario() {
        network = new Network(new SplittableRandom(1));
        vpc = network.createVpc("10.0.0.0/16");
        az1 = network.createSubnet(vpc.vpcId(), "10.0.1.0/24", "us-east-1a");
        az2 = network.createSubnet(vpc.vpcId(), "10.0.2.0/24", "us-east-1b");
        clients = network.createSubnet(vpc.vpcId(), "10.0.3.0/24", "us-east-1a");
        igw = network.createInternetGateway();
        network.attachInternetGateway(igw.internetGatewayId(), vpc.vpcId());
        az1Table = tableFor(az1);
        az2Table = tableFor(az2);
        clientTable = tableFor(clients);

        // Two route server endpoints in each subnet that holds an appliance.
        List<Subnet> endpointSubnets = List.of(az1, az1, az2, az2);
        for (int i = 0; i < endpointSubnets.size(); i++) {
            network.createNetworkInterface(NewInterface.in(endpointSubnets.get(i).subnetId())
                    .managedAs("route_server_endpoint", "Route server endpoint rse-0000000000000000" + i));
        }
        applianceA = network.createNetworkInterface(NewInterface.in(az1.subnetId()).withPrivateIpAddress("10.0.1.203"));
        applianceB = network.createNetworkInterface(NewInterface.in(az2.subnetId()).withPrivateIpAddress("10.0.2.203"));
        network.setSourceDestCheck(applianceA.networkInterfaceId(), false);
        network.setSourceDestCheck(applianceB.networkInterfaceId(), false);
        testInstance = network.createNetworkInterface(NewInterface.in(clients.subnetId()));
    }

    private RouteTable tableFor(Subnet subnet) {
        RouteTable table = network.createRouteTable(vpc.vpcId());
        network.createRoute(table.routeTableId(), "0.0.0.0/0", igw.internetGatewayId(), null);
        network.associateRouteTable(table.routeTableId(), subnet.subnetId(), null);
        return table;
    }

    /** What the route server does when a path wins: resolve the BGP next hop to an ENI, propagate. */
    private void install(String nextHop) {
        NetworkInterface target = network.findInterfaceByAddress(vpc.vpcId(), nextHop);
        for (RouteTable table : List.of(az1Table, az2Table, clientTable)) {
            network.setPropagated(table.routeTableId(), FLOATING_IP, ROUTE_SERVER, target.networkInterfaceId(), nextHop);
        }
    }

    @Test
    void endpointsTakeTheFirstFreeAddressesOfTheirSubnets() {
        List<String> endpointAddresses = network.networkInterfaces().stream()
                .filter(NetworkInterface::requesterManaged).map(NetworkInterface::privateIpAddress).toList();
        assertEquals(List.of("10.0.1.4", "10.0.1.5", "10.0.2.4", "10.0.2.5"), endpointAddresses);
        assertEquals("10.0.3.4", testInstance.privateIpAddress());
        assertEquals(256 - 5 - 3, network.subnet(az1.subnetId()).availableIpAddressCount());
    }

    @Test
    void bgpNextHopResolvesToTheApplianceInterface() {
        assertEquals(applianceA.networkInterfaceId(),
                network.findInterfaceByAddress(vpc.vpcId(), "10.0.1.203").networkInterfaceId());
        assertEquals(applianceB.networkInterfaceId(),
                network.findInterfaceByAddress(vpc.vpcId(), "10.0.2.203").networkInterfaceId());
        assertNull(network.findInterfaceByAddress(vpc.vpcId(), "10.0.1.99"));
        assertNull(network.findInterfaceByAddress(network.createVpc("10.0.0.0/16").vpcId(), "10.0.1.203"),
                "an address is only resolved inside its own VPC");
    }

    @Test
    void testInstanceReachesTheFloatingIpThroughTheActiveAppliance() {
        install("10.0.1.203");

        Trace trace = network.trace(clients.subnetId(), "172.16.1.1");

        assertEquals(Trace.Outcome.INTERFACE, trace.outcome());
        assertEquals(applianceA.networkInterfaceId(), trace.networkInterfaceId());
        assertEquals("10.0.1.203", trace.interfaceAddress());
        assertEquals(az1.subnetId(), trace.subnetId());
        assertEquals(clientTable.routeTableId(), trace.routeTableId());
        assertEquals("Advertisement", trace.route().origin());
        assertEquals("10.0.1.203", trace.route().ipAddress());
        assertEquals("from " + clients.subnetId() + " (table " + clientTable.routeTableId()
                + ", explicit association) to 172.16.1.1: route 172.16.1.1/32 (Advertisement) -> "
                + applianceA.networkInterfaceId() + " (10.0.1.203) in " + az1.subnetId(), trace.explanation());
    }

    @Test
    void failoverRewritesEveryPropagatedTableToTheStandby() {
        install("10.0.1.203");
        install("10.0.2.203");

        for (RouteTable table : List.of(az1Table, az2Table, clientTable)) {
            RouteView route = network.lookup(table.routeTableId(), "172.16.1.1");
            assertEquals(applianceB.networkInterfaceId(), route.networkInterfaceId());
            assertEquals(1, network.propagatedCount(table.routeTableId()));
        }
        assertEquals(applianceB.networkInterfaceId(), network.trace(clients.subnetId(), "172.16.1.1").networkInterfaceId());

        install("10.0.1.203");
        assertEquals(applianceA.networkInterfaceId(), network.trace(clients.subnetId(), "172.16.1.1").networkInterfaceId());
    }

    @Test
    void withdrawnFloatingIpFallsBackToTheDefaultRoute() {
        install("10.0.1.203");
        for (RouteTable table : List.of(az1Table, az2Table, clientTable)) {
            assertTrue(network.removePropagated(table.routeTableId(), FLOATING_IP, ROUTE_SERVER));
        }

        Trace trace = network.trace(clients.subnetId(), "172.16.1.1");

        assertEquals(Trace.Outcome.INTERNET_GATEWAY, trace.outcome());
        assertEquals(igw.internetGatewayId(), trace.gatewayId());
        assertEquals("0.0.0.0/0", trace.route().destinationCidrBlock());
    }

    @Test
    void describedRoutesShowStaticRoutesThenTheAdvertisement() {
        install("10.0.1.203");

        List<RouteView> routes = network.effectiveRoutes(clientTable.routeTableId());

        assertEquals(List.of("10.0.0.0/16 (CreateRouteTable) -> local",
                "0.0.0.0/0 (CreateRoute) -> " + igw.internetGatewayId(),
                "172.16.1.1/32 (Advertisement) -> " + applianceA.networkInterfaceId() + " via 10.0.1.203"),
                routes.stream().map(RouteView::toString).toList());
        assertEquals(2, network.routeTable(clientTable.routeTableId()).routes().size(),
                "the propagated route is not part of the saved table");
    }

    @Test
    void trafficInsideTheVpcIsDeliveredLocally() {
        Trace toAppliance = network.trace(clients.subnetId(), "10.0.1.203");
        assertEquals(Trace.Outcome.LOCAL, toAppliance.outcome());
        assertEquals(applianceA.networkInterfaceId(), toAppliance.networkInterfaceId());
        assertEquals(az1.subnetId(), toAppliance.subnetId());
        assertEquals("10.0.0.0/16", toAppliance.route().destinationCidrBlock());
        assertTrue(toAppliance.explanation().endsWith("local, delivered in " + az1.subnetId() + " to "
                + applianceA.networkInterfaceId() + " (10.0.1.203)"), toAppliance.explanation());

        Trace toNobody = network.trace(clients.subnetId(), "10.0.2.99");
        assertEquals(Trace.Outcome.LOCAL, toNobody.outcome());
        assertNull(toNobody.networkInterfaceId());
        assertTrue(toNobody.explanation().contains("no network interface holds that address"));

        Trace outsideSubnets = network.trace(clients.subnetId(), "10.0.200.1");
        assertEquals(Trace.Outcome.DROPPED, outsideSubnets.outcome());
        assertTrue(outsideSubnets.explanation().contains("no subnet of " + vpc.vpcId() + " holds 10.0.200.1"),
                outsideSubnets.explanation());
    }

    @Test
    void internetTrafficLeavesThroughTheGateway() {
        Trace trace = network.trace(testInstance.networkInterfaceId(), "198.51.100.7");
        assertEquals(Trace.Outcome.INTERNET_GATEWAY, trace.outcome());
        assertEquals("from " + testInstance.networkInterfaceId() + " (table " + clientTable.routeTableId()
                + ", explicit association) to 198.51.100.7: route 0.0.0.0/0 (CreateRoute) -> "
                + igw.internetGatewayId() + ", leaves the VPC", trace.explanation());
    }

    @Test
    void subnetWithoutItsOwnTableUsesTheMainTable() {
        Subnet spare = network.createSubnet(vpc.vpcId(), "10.0.4.0/24", "us-east-1b");
        Trace trace = network.trace(spare.subnetId(), "198.51.100.7");
        assertEquals(Trace.Outcome.DROPPED, trace.outcome(), "the main table has only the local route");
        assertEquals(network.mainRouteTable(vpc.vpcId()).routeTableId(), trace.routeTableId());
        assertEquals("main route table", trace.association());
        assertTrue(trace.explanation().contains("no route matches"), trace.explanation());
    }

    @Test
    void applianceWithSourceDestinationCheckOnIsPointedOut() {
        network.setSourceDestCheck(applianceA.networkInterfaceId(), true);
        install("10.0.1.203");
        Trace trace = network.trace(clients.subnetId(), "172.16.1.1");
        assertEquals(Trace.Outcome.INTERFACE, trace.outcome());
        assertTrue(trace.note().contains("ModifyNetworkInterfaceAttribute"), trace.note());
        assertFalse(network.networkInterface(applianceB.networkInterfaceId()).sourceDestCheck());
    }
}
