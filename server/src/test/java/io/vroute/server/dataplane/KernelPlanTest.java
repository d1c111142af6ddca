package io.vroute.server.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.linux.IpVersion;
import io.vroute.linux.RuleSpec;
import io.vroute.server.dataplane.KernelPlan.Attachment;
import io.vroute.server.dataplane.KernelPlan.Bridge;
import io.vroute.server.dataplane.KernelPlan.Router;
import io.vroute.vpc.Cidr;
import io.vroute.vpc.Network;
import io.vroute.vpc.NetworkInterface;
import io.vroute.vpc.NewInterface;
import io.vroute.vpc.RouteTable;
import io.vroute.vpc.Subnet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The plan for the spec's two scenarios, checked against the model: no kernel involved. */
class KernelPlanTest {
    private final KernelLayout layout = KernelLayout.withPrefix("plan-");

    private static Cidr cidr(String text) {
        return Cidr.parse(text);
    }

    @Test
    void scenarioOneHasARouterWithABridgePerSubnetHoldingRouterAndEndpointAddresses() {
        FloatingIpVpc vpc = new FloatingIpVpc("inst-a", "inst-b", "test");
        KernelPlan plan = KernelPlan.of(vpc.network, layout);
        assertEquals(List.of(), plan.problems());
        Router router = plan.router(vpc.vpc);
        assertEquals("plan-" + vpc.vpc, router.namespace());
        Bridge az1 = router.bridges().getFirst();
        assertEquals(layout.bridge(vpc.az1.subnetId()), az1.name());
        assertEquals("[10.0.1.1/24, 10.0.1.4/24, 10.0.1.5/24]", az1.addresses().toString(),
                "the VPC router's address, then the two route server endpoints'");
        assertEquals("[10.0.3.1/24]", router.bridges().get(2).addresses().toString());
    }

    @Test
    void taggedInterfacesBecomeVethsWithADefaultRouteViaTheSubnetRouter() {
        FloatingIpVpc vpc = new FloatingIpVpc("inst-a", "inst-b", "test");
        Router router = KernelPlan.of(vpc.network, layout).router(vpc.vpc);
        assertEquals(3, router.interfaces().size(), "A, B and the test instance; endpoints get no veth");
        Attachment a = router.interfaces().getFirst();
        assertEquals(vpc.a.networkInterfaceId(), a.networkInterfaceId());
        assertEquals("inst-a", a.namespace());
        assertEquals("eth0", a.link());
        assertEquals(layout.interfaceLink(vpc.a.networkInterfaceId()), a.routerLink());
        assertEquals(layout.bridge(vpc.az1.subnetId()), a.bridge());
        assertEquals("[10.0.1.10/24]", a.addresses().toString());
        assertEquals("[0.0.0.0/0 via 10.0.1.1 dev eth0]", a.routes().toString());
    }

    @Test
    void theSourceDestCheckDecidesWhetherAnInstanceForwards() {
        FloatingIpVpc vpc = new FloatingIpVpc("inst-a", "inst-b", "test");
        Map<String, Boolean> forwarding = new java.util.HashMap<>();
        KernelPlan.of(vpc.network, layout).instances().forEach(i -> forwarding.put(i.namespace(), i.forwarding()));
        assertEquals(Map.of("inst-a", true, "inst-b", true, "test", false), forwarding);
    }

    @Test
    void tablesHoldLocalRoutesPerSubnetThePropagatedRouteAndTheDefaultRoute() {
        FloatingIpVpc vpc = new FloatingIpVpc("inst-a", "inst-b", "test");
        vpc.floatingIpTo(vpc.a);
        KernelPlan plan = KernelPlan.of(vpc.network, layout);
        KernelPlan.Table table = plan.table(vpc.clientTable().routeTableId());
        assertEquals(layout.table(vpc.clientTable().routeTableId()), table.number());
        Map<Cidr, NextHop> routes = table.routes();
        String az1 = layout.bridge(vpc.az1.subnetId());
        assertEquals("via 10.0.1.10 dev " + az1, routes.get(FloatingIpVpc.FLOATING_IP).toString());
        assertEquals("dev " + az1, routes.get(cidr("10.0.1.0/24")).toString());
        assertEquals("dev " + layout.bridge(vpc.clients.subnetId()), routes.get(cidr("10.0.3.0/24")).toString());
        assertEquals("via 169.254.0.2 dev " + layout.gatewayLink(vpc.igw), routes.get(cidr("0.0.0.0/0")).toString());
        assertNull(routes.get(cidr("10.0.0.0/16")), "the local route is its subnets' blocks");
        assertEquals(5, routes.size());
    }

