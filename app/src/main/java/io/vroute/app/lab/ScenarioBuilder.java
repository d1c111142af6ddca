package io.vroute.app.lab;

import io.vroute.api.QueryClient;
import io.vroute.server.dataplane.KernelLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.w3c.dom.Document;

/**
 * The steps both scenarios are made of, each one API call a user could make (and the lab notes for teardown), plus the
 * waits between them: until the data plane has made a node's namespace, until the sessions are up, until the routes
 * are where they belong.
 */
abstract class ScenarioBuilder {
    static final long ROUTE_SERVER_ASN = 65000;
    static final long APPLIANCE_ASN = 65001;
    static final String VPC_CIDR = "10.0.0.0/16";

    final LabApi api;
    final LabState st;
    final PrintWriter out;

    ScenarioBuilder(LabApi api, LabState st, PrintWriter out) {
        this.api = api;
        this.st = st;
        this.out = out;
    }

    /** Creates the resources, starts the appliances, waits until the routes are in place. */
    abstract void build() throws IOException;

    /** Lines that tell a user what the lab holds and what to try. */
    abstract List<String> summary();

    // ------------------------------------------------------------------------------------------ resources

    void say(String line) {
        out.println("  " + line);
        out.flush();
    }

    private Map<String, String> named(Map<String, String> p, String type, String name) {
        return LabApi.tags(p, type, Map.of("Name", "vroute-lab" + (st.name.isEmpty() ? "" : "-" + st.name) + " " + name));
    }

    String vpc() throws IOException {
        String id = api.create("vpc", "CreateVpc", "vpcId", named(LabApi.params("CidrBlock", VPC_CIDR), "vpc", "vpc"));
        st.ids.put("vpc", id);
        say("CreateVpc " + VPC_CIDR + " -> " + id);
        findRouter(id);
        return id;
    }

    String subnet(String key, String cidr, String zone) throws IOException {
        String id = api.create("subnet", "CreateSubnet", "subnetId", named(LabApi.params("VpcId", st.id("vpc"),
                "CidrBlock", cidr, "AvailabilityZone", zone), "subnet", key));
        st.ids.put("subnet:" + key, id);
        say("CreateSubnet " + cidr + " " + zone + " (" + key + ") -> " + id);
        return id;
    }

    String internetGateway() throws IOException {
        String id = api.create("igw", "CreateInternetGateway", "internetGatewayId",
                named(new LinkedHashMap<>(), "internet-gateway", "igw"));
        st.ids.put("igw", id);
        api.call("AttachInternetGateway", "InternetGatewayId", id, "VpcId", st.id("vpc"));
        api.note("igw-attachment " + id + " " + st.id("vpc"));
        say("CreateInternetGateway -> " + id + ", AttachInternetGateway to " + st.id("vpc"));
        return id;
    }

    /** A route table associated with the subnet {@code key}, or with the internet gateway when {@code edge}. */
    String table(String key, boolean edge) throws IOException {
        String id = api.create("route-table", "CreateRouteTable", "routeTableId",
                named(LabApi.params("VpcId", st.id("vpc")), "route-table", key));
        st.ids.put("table:" + key, id);
        Document a = edge ? api.call("AssociateRouteTable", "RouteTableId", id, "GatewayId", st.id("igw"))
                : api.call("AssociateRouteTable", "RouteTableId", id, "SubnetId", st.id("subnet:" + key));
        api.note("association " + QueryClient.text(a, "associationId"));
        say("CreateRouteTable -> " + id + ", AssociateRouteTable with " + (edge ? st.id("igw") + " (edge table)" : st.id("subnet:" + key)));
        return id;
    }

    void routeToGateway(String tableKey, String destination) throws IOException {
        api.call("CreateRoute", "RouteTableId", st.id("table:" + tableKey), "DestinationCidrBlock", destination,
                "GatewayId", st.id("igw"));
        api.note("route " + st.id("table:" + tableKey) + " " + destination);
        say("CreateRoute " + st.id("table:" + tableKey) + " " + destination + " -> " + st.id("igw"));
    }

