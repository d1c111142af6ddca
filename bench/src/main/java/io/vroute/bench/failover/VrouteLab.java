package io.vroute.bench.failover;

import io.vroute.api.QueryClient;
import io.vroute.server.dataplane.KernelLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Route server A: {@code vroute serve --dataplane linux --netns-prefix PREFIX} (the jar, in its own JVM, in the host
 * namespace), and the lab built through its API as a user would: a VPC, the appliances' subnet (main table) and the
 * client's subnet with route table T, three interfaces tagged {@code vroute:netns} (vroute makes the namespaces and
 * veths), one endpoint in the appliances' subnet, a peer per appliance with the lab's liveness, propagation to T.
 */
final class VrouteLab extends Lab {
    private final Path jar;
    private final List<String> jvmFlags;
    private Process daemon;
    private QueryClient api;
    private String router;
    private int table;

    VrouteLab(String prefix, Path dir, Liveness liveness, Path jar, List<String> jvmFlags) {
        super(prefix, dir, liveness);
        this.jar = jar;
        this.jvmFlags = jvmFlags;
    }

    @Override
    String name() {
        return "vroute";
    }

    @Override
    void build() {
        Path data = dir.resolve("data");
        Path copy = dir.resolve("vroute.jar");
        int port;
        try {
            Files.createDirectories(data);
            // A build of the shared tree meanwhile rewrites app/target/vroute.jar: the daemon runs a copy.
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseZGC"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-jar", copy.toString(), "serve", "--data-dir", data.toString(), "--api", "127.0.0.1:" + port,
                "--dataplane", "linux", "--netns-prefix", prefix, "--hold-time", Integer.toString(liveness.holdTime())));
        Path log = dir.resolve("vroute.log");
        daemon = Shell.spawn(log, cmd);
        if (!Shell.await(30_000, () -> !daemon.isAlive() || Shell.read(log).contains("API listening")
                && Files.exists(data.resolve("credentials"))) || !daemon.isAlive()) {
            throw new IllegalStateException("vroute serve did not start:\n" + Shell.tail(log, 30));
        }
        try {
            api = QueryClient.forDataDir(URI.create("http://127.0.0.1:" + port + "/"), data);
            buildVpc();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void buildVpc() throws IOException {
        String vpc = text(call("CreateVpc", "CidrBlock", "10.0.0.0/16"), "vpcId");
        String subnetA = text(call("CreateSubnet", "VpcId", vpc, "CidrBlock", "10.0.1.0/24", "AvailabilityZone", "us-east-1a"), "subnetId");
        String subnetC = text(call("CreateSubnet", "VpcId", vpc, "CidrBlock", CLIENT_SUBNET, "AvailabilityZone", "us-east-1a"), "subnetId");
        String rtb = text(call("CreateRouteTable", "VpcId", vpc), "routeTableId");
        call("AssociateRouteTable", "RouteTableId", rtb, "SubnetId", subnetC);
        instance(subnetA, ACTIVE, activeNamespace(), false);
        instance(subnetA, STANDBY, standbyNamespace(), false);
        instance(subnetC, CLIENT, clientNamespace(), true);
        String rs = text(call("CreateRouteServer", "AmazonSideAsn", Long.toString(Appliance.ROUTE_SERVER_AS)), "routeServerId");
        call("AssociateRouteServer", "RouteServerId", rs, "VpcId", vpc);
        String endpoint = text(call("CreateRouteServerEndpoint", "RouteServerId", rs, "SubnetId", subnetA), "routeServerEndpointId");
        String[] address = new String[1];
        boolean available = Shell.await(15_000, () -> {
            Document d = callQuietly("DescribeRouteServerEndpoints", "RouteServerEndpointId.1", endpoint);
            address[0] = d == null ? null : text(d, "eniAddress");
            return d != null && "available".equals(text(d, "state"));
        });
        if (!available || !ROUTE_SERVER.equals(address[0])) {
            throw new IllegalStateException("endpoint " + endpoint + ": available " + available + ", address " + address[0]
                    + " (the appliances are configured for " + ROUTE_SERVER + ")\n" + logs());
        }
        for (String peer : List.of(ACTIVE, STANDBY)) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("RouteServerEndpointId", endpoint);
            p.put("PeerAddress", peer);
            p.put("BgpOptions.PeerAsn", Long.toString(Appliance.AS));
            if (liveness.bfd()) {
                p.put("BgpOptions.PeerLivenessDetection", "bfd");
                // vroute's BfdOptions extension (docs/api.md)
                p.put("BfdOptions.MinTxInterval", Integer.toString(liveness.bfdIntervalMs()));
                p.put("BfdOptions.MinRxInterval", Integer.toString(liveness.bfdIntervalMs()));
                p.put("BfdOptions.Multiplier", Integer.toString(liveness.bfdMultiplier()));
            } else {
                p.put("BgpOptions.PeerLivenessDetection", "bgp-keepalive");
            }
            api.call("CreateRouteServerPeer", p);
        }
        call("EnableRouteServerPropagation", "RouteServerId", rs, "RouteTableId", rtb);

        KernelLayout layout = KernelLayout.withPrefix(prefix);
        router = layout.routerNamespace(vpc);
        table = layout.table(rtb);
        for (String[] ns : new String[][] {{activeNamespace(), ACTIVE}, {standbyNamespace(), STANDBY}, {clientNamespace(), CLIENT}}) {
            boolean made = Shell.await(15_000, () -> Shell.run("ip", "-n", ns[0], "-4", "addr", "show", "dev", "eth0").output()
                    .contains("inet " + ns[1] + "/"));
            if (!made) throw new IllegalStateException("vroute did not make " + ns[0] + " with " + ns[1] + "\n" + logs());
        }
        String rules = Shell.check("ip", "-n", router, "rule", "show");
        if (!rules.contains("iif " + layout.bridge(subnetC) + " lookup " + table)) {
            throw new IllegalStateException("no rule for the client's subnet in " + router + ":\n" + rules);
        }
        for (String ns : List.of(activeNamespace(), standbyNamespace())) floatingOnLoopback(ns);
    }

