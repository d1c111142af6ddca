package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.server.Server;
import io.vroute.server.ServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
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
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.RouteServer;
import software.amazon.awssdk.services.ec2.model.RouteServerEndpoint;
import software.amazon.awssdk.services.ec2.model.RouteServerPeer;
import software.amazon.awssdk.services.ec2.model.RouteServerPropagation;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Every route-server action through the real AWS SDK for Java v2 against an in-process vroute (store in a temporary
 * directory, BGP endpoints on ephemeral ports): lifecycle order, validation, each error code, tags, filters, paging,
 * DryRun, ClientToken, and that resources survive a restart.
 */
class RouteServerActionsTest {
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
        ec2 = client(keys[0], keys[1]);
    }

    private Ec2Client client(String id, String secret) {
        return Ec2Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + api.address().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret)))
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
        return e.awsErrorDetails().errorCode();
    }

    record Vpc(String vpcId, String subnetA, String subnetB, String tableA, String otherVpc) {}

    private Vpc vpc() {
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
        String a = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24").availabilityZone("us-east-1a")).subnet().subnetId();
        String b = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.2.0/24").availabilityZone("us-east-1b")).subnet().subnetId();
        String t = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
        String other = ec2.createVpc(r -> r.cidrBlock("10.1.0.0/16")).vpc().vpcId();
        return new Vpc(vpc, a, b, t, other);
    }

    @Test
    void lifecycleInAwsOrderAndIncorrectStateOutOfOrder() throws Exception {
        Vpc v = vpc();
        RouteServer rs = ec2.createRouteServer(r -> r.amazonSideAsn(65000L)
                .tagSpecifications(t -> t.resourceType("route-server").tags(Tag.builder().key("Name").value("rs-test").build())))
                .routeServer();
        assertEquals(65000L, rs.amazonSideAsn());
        assertEquals("pending", rs.stateAsString());
        assertEquals("disabled", rs.persistRoutesStateAsString());
        assertEquals("rs-test", rs.tags().get(0).value());
        String id = rs.routeServerId();

        // An endpoint needs the association first.
        assertEquals("InvalidRouteServerId.NotAssociated", code(() -> ec2.createRouteServerEndpoint(r -> r.routeServerId(id).subnetId(v.subnetA()))));
        assertEquals("associating", ec2.associateRouteServer(r -> r.routeServerId(id).vpcId(v.vpcId())).routeServerAssociation().stateAsString());
        assertEquals("IncorrectState", code(() -> ec2.associateRouteServer(r -> r.routeServerId(id).vpcId(v.otherVpc()))));
        assertEquals("associated", ec2.getRouteServerAssociations(r -> r.routeServerId(id)).routeServerAssociations().get(0).stateAsString());

        RouteServerEndpoint e1 = ec2.createRouteServerEndpoint(r -> r.routeServerId(id).subnetId(v.subnetA())).routeServerEndpoint();
        RouteServerEndpoint e2 = ec2.createRouteServerEndpoint(r -> r.routeServerId(id).subnetId(v.subnetA())).routeServerEndpoint();
        // AWS reserves .0-.3; endpoints take the first free addresses after that.
        assertEquals(Set.of("10.0.1.4", "10.0.1.5"), Set.of(e1.eniAddress(), e2.eniAddress()));
        assertTrue(e1.eniId().startsWith("eni-"));
        assertEquals("RouteServerEndpointLimitExceeded", code(() -> ec2.createRouteServerEndpoint(r -> r.routeServerId(id).subnetId(v.subnetA()))));
        await(() -> ec2.describeRouteServerEndpoints(r -> r.routeServerEndpointIds(e1.routeServerEndpointId()))
                .routeServerEndpoints().get(0).stateAsString().equals("available"));
        // The endpoint's ENI is visible and requester-managed: it cannot be deleted directly.
        assertEquals(1, ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(e1.eniId())).networkInterfaces().size());
        assertEquals("OperationNotPermitted", code(() -> ec2.deleteNetworkInterface(r -> r.networkInterfaceId(e1.eniId()))));

        RouteServerPeer p = ec2.createRouteServerPeer(r -> r.routeServerEndpointId(e1.routeServerEndpointId())
                .peerAddress("10.0.1.10").bgpOptions(o -> o.peerAsn(65001L).peerLivenessDetection("bgp-keepalive"))).routeServerPeer();
        assertEquals(e1.eniAddress(), p.endpointEniAddress());
        assertEquals(65001L, p.bgpOptions().peerAsn());
        assertEquals("down", p.bgpStatus().statusAsString());
        assertEquals("InvalidParameterValue", code(() -> ec2.createRouteServerPeer(r -> r.routeServerEndpointId(e1.routeServerEndpointId())
                .peerAddress("10.0.1.10").bgpOptions(o -> o.peerAsn(65002L)))));
        assertEquals("InvalidParameterValue", code(() -> ec2.createRouteServerPeer(r -> r.routeServerEndpointId(e1.routeServerEndpointId())
                .peerAddress("192.168.7.7").bgpOptions(o -> o.peerAsn(65002L)))));
        assertEquals("MissingParameter", code(() -> ec2.createRouteServerPeer(r -> r.routeServerEndpointId(e1.routeServerEndpointId())
                .peerAddress("10.0.1.11"))));

        RouteServerPropagation prop = ec2.enableRouteServerPropagation(r -> r.routeServerId(id).routeTableId(v.tableA())).routeServerPropagation();
        assertEquals(v.tableA(), prop.routeTableId());
        assertEquals(1, ec2.getRouteServerPropagations(r -> r.routeServerId(id)).routeServerPropagations().size());

        // Out of order: everything that still has children says IncorrectState.
        assertEquals("IncorrectState", code(() -> ec2.deleteRouteServerEndpoint(r -> r.routeServerEndpointId(e1.routeServerEndpointId()))));
        assertEquals("IncorrectState", code(() -> ec2.disassociateRouteServer(r -> r.routeServerId(id).vpcId(v.vpcId()))));
        assertEquals("IncorrectState", code(() -> ec2.deleteRouteServer(r -> r.routeServerId(id))));

        // Resources survive a restart, ids and all.
        ec2.close(); api.close(); server.close();
        open();
        assertEquals(id, ec2.describeRouteServers(r -> {}).routeServers().get(0).routeServerId());
        assertEquals(2, ec2.describeRouteServerEndpoints(r -> {}).routeServerEndpoints().size());
        assertEquals(p.routeServerPeerId(), ec2.describeRouteServerPeers(r -> {}).routeServerPeers().get(0).routeServerPeerId());

        // Teardown in order.
        assertEquals("deleting", ec2.deleteRouteServerPeer(r -> r.routeServerPeerId(p.routeServerPeerId())).routeServerPeer().stateAsString());
        assertEquals("InvalidRouteServerPeerId.NotFound", code(() -> ec2.deleteRouteServerPeer(r -> r.routeServerPeerId(p.routeServerPeerId()))));
        ec2.deleteRouteServerEndpoint(r -> r.routeServerEndpointId(e1.routeServerEndpointId()));
        ec2.deleteRouteServerEndpoint(r -> r.routeServerEndpointId(e2.routeServerEndpointId()));
        assertEquals("InvalidRouteServerEndpointId.NotFound", code(() -> ec2.deleteRouteServerEndpoint(r -> r.routeServerEndpointId(e2.routeServerEndpointId()))));
        ec2.disableRouteServerPropagation(r -> r.routeServerId(id).routeTableId(v.tableA()));
        assertEquals("IncorrectState", code(() -> ec2.disableRouteServerPropagation(r -> r.routeServerId(id).routeTableId(v.tableA()))));
        assertEquals("disassociating", ec2.disassociateRouteServer(r -> r.routeServerId(id).vpcId(v.vpcId())).routeServerAssociation().stateAsString());
        assertEquals("deleting", ec2.deleteRouteServer(r -> r.routeServerId(id)).routeServer().stateAsString());
        assertEquals("InvalidRouteServerId.NotFound", code(() -> ec2.deleteRouteServer(r -> r.routeServerId(id))));
        // The endpoints' ENIs went with them.
        assertFalse(ec2.describeNetworkInterfaces(r -> {}).networkInterfaces().stream().anyMatch(n -> n.networkInterfaceId().equals(e1.eniId())));
    }

    @Test
    void validationErrorsNameTheProblem() {
        assertEquals("InvalidParameterValue", code(() -> ec2.createRouteServer(r -> r.amazonSideAsn(0L))));
        assertEquals("InvalidParameterValue", code(() -> ec2.createRouteServer(r -> r.amazonSideAsn(65000L).persistRoutes("enable").persistRoutesDuration(9L))));
        assertEquals("MissingParameter", code(() -> ec2.createRouteServer(r -> {})));
        assertEquals("InvalidRouteServerId.NotFound", code(() -> ec2.describeRouteServers(r -> r.routeServerIds("rs-0123456789abcdef0"))));
        assertEquals("InvalidRouteServerId.Malformed", code(() -> ec2.getRouteServerAssociations(r -> r.routeServerId("vpc-1"))));
        assertEquals("DryRunOperation", code(() -> ec2.createRouteServer(r -> r.amazonSideAsn(65000L).dryRun(true))));
        assertTrue(ec2.describeRouteServers(r -> {}).routeServers().isEmpty(), "a dry run created nothing");
    }

    @Test
    void modifyPersistRoutesAndSns() {
        String id = ec2.createRouteServer(r -> r.amazonSideAsn(4200000000L)).routeServer().routeServerId();
        RouteServer m = ec2.modifyRouteServer(r -> r.routeServerId(id).persistRoutes("enable").persistRoutesDuration(3L)
                .snsNotificationsEnabled(true)).routeServer();
        assertEquals("enabled", m.persistRoutesStateAsString());
        assertEquals(3L, m.persistRoutesDuration());
        assertTrue(m.snsNotificationsEnabled());
        assertNotNull(m.snsTopicArn());
        m = ec2.modifyRouteServer(r -> r.routeServerId(id).persistRoutes("disable")).routeServer();
        assertEquals("disabled", m.persistRoutesStateAsString());
        assertEquals(4200000000L, ec2.describeRouteServers(r -> r.routeServerIds(id)).routeServers().get(0).amazonSideAsn());
    }

    @Test
    void clientTokenMakesCreateIdempotent() {
        String a = ec2.createRouteServer(r -> r.amazonSideAsn(65000L).clientToken("token-1")).routeServer().routeServerId();
        String b = ec2.createRouteServer(r -> r.amazonSideAsn(65000L).clientToken("token-1")).routeServer().routeServerId();
        assertEquals(a, b);
        assertEquals(1, ec2.describeRouteServers(r -> {}).routeServers().size());
        assertEquals("IdempotentParameterMismatch", code(() -> ec2.createRouteServer(r -> r.amazonSideAsn(65001L).clientToken("token-1"))));
        // A retry after a restart still gets the first answer.
        ec2.close(); api.close(); server.close();
        try {
            open();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(a, ec2.createRouteServer(r -> r.amazonSideAsn(65000L).clientToken("token-1")).routeServer().routeServerId());
        assertEquals(1, ec2.describeRouteServers(r -> {}).routeServers().size());
    }

    @Test
    void describeFiltersTagsAndPages() {
        for (int i = 0; i < 12; i++) {
            long asn = 65000 + i;
            ec2.createRouteServer(r -> r.amazonSideAsn(asn)
                    .tagSpecifications(t -> t.resourceType("route-server").tags(Tag.builder().key("team").value(asn % 2 == 0 ? "even" : "odd").build())));
        }
        assertEquals(6, ec2.describeRouteServers(r -> r.filters(f -> f.name("tag:team").values("even"))).routeServers().size());
        assertEquals(1, ec2.describeRouteServers(r -> r.filters(f -> f.name("amazon-side-asn").values("65003"))).routeServers().size());
        assertEquals("InvalidParameterValue", code(() -> ec2.describeRouteServers(r -> r.filters(f -> f.name("colour").values("x")))));
        // The SDK's paginator follows NextToken through pages of 5.
        List<String> all = ec2.describeRouteServersPaginator(r -> r.maxResults(5)).routeServers().stream()
                .map(RouteServer::routeServerId).collect(Collectors.toList());
        assertEquals(12, all.size());
        assertEquals(12, Set.copyOf(all).size());
        String one = all.get(0);
        ec2.createTags(r -> r.resources(one).tags(Tag.builder().key("owner").value("netops").build()));
        assertTrue(ec2.describeTags(r -> r.filters(f -> f.name("resource-id").values(one))).tags().stream()
                .anyMatch(t -> t.key().equals("owner") && t.resourceTypeAsString().equals("route-server")));
        ec2.deleteTags(r -> r.resources(one).tags(Tag.builder().key("owner").build()));
        assertFalse(ec2.describeTags(r -> r.filters(f -> f.name("resource-id").values(one))).tags().stream()
                .anyMatch(t -> t.key().equals("owner")));
    }

    @Test
    void wrongSignatureIsRefusedWithAuthFailure() {
        try (Ec2Client bad = client(api.credentials().accessKeyId(), "not-the-secret-0000000000000000000000000")) {
            assertEquals("AuthFailure", code(() -> bad.describeRouteServers(r -> {})));
        }
        try (Ec2Client unknown = client("AKIAUNKNOWNUNKNOWN00", "whatever-secret-0000000000000000000000000")) {
            assertEquals("AuthFailure", code(() -> unknown.describeRouteServers(r -> {})));
        }
    }

    private static void await(Supplier<Boolean> c) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            if (c.get()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met within 10 s");
    }
}