    @Test
    void eachSubnetsBridgeLooksUpItsOwnTableAndAnUnassociatedSubnetTheMainOne() {
        FloatingIpVpc vpc = new FloatingIpVpc("inst-a", "inst-b", "test");
        Subnet loose = vpc.network.createSubnet(vpc.vpc, "10.0.9.0/24", null);
        Router router = KernelPlan.of(vpc.network, layout).router(vpc.vpc);
        List<RuleSpec> rules = router.rules();
        assertEquals(RuleSpec.lookup(IpVersion.V4, layout.bridge(vpc.az2.subnetId()),
                layout.table(vpc.tables.get(1).routeTableId()), 1000), rules.get(1));
        assertEquals(RuleSpec.lookup(IpVersion.V4, layout.bridge(loose.subnetId()),
                layout.table(vpc.network.mainRouteTable(vpc.vpc).routeTableId()), 1000), rules.get(3));
        assertEquals(4, rules.size(), "IPv4 only: the VPC has no IPv6 block");
        assertEquals(4, router.tables().size(), "the main table and the three subnet tables: " + router.tables());
    }

    @Test
    void theInternetGatewayIsAPointToPointLinkAndTheInternetRoutesTheVpcBack() {
        FloatingIpVpc vpc = new FloatingIpVpc("inst-a", "inst-b", "test");
        KernelPlan plan = KernelPlan.of(vpc.network, layout);
        assertTrue(plan.internet());
        KernelPlan.Gateway gateway = plan.router(vpc.vpc).gateway();
        assertEquals(layout.gatewayLink(vpc.igw), gateway.routerLink());
        assertEquals(layout.internetLink(vpc.vpc), gateway.internetLink());
        assertEquals("[169.254.0.1/30]", gateway.routerAddresses().toString());
        assertEquals("[169.254.0.2/30]", gateway.internetAddresses().toString());
        assertEquals("[10.0.0.0/16 via 169.254.0.1 dev " + gateway.internetLink() + "]",
                gateway.internetRoutes().toString());
    }

    @Test
    void anEdgeTableSendsTheAppSubnetToTheFirewallAndItsRuleMatchesTheGatewayLink() {
        Network network = new Network(new SplittableRandom(11));
        String vpc = network.createVpc("10.0.0.0/16").vpcId();
        Subnet firewalls = network.createSubnet(vpc, "10.0.1.0/24", null);
        Subnet app = network.createSubnet(vpc, "10.0.2.0/24", null);
        String igw = network.createInternetGateway().internetGatewayId();
        network.attachInternetGateway(igw, vpc);
        NetworkInterface firewall = network.createNetworkInterface(NewInterface.in(firewalls.subnetId()));
        RouteTable edge = network.createRouteTable(vpc);
        network.associateRouteTable(edge.routeTableId(), null, igw);
        network.createRoute(edge.routeTableId(), "10.0.2.0/24", null, firewall.networkInterfaceId());

        Router router = KernelPlan.of(network, layout).router(vpc);
        KernelPlan.Table table = KernelPlan.of(network, layout).table(edge.routeTableId());
        assertEquals("via " + firewall.privateIpAddress() + " dev " + layout.bridge(firewalls.subnetId()),
                table.routes().get(cidr("10.0.2.0/24")).toString(), "the route for the app subnet's block wins over "
                + "the local route's expansion");
        assertEquals("dev " + layout.bridge(firewalls.subnetId()), table.routes().get(cidr("10.0.1.0/24")).toString());
        assertTrue(router.rules().contains(RuleSpec.lookup(IpVersion.V4, layout.gatewayLink(igw),
                layout.table(edge.routeTableId()), 900)), router.rules().toString());
    }

