package io.vroute.vpc;

import static io.vroute.vpc.Errors.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routes a route server propagates: installation, precedence, edge tables, blackholes, IPv6. */
class PropagatedRoutesTest {
    private static final String RS = "rs-0123456789abcdef0";
    private static final String OTHER_RS = "rs-0fedcba9876543210";

    private Network network;
    private Vpc vpc;
    private Subnet firewalls;
    private Subnet apps;
    private InternetGateway igw;
    private NetworkInterface firewallA;
    private NetworkInterface firewallB;
    private RouteTable appTable;

    @BeforeEach
    void dualStackVpc() {
        network = new Network(new SplittableRandom(11));
        vpc = network.createVpc("10.0.0.0/16", "fd00:10:0:ff00::/56", false, null);
        firewalls = network.createSubnet(vpc.vpcId(), "10.0.1.0/24", "fd00:10:0:ff01::/64", "us-east-1a");
        apps = network.createSubnet(vpc.vpcId(), "10.0.2.0/24", "fd00:10:0:ff02::/64", "us-east-1a");
        igw = network.createInternetGateway();
        network.attachInternetGateway(igw.internetGatewayId(), vpc.vpcId());
        firewallA = network.createNetworkInterface(NewInterface.in(firewalls.subnetId())
                .withPrivateIpAddress("10.0.1.10").withIpv6Address("fd00:10:0:ff01::10"));
        firewallB = network.createNetworkInterface(NewInterface.in(firewalls.subnetId())
                .withPrivateIpAddress("10.0.1.11").withIpv6Address("fd00:10:0:ff01::11"));
        appTable = network.createRouteTable(vpc.vpcId());
        network.associateRouteTable(appTable.routeTableId(), apps.subnetId(), null);
    }

    private void propagate(RouteTable table, String destination, NetworkInterface target) {
        network.setPropagated(table.routeTableId(), Cidr.parse(destination), RS, target.networkInterfaceId(),
                target.privateIpAddress());
    }

    @Test
    void staticRouteBeatsPropagatedRouteWhichIsReportedRejected() {
        network.createRoute(appTable.routeTableId(), "0.0.0.0/0", igw.internetGatewayId(), null);
        propagate(appTable, "0.0.0.0/0", firewallA);

        Installation installation = network.installation(appTable.routeTableId(), Cidr.parse("0.0.0.0/0"));

        assertFalse(installation.installed());
        assertEquals("rejected", installation.status());
        assertEquals("static route to 0.0.0.0/0 via " + igw.internetGatewayId() + " in " + appTable.routeTableId()
                + " takes precedence; delete it or disable propagation", installation.reason());
        assertEquals(igw.internetGatewayId(), network.lookup(appTable.routeTableId(), "8.8.8.8").gatewayId());
        assertEquals(List.of("10.0.0.0/16 (CreateRouteTable) -> local", "fd00:10:0:ff00::/56 (CreateRouteTable) -> local",
                "0.0.0.0/0 (CreateRoute) -> " + igw.internetGatewayId()),
                network.effectiveRoutes(appTable.routeTableId()).stream().map(RouteView::toString).toList());
        assertEquals(1, network.propagatedCount(appTable.routeTableId()));
    }

    @Test
    void deletingTheStaticRouteInstallsThePropagatedOneAtOnce() {
        network.createRoute(appTable.routeTableId(), "0.0.0.0/0", igw.internetGatewayId(), null);
        propagate(appTable, "0.0.0.0/0", firewallA);

        network.deleteRoute(appTable.routeTableId(), "0.0.0.0/0");

        assertTrue(network.installation(appTable.routeTableId(), Cidr.parse("0.0.0.0/0")).installed());
        RouteView route = network.lookup(appTable.routeTableId(), "8.8.8.8");
        assertEquals(firewallA.networkInterfaceId(), route.networkInterfaceId());
        assertEquals("Advertisement", route.origin());
        assertEquals("10.0.1.10", route.ipAddress());
    }

