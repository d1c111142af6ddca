package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vroute.server.Server;
import io.vroute.server.ServerConfig;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed AWS CLI (v1: Python on botocore, a client independent of the Java SDK) against a whole in-process
 * vroute, signed with the credentials file vroute writes, as docs/api.md tells a user to do: a VPC with a subnet,
 * then a route server associated with it, an endpoint and a peer, read back with the describe commands.
 */
class AwsCliRouteServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path aws;

    @TempDir
    Path dir;
    private Server server;
    private Ec2Api api;

    @BeforeAll
    static void findAws() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, "aws");
            if (Files.isExecutable(candidate)) {
                aws = candidate;
                return;
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        assumeTrue(aws != null, "the AWS CLI (aws) is not on the PATH");
        server = Server.start(ServerConfig.defaults(dir).withBgpPort(0));
        api = Ec2Api.start(server, new InetSocketAddress("127.0.0.1", 0), dir, true);
    }

    @AfterEach
    void stop() {
        if (api != null) api.close();
        if (server != null) server.close();
    }

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            assertEquals(0, exit, err);
            return JSON.readTree(out);
        }
    }

    /** {@code aws ec2 <args> --endpoint-url ... --output json} with only vroute's credentials file in its environment. */
    private Run ec2(Path credentials, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(aws.toString(), "ec2"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", "http://127.0.0.1:" + api.address().getPort(), "--output", "json"));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        // Whatever the user running the tests has configured must not take part.
        env.keySet().removeIf(name -> name.startsWith("AWS_"));
        env.put("AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
        env.put("AWS_PROFILE", "vroute");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_MAX_ATTEMPTS", "1");
        Path out = dir.resolve("cli-out.txt");
        Path err = dir.resolve("cli-err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("aws ec2 " + String.join(" ", args) + " did not finish within 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private Run ec2(String... args) throws Exception {
        return ec2(dir.resolve("credentials"), args);
    }

    @Test
    void routeServerWithEndpointAndPeerBuiltAndReadBackWithTheCli() throws Exception {
        String vpc = ec2("create-vpc", "--cidr-block", "10.0.0.0/16").json().path("Vpc").path("VpcId").asText();
        assertTrue(vpc.startsWith("vpc-"), vpc);
        JsonNode subnet = ec2("create-subnet", "--vpc-id", vpc, "--cidr-block", "10.0.1.0/24",
                "--availability-zone", "us-east-1a").json().path("Subnet");
        String subnetId = subnet.path("SubnetId").asText();
        assertEquals("10.0.1.0/24", subnet.path("CidrBlock").asText());
        assertEquals(251, subnet.path("AvailableIpAddressCount").asInt());

        JsonNode rs = ec2("create-route-server", "--amazon-side-asn", "65000",
                "--tag-specifications", "ResourceType=route-server,Tags=[{Key=Name,Value=edge}]").json().path("RouteServer");
        String rsId = rs.path("RouteServerId").asText();
        assertTrue(rsId.startsWith("rs-"), rsId);
        assertEquals(65000, rs.path("AmazonSideAsn").asLong());
        assertEquals("edge", rs.path("Tags").path(0).path("Value").asText());

        JsonNode association = ec2("associate-route-server", "--route-server-id", rsId, "--vpc-id", vpc).json()
                .path("RouteServerAssociation");
        assertEquals(vpc, association.path("VpcId").asText());
        assertEquals("associating", association.path("State").asText());

        JsonNode endpoint = ec2("create-route-server-endpoint", "--route-server-id", rsId, "--subnet-id", subnetId).json()
                .path("RouteServerEndpoint");
        String endpointId = endpoint.path("RouteServerEndpointId").asText();
        assertTrue(endpointId.startsWith("rse-"), endpointId);
        assertEquals("10.0.1.4", endpoint.path("EniAddress").asText(), "the first address AWS does not reserve");
        assertTrue(endpoint.path("EniId").asText().startsWith("eni-"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String state;
        do {
            state = ec2("describe-route-server-endpoints", "--route-server-endpoint-ids", endpointId).json()
                    .path("RouteServerEndpoints").path(0).path("State").asText();
        } while (!state.equals("available") && System.nanoTime() < deadline);
        assertEquals("available", state);

        JsonNode peer = ec2("create-route-server-peer", "--route-server-endpoint-id", endpointId,
                "--peer-address", "10.0.1.10", "--bgp-options", "PeerAsn=65001").json().path("RouteServerPeer");
        String peerId = peer.path("RouteServerPeerId").asText();
        assertTrue(peerId.startsWith("rsp-"), peerId);
        assertEquals(65001, peer.path("BgpOptions").path("PeerAsn").asLong());
        assertEquals("10.0.1.4", peer.path("EndpointEniAddress").asText());

        JsonNode servers = ec2("describe-route-servers").json().path("RouteServers");
        assertEquals(1, servers.size());
        assertEquals(rsId, servers.path(0).path("RouteServerId").asText());
        assertEquals("available", servers.path(0).path("State").asText());

        JsonNode endpoints = ec2("describe-route-server-endpoints", "--filters", "Name=route-server-id,Values=" + rsId)
                .json().path("RouteServerEndpoints");
        assertEquals(1, endpoints.size());
        assertEquals(vpc, endpoints.path(0).path("VpcId").asText());
        assertEquals(subnetId, endpoints.path(0).path("SubnetId").asText());

        JsonNode peers = ec2("describe-route-server-peers", "--route-server-peer-ids", peerId).json().path("RouteServerPeers");
        assertEquals(1, peers.size());
        assertEquals("10.0.1.10", peers.path(0).path("PeerAddress").asText());
        assertEquals(65001, peers.path(0).path("BgpOptions").path("PeerAsn").asLong());
        assertEquals("bgp-keepalive", peers.path(0).path("BgpOptions").path("PeerLivenessDetection").asText());
        assertEquals("down", peers.path(0).path("BgpStatus").path("Status").asText(), "no appliance has connected");
        assertEquals(endpointId, peers.path(0).path("RouteServerEndpointId").asText());
    }

    @Test
    void cliReportsOurErrorCodeAndMessage() throws Exception {
        Run run = ec2("delete-route-server", "--route-server-id", "rs-0123456789abcdef0");
        assertNotEquals(0, run.exit());
        assertTrue(run.err().contains("InvalidRouteServerId.NotFound"), run.err());
        assertTrue(run.err().contains("DescribeRouteServers"), "the message says where to look: " + run.err());
    }

    @Test
    void wrongSecretKeyIsRefusedWithAuthFailure() throws Exception {
        String[] keys = new String[] {api.credentials().accessKeyId(), api.credentials().secretAccessKey()};
        Path wrong = dir.resolve("wrong-credentials");
        Files.writeString(wrong, "[vroute]\naws_access_key_id = " + keys[0]
                + "\naws_secret_access_key = notTheSecret0000000000000000000000000000\n");

        Run run = ec2(wrong, "describe-route-servers");

        assertNotEquals(0, run.exit(), run.out());
        assertTrue(run.err().contains("AuthFailure"), run.err());
        assertEquals(0, ec2("describe-route-servers").exit(), "the right key still works");
    }
}