    @Test
    void aRouteToADeletedInterfaceIsABlackhole() {
        FloatingIpVpc vpc = new FloatingIpVpc("inst-a", "inst-b", "test");
        NetworkInterface spare = vpc.network.createNetworkInterface(NewInterface.in(vpc.az1.subnetId()));
        String table = vpc.clientTable().routeTableId();
        vpc.network.createRoute(table, "192.0.2.0/24", null, spare.networkInterfaceId());
        vpc.network.deleteNetworkInterface(spare.networkInterfaceId());
        assertEquals(NextHop.BLACKHOLE, KernelPlan.of(vpc.network, layout).table(table).routes().get(cidr("192.0.2.0/24")));
    }

    @Test
    void interfacesSharingANamespaceAreEth0AndEth1AndOnlyEth0GetsTheDefaultRoute() {
        FloatingIpVpc vpc = new FloatingIpVpc("inst-a", "inst-b", "test");
        NetworkInterface second = vpc.network.createNetworkInterface(NewInterface.in(vpc.az2.subnetId()));
        vpc.network.tag(second.networkInterfaceId(), Map.of(KernelLayout.NAMESPACE_TAG, "inst-a"));
        Attachment attachment = KernelPlan.of(vpc.network, layout).router(vpc.vpc).interfaces().stream()
                .filter(a -> a.networkInterfaceId().equals(second.networkInterfaceId())).findFirst().orElseThrow();
        assertEquals("eth1", attachment.link());
        assertEquals(List.of(), attachment.routes());
    }

    @Test
    void aTagThatIsNoNamespaceNameIsAProblemThatSaysWhatToDo() {
        FloatingIpVpc vpc = new FloatingIpVpc("inst-a", "inst-b", "test");
        vpc.network.tag(vpc.b.networkInterfaceId(), Map.of(KernelLayout.NAMESPACE_TAG, "../etc"));
        vpc.network.tag(vpc.test.networkInterfaceId(), Map.of(KernelLayout.NAMESPACE_TAG, "plan-internet"));
        KernelPlan plan = KernelPlan.of(vpc.network, layout);
        assertEquals(2, plan.problems().size(), plan.problems().toString());
        assertTrue(plan.problems().getFirst().contains("use 1 to 64 letters"), plan.problems().getFirst());
        assertTrue(plan.problems().get(1).contains("keeps for itself"), plan.problems().get(1));
        assertEquals(1, plan.router(vpc.vpc).interfaces().size(), "A still gets its veth");
    }

    @Test
    void ipv6SubnetsGetTheFirstAddressOfTheirBlockOnTheBridgeAndIpv6Rules() {
        Network network = new Network(new SplittableRandom(13));
        String vpc = network.createVpc("10.0.0.0/16", "fd00:10::/56", false, null).vpcId();
        Subnet subnet = network.createSubnet(vpc, "10.0.1.0/24", "fd00:10:0:1::/64", null);
        NetworkInterface eni = network.createNetworkInterface(NewInterface.in(subnet.subnetId())
                .withIpv6Address("fd00:10:0:1::10"));
        network.tag(eni.networkInterfaceId(), Map.of(KernelLayout.NAMESPACE_TAG, "six"));
        Router router = KernelPlan.of(network, layout).router(vpc);
        assertEquals("[10.0.1.1/24, fd00:10:0:1::1/64]", router.bridges().getFirst().addresses().toString());
        assertEquals("[0.0.0.0/0 via 10.0.1.1 dev eth0, ::/0 via fd00:10:0:1::1 dev eth0]",
                router.interfaces().getFirst().routes().toString());
        assertTrue(router.rules().stream().anyMatch(r -> r.version() == IpVersion.V6));
        KernelPlan.Table main = KernelPlan.of(network, layout).table(network.mainRouteTable(vpc).routeTableId());
        assertEquals("dev " + layout.bridge(subnet.subnetId()), main.routes().get(cidr("fd00:10:0:1::/64")).toString());
        assertFalse(KernelPlan.of(network, layout).internet());
    }
}