    /**
     * A lab machine: a network interface tagged {@code vroute:netns}, which the Linux data plane turns into a veth whose
     * far end is eth0 of the node's namespace, with the interface's address and a default route via the subnet's
     * router. {@code forwarding}: source/destination check off, which turns forwarding on in the namespace.
     */
    LabState.Node node(String name, String role, String subnetKey, String address, String gateway, boolean forwarding)
            throws IOException {
        String ns = st.home().namespace(name);
        Map<String, String> p = LabApi.params("SubnetId", st.id("subnet:" + subnetKey), "PrivateIpAddress", address,
                "Description", name);
        LabApi.tags(p, "network-interface", Map.of("Name", name, KernelLayout.NAMESPACE_TAG, ns));
        String eni = api.create("eni", "CreateNetworkInterface", "networkInterfaceId", p);
        LabState.Node n = new LabState.Node();
        n.namespace = ns;
        n.eni = eni;
        n.address = address;
        n.gateway = gateway;
        n.role = role;
        st.nodes.put(name, n);
        st.ids.put("eni:" + name, eni);
        st.save();
        say("CreateNetworkInterface " + address + " tag " + KernelLayout.NAMESPACE_TAG + "=" + ns + " -> " + eni + " (" + name + ")");
        if (forwarding) {
            api.call("ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni, "SourceDestCheck.Value", "false");
            say("ModifyNetworkInterfaceAttribute " + eni + " SourceDestCheck=false (forwarding on in " + ns + ")");
        }
        return n;
    }

    String routeServer() throws IOException {
        String id = api.create("route-server", "CreateRouteServer", "routeServerId",
                named(LabApi.params("AmazonSideAsn", Long.toString(ROUTE_SERVER_ASN)), "route-server", "route-server"));
        st.ids.put("route-server", id);
        api.call("AssociateRouteServer", "RouteServerId", id, "VpcId", st.id("vpc"));
        api.note("rs-association " + id + " " + st.id("vpc"));
        say("CreateRouteServer AS" + ROUTE_SERVER_ASN + " -> " + id + ", AssociateRouteServer with " + st.id("vpc"));
        return id;
    }

    /** Two endpoints in the subnet; returns their addresses once they are available. */
    List<String> endpoints(String subnetKey) throws IOException {
        List<String> addresses = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            Document d = api.call("CreateRouteServerEndpoint", named(LabApi.params("RouteServerId", st.id("route-server"),
                    "SubnetId", st.id("subnet:" + subnetKey)), "route-server-endpoint", subnetKey + "-" + i));
            String id = QueryClient.text(d, "routeServerEndpointId");
            api.note("endpoint " + id);
            st.ids.put("endpoint:" + subnetKey + "-" + i, id);
            String address = QueryClient.text(d, "eniAddress");
            addresses.add(address);
            say("CreateRouteServerEndpoint in " + subnetKey + " -> " + id + " " + address);
        }
        return addresses;
    }

    void awaitEndpointsAvailable() throws IOException {
        String why = await(Duration.ofSeconds(20), () -> {
            Document d = api.call("DescribeRouteServerEndpoints", "Filter.1.Name", "route-server-id",
                    "Filter.1.Value.1", st.id("route-server"));
            for (var e : LabApi.items(d, "routeServerEndpointSet")) {
                if (!"available".equals(LabApi.child(e, "state"))) {
                    return LabApi.child(e, "routeServerEndpointId") + " is " + LabApi.child(e, "state")
                            + (LabApi.child(e, "failureReason") == null ? "" : ": " + LabApi.child(e, "failureReason"));
                }
            }
            return null;
        });
        if (why != null) throw new IOException("the endpoints did not become available: " + why);
    }