    @Test
    void longerPropagatedPrefixWinsOverShorterStaticOne() {
        network.createRoute(appTable.routeTableId(), "0.0.0.0/0", igw.internetGatewayId(), null);
        propagate(appTable, "198.51.100.0/24", firewallA);
        assertEquals(firewallA.networkInterfaceId(), network.lookup(appTable.routeTableId(), "198.51.100.9").networkInterfaceId());
        assertEquals(igw.internetGatewayId(), network.lookup(appTable.routeTableId(), "198.51.101.9").gatewayId());
    }

    @Test
    void theVpcBlockItselfStaysLocal() {
        propagate(appTable, "10.0.0.0/16", firewallA);
        Installation installation = network.installation(appTable.routeTableId(), Cidr.parse("10.0.0.0/16"));
        assertFalse(installation.installed());
        assertTrue(installation.reason().contains("local route"), installation.reason());
        assertEquals("local", network.lookup(appTable.routeTableId(), "10.0.2.7").gatewayId());
    }

    @Test
    void edgeTableAcceptsOnlyDestinationsInsideTheVpc() {
        RouteTable edge = network.createRouteTable(vpc.vpcId());
        network.associateRouteTable(edge.routeTableId(), null, igw.internetGatewayId());
        propagate(edge, "10.0.2.0/24", firewallA);
        propagate(edge, "0.0.0.0/0", firewallA);

        assertTrue(network.installation(edge.routeTableId(), Cidr.parse("10.0.2.0/24")).installed());
        Installation outside = network.installation(edge.routeTableId(), Cidr.parse("0.0.0.0/0"));
        assertFalse(outside.installed());
        assertTrue(outside.reason().contains("edge route table of " + igw.internetGatewayId()), outside.reason());
        assertNull(network.lookup(edge.routeTableId(), "8.8.8.8"));
        assertEquals(List.of("10.0.0.0/16", "fd00:10:0:ff00::/56", "10.0.2.0/24"),
                network.effectiveRoutes(edge.routeTableId()).stream().map(r -> r.destination().toString()).toList());

        Trace inbound = network.trace(igw.internetGatewayId(), "10.0.2.50");
        assertEquals(Trace.Outcome.INTERFACE, inbound.outcome());
        assertEquals(firewallA.networkInterfaceId(), inbound.networkInterfaceId());
        assertEquals("edge association", inbound.association());
    }

    @Test
    void edgeRuleFollowsTheAssociation() {
        RouteTable table = network.createRouteTable(vpc.vpcId());
        propagate(table, "0.0.0.0/0", firewallA);
        assertTrue(network.installation(table.routeTableId(), Cidr.parse("0.0.0.0/0")).installed());

        RouteTable.Association edge = network.associateRouteTable(table.routeTableId(), null, igw.internetGatewayId());
        assertFalse(network.installation(table.routeTableId(), Cidr.parse("0.0.0.0/0")).installed());

        network.disassociateRouteTable(edge.routeTableAssociationId());
        assertTrue(network.installation(table.routeTableId(), Cidr.parse("0.0.0.0/0")).installed());
    }

    @Test
    void gatewayWithoutEdgeTableDeliversVpcAddressesLocally() {
        Trace inbound = network.trace(igw.internetGatewayId(), "10.0.1.10");
        assertEquals(Trace.Outcome.LOCAL, inbound.outcome());
        assertEquals(firewallA.networkInterfaceId(), inbound.networkInterfaceId());
        assertEquals("no edge route table", inbound.association());
        assertEquals(Trace.Outcome.DROPPED, network.trace(igw.internetGatewayId(), "192.0.2.1").outcome());
        InternetGateway loose = network.createInternetGateway();
        refused("Gateway.NotAttached", () -> network.trace(loose.internetGatewayId(), "10.0.1.10"));
    }