    private void instance(String subnet, String address, String ns, boolean check) throws IOException {
        String eni = text(call("CreateNetworkInterface", "SubnetId", subnet, "PrivateIpAddress", address,
                "TagSpecification.1.ResourceType", "network-interface", "TagSpecification.1.Tag.1.Key", KernelLayout.NAMESPACE_TAG,
                "TagSpecification.1.Tag.1.Value", ns), "networkInterfaceId");
        if (!check) call("ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni, "SourceDestCheck.Value", "false");
    }

    private Document call(String action, String... nameValues) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) p.put(nameValues[i], nameValues[i + 1]);
        return api.call(action, p);
    }

    private Document callQuietly(String action, String... nameValues) {
        try {
            return call(action, nameValues);
        } catch (IOException | QueryClient.Failure e) {
            return null;
        }
    }

    private static String text(Node n, String name) {
        return QueryClient.text(n, name);
    }

    @Override
    String router() {
        return router;
    }

    @Override
    int table() {
        return table;
    }

    @Override
    String activeNamespace() {
        return prefix + "act";
    }

    @Override
    String standbyNamespace() {
        return prefix + "stb";
    }

    @Override
    String clientNamespace() {
        return prefix + "cli";
    }

    /** The peer's element of DescribeRouteServerPeers, or null. */
    private Element peer(String address) {
        Document d = callQuietly("DescribeRouteServerPeers", "Filter.1.Name", "peer-address", "Filter.1.Value.1", address);
        if (d == null) return null;
        NodeList ids = d.getElementsByTagName("routeServerPeerId");
        return ids.getLength() == 0 ? null : (Element) ids.item(0).getParentNode();
    }

    /** bfdStatus.since of the peer while its session is down: when vroute's BFD engine took it Down. */
    @Override
    Instant bfdDown(String address, Instant after) {
        Element p = peer(address);
        if (p == null) return null;
        Element bfd = (Element) p.getElementsByTagName("bfdStatus").item(0);
        if (bfd == null || !"down".equals(text(bfd, "sessionState")) || text(bfd, "since") == null) return null;
        Instant since = Instant.parse(text(bfd, "since"));
        return since.isAfter(after) ? since : null;
    }

    /** The peer's eventSet entry BFDStatus DOWN: when the control thread acted on it (ended BGP, withdrew). */
    @Override
    Instant bfdDownHandled(String address, Instant after) {
        Element p = peer(address);
        if (p == null) return null;
        NodeList times = p.getElementsByTagName("time");
        for (int i = 0; i < times.getLength(); i++) {
            Element item = (Element) times.item(i).getParentNode();
            if (!"DOWN".equalsIgnoreCase(text(item, "status")) || !String.valueOf(text(item, "type")).startsWith("BFD")) continue;
            Instant t = Instant.parse(times.item(i).getTextContent());
            if (t.isAfter(after)) return t;
        }
        return null;
    }

    @Override
    boolean sessionsUp() {
        Document d = callQuietly("DescribeRouteServerPeers");
        if (d == null) return false;
        NodeList ids = d.getElementsByTagName("routeServerPeerId");
        if (ids.getLength() != 2) return false;
        for (int i = 0; i < ids.getLength(); i++) {
            Element p = (Element) ids.item(i).getParentNode();
            Element bgp = (Element) p.getElementsByTagName("bgpStatus").item(0);
            if (!"up".equals(text(bgp, "status"))) return false;
            if (liveness.bfd()) {
                Element bfd = (Element) p.getElementsByTagName("bfdStatus").item(0);
                if (bfd == null || !"up".equals(text(bfd, "status"))) return false;
            }
        }
        return true;
    }

    @Override
    String logs() {
        return "---- vroute ----\n" + Shell.tail(dir.resolve("vroute.log"), 40);
    }

    @Override
    public void close() {
        // SIGTERM first: every session gets its Cease and the store is closed; then the appliances and the namespaces.
        if (daemon != null) Shell.stop(daemon, 15_000);
        super.close();
        Appliance.deleteTree(KernelLayout.withPrefix(prefix).stateDirectory());
    }
}
