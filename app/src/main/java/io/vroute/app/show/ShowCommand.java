package io.vroute.app.show;

import static io.vroute.app.show.Answers.child;
import static io.vroute.app.show.Answers.items;
import static io.vroute.app.show.Answers.object;
import static io.vroute.app.show.Answers.params;
import static io.vroute.app.show.Answers.text;

import io.vroute.api.QueryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.w3c.dom.Element;

/**
 * {@code vroute show ...}: the daemon's state as tables a network engineer reads at a glance, read through the API
 * like any client: route servers, endpoints, peers, the routing database, route tables and peer events.
 */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Show the route server's state as tables (or --json), read through the daemon's API.",
                "Every view takes --endpoint URL, --data-dir DIR and --json. See docs/cli.md."},
        subcommands = {ShowCommand.Servers.class, ShowCommand.Endpoints.class, ShowCommand.Peers.class,
                ShowCommand.Rib.class, ShowCommand.RouteTables.class, ShowCommand.Events.class})
public final class ShowCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "say what to show: vroute show servers|endpoints|peers|rib [PREFIX]|route-tables [ID]|events [--follow]");
    }

    // ------------------------------------------------------------------------------------------- servers

    @Command(name = "servers", mixinStandardHelpOptions = true,
            description = "Route servers: AS, state, the VPC, endpoints, peers up, the route tables they propagate to.")
    static final class Servers extends View {
        @Override
        public Integer call() throws IOException {
            QueryClient c = client();
            List<Element> servers = Answers.allPages(c, "DescribeRouteServers", params(), "routeServerSet");
            Map<String, int[]> endpoints = new HashMap<>();
            for (Element e : Answers.allPages(c, "DescribeRouteServerEndpoints", params(), "routeServerEndpointSet")) {
                endpoints.computeIfAbsent(text(e, "routeServerId"), k -> new int[1])[0]++;
            }
            Map<String, int[]> peers = new HashMap<>();
            for (Element p : Answers.allPages(c, "DescribeRouteServerPeers", params(), "routeServerPeerSet")) {
                int[] n = peers.computeIfAbsent(text(p, "routeServerId"), k -> new int[2]);
                n[0]++;
                if ("up".equals(text(p, "bgpStatus/status"))) n[1]++;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Element rs : servers) {
                String id = text(rs, "routeServerId");
                List<String> vpcs = new ArrayList<>();
                for (Element a : items(Answers.call(c, "GetRouteServerAssociations", params("RouteServerId", id)),
                        "routeServerAssociationSet")) {
                    vpcs.add(text(a, "vpcId"));
                }
                List<String> tables = new ArrayList<>();
                for (Element p : items(Answers.call(c, "GetRouteServerPropagations", params("RouteServerId", id)),
                        "routeServerPropagationSet")) {
                    tables.add(text(p, "routeTableId"));
                }
                int[] n = peers.getOrDefault(id, new int[2]);
                rows.add(object("routeServerId", id, "amazonSideAsn", Answers.number(text(rs, "amazonSideAsn")),
                        "state", text(rs, "state"), "persistRoutesState", text(rs, "persistRoutesState"),
                        "vpcId", vpcs.isEmpty() ? null : vpcs.getFirst(),
                        "endpoints", endpoints.getOrDefault(id, new int[1])[0], "peers", n[0], "peersUp", n[1],
                        "routeTableIds", tables));
            }
            if (json()) {
                Json.printArray(out(), rows);
                return 0;
            }
            Table t = new Table("ROUTE SERVER", "ASN", "STATE", "PERSIST", "VPC", "ENDPOINTS", "PEERS UP", "PROPAGATES TO");
            for (Map<String, Object> r : rows) {
                t.row(r.get("routeServerId"), r.get("amazonSideAsn"), r.get("state"), r.get("persistRoutesState"),
                        r.get("vpcId"), r.get("endpoints"), r.get("peersUp") + "/" + r.get("peers"),
                        String.join(", ", (List<String>) r.get("routeTableIds")));
            }
            printOrSayNone(out(), t, "no route servers yet: create one with CreateRouteServer (see docs/route-server.md)");
            return 0;
        }
    }

    static void printOrSayNone(PrintWriter out, Table t, String none) {
        if (t.rows() == 0) {
            out.println(none);
            out.flush();
        } else {
            t.print(out);
        }
    }

    // ----------------------------------------------------------------------------------------- endpoints

    @Command(name = "endpoints", mixinStandardHelpOptions = true,
            description = "Route server endpoints: subnet, network interface and address appliances peer with, state.")
    static final class Endpoints extends View {
        @Override
        public Integer call() throws IOException {
            QueryClient c = client();
            Map<String, Integer> peers = new HashMap<>();
            for (Element p : Answers.allPages(c, "DescribeRouteServerPeers", params(), "routeServerPeerSet")) {
                peers.merge(text(p, "routeServerEndpointId"), 1, Integer::sum);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Element e : Answers.allPages(c, "DescribeRouteServerEndpoints", params(), "routeServerEndpointSet")) {
                String id = text(e, "routeServerEndpointId");
                rows.add(object("routeServerEndpointId", id, "routeServerId", text(e, "routeServerId"),
                        "vpcId", text(e, "vpcId"), "subnetId", text(e, "subnetId"), "eniId", text(e, "eniId"),
                        "eniAddress", text(e, "eniAddress"), "state", text(e, "state"),
                        "peers", peers.getOrDefault(id, 0), "failureReason", text(e, "failureReason")));
            }
            if (json()) {
                Json.printArray(out(), rows);
                return 0;
            }
            Table t = new Table("ENDPOINT", "ROUTE SERVER", "SUBNET", "ENI", "ADDRESS", "STATE", "PEERS", "REASON");
            for (Map<String, Object> r : rows) {
                t.row(r.get("routeServerEndpointId"), r.get("routeServerId"), r.get("subnetId"), r.get("eniId"),
                        r.get("eniAddress"), r.get("state"), r.get("peers"), r.get("failureReason"));
            }
            printOrSayNone(out(), t, "no route server endpoints yet: create one with CreateRouteServerEndpoint");
            return 0;
        }
    }

    // --------------------------------------------------------------------------------------------- peers

    /** What the routing database says about one peer's routes. */
    private static final class RouteCounts {
        int received;
        int accepted;
    }

    @Command(name = "peers", mixinStandardHelpOptions = true,
            description = {"BGP peers, as gobgp neighbor shows them: address, AS, up/down time, BGP and BFD state,"
                    + " routes received and accepted.",
                    "UP/DOWN is the time since the last BGP status change; ACCEPTED counts the peer's routes that won"
                            + " the decision process (in-fib) and so go into the route tables."})
    static final class Peers extends View {
        /** Above this many routes in all, ACCEPTED is not counted (it would page through the whole routing database). */
        static final long ACCEPTED_SCAN_LIMIT = 200_000;

        @Override
        public Integer call() throws IOException {
            QueryClient c = client();
            List<Element> peers = Answers.allPages(c, "DescribeRouteServerPeers", params(), "routeServerPeerSet");
            // RECEIVED is each peer's routeCount (vroute extension); ACCEPTED needs the routing database, which is
            // read only when it is small enough to page through quickly.
            Set<String> serversWithUpPeers = new HashSet<>();
            long held = 0;
            for (Element p : peers) {
                if ("up".equals(text(p, "bgpStatus/status"))) serversWithUpPeers.add(text(p, "routeServerId"));
                String rc = text(p, "routeCount");
                if (rc != null) held += Long.parseLong(rc);
            }
            // A daemon that reports fibRouteCount (vroute extension) needs no scan at all.
            boolean reportsFib = peers.stream().allMatch(p -> text(p, "fibRouteCount") != null);
            boolean countAccepted = !reportsFib && held <= ACCEPTED_SCAN_LIMIT;
            Map<String, RouteCounts> counts = new HashMap<>();
            for (String rs : countAccepted ? serversWithUpPeers : Set.<String>of()) {
                for (Element r : Answers.allPages(c, "GetRouteServerRoutingDatabase", params("RouteServerId", rs), "routeSet")) {
                    RouteCounts n = counts.computeIfAbsent(text(r, "routeServerPeerId"), k -> new RouteCounts());
                    n.received++;
                    if ("in-fib".equals(text(r, "routeStatus"))) n.accepted++;
                }
            }
            Instant now = Instant.now();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Element p : peers) {
                String id = text(p, "routeServerPeerId");
                String lastBgp = null;
                for (Element e : items(p, "eventSet")) {
                    if ("BGPStatus".equals(text(e, "type"))) lastBgp = text(e, "time");
                }
                Element bfd = child(p, "bfdStatus");
                String bfdState = bfd == null ? null : text(bfd, "sessionState") != null ? text(bfd, "sessionState") : text(bfd, "status");
                RouteCounts n = counts.getOrDefault(id, new RouteCounts());
                boolean up = "up".equals(text(p, "bgpStatus/status"));
                String rc = text(p, "routeCount");
                if (rc != null) n.received = Integer.parseInt(rc);
                String fc = text(p, "fibRouteCount");
                if (fc != null) n.accepted = Integer.parseInt(fc);
                rows.add(object("routeServerPeerId", id, "routeServerId", text(p, "routeServerId"),
                        "peerAddress", text(p, "peerAddress"), "peerAsn", Answers.number(text(p, "bgpOptions/peerAsn")),
                        "endpointEniAddress", text(p, "endpointEniAddress"), "state", text(p, "state"),
                        "bgpStatus", text(p, "bgpStatus/status"),
                        "since", lastBgp == null ? null : Answers.localTime(lastBgp),
                        "upDown", lastBgp == null ? null : Answers.since(Instant.parse(lastBgp), now),
                        "peerLivenessDetection", text(p, "bgpOptions/peerLivenessDetection"), "bfdStatus", bfdState,
                        "routesReceived", up ? n.received : 0,
                        "routesAccepted", !countAccepted && fc == null ? null : up ? n.accepted : 0));
            }
            if (json()) {
                Json.printArray(out(), rows);
                return 0;
            }
            Table t = new Table("PEER", "ADDRESS", "AS", "ENDPOINT", "UP/DOWN", "STATE", "BGP", "BFD", "RECEIVED", "ACCEPTED");
            for (Map<String, Object> r : rows) {
                t.row(r.get("routeServerPeerId"), r.get("peerAddress"), r.get("peerAsn"), r.get("endpointEniAddress"),
                        r.get("upDown") == null ? "never" : r.get("upDown"), r.get("state"), r.get("bgpStatus"),
                        r.get("bfdStatus"), r.get("routesReceived"), r.get("routesAccepted"));
            }
            printOrSayNone(out(), t, "no route server peers yet: create one with CreateRouteServerPeer");
            return 0;
        }
    }

    // ----------------------------------------------------------------------------------------------- rib

    @Command(name = "rib", mixinStandardHelpOptions = true,
            description = {"The routing database, as birdc show route does: every route each peer sent, its next hop,"
                    + " AS path and MED, in-fib (the best, installed) or in-rib, and the route tables it is installed in.",
                    "Routes a table rejected are listed after the table, with the reason."})
    static final class Rib extends View {
        @Parameters(arity = "0..1", paramLabel = "PREFIX",
                description = "Only this prefix (an address alone means /32 or /128).")
        String prefix;

        @Option(names = "--route-server", paramLabel = "ID", description = "Only this route server (default: all).")
        String routeServerId;

        @Override
        public Integer call() throws IOException {
            QueryClient c = client();
            String exact = prefix == null ? null : Prefixes.normalize(prefix, this);
            List<String> servers = Prefixes.routeServers(c, routeServerId);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String rs : servers) {
                Map<String, String> p = params("RouteServerId", rs);
                if (exact != null) {
                    p.put("Filter.1.Name", "prefix");
                    p.put("Filter.1.Value.1", exact);
                }
                for (Element r : Answers.allPages(c, "GetRouteServerRoutingDatabase", p, "routeSet")) {
                    List<String> installed = new ArrayList<>();
                    List<Map<String, Object>> rejected = new ArrayList<>();
                    for (Element i : items(r, "routeInstallationDetailSet")) {
                        if ("installed".equals(text(i, "routeInstallationStatus"))) {
                            installed.add(text(i, "routeTableId"));
                        } else {
                            rejected.add(object("routeTableId", text(i, "routeTableId"),
                                    "reason", text(i, "routeInstallationStatusReason")));
                        }
                    }
                    rows.add(object("routeServerId", rs, "prefix", text(r, "prefix"), "nextHopIp", text(r, "nextHopIp"),
                            "routeServerPeerId", text(r, "routeServerPeerId"),
                            "asPath", Answers.values(r, "asPathSet").stream().map(Long::parseLong).toList(),
                            "med", Answers.number(text(r, "med")), "routeStatus", text(r, "routeStatus"),
                            "installedIn", installed, "rejectedBy", rejected));
                }
            }
            rows.sort(Comparator.comparing((Map<String, Object> r) -> (String) r.get("routeServerId"))
                    .thenComparing(r -> Prefixes.sortKey((String) r.get("prefix")))
                    .thenComparing(r -> "in-fib".equals(r.get("routeStatus")) ? 0 : 1));
            if (json()) {
                Json.printArray(out(), rows);
                return 0;
            }
            boolean several = servers.size() > 1;
            Table t = several
                    ? new Table("ROUTE SERVER", "PREFIX", "NEXT HOP", "PEER", "AS PATH", "MED", "STATUS", "INSTALLED IN")
                    : new Table("PREFIX", "NEXT HOP", "PEER", "AS PATH", "MED", "STATUS", "INSTALLED IN");
            List<String> notes = new ArrayList<>();
            for (Map<String, Object> r : rows) {
                String path = ((List<?>) r.get("asPath")).stream().map(Object::toString).reduce((a, b) -> a + " " + b).orElse("");
                String in = String.join(", ", (List<String>) r.get("installedIn"));
                if (several) {
                    t.row(r.get("routeServerId"), r.get("prefix"), r.get("nextHopIp"), r.get("routeServerPeerId"), path,
                            r.get("med"), r.get("routeStatus"), in);
                } else {
                    t.row(r.get("prefix"), r.get("nextHopIp"), r.get("routeServerPeerId"), path, r.get("med"),
                            r.get("routeStatus"), in);
                }
                for (Object o : (List<?>) r.get("rejectedBy")) {
                    Map<?, ?> x = (Map<?, ?>) o;
                    notes.add(r.get("prefix") + " via " + r.get("nextHopIp") + " not in " + x.get("routeTableId") + ": "
                            + x.get("reason"));
                }
            }
            printOrSayNone(out(), t, exact != null ? "no route for " + exact + ": no peer announces it (vroute explain "
                    + exact + " shows the candidates; vroute show rib lists every route)"
                    : servers.isEmpty() ? "no route servers yet: create one with CreateRouteServer"
                    : "no routes: no peer has announced any yet (vroute show peers shows whether sessions are up)");
            if (!notes.isEmpty()) {
                out().println();
                out().println("Not installed:");
                notes.forEach(n -> out().println("  " + n));
                out().flush();
            }
            return 0;
        }
    }

    // -------------------------------------------------------------------------------------- route tables

    @Command(name = "route-tables", mixinStandardHelpOptions = true,
            description = "Route tables with their associations and every route, static and propagated (origin"
                    + " Advertisement, with the BGP next hop).")
    static final class RouteTables extends View {
        @Parameters(arity = "0..1", paramLabel = "ID", description = "Only this route table (rtb-...).")
        String routeTableId;

        @Override
        public Integer call() throws IOException {
            QueryClient c = client();
            Map<String, String> p = routeTableId == null ? params() : params("RouteTableId.1", routeTableId);
            List<Map<String, Object>> tables = new ArrayList<>();
            for (Element t : Answers.allPages(c, "DescribeRouteTables", p, "routeTableSet")) {
                boolean main = false;
                List<String> subnets = new ArrayList<>();
                List<String> gateways = new ArrayList<>();
                for (Element a : items(t, "associationSet")) {
                    if ("true".equals(text(a, "main"))) main = true;
                    if (text(a, "subnetId") != null) subnets.add(text(a, "subnetId"));
                    if (text(a, "gatewayId") != null) gateways.add(text(a, "gatewayId"));
                }
                List<Map<String, Object>> routes = new ArrayList<>();
                for (Element r : items(t, "routeSet")) {
                    String destination = text(r, "destinationCidrBlock") != null ? text(r, "destinationCidrBlock")
                            : text(r, "destinationIpv6CidrBlock");
                    String target = text(r, "gatewayId") != null ? text(r, "gatewayId") : text(r, "networkInterfaceId");
                    routes.add(object("destination", destination, "target", target, "nextHopIp", text(r, "ipAddress"),
                            "origin", text(r, "origin"), "state", text(r, "state")));
                }
                tables.add(object("routeTableId", text(t, "routeTableId"), "vpcId", text(t, "vpcId"), "main", main,
                        "subnetIds", subnets, "edgeGatewayIds", gateways, "routes", routes));
            }
            if (json()) {
                Json.printArray(out(), tables);
                return 0;
            }
            PrintWriter out = out();
            if (tables.isEmpty()) {
                out.println("no route tables yet: CreateVpc makes a VPC with its main route table");
                out.flush();
                return 0;
            }
            boolean first = true;
            for (Map<String, Object> t : tables) {
                if (!first) out.println();
                first = false;
                StringBuilder head = new StringBuilder().append(t.get("routeTableId")).append("  ").append(t.get("vpcId"));
                if ((Boolean) t.get("main")) head.append("  main");
                List<?> subnets = (List<?>) t.get("subnetIds");
                List<?> gateways = (List<?>) t.get("edgeGatewayIds");
                if (!subnets.isEmpty()) head.append("  subnets ").append(String.join(", ", subnets.stream().map(Object::toString).toList()));
                if (!gateways.isEmpty()) head.append("  edge ").append(String.join(", ", gateways.stream().map(Object::toString).toList()));
                out.println(head);
                Table routes = new Table("DESTINATION", "TARGET", "NEXT HOP", "ORIGIN", "STATE");
                for (Object o : (List<?>) t.get("routes")) {
                    Map<?, ?> r = (Map<?, ?>) o;
                    routes.row(r.get("destination"), r.get("target"), r.get("nextHopIp"), r.get("origin"), r.get("state"));
                }
                routes.print(out, "  ");
            }
            out.flush();
            return 0;
        }
    }

    // -------------------------------------------------------------------------------------------- events

    @Command(name = "events", mixinStandardHelpOptions = true,
            description = {"The event timeline, oldest first: BGP and BFD status changes of every peer (with the reason"
                    + " for each DOWN), failovers with their measured duration (from the failure's detection to the"
                    + " last route table updated) and endpoint maintenance.",
                    "--follow keeps asking every second and prints new ones as they come (with --json: one object per"
                            + " line); stop it with Ctrl-C."})
    static final class Events extends View {
        @Option(names = {"-f", "--follow"}, description = "Keep printing new events every second until interrupted.")
        boolean follow;

        @Option(names = "--interval", paramLabel = "MILLISECONDS", defaultValue = "1000", hidden = true,
                description = "How often --follow asks (default ${DEFAULT-VALUE}).")
        long intervalMillis;

        /** The sequence number of the last event printed (DescribeRouteServerEvents' AfterSequence). */
        private long after;


        @Override
        public Integer call() throws IOException {
            QueryClient c = client();
            List<Map<String, Object>> first = fresh(c);
            if (!follow) {
                if (json()) {
                    Json.printArray(out(), first);
                } else {
                    Table t = header();
                    first.forEach(e -> row(t, e));
                    printOrSayNone(out(), t, "no events yet (peers' BGP and BFD status changes, failovers and endpoint"
                            + " maintenance appear here)");
                }
                return 0;
            }
            Table t = header();
            first.forEach(e -> row(t, e));
            if (!json()) {
                t.print(out());
            } else {
                first.forEach(e -> Json.printLine(out(), e));
            }
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return 0;
                }
                List<Map<String, Object>> next;
                try {
                    next = fresh(c);
                } catch (IOException e) {
                    if (Thread.currentThread().isInterrupted()) return 0;
                    throw e;
                }
                for (Map<String, Object> e : next) {
                    if (json()) {
                        Json.printLine(out(), e);
                    } else {
                        out().println(line(e));
                        out().flush();
                    }
                }
            }
            return 0;
        }

        private static Table header() {
            return new Table("TIME", "RESOURCE", "ADDRESS", "TYPE", "STATUS", "REASON");
        }

        private static void row(Table t, Map<String, Object> e) {
            t.row(e.get("time"), e.get("resource"), e.get("address"), e.get("type"), e.get("status"), e.get("reason"));
        }

        /** A followed event on its own line, spaced as the first table's columns usually are. */
        private static String line(Map<String, Object> e) {
            return String.format("%-29s  %-21s  %-15s  %-8s  %-9s  %s", e.get("time"), e.get("resource"),
                    e.get("address"), e.get("type"), e.get("status"), e.get("reason") == null ? "-" : e.get("reason")).stripTrailing();
        }

        /** The events not printed yet, oldest first (every page of the timeline after the last one printed). */
        private List<Map<String, Object>> fresh(QueryClient c) throws IOException {
            List<Map<String, Object>> events = new ArrayList<>();
            while (true) {
                Element answer = Answers.call(c, "DescribeRouteServerEvents", params("AfterSequence", Long.toString(after)));
                List<Element> page = items(answer, "eventSet");
                for (Element e : page) events.add(fields(e));
                String last = text(answer, "lastSequence");
                long next = last == null ? after : Long.parseLong(last);
                if (next < after) { // the daemon restarted: its numbering began again
                    after = 0;
                    continue;
                }
                if (page.isEmpty() || next == after) return events;
                after = next;
            }
        }

        /** One timeline entry as the table and --json show it. */
        private static Map<String, Object> fields(Element e) {
            String type = text(e, "type");
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("sequence", Answers.number(text(e, "sequence")));
            f.put("time", Answers.localTime(text(e, "time")));
            f.put("routeServerId", text(e, "routeServerId"));
            switch (type == null ? "" : type) {
                case "Failover" -> {
                    List<String> tables = Answers.values(e, "routeTableIdSet");
                    f.put("resource", text(e, "routeServerPeerId"));
                    f.put("address", text(e, "peerAddress"));
                    f.put("type", "FAILOVER");
                    f.put("status", Math.round(Double.parseDouble(text(e, "durationMillis"))) + " ms");
                    String n = text(e, "prefixCount");
                    f.put("reason", n + ("1".equals(n) ? " best path changed (" : " best paths changed (") + text(e, "movedCount")
                            + " moved to another peer) in " + String.join(", ", tables) + "; cause: " + text(e, "reason"));
                    f.put("durationMillis", Double.parseDouble(text(e, "durationMillis")));
                    f.put("prefixCount", Answers.number(text(e, "prefixCount")));
                    f.put("movedCount", Answers.number(text(e, "movedCount")));
                    f.put("routeTableIds", tables);
                }
                case "EndpointStatus" -> {
                    f.put("resource", text(e, "routeServerEndpointId"));
                    f.put("address", text(e, "endpointAddress"));
                    f.put("type", "ENDPOINT");
                    f.put("status", text(e, "status"));
                    f.put("reason", text(e, "reason"));
                }
                default -> {
                    f.put("resource", text(e, "routeServerPeerId"));
                    f.put("address", text(e, "peerAddress"));
                    f.put("type", type != null && type.endsWith("Status") ? type.substring(0, type.length() - 6) : type);
                    f.put("status", text(e, "status"));
                    f.put("reason", text(e, "reason"));
                }
            }
            return f;
        }
    }
}
