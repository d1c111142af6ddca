package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.server.Server;
import io.vroute.server.ServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceIpv6Address;
import software.amazon.awssdk.services.ec2.model.InternetGateway;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * Every VPC action of the contract (ec2-model-subset.json) through the real AWS SDK for Java v2 against an
 * in-process vroute: what a user sees in the answers (ids, states, addresses, routes with their origin and target,
 * association flags) and each error code the VPC rules give.
 */
class VpcActionsTest {
    private static final String V6_BLOCK = "fd12:3456:789a:1200::/56";

    @TempDir
    Path dir;
    private Server server;
    private Ec2Api api;
    private Ec2Client ec2;

    @BeforeEach
    void start() throws Exception {
        open();
    }

    private void open() throws Exception {
        server = Server.start(ServerConfig.defaults(dir).withBgpPort(0));
        api = Ec2Api.start(server, new InetSocketAddress("127.0.0.1", 0), dir, true);
        String[] keys = new String[] {api.credentials().accessKeyId(), api.credentials().secretAccessKey()};
        ec2 = Ec2Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + api.address().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1])))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterEach
    void stop() {
        if (ec2 != null) ec2.close();
        if (api != null) api.close();
        if (server != null) server.close();
    }

    private static String code(Runnable call) {
        Ec2Exception e = assertThrows(Ec2Exception.class, call::run);
        assertFalse(e.awsErrorDetails().errorMessage() == null || e.awsErrorDetails().errorMessage().isBlank(),
                "every error carries a message");
        return e.awsErrorDetails().errorCode();
    }

    private static Filter filter(String name, String... values) {
        return Filter.builder().name(name).values(values).build();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    private static Map<String, String> tags(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }

    private String vpc(String cidr) {
        return ec2.createVpc(r -> r.cidrBlock(cidr)).vpc().vpcId();
    }

    private String subnet(String vpc, String cidr) {
        return ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock(cidr)).subnet().subnetId();
    }

    private String eni(String subnet, String address) {
        return ec2.createNetworkInterface(r -> r.subnetId(subnet).privateIpAddress(address)).networkInterface()
                .networkInterfaceId();
    }

    private RouteTable table(String id) {
        return ec2.describeRouteTables(r -> r.routeTableIds(id)).routeTables().get(0);
    }

    private RouteTable mainTable(String vpc) {
        List<RouteTable> main = ec2.describeRouteTables(r -> r.filters(filter("vpc-id", vpc),
                filter("association.main", "true"))).routeTables();
        assertEquals(1, main.size(), "a VPC has exactly one main route table");
        return main.get(0);
    }

    private static Route route(RouteTable table, String destination) {
        return table.routes().stream()
                .filter(r -> destination.equals(r.destinationCidrBlock()) || destination.equals(r.destinationIpv6CidrBlock()))
                .findFirst().orElse(null);
    }

    private static Set<String> ids(List<RouteTable> tables) {
        return tables.stream().map(RouteTable::routeTableId).collect(Collectors.toSet());
    }

    // ------------------------------------------------------------ VPCs

    @Test
    void createVpcWithAmazonIpv6BlockAndTagsShowsBothBlocksAndItsMainTable() {
        Vpc vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16").amazonProvidedIpv6CidrBlock(true)
                .tagSpecifications(t -> t.resourceType(ResourceType.VPC).tags(tag("Name", "prod"), tag("team", "net"))))
                .vpc();

        assertTrue(vpc.vpcId().matches("vpc-[0-9a-f]{17}"), vpc.vpcId());
        assertEquals("available", vpc.stateAsString());
        assertEquals("10.0.0.0/16", vpc.cidrBlock());
        assertEquals("10.0.0.0/16", vpc.cidrBlockAssociationSet().get(0).cidrBlock());
        assertEquals("associated", vpc.cidrBlockAssociationSet().get(0).cidrBlockState().stateAsString());
        String v6 = vpc.ipv6CidrBlockAssociationSet().get(0).ipv6CidrBlock();
        assertTrue(v6.startsWith("fd") && v6.endsWith("/56"), "a unique local /56: " + v6);
        assertEquals("Amazon", vpc.ipv6CidrBlockAssociationSet().get(0).ipv6Pool());
        assertEquals("associated", vpc.ipv6CidrBlockAssociationSet().get(0).ipv6CidrBlockState().stateAsString());
        assertEquals("default", vpc.instanceTenancyAsString());
        assertFalse(vpc.isDefault());
        assertEquals(Map.of("Name", "prod", "team", "net"), tags(vpc.tags()));

        // The VPC comes with its main route table, holding a local route for each block.
        RouteTable main = mainTable(vpc.vpcId());
        assertEquals(vpc.vpcId(), main.vpcId());
        RouteTableAssociation association = main.associations().get(0);
        assertTrue(association.main());
        assertNull(association.subnetId());
        assertEquals("associated", association.associationState().stateAsString());
        for (String block : List.of("10.0.0.0/16", v6)) {
            Route local = route(main, block);
            assertEquals("local", local.gatewayId(), block);
            assertEquals("CreateRouteTable", local.originAsString());
            assertEquals("active", local.stateAsString());
        }
        assertEquals(2, main.routes().size());
    }

    @Test
    void describeVpcsByIdFilterAndPage() {
        List<String> vpcs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            int n = i;
            vpcs.add(ec2.createVpc(r -> r.cidrBlock("10." + n + ".0.0/16")
                    .tagSpecifications(t -> t.resourceType(ResourceType.VPC).tags(tag("env", n < 3 ? "prod" : "dev"))))
                    .vpc().vpcId());
        }

        assertEquals(List.of(vpcs.get(1), vpcs.get(4)), ec2.describeVpcs(r -> r.vpcIds(vpcs.get(1), vpcs.get(4))).vpcs()
                .stream().map(Vpc::vpcId).toList());
        assertEquals(3, ec2.describeVpcs(r -> r.filters(filter("tag:env", "prod"))).vpcs().size());
        assertEquals(List.of(vpcs.get(5)), ec2.describeVpcs(r -> r.filters(filter("cidr-block-association.cidr-block",
                "10.5.*"))).vpcs().stream().map(Vpc::vpcId).toList());
        assertEquals(7, ec2.describeVpcs(r -> r.filters(filter("state", "available"), filter("is-default", "false")))
                .vpcs().size());
        assertEquals(0, ec2.describeVpcs(r -> r.filters(filter("tag:env", "prod"), filter("cidr", "10.6.0.0/16")))
                .vpcs().size(), "filters combine with AND");

        var first = ec2.describeVpcs(r -> r.maxResults(5));
        assertEquals(5, first.vpcs().size());
        assertTrue(first.nextToken() != null, "a next page is announced");
        List<String> paged = ec2.describeVpcsPaginator(r -> r.maxResults(5)).vpcs().stream().map(Vpc::vpcId).toList();
        assertEquals(Set.copyOf(vpcs), Set.copyOf(paged));
        assertEquals(7, paged.size());

        assertEquals("InvalidParameterValue", code(() -> ec2.describeVpcs(r -> r.maxResults(2))));
        assertEquals("InvalidParameterValue", code(() -> ec2.describeVpcs(r -> r.filters(filter("colour", "red")))));
        assertEquals("InvalidVpcID.NotFound", code(() -> ec2.describeVpcs(r -> r.vpcIds("vpc-0123456789abcdef0"))));
        assertEquals("InvalidVpcID.Malformed", code(() -> ec2.describeVpcs(r -> r.vpcIds("vpc-xyz"))));
    }

    @Test
    void vpcBlockMustBeIpv4FromSixteenToTwentyEight() {
        assertEquals("InvalidVpc.Range", code(() -> ec2.createVpc(r -> r.cidrBlock("10.0.0.0/8"))));
        assertEquals("InvalidVpc.Range", code(() -> ec2.createVpc(r -> r.cidrBlock("10.0.0.0/29"))));
        assertEquals("InvalidVpc.Range", code(() -> ec2.createVpc(r -> r.cidrBlock("fd00::/56"))));
        assertEquals("MissingParameter", code(() -> ec2.createVpc(r -> {})));
        assertEquals("InvalidParameterCombination", code(() -> ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")
                .ipv6CidrBlock(V6_BLOCK).amazonProvidedIpv6CidrBlock(true))));
        assertEquals("InvalidParameterValue", code(() -> ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")
                .tagSpecifications(t -> t.resourceType(ResourceType.SUBNET).tags(tag("a", "b"))))));
        assertTrue(ec2.describeVpcs().vpcs().isEmpty(), "nothing was created by the refused calls");
    }

    @Test
    void refusedCreationTagsCreateNothing() {
        assertEquals("InvalidParameterValue", code(() -> ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")
                .tagSpecifications(t -> t.resourceType(ResourceType.VPC).tags(tag("aws:owner", "me"))))));
        assertTrue(ec2.describeVpcs().vpcs().isEmpty(), "a VPC with a refused tag was not left behind");
        assertTrue(ec2.describeRouteTables().routeTables().isEmpty());
    }

    @Test
    void deleteVpcWaitsForItsResourcesThenTakesItsMainTable() {
        String vpc = vpc("10.0.0.0/16");
        String mainId = mainTable(vpc).routeTableId();
        String subnet = subnet(vpc, "10.0.1.0/24");
        String table = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
        String igw = ec2.createInternetGateway().internetGateway().internetGatewayId();
        ec2.attachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));

        Ec2Exception refused = assertThrows(Ec2Exception.class, () -> ec2.deleteVpc(r -> r.vpcId(vpc)));
        assertEquals("DependencyViolation", refused.awsErrorDetails().errorCode());
        for (String blocker : List.of(subnet, table, igw)) {
            assertTrue(refused.awsErrorDetails().errorMessage().contains(blocker), refused.awsErrorDetails().errorMessage());
        }

        ec2.deleteSubnet(r -> r.subnetId(subnet));
        ec2.deleteRouteTable(r -> r.routeTableId(table));
        ec2.detachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));
        ec2.deleteVpc(r -> r.vpcId(vpc));

        assertEquals("InvalidVpcID.NotFound", code(() -> ec2.describeVpcs(r -> r.vpcIds(vpc))));
        assertEquals("InvalidRouteTableID.NotFound", code(() -> ec2.describeRouteTables(r -> r.routeTableIds(mainId))));
        assertEquals("InvalidVpcID.NotFound", code(() -> ec2.deleteVpc(r -> r.vpcId(vpc))));
        // The gateway outlives the VPC, detached.
        assertTrue(ec2.describeInternetGateways(r -> r.internetGatewayIds(igw)).internetGateways().get(0).attachments().isEmpty());
    }

    @Test
    void dryRunAnswersDryRunOperationAndChangesNothing() {
        assertEquals("DryRunOperation", code(() -> ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16").dryRun(true))));
        assertTrue(ec2.describeVpcs().vpcs().isEmpty());
        String vpc = vpc("10.0.0.0/16");
        String subnet = subnet(vpc, "10.0.1.0/24");
        assertEquals("DryRunOperation", code(() -> ec2.deleteSubnet(r -> r.subnetId(subnet).dryRun(true))));
        assertEquals("DryRunOperation", code(() -> ec2.createRouteTable(r -> r.vpcId(vpc).dryRun(true))));
        assertEquals(1, ec2.describeSubnets(r -> r.subnetIds(subnet)).subnets().size());
        assertEquals(1, ec2.describeRouteTables().routeTables().size());
    }

    // ------------------------------------------------------------ subnets

    @Test
    void subnetsLieInsideTheirVpcAndOverlapNoOther() {
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16").ipv6CidrBlock(V6_BLOCK)).vpc().vpcId();
        Subnet a = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24").ipv6CidrBlock("fd12:3456:789a:1201::/64")
                .availabilityZone("us-east-1b").tagSpecifications(t -> t.resourceType(ResourceType.SUBNET)
                        .tags(tag("Name", "app")))).subnet();

        assertTrue(a.subnetId().matches("subnet-[0-9a-f]{17}"), a.subnetId());
        assertEquals(vpc, a.vpcId());
        assertEquals("10.0.1.0/24", a.cidrBlock());
        assertEquals("fd12:3456:789a:1201::/64", a.ipv6CidrBlockAssociationSet().get(0).ipv6CidrBlock());
        assertEquals("us-east-1b", a.availabilityZone());
        assertEquals("available", a.stateAsString());
        assertEquals(251, a.availableIpAddressCount(), "a /24 less the five addresses AWS reserves");
        assertEquals(Map.of("Name", "app"), tags(a.tags()));
        String b = subnet(vpc, "10.0.2.0/24");
        assertEquals("us-east-1a", ec2.describeSubnets(r -> r.subnetIds(b)).subnets().get(0).availabilityZone(),
                "a subnet created without a zone gets the default one");

        assertEquals("InvalidSubnet.Range", code(() -> ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.1.0.0/24"))));
        assertEquals("InvalidSubnet.Range", code(() -> ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.3.0/29"))));
        assertEquals("InvalidSubnet.Range", code(() -> ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.3.0/24")
                .ipv6CidrBlock("fd12:3456:789a:1300::/64"))));
        assertEquals("InvalidSubnet.Conflict", code(() -> ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.128/25"))));
        assertEquals("InvalidSubnet.Conflict", code(() -> ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.0.0/20"))));
        assertEquals("InvalidSubnet.Conflict", code(() -> ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.3.0/24")
                .ipv6CidrBlock("fd12:3456:789a:1201::/64"))));
        assertEquals("InvalidVpcID.NotFound", code(() -> ec2.createSubnet(r -> r.vpcId("vpc-0123456789abcdef0")
                .cidrBlock("10.0.9.0/24"))));
        assertEquals("MissingParameter", code(() -> ec2.createSubnet(r -> r.cidrBlock("10.0.9.0/24"))));

        // Another VPC may reuse the same block.
        String other = vpc("10.0.0.0/16");
        String c = subnet(other, "10.0.1.0/24");

        assertEquals(List.of(a.subnetId(), b), ec2.describeSubnets(r -> r.filters(filter("vpc-id", vpc))).subnets().stream()
                .map(Subnet::subnetId).toList());
        assertEquals(Set.of(a.subnetId(), c), ec2.describeSubnets(r -> r.filters(filter("cidr-block", "10.0.1.0/24")))
                .subnets().stream().map(Subnet::subnetId).collect(Collectors.toSet()));
        assertEquals(List.of(a.subnetId()), ec2.describeSubnets(r -> r.filters(filter("tag:Name", "app"),
                filter("availability-zone", "us-east-1b"))).subnets().stream().map(Subnet::subnetId).toList());
        assertEquals(List.of(a.subnetId()), ec2.describeSubnets(r -> r.filters(
                filter("ipv6-cidr-block-association.ipv6-cidr-block", "fd12:*"))).subnets().stream()
                .map(Subnet::subnetId).toList());
        assertEquals(3, ec2.describeSubnetsPaginator(r -> r.maxResults(5)).subnets().stream().count());

        ec2.deleteSubnet(r -> r.subnetId(b));
        assertEquals("InvalidSubnetID.NotFound", code(() -> ec2.describeSubnets(r -> r.subnetIds(b))));
        assertEquals("InvalidSubnetID.NotFound", code(() -> ec2.deleteSubnet(r -> r.subnetId(b))));
        // The freed block can be used again.
        assertEquals("10.0.2.0/24", ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.2.0/24")).subnet().cidrBlock());
    }

    @Test
    void ipv6SubnetNeedsAVpcWithAnIpv6Block() {
        String vpc = vpc("10.0.0.0/16");
        assertEquals("InvalidParameterValue", code(() -> ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")
                .ipv6CidrBlock("fd12:3456:789a:1201::/64"))));
    }

    // ------------------------------------------------------------ network interfaces

    @Test
    void networkInterfaceTakesTheGivenAddressOrTheLowestFreeOne() {
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16").ipv6CidrBlock(V6_BLOCK)).vpc().vpcId();
        String subnet = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")
                .ipv6CidrBlock("fd12:3456:789a:1201::/64")).subnet().subnetId();

        NetworkInterface chosen = ec2.createNetworkInterface(r -> r.subnetId(subnet).privateIpAddress("10.0.1.10")
                .description("firewall A").ipv6Addresses(InstanceIpv6Address.builder().ipv6Address("fd12:3456:789a:1201::a").build())
                .tagSpecifications(t -> t.resourceType(ResourceType.NETWORK_INTERFACE).tags(tag("role", "fw"))))
                .networkInterface();
        assertTrue(chosen.networkInterfaceId().matches("eni-[0-9a-f]{17}"), chosen.networkInterfaceId());
        assertEquals("10.0.1.10", chosen.privateIpAddress());
        assertEquals("10.0.1.10", chosen.privateIpAddresses().get(0).privateIpAddress());
        assertTrue(chosen.privateIpAddresses().get(0).primary());
        assertEquals("fd12:3456:789a:1201::a", chosen.ipv6Addresses().get(0).ipv6Address());
        assertEquals(subnet, chosen.subnetId());
        assertEquals(vpc, chosen.vpcId());
        assertEquals("us-east-1a", chosen.availabilityZone());
        assertEquals("firewall A", chosen.description());
        assertEquals("available", chosen.statusAsString());
        assertEquals("interface", chosen.interfaceTypeAsString());
        assertTrue(chosen.sourceDestCheck(), "source/destination check is on until turned off");
        assertFalse(chosen.requesterManaged());
        assertTrue(chosen.macAddress().matches("02(:[0-9a-f]{2}){5}"), chosen.macAddress());
        assertEquals(Map.of("role", "fw"), tags(chosen.tagSet()));

        // AWS keeps .0 to .3 of a subnet: the first free address is .4, then .5.
        NetworkInterface first = ec2.createNetworkInterface(r -> r.subnetId(subnet).ipv6AddressCount(1)).networkInterface();
        assertEquals("10.0.1.4", first.privateIpAddress());
        assertEquals("fd12:3456:789a:1201::4", first.ipv6Addresses().get(0).ipv6Address());
        assertEquals("10.0.1.5", ec2.createNetworkInterface(r -> r.subnetId(subnet)).networkInterface().privateIpAddress());
        assertEquals(251 - 3, ec2.describeSubnets(r -> r.subnetIds(subnet)).subnets().get(0).availableIpAddressCount());

        assertEquals("InvalidIPAddress.InUse", code(() -> ec2.createNetworkInterface(r -> r.subnetId(subnet)
                .privateIpAddress("10.0.1.10"))));
        assertEquals("InvalidIPAddress.InUse", code(() -> ec2.createNetworkInterface(r -> r.subnetId(subnet)
                .ipv6Addresses(InstanceIpv6Address.builder().ipv6Address("fd12:3456:789a:1201::a").build()))));
        assertEquals("InvalidParameterValue", code(() -> ec2.createNetworkInterface(r -> r.subnetId(subnet)
                .privateIpAddress("10.0.2.10"))), "outside the subnet");
        assertEquals("InvalidParameterValue", code(() -> ec2.createNetworkInterface(r -> r.subnetId(subnet)
                .privateIpAddress("10.0.1.1"))), "reserved by AWS");
        assertEquals("InvalidSubnetID.NotFound", code(() -> ec2.createNetworkInterface(r -> r.subnetId("subnet-0123456789abcdef0"))));
        assertEquals("MissingParameter", code(() -> ec2.createNetworkInterface(r -> r.description("no subnet"))));
    }

    @Test
    void fullSubnetRefusesAnotherInterface() {
        String subnet = subnet(vpc("10.0.0.0/16"), "10.0.1.0/28");
        assertEquals(11, ec2.describeSubnets(r -> r.subnetIds(subnet)).subnets().get(0).availableIpAddressCount());
        for (int i = 0; i < 11; i++) {
            ec2.createNetworkInterface(r -> r.subnetId(subnet));
        }
        assertEquals(0, ec2.describeSubnets(r -> r.subnetIds(subnet)).subnets().get(0).availableIpAddressCount());
        assertEquals("InsufficientFreeAddressesInSubnet", code(() -> ec2.createNetworkInterface(r -> r.subnetId(subnet))));
        List<String> taken = ec2.describeNetworkInterfacesPaginator(r -> r.maxResults(5)).networkInterfaces().stream()
                .map(NetworkInterface::privateIpAddress).toList();
        assertEquals(11, Set.copyOf(taken).size());
        assertTrue(taken.contains("10.0.1.4") && taken.contains("10.0.1.14"), "from .4 to .14: " + taken);
    }

    @Test
    void ipv6AddressNeedsASubnetWithAnIpv6Block() {
        String subnet = subnet(vpc("10.0.0.0/16"), "10.0.1.0/24");
        assertEquals("InvalidParameterValue", code(() -> ec2.createNetworkInterface(r -> r.subnetId(subnet).ipv6AddressCount(1))));
    }

    @Test
    void modifySourceDestCheckAndDescriptionThenFindByThem() {
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16").ipv6CidrBlock(V6_BLOCK)).vpc().vpcId();
        String subnet = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")
                .ipv6CidrBlock("fd12:3456:789a:1201::/64")).subnet().subnetId();
        String other = subnet(vpc, "10.0.2.0/24");
        String fw = ec2.createNetworkInterface(r -> r.subnetId(subnet).privateIpAddress("10.0.1.10").ipv6AddressCount(1))
                .networkInterface().networkInterfaceId();
        String web = eni(other, "10.0.2.20");

        ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(fw)
                .sourceDestCheck(AttributeBooleanValue.builder().value(false).build()));
        ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(fw)
                .description(AttributeValue.builder().value("floating IP holder").build()));
        NetworkInterface seen = ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(fw)).networkInterfaces().get(0);
        assertFalse(seen.sourceDestCheck());
        assertEquals("floating IP holder", seen.description());

        Function<Filter[], List<String>> find = f -> ec2.describeNetworkInterfaces(r -> r.filters(f)).networkInterfaces()
                .stream().map(NetworkInterface::networkInterfaceId).toList();
        assertEquals(List.of(fw), find.apply(new Filter[] {filter("source-dest-check", "false")}));
        assertEquals(List.of(fw), find.apply(new Filter[] {filter("description", "floating*")}));
        assertEquals(List.of(web), find.apply(new Filter[] {filter("private-ip-address", "10.0.2.20")}));
        assertEquals(List.of(web), find.apply(new Filter[] {filter("addresses.private-ip-address", "10.0.2.*")}));
        assertEquals(List.of(fw), find.apply(new Filter[] {filter("ipv6-addresses.ipv6-address", "fd12:3456:789a:1201::4")}));
        assertEquals(List.of(fw), find.apply(new Filter[] {filter("subnet-id", subnet)}));
        assertEquals(List.of(fw, web), find.apply(new Filter[] {filter("vpc-id", vpc), filter("status", "available")}));
        assertEquals("InvalidParameterValue", code(() -> find.apply(new Filter[] {filter("attachment.instance-id", "i-1")})));

        // Turned back on, and a modify without an attribute is refused.
        ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(fw)
                .sourceDestCheck(AttributeBooleanValue.builder().value(true).build()));
        assertTrue(ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(fw)).networkInterfaces().get(0).sourceDestCheck());
        assertEquals("MissingParameter", code(() -> ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(fw))));
        assertEquals("InvalidNetworkInterfaceID.NotFound", code(() -> ec2.modifyNetworkInterfaceAttribute(r -> r
                .networkInterfaceId("eni-0123456789abcdef0").sourceDestCheck(AttributeBooleanValue.builder().value(false).build()))));
    }

    @Test
    void deletedInterfaceFreesItsAddressAndLetsTheSubnetGo() {
        String vpc = vpc("10.0.0.0/16");
        String subnet = subnet(vpc, "10.0.1.0/24");
        String eni = eni(subnet, "10.0.1.10");

        Ec2Exception refused = assertThrows(Ec2Exception.class, () -> ec2.deleteSubnet(r -> r.subnetId(subnet)));
        assertEquals("DependencyViolation", refused.awsErrorDetails().errorCode());
        assertTrue(refused.awsErrorDetails().errorMessage().contains(eni), refused.awsErrorDetails().errorMessage());

        ec2.deleteNetworkInterface(r -> r.networkInterfaceId(eni));
        assertEquals("InvalidNetworkInterfaceID.NotFound", code(() -> ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(eni))));
        assertEquals("InvalidNetworkInterfaceID.NotFound", code(() -> ec2.deleteNetworkInterface(r -> r.networkInterfaceId(eni))));
        assertEquals("InvalidNetworkInterfaceID.Malformed", code(() -> ec2.deleteNetworkInterface(r -> r.networkInterfaceId("eni-!"))));
        assertEquals("10.0.1.10", ec2.createNetworkInterface(r -> r.subnetId(subnet).privateIpAddress("10.0.1.10"))
                .networkInterface().privateIpAddress(), "the address is free again");
    }

    // ------------------------------------------------------------ internet gateways

    @Test
    void internetGatewayAttachesToOneVpcAndIsDeletedDetached() {
        String vpc = vpc("10.0.0.0/16");
        String other = vpc("10.1.0.0/16");
        InternetGateway created = ec2.createInternetGateway(r -> r.tagSpecifications(t -> t
                .resourceType(ResourceType.INTERNET_GATEWAY).tags(tag("Name", "edge")))).internetGateway();
        String igw = created.internetGatewayId();
        assertTrue(igw.matches("igw-[0-9a-f]{17}"), igw);
        assertTrue(created.attachments().isEmpty());
        assertEquals(Map.of("Name", "edge"), tags(created.tags()));
        String spare = ec2.createInternetGateway().internetGateway().internetGatewayId();

        ec2.attachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));
        InternetGateway attached = ec2.describeInternetGateways(r -> r.internetGatewayIds(igw)).internetGateways().get(0);
        assertEquals(vpc, attached.attachments().get(0).vpcId());
        assertEquals("available", attached.attachments().get(0).stateAsString());
        assertEquals(List.of(igw), ec2.describeInternetGateways(r -> r.filters(filter("attachment.vpc-id", vpc)))
                .internetGateways().stream().map(InternetGateway::internetGatewayId).toList());
        assertEquals(List.of(igw), ec2.describeInternetGateways(r -> r.filters(filter("tag:Name", "edge")))
                .internetGateways().stream().map(InternetGateway::internetGatewayId).toList());
        assertEquals(2, ec2.describeInternetGateways().internetGateways().size());

        assertEquals("Resource.AlreadyAssociated", code(() -> ec2.attachInternetGateway(r -> r.internetGatewayId(igw).vpcId(other))));
        assertEquals("Resource.AlreadyAssociated", code(() -> ec2.attachInternetGateway(r -> r.internetGatewayId(spare).vpcId(vpc))));
        assertEquals("DependencyViolation", code(() -> ec2.deleteInternetGateway(r -> r.internetGatewayId(igw))));
        assertEquals("Gateway.NotAttached", code(() -> ec2.detachInternetGateway(r -> r.internetGatewayId(igw).vpcId(other))));
        assertEquals("Gateway.NotAttached", code(() -> ec2.detachInternetGateway(r -> r.internetGatewayId(spare).vpcId(vpc))));
        assertEquals("InvalidVpcID.NotFound", code(() -> ec2.attachInternetGateway(r -> r.internetGatewayId(spare)
                .vpcId("vpc-0123456789abcdef0"))));

        ec2.detachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));
        assertTrue(ec2.describeInternetGateways(r -> r.internetGatewayIds(igw)).internetGateways().get(0).attachments().isEmpty());
        ec2.attachInternetGateway(r -> r.internetGatewayId(spare).vpcId(vpc));
        ec2.deleteInternetGateway(r -> r.internetGatewayId(igw));
        assertEquals("InvalidInternetGatewayID.NotFound", code(() -> ec2.describeInternetGateways(r -> r.internetGatewayIds(igw))));
        assertEquals("InvalidInternetGatewayID.NotFound", code(() -> ec2.attachInternetGateway(r -> r.internetGatewayId(igw).vpcId(other))));
        assertEquals("InvalidInternetGatewayID.NotFound", code(() -> ec2.deleteInternetGateway(r -> r.internetGatewayId(igw))));
    }

    // ------------------------------------------------------------ routes

    @Test
    void staticRoutesToAGatewayAndToAnInterface() {
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16").ipv6CidrBlock(V6_BLOCK)).vpc().vpcId();
        String subnet = subnet(vpc, "10.0.1.0/24");
        String fw = eni(subnet, "10.0.1.10");
        String igw = ec2.createInternetGateway().internetGateway().internetGatewayId();
        RouteTable created = ec2.createRouteTable(r -> r.vpcId(vpc).tagSpecifications(t -> t
                .resourceType(ResourceType.ROUTE_TABLE).tags(tag("Name", "public")))).routeTable();
        String rtb = created.routeTableId();
        assertTrue(rtb.matches("rtb-[0-9a-f]{17}"), rtb);
        assertTrue(created.associations().isEmpty(), "a new table is associated with nothing");
        assertEquals(2, created.routes().size(), "a new table holds the local routes");
        assertEquals("local", route(created, "10.0.0.0/16").gatewayId());
        assertEquals(Map.of("Name", "public"), tags(created.tags()));

        // A gateway target must be attached to the table's VPC first.
        assertEquals("InvalidParameterValue", code(() -> ec2.createRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("0.0.0.0/0").gatewayId(igw))));
        ec2.attachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));
        assertTrue(ec2.createRoute(r -> r.routeTableId(rtb).destinationCidrBlock("0.0.0.0/0").gatewayId(igw)).returnValue());
        ec2.createRoute(r -> r.routeTableId(rtb).destinationIpv6CidrBlock("::/0").gatewayId(igw));
        ec2.createRoute(r -> r.routeTableId(rtb).destinationCidrBlock("192.168.0.0/16").networkInterfaceId(fw));
        // A more specific route inside the VPC goes through an appliance.
        ec2.createRoute(r -> r.routeTableId(rtb).destinationCidrBlock("10.0.1.0/24").networkInterfaceId(fw));

        RouteTable t = table(rtb);
        Route def = route(t, "0.0.0.0/0");
        assertEquals(igw, def.gatewayId());
        assertEquals("CreateRoute", def.originAsString());
        assertEquals("active", def.stateAsString());
        assertEquals(igw, route(t, "::/0").gatewayId());
        Route toFw = route(t, "192.168.0.0/16");
        assertEquals(fw, toFw.networkInterfaceId());
        assertNull(toFw.gatewayId());
        assertEquals(fw, route(t, "10.0.1.0/24").networkInterfaceId());

        assertEquals("RouteAlreadyExists", code(() -> ec2.createRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("0.0.0.0/0").networkInterfaceId(fw))));
        // The local route is always there; "local" fits nothing else.
        assertEquals("RouteAlreadyExists", code(() -> ec2.createRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("10.0.0.0/16").gatewayId("local"))));
        assertEquals("InvalidParameterValue", code(() -> ec2.createRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("172.16.0.0/12").gatewayId("local"))));
        assertEquals("InvalidParameterValue", code(() -> ec2.createRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("10.0.2.0/24").gatewayId(igw))), "inside the VPC only an interface may be the target");
        assertEquals("InvalidParameterValue", code(() -> ec2.createRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("172.16.0.0/12").natGatewayId("nat-0123456789abcdef0"))));
        assertEquals("InvalidParameterValue", code(() -> ec2.createRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("172.16.0.0/12").vpcPeeringConnectionId("pcx-0123456789abcdef0"))));
        assertEquals("InvalidParameterValue", code(() -> ec2.createRoute(r -> r.routeTableId(rtb)
                .destinationPrefixListId("pl-0123456789abcdef0").gatewayId(igw))), "prefix lists are not modelled");
        assertEquals("MissingParameter", code(() -> ec2.createRoute(r -> r.routeTableId(rtb).destinationCidrBlock("172.16.0.0/12"))));
        assertEquals("MissingParameter", code(() -> ec2.createRoute(r -> r.routeTableId(rtb).gatewayId(igw))));
        assertEquals("InvalidNetworkInterfaceID.NotFound", code(() -> ec2.createRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("172.16.0.0/12").networkInterfaceId("eni-0123456789abcdef0"))));
        assertEquals("InvalidInternetGatewayID.NotFound", code(() -> ec2.createRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("172.16.0.0/12").gatewayId("igw-0123456789abcdef0"))));
        assertEquals("InvalidGatewayID.NotFound", code(() -> ec2.createRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("172.16.0.0/12").gatewayId("vgw-0123456789abcdef0"))));
        assertEquals("InvalidRouteTableID.NotFound", code(() -> ec2.createRoute(r -> r.routeTableId("rtb-0123456789abcdef0")
                .destinationCidrBlock("172.16.0.0/12").gatewayId(igw))));

        // ReplaceRoute changes the target in place; the local route can point at an appliance and back.
        ec2.replaceRoute(r -> r.routeTableId(rtb).destinationCidrBlock("0.0.0.0/0").networkInterfaceId(fw));
        ec2.replaceRoute(r -> r.routeTableId(rtb).destinationCidrBlock("10.0.0.0/16").networkInterfaceId(fw));
        t = table(rtb);
        assertEquals(fw, route(t, "0.0.0.0/0").networkInterfaceId());
        assertEquals("CreateRoute", route(t, "0.0.0.0/0").originAsString());
        assertEquals(fw, route(t, "10.0.0.0/16").networkInterfaceId());
        assertEquals("CreateRouteTable", route(t, "10.0.0.0/16").originAsString());
        ec2.replaceRoute(r -> r.routeTableId(rtb).destinationCidrBlock("10.0.0.0/16").localTarget(true));
        assertEquals("local", route(table(rtb), "10.0.0.0/16").gatewayId());
        assertEquals("InvalidParameterCombination", code(() -> ec2.replaceRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("10.0.0.0/16").localTarget(true).networkInterfaceId(fw))));
        assertEquals("InvalidRoute.NotFound", code(() -> ec2.replaceRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("172.16.0.0/12").gatewayId(igw))));

        // DeleteRoute removes a static route; the local route stays.
        assertTrue(ec2.deleteRoute(r -> r.routeTableId(rtb).destinationCidrBlock("192.168.0.0/16")).sdkHttpResponse().isSuccessful());
        ec2.deleteRoute(r -> r.routeTableId(rtb).destinationIpv6CidrBlock("::/0"));
        assertNull(route(table(rtb), "192.168.0.0/16"));
        assertNull(route(table(rtb), "::/0"));
        assertEquals("InvalidRoute.NotFound", code(() -> ec2.deleteRoute(r -> r.routeTableId(rtb).destinationCidrBlock("192.168.0.0/16"))));
        assertEquals("InvalidParameterValue", code(() -> ec2.deleteRoute(r -> r.routeTableId(rtb).destinationCidrBlock("10.0.0.0/16"))));
        assertEquals("InvalidParameterCombination", code(() -> ec2.deleteRoute(r -> r.routeTableId(rtb)
                .destinationCidrBlock("0.0.0.0/0").destinationIpv6CidrBlock("::/0"))));
    }

    @Test
    void routesWhoseTargetIsGoneBecomeBlackholes() {
        String vpc = vpc("10.0.0.0/16");
        String subnet = subnet(vpc, "10.0.1.0/24");
        String fw = eni(subnet, "10.0.1.10");
        String igw = ec2.createInternetGateway().internetGateway().internetGatewayId();
        ec2.attachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));
        String rtb = mainTable(vpc).routeTableId();
        ec2.createRoute(r -> r.routeTableId(rtb).destinationCidrBlock("0.0.0.0/0").gatewayId(igw));
        ec2.createRoute(r -> r.routeTableId(rtb).destinationCidrBlock("192.168.0.0/16").networkInterfaceId(fw));

        ec2.deleteNetworkInterface(r -> r.networkInterfaceId(fw));
        ec2.detachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));
        RouteTable t = table(rtb);
        assertEquals("blackhole", route(t, "192.168.0.0/16").stateAsString());
        assertEquals("blackhole", route(t, "0.0.0.0/0").stateAsString());
        assertEquals(List.of(rtb), ids(ec2.describeRouteTables(r -> r.filters(filter("route.state", "blackhole"))).routeTables())
                .stream().toList());

        ec2.attachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));
        assertEquals("active", route(table(rtb), "0.0.0.0/0").stateAsString(), "active again once the gateway is back");
    }

    // ------------------------------------------------------------ associations

    @Test
    void subnetAssociationsMoveBetweenTablesAndBlockDeletion() {
        String vpc = vpc("10.0.0.0/16");
        String subnet = subnet(vpc, "10.0.1.0/24");
        String a = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
        String b = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();

        var associated = ec2.associateRouteTable(r -> r.routeTableId(a).subnetId(subnet));
        String assoc = associated.associationId();
        assertTrue(assoc.matches("rtbassoc-[0-9a-f]{17}"), assoc);
        assertEquals("associated", associated.associationState().stateAsString());
        RouteTableAssociation seen = table(a).associations().get(0);
        assertEquals(assoc, seen.routeTableAssociationId());
        assertEquals(subnet, seen.subnetId());
        assertEquals(a, seen.routeTableId());
        assertFalse(seen.main());
        assertEquals(Set.of(a), ids(ec2.describeRouteTables(r -> r.filters(filter("association.subnet-id", subnet))).routeTables()));
        assertEquals(Set.of(a), ids(ec2.describeRouteTables(r -> r.filters(filter("association.route-table-association-id", assoc)))
                .routeTables()));

        assertEquals("Resource.AlreadyAssociated", code(() -> ec2.associateRouteTable(r -> r.routeTableId(b).subnetId(subnet))));
        assertEquals("DependencyViolation", code(() -> ec2.deleteRouteTable(r -> r.routeTableId(a))));
        assertEquals("InvalidSubnetID.NotFound", code(() -> ec2.associateRouteTable(r -> r.routeTableId(b)
                .subnetId("subnet-0123456789abcdef0"))));
        assertEquals("InvalidRouteTableID.NotFound", code(() -> ec2.associateRouteTable(r -> r.routeTableId("rtb-0123456789abcdef0")
                .subnetId(subnet))));
        assertEquals("MissingParameter", code(() -> ec2.associateRouteTable(r -> r.routeTableId(b))));
        String foreign = ec2.createRouteTable(r -> r.vpcId(vpc("10.1.0.0/16"))).routeTable().routeTableId();
        assertEquals("InvalidParameterValue", code(() -> ec2.associateRouteTable(r -> r.routeTableId(foreign).subnetId(subnet))));

        // ReplaceRouteTableAssociation moves the subnet to b under a new association id.
        var moved = ec2.replaceRouteTableAssociation(r -> r.associationId(assoc).routeTableId(b));
        String newAssoc = moved.newAssociationId();
        assertTrue(newAssoc.startsWith("rtbassoc-") && !newAssoc.equals(assoc), newAssoc);
        assertEquals("associated", moved.associationState().stateAsString());
        assertTrue(table(a).associations().isEmpty());
        assertEquals(subnet, table(b).associations().get(0).subnetId());
        assertEquals("InvalidAssociationID.NotFound", code(() -> ec2.disassociateRouteTable(r -> r.associationId(assoc))));
        assertEquals("InvalidAssociationID.Malformed", code(() -> ec2.disassociateRouteTable(r -> r.associationId("rtb-1"))));
        assertEquals("InvalidAssociationID.NotFound", code(() -> ec2.replaceRouteTableAssociation(r -> r.associationId(assoc)
                .routeTableId(a))));
        assertEquals("InvalidParameterValue", code(() -> ec2.replaceRouteTableAssociation(r -> r.associationId(newAssoc)
                .routeTableId(foreign))));

        ec2.disassociateRouteTable(r -> r.associationId(newAssoc));
        assertTrue(table(b).associations().isEmpty());
        ec2.deleteRouteTable(r -> r.routeTableId(a));
        assertEquals("InvalidRouteTableID.NotFound", code(() -> ec2.describeRouteTables(r -> r.routeTableIds(a))));
        assertEquals("InvalidRouteTableID.NotFound", code(() -> ec2.deleteRouteTable(r -> r.routeTableId(a))));
    }

    @Test
    void deletingASubnetTakesItsAssociation() {
        String vpc = vpc("10.0.0.0/16");
        String subnet = subnet(vpc, "10.0.1.0/24");
        String rtb = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
        ec2.associateRouteTable(r -> r.routeTableId(rtb).subnetId(subnet));
        ec2.deleteSubnet(r -> r.subnetId(subnet));
        assertTrue(table(rtb).associations().isEmpty());
        ec2.deleteRouteTable(r -> r.routeTableId(rtb));
    }

    @Test
    void mainAssociationMovesToAnotherTableButIsNeverRemoved() {
        String vpc = vpc("10.0.0.0/16");
        RouteTable oldMain = mainTable(vpc);
        String mainAssoc = oldMain.associations().get(0).routeTableAssociationId();
        String next = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();

        assertEquals("DependencyViolation", code(() -> ec2.deleteRouteTable(r -> r.routeTableId(oldMain.routeTableId()))));
        assertEquals("InvalidParameterValue", code(() -> ec2.disassociateRouteTable(r -> r.associationId(mainAssoc))));

        String newAssoc = ec2.replaceRouteTableAssociation(r -> r.associationId(mainAssoc).routeTableId(next)).newAssociationId();
        RouteTable main = mainTable(vpc);
        assertEquals(next, main.routeTableId());
        assertEquals(newAssoc, main.associations().get(0).routeTableAssociationId());
        assertTrue(main.associations().get(0).main());
        assertTrue(table(oldMain.routeTableId()).associations().isEmpty());
        assertEquals(Set.of(next), ids(ec2.describeRouteTables(r -> r.filters(filter("vpc-id", vpc),
                filter("association.main", "true"))).routeTables()));

        // The former main table is an ordinary one now and can go.
        ec2.deleteRouteTable(r -> r.routeTableId(oldMain.routeTableId()));
        assertEquals("InvalidRouteTableID.NotFound", code(() -> ec2.describeRouteTables(r -> r.routeTableIds(oldMain.routeTableId()))));
    }

    @Test
    void gatewayEdgeAssociationNeedsAnAttachedGateway() {
        String vpc = vpc("10.0.0.0/16");
        String subnet = subnet(vpc, "10.0.1.0/24");
        String fw = eni(subnet, "10.0.1.10");
        String igw = ec2.createInternetGateway().internetGateway().internetGatewayId();
        String edge = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
        String second = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();

        assertEquals("Gateway.NotAttached", code(() -> ec2.associateRouteTable(r -> r.routeTableId(edge).gatewayId(igw))));
        ec2.attachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));
        String assoc = ec2.associateRouteTable(r -> r.routeTableId(edge).gatewayId(igw)).associationId();
        RouteTableAssociation seen = table(edge).associations().get(0);
        assertEquals(igw, seen.gatewayId());
        assertNull(seen.subnetId());
        assertFalse(seen.main());
        assertEquals(Set.of(edge), ids(ec2.describeRouteTables(r -> r.filters(filter("association.gateway-id", igw))).routeTables()));
        // Ingress to the subnet goes through the firewall.
        ec2.createRoute(r -> r.routeTableId(edge).destinationCidrBlock("10.0.1.0/24").networkInterfaceId(fw));

        assertEquals("Resource.AlreadyAssociated", code(() -> ec2.associateRouteTable(r -> r.routeTableId(second).gatewayId(igw))));
        assertEquals("DependencyViolation", code(() -> ec2.detachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc))));
        assertEquals("InvalidParameterCombination", code(() -> ec2.associateRouteTable(r -> r.routeTableId(second)
                .gatewayId(igw).subnetId(subnet))));

        String movedAssoc = ec2.replaceRouteTableAssociation(r -> r.associationId(assoc).routeTableId(second)).newAssociationId();
        assertEquals(igw, table(second).associations().get(0).gatewayId());
        ec2.disassociateRouteTable(r -> r.associationId(movedAssoc));
        ec2.detachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));
    }

    @Test
    void describeRouteTablesFiltersOnRoutesAssociationsAndTags() {
        String vpc = vpc("10.0.0.0/16");
        String subnet = subnet(vpc, "10.0.1.0/24");
        String fw = eni(subnet, "10.0.1.10");
        String igw = ec2.createInternetGateway().internetGateway().internetGatewayId();
        ec2.attachInternetGateway(r -> r.internetGatewayId(igw).vpcId(vpc));
        String main = mainTable(vpc).routeTableId();
        String pub = ec2.createRouteTable(r -> r.vpcId(vpc).tagSpecifications(t -> t.resourceType(ResourceType.ROUTE_TABLE)
                .tags(tag("tier", "public")))).routeTable().routeTableId();
        String inspect = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
        ec2.createRoute(r -> r.routeTableId(pub).destinationCidrBlock("0.0.0.0/0").gatewayId(igw));
        ec2.createRoute(r -> r.routeTableId(inspect).destinationCidrBlock("0.0.0.0/0").networkInterfaceId(fw));
        ec2.associateRouteTable(r -> r.routeTableId(pub).subnetId(subnet));
        String otherVpcTable = mainTable(vpc("10.1.0.0/16")).routeTableId();

        Function<Filter[], Set<String>> find = f -> ids(ec2.describeRouteTables(r -> r.filters(f)).routeTables());
        assertEquals(Set.of(main, pub, inspect), find.apply(new Filter[] {filter("vpc-id", vpc)}));
        assertEquals(Set.of(pub, inspect), find.apply(new Filter[] {filter("route.destination-cidr-block", "0.0.0.0/0")}));
        assertEquals(Set.of(pub), find.apply(new Filter[] {filter("route.gateway-id", igw)}));
        assertEquals(Set.of(inspect), find.apply(new Filter[] {filter("route.network-interface-id", fw)}));
        assertEquals(Set.of(pub, inspect), find.apply(new Filter[] {filter("route.origin", "CreateRoute")}));
        assertEquals(Set.of(main, pub, inspect, otherVpcTable), find.apply(new Filter[] {filter("route.gateway-id", "local"),
                filter("route.state", "active")}));
        assertEquals(Set.of(pub), find.apply(new Filter[] {filter("tag:tier", "public")}));
        assertEquals(Set.of(pub), find.apply(new Filter[] {filter("tag-key", "tier")}));
        assertEquals(Set.of(main, otherVpcTable), find.apply(new Filter[] {filter("association.main", "true")}));
        // Tables without any association match neither true nor false.
        assertEquals(Set.of(pub), find.apply(new Filter[] {filter("association.main", "false")}));
        assertEquals(Set.of(pub, inspect), find.apply(new Filter[] {filter("route-table-id", pub, inspect)}));
        assertEquals("InvalidParameterValue", code(() -> find.apply(new Filter[] {filter("route.nat-gateway-id", "nat-1")})));

        List<String> paged = ec2.describeRouteTablesPaginator(r -> r.maxResults(5)).routeTables().stream()
                .map(RouteTable::routeTableId).toList();
        assertEquals(4, paged.size());
        assertEquals(Set.of(main, pub, inspect, otherVpcTable), Set.copyOf(paged));
    }

    @Test
    void createRouteTableWithTheSameClientTokenCreatesOneTable() {
        String vpc = vpc("10.0.0.0/16");
        String a = ec2.createRouteTable(r -> r.vpcId(vpc).clientToken("rtb-token-1")).routeTable().routeTableId();
        String b = ec2.createRouteTable(r -> r.vpcId(vpc).clientToken("rtb-token-1")).routeTable().routeTableId();
        assertEquals(a, b);
        assertEquals(2, ec2.describeRouteTables(r -> r.filters(filter("vpc-id", vpc))).routeTables().size(),
                "the main table and the one created");
    }

    // ------------------------------------------------------------ tags and restarts

    @Test
    void tagActionsWorkOnVpcResources() {
        String vpc = vpc("10.0.0.0/16");
        String subnet = subnet(vpc, "10.0.1.0/24");
        ec2.createTags(r -> r.resources(vpc, subnet).tags(tag("env", "prod")));
        assertEquals(Map.of("env", "prod"), tags(ec2.describeVpcs(r -> r.vpcIds(vpc)).vpcs().get(0).tags()));
        assertEquals(Set.of("vpc", "subnet"), ec2.describeTags(r -> r.filters(filter("key", "env"))).tags().stream()
                .map(t -> t.resourceTypeAsString()).collect(Collectors.toSet()));
        ec2.deleteTags(r -> r.resources(subnet).tags(Tag.builder().key("env").build()));
        assertTrue(ec2.describeSubnets(r -> r.subnetIds(subnet)).subnets().get(0).tags().isEmpty());
        List<Tag> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) many.add(tag("k" + i, "v"));
        ec2.createTags(r -> r.resources(subnet).tags(many));
        assertEquals("TagLimitExceeded", code(() -> ec2.createTags(r -> r.resources(subnet).tags(tag("one-more", "v")))));
        many.add(tag("one-more", "v"));
        assertEquals("TagLimitExceeded", code(() -> ec2.createVpc(r -> r.cidrBlock("10.1.0.0/16")
                .tagSpecifications(t -> t.resourceType(ResourceType.VPC).tags(many)))));
        assertEquals(1, ec2.describeVpcs().vpcs().size(), "the VPC with too many tags was not created");
        assertEquals("InvalidSubnetID.NotFound", code(() -> ec2.createTags(r -> r.resources("subnet-0123456789abcdef0")
                .tags(tag("a", "b")))));
        assertEquals("InvalidVpcID.NotFound", code(() -> ec2.deleteTags(r -> r.resources("vpc-0123456789abcdef0")
                .tags(Tag.builder().key("a").build()))));
    }

    @Test
    void vpcResourcesSurviveARestart() throws Exception {
        String vpc = vpc("10.0.0.0/16");
        String subnet = subnet(vpc, "10.0.1.0/24");
        String fw = eni(subnet, "10.0.1.10");
        String rtb = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
        ec2.createRoute(r -> r.routeTableId(rtb).destinationCidrBlock("0.0.0.0/0").networkInterfaceId(fw));
        String assoc = ec2.associateRouteTable(r -> r.routeTableId(rtb).subnetId(subnet)).associationId();

        stop();
        open();

        assertEquals(vpc, ec2.describeVpcs().vpcs().get(0).vpcId());
        assertEquals("10.0.1.10", ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(fw)).networkInterfaces().get(0)
                .privateIpAddress());
        RouteTable t = table(rtb);
        assertEquals(fw, route(t, "0.0.0.0/0").networkInterfaceId());
        assertEquals(assoc, t.associations().get(0).routeTableAssociationId());
        assertEquals("InvalidIPAddress.InUse", code(() -> ec2.createNetworkInterface(r -> r.subnetId(subnet)
                .privateIpAddress("10.0.1.10"))), "addresses stay taken");
    }
}