    /** A peer on an endpoint: the appliance at {@code address}; with BFD at the lab's timers when {@code liveness} is bfd. */
    String peer(String endpointKey, String address, String liveness) throws IOException {
        Map<String, String> p = LabApi.params("RouteServerEndpointId", st.id("endpoint:" + endpointKey), "PeerAddress", address,
                "BgpOptions.PeerAsn", Long.toString(APPLIANCE_ASN), "BgpOptions.PeerLivenessDetection", liveness);
        if (liveness.equals("bfd")) {
            // vroute's BfdOptions extension: the same timers as the appliances' bfdd profile.
            p.put("BfdOptions.MinTxInterval", Integer.toString(Appliance.BFD_INTERVAL_MS));
            p.put("BfdOptions.MinRxInterval", Integer.toString(Appliance.BFD_INTERVAL_MS));
            p.put("BfdOptions.Multiplier", Integer.toString(Appliance.BFD_MULTIPLIER));
        }
        String id = api.create("peer", "CreateRouteServerPeer", "routeServerPeerId", named(p, "route-server-peer", address));
        say("CreateRouteServerPeer " + address + " AS" + APPLIANCE_ASN + " " + liveness + " on " + st.id("endpoint:" + endpointKey)
                + " -> " + id);
        return id;
    }

    void propagate(String tableKey) throws IOException {
        api.call("EnableRouteServerPropagation", "RouteServerId", st.id("route-server"), "RouteTableId", st.id("table:" + tableKey));
        api.note("propagation " + st.id("route-server") + " " + st.id("table:" + tableKey));
        say("EnableRouteServerPropagation " + st.id("table:" + tableKey) + " (" + tableKey + ")");
    }

    // ------------------------------------------------------------------------------------------ kernel side