    @Test
    void staticRouteToADeletedInterfaceBecomesABlackhole() {
        NetworkInterface appliance = network.createNetworkInterface(NewInterface.in(firewalls.subnetId()));
        RouteTable before = network.createRoute(appTable.routeTableId(), "192.168.0.0/16", null, appliance.networkInterfaceId());

        network.deleteNetworkInterface(appliance.networkInterfaceId());

        RouteTable after = network.routeTable(appTable.routeTableId());
        assertEquals("blackhole", after.route(Cidr.parse("192.168.0.0/16")).state());
        assertEquals("active", before.route(Cidr.parse("192.168.0.0/16")).state(), "the earlier record is unchanged");
        Trace trace = network.trace(apps.subnetId(), "192.168.1.1");
        assertEquals(Trace.Outcome.DROPPED, trace.outcome());
        assertTrue(trace.explanation().contains(appliance.networkInterfaceId() + " no longer exists"), trace.explanation());
    }

    @Test
    void propagatedRouteToADeletedInterfaceIsABlackholeUntilWithdrawn() {
        NetworkInterface appliance = network.createNetworkInterface(NewInterface.in(firewalls.subnetId()));
        propagate(appTable, "192.168.0.0/16", appliance);
        network.deleteNetworkInterface(appliance.networkInterfaceId());

        assertTrue(network.lookup(appTable.routeTableId(), "192.168.1.1").blackhole());
        assertEquals(Trace.Outcome.DROPPED, network.trace(apps.subnetId(), "192.168.1.1").outcome());

        network.removePropagated(appTable.routeTableId(), Cidr.parse("192.168.0.0/16"), RS);
        assertNull(network.lookup(appTable.routeTableId(), "192.168.1.1"));
    }

    @Test
    void routesToADetachedGatewayAreBlackholesUntilItIsAttachedAgain() {
        network.createRoute(appTable.routeTableId(), "0.0.0.0/0", igw.internetGatewayId(), null);
        network.detachInternetGateway(igw.internetGatewayId(), vpc.vpcId());
        assertEquals("blackhole", network.lookup(appTable.routeTableId(), "8.8.8.8").state());
        network.attachInternetGateway(igw.internetGatewayId(), vpc.vpcId());
        assertEquals("active", network.lookup(appTable.routeTableId(), "8.8.8.8").state());
    }

    @Test
    void ipv6LookupsUseTheLongestMatch() {
        network.createRoute(appTable.routeTableId(), "::/0", igw.internetGatewayId(), null);
        network.setPropagated(appTable.routeTableId(), Cidr.parse("2001:db8:42::/48"), RS,
                firewallA.networkInterfaceId(), "fd00:10:0:ff01::10");
        network.setPropagated(appTable.routeTableId(), Cidr.parse("2001:db8:42:7::/64"), RS,
                firewallB.networkInterfaceId(), "fd00:10:0:ff01::11");

        assertEquals(firewallB.networkInterfaceId(), network.lookup(appTable.routeTableId(), "2001:db8:42:7::1").networkInterfaceId());
        assertEquals(firewallA.networkInterfaceId(), network.lookup(appTable.routeTableId(), "2001:db8:42:8::1").networkInterfaceId());
        assertEquals(igw.internetGatewayId(), network.lookup(appTable.routeTableId(), "2001:db8:43::1").gatewayId());
        assertEquals("local", network.lookup(appTable.routeTableId(), "fd00:10:0:ff02::99").gatewayId());
        assertNull(network.lookup(appTable.routeTableId(), "10.0.0.0").networkInterfaceId());

        Trace trace = network.trace(apps.subnetId(), "2001:db8:42:7::1");
        assertEquals("fd00:10:0:ff01::11", trace.interfaceAddress());
        assertEquals("2001:db8:42:7::/64", trace.route().destinationIpv6CidrBlock());
        Trace local = network.trace(apps.subnetId(), "fd00:10:0:ff01::10");
        assertEquals(Trace.Outcome.LOCAL, local.outcome());
        assertEquals(firewallA.networkInterfaceId(), local.networkInterfaceId());
        assertEquals(firewalls.subnetId(), local.subnetId());
    }

