package io.vroute.app.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vroute.api.Ec2Api;
import io.vroute.api.QueryClient;
import io.vroute.app.Main;
import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.AsPath;
import io.vroute.bgp.wire.Capability;
import io.vroute.bgp.wire.KeepaliveMessage;
import io.vroute.bgp.wire.MessageEncoder;
import io.vroute.bgp.wire.Nlri;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.Origin;
import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.SessionContext;
import io.vroute.bgp.wire.UpdateMessage;
import io.vroute.server.Server;
import io.vroute.server.ServerConfig;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The CLI views run in-process against an in-process daemon (store and credentials in a temporary directory), all
 * inside a network namespace of the test's own ({@code vrt-h-show-PID}, with 10.0.0.0/16 local on its loopback), so
 * that the endpoint's address 10.0.1.4 is local and two hand-driven BGP peers (10.0.1.10 and 10.0.1.11, the
 * appliances' interface addresses) really connect and announce 172.16.1.1/32: the first with AS path 65001, the second
 * with 65001 65001, which loses at the AS-path-length step. (127.0.0.0/8 would need no namespace, but a NEXT_HOP
 * there is not a valid host address, RFC 4271 §6.3.) Needs root for the namespace.
 */
class ShowCommandTest {
    @RegisterExtension
    static final InNamespace NAMESPACE = new InNamespace("vrt-h-show-" + ProcessHandle.current().pid(), "10.0.0.0/16");

    @TempDir
    Path dir;
    private Server server;
    private Ec2Api api;
    private QueryClient client;
    private String url;
    private final List<Socket> peers = new ArrayList<>();

    private String rs, table, subnet, eniA, eniB, peerA, peerB;

    @BeforeEach
    void start() throws Exception {
        int bgpPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            bgpPort = s.getLocalPort();
        }
        server = Server.start(ServerConfig.defaults(dir).withBgpPort(bgpPort));
        api = Ec2Api.start(server, new InetSocketAddress("127.0.0.1", 0), dir, true);
        url = "http://127.0.0.1:" + api.address().getPort();
        client = QueryClient.forDataDir(URI.create(url + "/"), dir);

        String vpc = text(call("CreateVpc", "CidrBlock", "10.0.0.0/16"), "vpcId");
        subnet = text(call("CreateSubnet", "VpcId", vpc, "CidrBlock", "10.0.1.0/24"), "subnetId");
        table = text(call("CreateRouteTable", "VpcId", vpc), "routeTableId");
        call("AssociateRouteTable", "RouteTableId", table, "SubnetId", subnet);
        eniA = text(call("CreateNetworkInterface", "SubnetId", subnet, "PrivateIpAddress", "10.0.1.10",
                "Description", "appliance-a"), "networkInterfaceId");
        eniB = text(call("CreateNetworkInterface", "SubnetId", subnet, "PrivateIpAddress", "10.0.1.11"), "networkInterfaceId");
        rs = text(call("CreateRouteServer", "AmazonSideAsn", "65000"), "routeServerId");
        await(() -> "available".equals(text(call("DescribeRouteServers", "RouteServerId.1", rs), "state")));
        call("AssociateRouteServer", "RouteServerId", rs, "VpcId", vpc);
        String endpoint = text(call("CreateRouteServerEndpoint", "RouteServerId", rs, "SubnetId", subnet), "routeServerEndpointId");
        await(() -> "available".equals(text(call("DescribeRouteServerEndpoints", "RouteServerEndpointId.1", endpoint), "state")));
        peerA = text(call("CreateRouteServerPeer", "RouteServerEndpointId", endpoint, "PeerAddress", "10.0.1.10",
                "BgpOptions.PeerAsn", "65001"), "routeServerPeerId");
        peerB = text(call("CreateRouteServerPeer", "RouteServerEndpointId", endpoint, "PeerAddress", "10.0.1.11",
                "BgpOptions.PeerAsn", "65001"), "routeServerPeerId");
        call("EnableRouteServerPropagation", "RouteServerId", rs, "RouteTableId", table);
        await(() -> "available".equals(text(call("DescribeRouteServerPeers", "RouteServerPeerId.1", peerB), "state")));

