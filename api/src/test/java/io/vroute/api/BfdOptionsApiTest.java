package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.server.Server;
import io.vroute.server.ServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.RouteServerPeer;

/**
 * BFD timers of a bfd peer, vroute's extension to CreateRouteServerPeer and its ModifyRouteServerPeerBfdOptions action:
 * the SDK creates and reads peers as usual (bfdStatus included), signed Query POSTs carry what the SDK cannot.
 */
class BfdOptionsApiTest {
    @TempDir
    Path dir;
    private Server server;
    private Ec2Api api;
    private Ec2Client ec2;
    private String endpoint;

    @BeforeEach
    void start() throws Exception {
        server = Server.start(ServerConfig.defaults(dir).withBgpPort(0).withBfdPort(20_000 + (int) (ProcessHandle.current().pid() % 10_000)));
        api = Ec2Api.start(server, new InetSocketAddress("127.0.0.1", 0), dir, true);
        ec2 = Ec2Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + api.address().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        api.credentials().accessKeyId(), api.credentials().secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
        String subnet = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24").availabilityZone("us-east-1a")).subnet().subnetId();
        String rs = ec2.createRouteServer(r -> r.amazonSideAsn(65000L)).routeServer().routeServerId();
        ec2.associateRouteServer(r -> r.routeServerId(rs).vpcId(vpc));
        endpoint = ec2.createRouteServerEndpoint(r -> r.routeServerId(rs).subnetId(subnet)).routeServerEndpoint().routeServerEndpointId();
        long end = System.currentTimeMillis() + 5_000;
        while (!ec2.describeRouteServerEndpoints(r -> r.routeServerEndpointIds(endpoint)).routeServerEndpoints().get(0)
                .stateAsString().equals("available")) {
            if (System.currentTimeMillis() > end) throw new AssertionError("endpoint not available");
            Thread.sleep(20);
        }
    }

    @AfterEach
    void stop() {
        if (ec2 != null) ec2.close();
        if (api != null) api.close();
        if (server != null) server.close();
    }

    private SignedQuery.Answer call(Map<String, String> parameters) throws Exception {
        return SignedQuery.call(api.address().getPort(), api.credentials().accessKeyId(), api.credentials().secretAccessKey(), parameters);
    }

    @Test
    void aBfdPeerShowsItsTimersAndStatus() throws Exception {
        RouteServerPeer p = ec2.createRouteServerPeer(r -> r.routeServerEndpointId(endpoint).peerAddress("10.0.1.10")
                .bgpOptions(o -> o.peerAsn(65001L).peerLivenessDetection("bfd"))).routeServerPeer();
        assertEquals("bfd", p.bgpOptions().peerLivenessDetectionAsString());
        assertEquals("down", p.bfdStatus().statusAsString(), "nobody answers BFD at 10.0.1.10");

        SignedQuery.Answer described = call(Map.of("Action", "DescribeRouteServerPeers", "RouteServerPeerId.1", p.routeServerPeerId()));
        assertEquals(200, described.status());
        assertEquals("300", described.text("minTxInterval"), "default 300 ms x 3");
        assertEquals("3", described.text("multiplier"));
        assertEquals("down", described.text("sessionState"), "the BFD session runs, Down until the appliance answers");

        SignedQuery.Answer modified = call(Map.of("Action", "ModifyRouteServerPeerBfdOptions", "RouteServerPeerId", p.routeServerPeerId(),
                "BfdOptions.MinTxInterval", "100", "BfdOptions.MinRxInterval", "100"));
        assertEquals(200, modified.status());
        assertEquals("100", modified.text("minRxInterval"));
        assertEquals("3", modified.text("multiplier"), "fields left out keep their value");
    }

    @Test
    void timersAreSetAtCreationAndValidated() throws Exception {
        SignedQuery.Answer created = call(Map.of("Action", "CreateRouteServerPeer", "RouteServerEndpointId", endpoint,
                "PeerAddress", "10.0.1.11", "BgpOptions.PeerAsn", "65001", "BgpOptions.PeerLivenessDetection", "bfd",
                "BfdOptions.MinTxInterval", "100", "BfdOptions.MinRxInterval", "100", "BfdOptions.Multiplier", "5"));
        assertEquals(200, created.status());
        assertEquals("5", created.text("multiplier"));
        String id = created.text("routeServerPeerId");

        SignedQuery.Answer tooFast = call(Map.of("Action", "ModifyRouteServerPeerBfdOptions", "RouteServerPeerId", id,
                "BfdOptions.MinRxInterval", "1"));
        assertEquals(400, tooFast.status());
        assertEquals("InvalidParameterValue", tooFast.text("Code"));
        assertTrue(tooFast.text("Message").contains("MinRxInterval"), tooFast.text("Message"));

        SignedQuery.Answer nothing = call(Map.of("Action", "ModifyRouteServerPeerBfdOptions", "RouteServerPeerId", id));
        assertEquals("MissingParameter", nothing.text("Code"));

        SignedQuery.Answer keepalive = call(Map.of("Action", "CreateRouteServerPeer", "RouteServerEndpointId", endpoint,
                "PeerAddress", "10.0.1.12", "BgpOptions.PeerAsn", "65001", "BfdOptions.Multiplier", "5"));
        assertEquals("InvalidParameterValue", keepalive.text("Code"), "BfdOptions need liveness bfd");
        String kid = ec2.createRouteServerPeer(r -> r.routeServerEndpointId(endpoint).peerAddress("10.0.1.13")
                .bgpOptions(o -> o.peerAsn(65001L))).routeServerPeer().routeServerPeerId();
        SignedQuery.Answer wrongKind = call(Map.of("Action", "ModifyRouteServerPeerBfdOptions", "RouteServerPeerId", kid,
                "BfdOptions.Multiplier", "4"));
        assertEquals("IncorrectState", wrongKind.text("Code"));
    }
}
