package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.server.Server;
import io.vroute.server.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vroute's {@code TraceRoute} extension through signed Query POSTs: the table a subnet uses and why, the route chosen,
 * the interface reached, the internet gateway's way in, and the error codes. (The BGP path of a propagated route is
 * covered end to end by the CLI's ShowCommandTest, with real BGP sessions.)
 */
class TraceRouteTest {
    @TempDir
    Path dir;
    private Server server;
    private Ec2Api api;
    private String[] keys;

    @BeforeEach
    void start() throws Exception {
        server = Server.start(ServerConfig.defaults(dir).withBgpPort(0));
        api = Ec2Api.start(server, new InetSocketAddress("127.0.0.1", 0), dir, true);
        keys = new String[] {api.credentials().accessKeyId(), api.credentials().secretAccessKey()};
    }

    @AfterEach
    void stop() {
        if (api != null) api.close();
        if (server != null) server.close();
    }

    private SignedQuery.Answer call(String... nameValue) throws Exception {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) p.put(nameValue[i], nameValue[i + 1]);
        return SignedQuery.call(api.address().getPort(), keys[0], keys[1], p);
    }

    private String ok(String element, String... nameValue) throws Exception {
        SignedQuery.Answer a = call(nameValue);
        assertEquals(200, a.status(), () -> a.text("Code") + ": " + a.text("Message"));
        return a.text(element);
    }

    @Test
    void staticRouteToAnApplianceReachesItsInterfaceWithoutABgpPath() throws Exception {
        String vpc = ok("vpcId", "Action", "CreateVpc", "CidrBlock", "10.0.0.0/16");
        String subnet = ok("subnetId", "Action", "CreateSubnet", "VpcId", vpc, "CidrBlock", "10.0.1.0/24");
        String table = ok("routeTableId", "Action", "CreateRouteTable", "VpcId", vpc);
        ok("associationId", "Action", "AssociateRouteTable", "RouteTableId", table, "SubnetId", subnet);
        String eni = ok("networkInterfaceId", "Action", "CreateNetworkInterface", "SubnetId", subnet,
                "PrivateIpAddress", "10.0.1.10", "Description", "firewall");
        ok("return", "Action", "CreateRoute", "RouteTableId", table, "DestinationCidrBlock", "0.0.0.0/0",
                "NetworkInterfaceId", eni);

        SignedQuery.Answer a = call("Action", "TraceRoute", "From", subnet, "DestinationAddress", "8.8.8.8");

        assertEquals(200, a.status(), a.text("Message"));
        assertEquals("TraceRouteResponse", a.xml().getDocumentElement().getTagName());
        assertEquals(table, a.text("routeTableId"));
        assertEquals("explicit association", a.text("association"));
        assertEquals("0.0.0.0/0", a.text("destinationCidrBlock"));
        assertEquals("CreateRoute", a.text("origin"));
        assertEquals("interface", a.text("outcome"));
        assertEquals("10.0.1.10", a.text("interfaceAddress"));
        assertEquals("firewall", a.text("networkInterfaceDescription"));
        assertTrue(a.text("note").contains("source/destination check"), a.text("note"));
        assertNull(a.text("bgpPath"), "a static route has no BGP path");
        assertTrue(a.text("explanation").startsWith("from " + subnet + " (table " + table), a.text("explanation"));
    }

    @Test
    void mainTableWithoutARouteDropsAndAGatewayWithoutEdgeTableDeliversLocally() throws Exception {
        String vpc = ok("vpcId", "Action", "CreateVpc", "CidrBlock", "10.0.0.0/16");
        String subnet = ok("subnetId", "Action", "CreateSubnet", "VpcId", vpc, "CidrBlock", "10.0.1.0/24");
        SignedQuery.Answer dropped = call("Action", "TraceRoute", "From", subnet, "DestinationAddress", "192.0.2.1");
        assertEquals("main route table", dropped.text("association"));
        assertEquals("dropped", dropped.text("outcome"));
        assertNull(dropped.text("route"));

        String igw = ok("internetGatewayId", "Action", "CreateInternetGateway");
        assertEquals("Gateway.NotAttached", call("Action", "TraceRoute", "From", igw, "DestinationAddress", "10.0.1.9").text("Code"));
        ok("return", "Action", "AttachInternetGateway", "InternetGatewayId", igw, "VpcId", vpc);
        SignedQuery.Answer in = call("Action", "TraceRoute", "From", igw, "DestinationAddress", "10.0.1.9");
        assertEquals("no edge route table", in.text("association"));
        assertEquals("local", in.text("outcome"));
        assertEquals(subnet, in.text("subnetId"));
    }

    @Test
    void badParametersHaveEc2Codes() throws Exception {
        String vpc = ok("vpcId", "Action", "CreateVpc", "CidrBlock", "10.0.0.0/16");
        assertEquals("MissingParameter", call("Action", "TraceRoute", "From", "subnet-0123456789abcdef0").text("Code"));
        assertEquals("InvalidParameterValue", call("Action", "TraceRoute", "From", vpc, "DestinationAddress", "10.0.0.1").text("Code"));
        assertEquals("InvalidParameterValue", call("Action", "TraceRoute", "From", "subnet-0123456789abcdef0",
                "DestinationAddress", "10.0.0.0/24").text("Code"));
        assertEquals("InvalidParameterValue", call("Action", "TraceRoute", "From", "subnet-0123456789abcdef0",
                "DestinationAddress", "10.0.0.300").text("Code"));
        assertEquals("InvalidSubnetID.NotFound", call("Action", "TraceRoute", "From", "subnet-0123456789abcdef0",
                "DestinationAddress", "10.0.0.1").text("Code"));
    }
}