    @Test
    void secondRouteServerWaitsBehindTheFirst() {
        Cidr destination = Cidr.parse("203.0.113.0/24");
        network.setPropagated(appTable.routeTableId(), destination, RS, firewallA.networkInterfaceId(), "10.0.1.10");
        network.setPropagated(appTable.routeTableId(), destination, OTHER_RS, firewallB.networkInterfaceId(), "10.0.1.11");

        assertEquals(firewallA.networkInterfaceId(), network.lookup(appTable.routeTableId(), "203.0.113.1").networkInterfaceId());
        assertTrue(network.installation(appTable.routeTableId(), destination, RS).installed());
        Installation waiting = network.installation(appTable.routeTableId(), destination, OTHER_RS);
        assertFalse(waiting.installed());
        assertTrue(waiting.reason().contains(RS), waiting.reason());

        assertEquals(1, network.clearPropagated(appTable.routeTableId(), RS));
        assertEquals(firewallB.networkInterfaceId(), network.lookup(appTable.routeTableId(), "203.0.113.1").networkInterfaceId());
        assertTrue(network.installation(appTable.routeTableId(), destination, OTHER_RS).installed());
    }

    @Test
    void settingTheSameRouteTwiceChangesNothing() {
        Cidr destination = Cidr.parse("203.0.113.0/24");
        assertTrue(network.setPropagated(appTable.routeTableId(), destination, RS, firewallA.networkInterfaceId(), "10.0.1.10"));
        assertFalse(network.setPropagated(appTable.routeTableId(), destination, RS, firewallA.networkInterfaceId(), "10.0.1.10"));
        assertTrue(network.setPropagated(appTable.routeTableId(), destination, RS, firewallB.networkInterfaceId(), "10.0.1.11"));
        assertFalse(network.removePropagated(appTable.routeTableId(), destination, OTHER_RS));
        assertTrue(network.removePropagated(appTable.routeTableId(), destination, RS));
        assertFalse(network.removePropagated(appTable.routeTableId(), destination, RS));
        assertEquals(0, network.propagatedCount(appTable.routeTableId()));
    }

    @Test
    void clearRemovesOnlyThatRouteServersRoutes() {
        for (int i = 0; i < 100; i++) {
            Cidr destination = Cidr.parse("198.18." + i + ".0/24");
            network.setPropagated(appTable.routeTableId(), destination, i % 2 == 0 ? RS : OTHER_RS,
                    firewallA.networkInterfaceId(), "10.0.1.10");
        }
        assertEquals(50, network.clearPropagated(appTable.routeTableId(), OTHER_RS));
        assertEquals(50, network.propagatedCount(appTable.routeTableId()));
        assertEquals(0, network.clearPropagated(appTable.routeTableId(), OTHER_RS));
        assertNull(network.lookup(appTable.routeTableId(), "198.18.1.1"));
        assertEquals(firewallA.networkInterfaceId(), network.lookup(appTable.routeTableId(), "198.18.2.1").networkInterfaceId());
        assertEquals(50, network.clearPropagated(appTable.routeTableId(), RS));
        assertNull(network.lookup(appTable.routeTableId(), "198.18.2.1"));
    }

    @Test
    void routesMayOnlyTargetInterfacesOfTheTablesVpc() {
        Vpc other = network.createVpc("10.9.0.0/16");
        NetworkInterface stranger = network.createNetworkInterface(
                NewInterface.in(network.createSubnet(other.vpcId(), "10.9.1.0/24", null).subnetId()));
        refused("InvalidParameterValue", () -> network.setPropagated(appTable.routeTableId(), Cidr.parse("1.0.0.0/8"), RS,
                stranger.networkInterfaceId(), "10.9.1.4"));
        refused("InvalidRouteTableID.NotFound", () -> network.setPropagated("rtb-0123456789abcdef0", Cidr.parse("1.0.0.0/8"),
                RS, firewallA.networkInterfaceId(), "10.0.1.10"));
    }

    @Test
    void deletingATableDropsItsPropagatedRoutes() {
        RouteTable table = network.createRouteTable(vpc.vpcId());
        propagate(table, "198.18.0.0/15", firewallA);
        network.deleteRouteTable(table.routeTableId());
        assertEquals(0, network.propagatedCount(table.routeTableId()));
    }
}