        InetSocketAddress speaker = new InetSocketAddress("10.0.1.4", bgpPort);
        announce(connect("10.0.1.10", speaker), "10.0.1.10", 65001);
        announce(connect("10.0.1.11", speaker), "10.0.1.11", 65001, 65001);
        await(() -> client.call("GetRouteServerRoutingDatabase", Map.of("RouteServerId", rs))
                .getElementsByTagName("prefix").getLength() == 2);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : peers) s.close();
        if (api != null) api.close();
        if (server != null) server.close();
    }

    // ------------------------------------------------------------------------------------------------ views

    @Test
    void serversShowAsnStatePeersUpAndPropagatedTables() {
        Run r = run("show", "servers");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.startsWith("ROUTE SERVER"), r.out);
        String row = line(r.out, rs);
        assertTrue(row.matches(".*\\s65000\\s+available\\s+disabled\\s+vpc-\\S+\\s+1\\s+2/2\\s+" + table), row);
    }

    @Test
    void endpointsShowTheirAddressAndPeers() throws Exception {
        Run r = run("show", "endpoints");
        assertEquals(0, r.code, r.err);
        String row = line(r.out, "10.0.1.4");
        assertTrue(row.contains(rs) && row.contains(subnet) && row.matches(".*10\\.0\\.1\\.4\\s+available\\s+2\\s+.*"), row);
        // The last column is the API's failureReason (here: the address is only routed locally, on no interface).
        String reason = QueryClient.text(call("DescribeRouteServerEndpoints"), "failureReason");
        assertTrue(row.endsWith("  " + (reason == null ? "-" : reason)), row);
    }

    @Test
    void peersShowAsStateAndRoutesReceivedAndAccepted() {
        Run r = run("show", "peers");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.lines().findFirst().orElseThrow()
                .matches("PEER\\s+ADDRESS\\s+AS\\s+ENDPOINT\\s+UP/DOWN\\s+STATE\\s+BGP\\s+BFD\\s+RECEIVED\\s+ACCEPTED"), r.out);
        // A's path is shorter: its route is the one accepted into the tables; B's is received only.
        assertTrue(line(r.out, peerA).matches(".*10\\.0\\.1\\.10\\s+65001\\s+10\\.0\\.1\\.4\\s+\\d\\d:\\d\\d:\\d\\d\\s+available\\s+up\\s+-\\s+1\\s+1"),
                line(r.out, peerA));
        assertTrue(line(r.out, peerB).matches(".*10\\.0\\.1\\.11\\s+65001\\s+.*\\s+up\\s+-\\s+1\\s+0"), line(r.out, peerB));
    }

    @Test
    void peersAsJsonIsAnArrayOfObjects() throws Exception {
        Run r = run("show", "peers", "--json");
        assertEquals(0, r.code, r.err);
        JsonNode peers = new ObjectMapper().readTree(r.out);
        assertTrue(peers.isArray());
        assertEquals(2, peers.size());
        JsonNode a = peers.get(0).get("routeServerPeerId").asText().equals(peerA) ? peers.get(0) : peers.get(1);
        assertEquals(65001, a.get("peerAsn").asLong());
        assertEquals("up", a.get("bgpStatus").asText());
        assertEquals(1, a.get("routesReceived").asInt());
        assertEquals(1, a.get("routesAccepted").asInt());
    }

    @Test
    void ribShowsBothPathsBestFirstWithTheTablesTheBestIsInstalledIn() {
        Run r = run("show", "rib", "172.16.1.1");
        assertEquals(0, r.code, r.err);
        List<String> lines = r.out.lines().toList();
        assertEquals(3, lines.size(), r.out);
        assertTrue(lines.get(0).matches("PREFIX\\s+NEXT HOP\\s+PEER\\s+AS PATH\\s+MED\\s+STATUS\\s+INSTALLED IN"), r.out);
        assertTrue(lines.get(1).matches("172\\.16\\.1\\.1/32\\s+10\\.0\\.1\\.10\\s+" + peerA + "\\s+65001\\s+-\\s+in-fib\\s+" + table),
                lines.get(1));
        assertTrue(lines.get(2).matches("172\\.16\\.1\\.1/32\\s+10\\.0\\.1\\.11\\s+" + peerB + "\\s+65001 65001\\s+-\\s+in-rib\\s+-"),
                lines.get(2));

        Run none = run("show", "rib", "10.9.9.0/24");
        assertEquals(0, none.code, none.err);
        assertTrue(none.out.startsWith("no route for 10.9.9.0/24"), none.out);
    }

    @Test
    void ribAsJsonCarriesAsPathMedAndInstallations() throws Exception {
        JsonNode rib = new ObjectMapper().readTree(run("show", "rib", "--json").out);
        assertEquals(2, rib.size());
        assertEquals("in-fib", rib.get(0).get("routeStatus").asText());
        assertEquals(table, rib.get(0).get("installedIn").get(0).asText());
        assertEquals(List.of(65001L, 65001L), List.of(rib.get(1).get("asPath").get(0).asLong(), rib.get(1).get("asPath").get(1).asLong()));
        assertTrue(rib.get(1).get("med").isNull());
    }

    @Test
    void routeTableListsThePropagatedRouteWithItsNextHop() {
        Run r = run("show", "route-tables", table);
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.lines().findFirst().orElseThrow().startsWith(table + "  vpc-"), r.out);
        assertTrue(r.out.contains("subnets " + subnet), r.out);
        assertTrue(line(r.out, "10.0.0.0/16").matches("\\s+10\\.0\\.0\\.0/16\\s+local\\s+-\\s+CreateRouteTable\\s+active"), r.out);
        assertTrue(line(r.out, "172.16.1.1/32").matches("\\s+172\\.16\\.1\\.1/32\\s+" + eniA + "\\s+10\\.0\\.1\\.10\\s+Advertisement\\s+active"),
                r.out);
    }

    @Test
    void explainNamesTheStepThatEliminatedTheLongerPath() throws Exception {
        Run r = run("explain", "172.16.1.1/32");
        assertEquals(0, r.code, r.err);
        List<String> lines = r.out.lines().toList();
        assertTrue(lines.get(0).startsWith("172.16.1.1/32 in " + rs + ": 2 routes, best via " + eniA), r.out);
        assertTrue(lines.get(2).matches("\\s+best\\s+" + peerA + "\\s+10\\.0\\.1\\.10\\s+65001\\s+-\\s+.*"), lines.get(2));
        assertTrue(lines.get(3).matches("\\s+as-path-length\\s+" + peerB + "\\s+10\\.0\\.1\\.11\\s+65001 65001\\s+-\\s+.*"), lines.get(3));

        JsonNode json = new ObjectMapper().readTree(run("explain", "172.16.1.1", "--json").out);
        assertEquals(2, json.size());
        assertTrue(json.get(0).get("best").asBoolean());
        assertEquals("as-path-length", json.get(1).get("step").asText());
    }

    @Test
    void traceFollowsTheTableToTheApplianceAndNamesTheBgpPath() throws Exception {
        Run r = run("trace", "--from", subnet, "--to", "172.16.1.1");
        assertEquals(0, r.code, r.err);
        assertTrue(line(r.out, "from").equals("from      " + subnet + " -> table " + table + " (explicit association)"), r.out);
        assertTrue(line(r.out, "route").startsWith("route     172.16.1.1/32 -> " + eniA + " via 10.0.1.10  (Advertisement, active)"), r.out);
        assertTrue(line(r.out, "reaches").startsWith("reaches   " + eniA + " 10.0.1.10 in " + subnet + " (\"appliance-a\")"), r.out);
        assertTrue(line(r.out, "bgp path").contains("peer " + peerA + " (10.0.1.10, AS 65001)"), r.out);
        assertTrue(r.out.contains("as-path 65001, med -, origin igp, next hop 10.0.1.10; best of 2"), r.out);

        JsonNode json = new ObjectMapper().readTree(run("trace", "--from", subnet, "--to", "172.16.1.1", "--json").out);
        assertEquals("interface", json.get(0).get("outcome").asText());
        assertEquals(peerA, json.get(0).get("bgpPath").get("routeServerPeerId").asText());

        Run local = run("trace", "--from", subnet, "--to", "10.0.1.11");
        assertEquals(0, local.code, local.err);
        assertTrue(line(local.out, "route").contains("10.0.0.0/16 -> local"), local.out);
        assertTrue(line(local.out, "reaches").startsWith("reaches   " + eniB + " 10.0.1.11"), local.out);
        assertTrue(!local.out.contains("bgp path"), local.out);
    }

    @Test
    void eventsListBgpUpOfBothPeersAndFollowPrintsTheDown() throws Exception {
        Run r = run("show", "events");
        assertEquals(0, r.code, r.err);
        assertTrue(line(r.out, peerA).matches("\\d{4}-\\d\\d-\\d\\dT\\S+\\s+" + peerA + "\\s+10\\.0\\.1\\.10\\s+BGP\\s+UP\\s+.*"), r.out);
        assertTrue(line(r.out, peerB).contains(" BGP "), r.out);

        StringWriter followed = new StringWriter();
        PrintWriter sink = new PrintWriter(followed, true);
        Thread follower = new Thread(() -> {
            var cl = Main.commandLine();
            cl.setOut(sink);
            cl.setErr(sink);
            cl.execute("show", "events", "--follow", "--interval", "100", "--endpoint", url, "--data-dir", dir.toString());
        });
        follower.start();
        try {
            await(() -> followed.toString().contains(peerB));
            peers.get(1).close(); // B's TCP session ends: a BGP DOWN event
            await(() -> followed.toString().lines().anyMatch(l -> l.contains(peerB) && l.contains(" DOWN")));
            // A held the best path: its session's end moves 172.16.1.1/32 to B... which is down too, so it has none.
            peers.get(0).close();
            await(() -> followed.toString().lines().anyMatch(l -> l.contains(peerA) && l.contains(" FAILOVER ")));
        } finally {
            follower.interrupt();
            follower.join(5000);
        }
        assertTrue(!follower.isAlive(), "--follow ends when interrupted");
        String failover = followed.toString().lines().filter(l -> l.contains(" FAILOVER ")).findFirst().orElseThrow();
        assertTrue(failover.matches(".*" + peerA + "\\s+10\\.0\\.1\\.10\\s+FAILOVER\\s+\\d+ ms\\s+1 best path changed \\(0 moved"
                + " to another peer\\) in " + table + "; cause: .*"), failover);
        List<String> lines = followed.toString().lines().toList();
        int down = -1, fo = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (down < 0 && lines.get(i).contains(peerA) && lines.get(i).contains(" DOWN")) down = i;
            if (fo < 0 && lines.get(i).contains(" FAILOVER ")) fo = i;
        }
        assertTrue(down >= 0 && down < fo, "A's BGP DOWN is printed before its failover:\n" + followed);
    }

    @Test
    void eventsShowTheEndpointStartingAndJsonCarriesTheSequence() throws Exception {
        Run r = run("show", "events");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.lines().findFirst().orElseThrow().matches("TIME\\s+RESOURCE\\s+ADDRESS\\s+TYPE\\s+STATUS\\s+REASON"), r.out);
        assertTrue(line(r.out, "ENDPOINT").matches(".*rse-\\S+\\s+10\\.0\\.1\\.4\\s+ENDPOINT\\s+available\\s+.*"), r.out);
        Run j = run("show", "events", "--json");
        assertEquals(0, j.code, j.err);
        assertTrue(java.util.regex.Pattern.compile("\"sequence\"\\s*:\\s*1\\b").matcher(j.out).find(), j.out);
    }

    @Test
    void peerLoggingIsOffUntilTurnedOnAndRefusesAnUnknownDestination() throws Exception {
        Run before = run("peer-logging", rs);
        assertEquals(0, before.code, before.err);
        assertTrue(before.out.contains(rs + ": peer event logs are off"), before.out);
        Run on = run("peer-logging", rs, "stdout");
        assertEquals(0, on.code, on.err);
        assertTrue(on.out.contains("go to the daemon's standard output"), on.out);
        assertEquals("stdout", QueryClient.text(call("DescribeRouteServers", "RouteServerId.1", rs), "peerLogging"));
        Run bad = run("peer-logging", rs, "syslog");
        assertTrue(bad.code != 0 && bad.err.contains("DESTINATION must be file, stdout or off"), bad.err);
        Run wrong = run("peer-logging", "rs-00000000000000000", "file");
        assertTrue(wrong.code != 0 && wrong.err.contains("InvalidRouteServerId.NotFound"), wrong.err);
    }

    // ------------------------------------------------------------------------------------------------ errors

    @Test
    void missingCredentialsSayWhereTheyWereLookedForAndWhatToDo() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Run r = run(empty, "show", "servers");
        assertEquals(1, r.code);
        assertTrue(r.err.contains(empty.resolve("credentials").toString()) && r.err.contains("--data-dir"), r.err);
    }

    @Test
    void unreachableDaemonSaysToStartItOrGiveEndpoint() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        var cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("show", "peers", "--endpoint", "http://127.0.0.1:" + free, "--data-dir", dir.toString());
        assertEquals(1, code);
        assertTrue(err.toString().contains("vroute serve") && err.toString().contains("--endpoint"), err.toString());
    }

    @Test
    void apiErrorsCarryTheEc2Code() {
        Run r = run("trace", "--from", "subnet-0123456789abcdef0", "--to", "10.0.0.1");
        assertEquals(1, r.code);
        assertTrue(r.err.contains("InvalidSubnetID.NotFound"), r.err);

        Run bad = run("trace", "--from", "vpc-0123", "--to", "10.0.0.1");
        assertEquals(2, bad.code);
        assertTrue(bad.err.contains("give a subnet (subnet-...)"), bad.err);
    }

    @Test
    void awsProfileVrouteSignsWhenTheDataDirHasNoCredentials() throws Exception {
        Path aws = dir.resolve("aws-credentials");
        Files.writeString(aws, "[default]\naws_access_key_id = WRONG\naws_secret_access_key = wrong\n\n[vroute]\n"
                + "aws_access_key_id = " + api.credentials().accessKeyId() + "\naws_secret_access_key = "
                + api.credentials().secretAccessKey() + "\n");
        var saved = ApiOptions.environment;
        ApiOptions.environment = name -> switch (name) {
            case "VROUTE_DATA_DIR" -> dir.resolve("nowhere").toString();
            case "AWS_SHARED_CREDENTIALS_FILE" -> aws.toString();
            default -> null;
        };
        try {
            var cl = Main.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            assertEquals(0, cl.execute("show", "servers", "--endpoint", url), err.toString());
            assertTrue(out.toString().contains(rs), out.toString());
        } finally {
            ApiOptions.environment = saved;
        }
    }

    // ----------------------------------------------------------------------------------------------- helpers

    record Run(int code, String out, String err) {}

    private Run run(String... args) {
        return run(dir, args);
    }

    private Run run(Path dataDir, String... args) {
        var cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", url, "--data-dir", dataDir.toString()));
        int code = cl.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static String line(String text, String containing) {
        return text.lines().filter(l -> l.contains(containing)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + containing + " in:\n" + text));
    }

    private Document call(String action, String... nameValue) throws IOException {
        return client.call(action, Answers.params(nameValue));
    }

    private static String text(Document d, String name) {
        return QueryClient.text(d, name);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check check) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!check.ok()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 10 s");
            Thread.sleep(50);
        }
    }

    /** A BGP session from {@code local} to the endpoint: OPEN, KEEPALIVE both ways (RFC 4271 §8.2.2). */
    private Socket connect(String local, InetSocketAddress speaker) throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(speaker, 5000);
        s.setSoTimeout(10_000);
        peers.add(s);
        byte[] id = InetAddress.getByName(local).getAddress();
        int bgpId = ((id[0] & 0xFF) << 24) | ((id[1] & 0xFF) << 16) | ((id[2] & 0xFF) << 8) | (id[3] & 0xFF);
        OpenMessage open = OpenMessage.of(65001, 90, bgpId,
                List.of(new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST), new Capability.FourOctetAs(65001)));
        s.getOutputStream().write(MessageEncoder.encode(open, SessionContext.INITIAL));
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertEquals(1, readType(in), "the endpoint answers with its OPEN");
        s.getOutputStream().write(MessageEncoder.encode(KeepaliveMessage.INSTANCE, SessionContext.FOUR_OCTET));
        assertEquals(4, readType(in), "then a KEEPALIVE: the session is Established");
        return s;
    }

    private static int readType(DataInputStream in) throws IOException {
        byte[] header = new byte[19];
        in.readFully(header);
        int length = ((header[16] & 0xFF) << 8) | (header[17] & 0xFF);
        in.readFully(new byte[length - 19]);
        return header[18];
    }

    private static void announce(Socket s, String nextHop, long... asPath) throws IOException {
        PathAttributes a = PathAttributes.builder().origin(Origin.IGP).asPath(AsPath.sequence(asPath))
                .nextHop(InetAddress.getByName(nextHop)).build();
        UpdateMessage u = new UpdateMessage(null, a, Nlri.of(AddressFamily.IPV4_UNICAST, List.of(Prefix.parse("172.16.1.1/32"))),
                null, null);
        s.getOutputStream().write(MessageEncoder.encode(u, SessionContext.FOUR_OCTET));
        s.getOutputStream().flush();
    }
}