    /**
     * Waits for the VPC's router namespace, which the Linux data plane makes at once, and learns the daemon's namespace
     * prefix from its name (a daemon the lab did not start may use another than vroute's).
     */
    private void findRouter(String vpcId) throws IOException {
        String[] found = {null};
        waitFor(Duration.ofSeconds(10), () -> {
            try (var names = Files.list(Path.of("/run/netns"))) {
                found[0] = names.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(vpcId)).findFirst().orElse(null);
            } catch (IOException e) {
                found[0] = null;
            }
            return found[0] != null;
        });
        if (found[0] == null) {
            throw new IOException("the daemon at " + st.endpoint + " made no router namespace for " + vpcId + " within 10 s:"
                    + " it must run with --dataplane linux (as root); its log says why not");
        }
        st.netnsPrefix = found[0].substring(0, found[0].length() - vpcId.length());
        st.save();
        say("router namespace " + found[0]);
    }

    /**
     * Waits until the data plane made each node's namespace, with eth0 holding the node's address and a default route,
     * then brings loopback up there.
     */
    void awaitNodes() throws IOException {
        for (Map.Entry<String, LabState.Node> e : st.nodes.entrySet()) {
            LabState.Node n = e.getValue();
            String why = await(Duration.ofSeconds(15), () -> {
                if (!Files.exists(Path.of("/run/netns", n.namespace))) return "no namespace " + n.namespace;
                Shell.Result a = Shell.run(5, List.of("ip", "-n", n.namespace, "-4", "-o", "addr", "show", "dev", "eth0"));
                if (!a.output().contains(" " + n.address + "/")) return "no " + n.address + " on eth0 in " + n.namespace;
                Shell.Result r = Shell.run(5, List.of("ip", "-n", n.namespace, "-4", "route", "show", "default"));
                if (!r.output().contains("via " + n.gateway)) return "no default route via " + n.gateway + " in " + n.namespace;
                return null;
            });
            if (why != null) {
                throw new IOException(e.getKey() + ": " + why + " after 15 s. The daemon at " + st.endpoint + " makes it from"
                        + " the interface's " + KernelLayout.NAMESPACE_TAG + " tag when it runs with --dataplane linux:"
                        + " is that so? (its log says why not)");
            }
            Shell.check(List.of("ip", "-n", n.namespace, "link", "set", "lo", "up"));
        }
        say("the data plane made " + String.join(", ", st.nodes.values().stream().map(n -> n.namespace).toList())
                + " (eth0 + default route each)");
    }

    /** Starts a node's BGP daemon and notes its PIDs. */
    void start(String name, Appliance a, boolean frr) throws IOException {
        LabState.Node n = st.node(name);
        n.daemon = frr ? "frr" : "gobgp";
        if (frr) {
            n.frrPathspace = a.pathspace();
            st.runDirectories.add(a.runDirectory().toString());
            st.save();
            n.pids.addAll(a.startFrr());
        } else {
            n.pids.addAll(a.startGoBgp());
        }
        st.save();
        say(name + ": " + (frr ? "FRR (zebra, bfdd, bgpd)" : "gobgpd") + " PIDs " + n.pids + ", AS" + a.asn()
                + " advertising " + String.join(", ", a.prefixes()) + (a.prepend() > 0 ? " with AS_PATH prepended " + a.prepend()
                + "x (standby)" : " (active)") + " to " + String.join(", ", a.endpoints()));
    }

    /** Waits until every peer of the route server is up (BGP, and BFD where it runs) and has had no change for {@code quiet}. */
    void awaitSessions(Duration timeout, Duration quiet) throws IOException {
        long[] quietSince = {System.nanoTime()};
        String[] last = {""};
        String why = await(timeout, () -> {
            Map<String, RouteServerView.Peer> peers = RouteServerView.peers(api, st.id("route-server"));
            StringBuilder seen = new StringBuilder();
            String down = null;
            for (RouteServerView.Peer p : peers.values()) {
                seen.append(p.id()).append(p.events().size()).append(p.up());
                if (!p.up() && down == null) down = p.toString();
            }
            if (!seen.toString().equals(last[0])) {
                last[0] = seen.toString();
                quietSince[0] = System.nanoTime();
            }
            if (down != null) return "not up yet: " + down;
            return System.nanoTime() - quietSince[0] >= quiet.toNanos() ? null : "settling";
        });
        if (why != null) {
            throw new IOException("the BGP sessions did not come up within " + timeout.toSeconds() + " s (" + why + "); the"
                    + " appliances' logs are in " + st.home().dir() + "/NODE/, the daemon's in " + st.home().serveLog());
        }
        say("all " + RouteServerView.peers(api, st.id("route-server")).size() + " peers up");
    }

    /** Waits until {@code destination} in table {@code tableKey} targets the interface of node {@code node}. */
    void awaitRoute(String tableKey, String destination, String node, Duration timeout) throws IOException {
        String table = st.id("table:" + tableKey);
        String eni = st.node(node).eni;
        String why = await(timeout, () -> {
            String target = RouteServerView.target(RouteServerView.table(api, table), destination);
            return eni.equals(target) ? null : destination + " -> " + target;
        });
        if (why != null) {
            throw new IOException("route table " + table + " (" + tableKey + ") did not get " + destination + " -> " + eni
                    + " (" + node + ") within " + timeout.toSeconds() + " s: it has " + why);
        }
    }

    // ------------------------------------------------------------------------------------------ waiting

    interface Check {
        /** Null when done, else what is still missing. */
        String missing() throws IOException;
    }

    /** Polls every 200 ms; returns null when the check passed, else what it said last. */
    static String await(Duration timeout, Check check) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        String why;
        while (true) {
            why = check.missing();
            if (why == null || System.nanoTime() > end) return why;
            Shell.sleep(200);
            if (Thread.currentThread().isInterrupted()) throw new IOException("interrupted");
        }
    }

    static boolean waitFor(Duration timeout, BooleanSupplier done) {
        return Appliance.waitFor(timeout, done);
    }
}
