package io.vroute.app.show;

import static io.vroute.app.show.Answers.child;
import static io.vroute.app.show.Answers.object;
import static io.vroute.app.show.Answers.params;
import static io.vroute.app.show.Answers.text;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Element;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vroute trace --from SUBNET|ENI|IGW --to ADDRESS}: the route table a packet meets, the route that matches, the
 * network interface it reaches and, for a route a route server put there, the BGP path behind it (vroute's TraceRoute
 * extension action).
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Where a packet entering from a subnet, a network interface or an internet gateway goes for an"
                + " address: the route table consulted and why that one, the route chosen, the network interface (and"
                + " what is behind it) it reaches, and which BGP path put that route there."})
public final class TraceCommand extends View {
    @Option(names = "--from", required = true, paramLabel = "SUBNET|ENI|IGW",
            description = "Where the packet enters: subnet-..., eni-... or igw-... (an internet gateway's edge table).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "ADDRESS", description = "The destination address, IPv4 or IPv6.")
    String to;

    @Override
    public Integer call() throws IOException {
        if (!(from.startsWith("subnet-") || from.startsWith("eni-") || from.startsWith("igw-"))) {
            throw usage("--from " + from + ": give a subnet (subnet-...), a network interface (eni-...) or an internet"
                    + " gateway (igw-...)");
        }
        Element a = Answers.call(client(), "TraceRoute", params("From", from, "DestinationAddress", to));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("from", text(a, "from"));
        o.put("destinationAddress", text(a, "destinationAddress"));
        o.put("routeTableId", text(a, "routeTableId"));
        o.put("association", text(a, "association"));
        Element route = child(a, "route");
        if (route != null) {
            String dest = text(route, "destinationCidrBlock") != null ? text(route, "destinationCidrBlock")
                    : text(route, "destinationIpv6CidrBlock");
            String target = text(route, "gatewayId") != null ? text(route, "gatewayId") : text(route, "networkInterfaceId");
            o.put("route", object("destination", dest, "target", target, "nextHopIp", text(route, "ipAddress"),
                    "origin", text(route, "origin"), "state", text(route, "state")));
        } else {
            o.put("route", null);
        }
        o.put("outcome", text(a, "outcome"));
        o.put("networkInterfaceId", text(a, "networkInterfaceId"));
        o.put("interfaceAddress", text(a, "interfaceAddress"));
        o.put("networkInterfaceDescription", text(a, "networkInterfaceDescription"));
        o.put("name", nameTag(a));
        o.put("interfaceType", text(a, "interfaceType"));
        o.put("subnetId", text(a, "subnetId"));
        o.put("gatewayId", text(a, "gatewayId"));
        o.put("note", text(a, "note"));
        Element bgp = child(a, "bgpPath");
        if (bgp != null) {
            o.put("bgpPath", object("routeServerId", text(bgp, "routeServerId"),
                    "routeServerPeerId", text(bgp, "routeServerPeerId"), "peerAddress", text(bgp, "peerAddress"),
                    "peerAsn", Answers.number(text(bgp, "peerAsn")), "nextHopIp", text(bgp, "nextHopIp"),
                    "asPath", Answers.values(bgp, "asPathSet").stream().map(Long::parseLong).toList(),
                    "med", Answers.number(text(bgp, "med")), "origin", text(bgp, "origin"),
                    "candidates", Answers.number(text(bgp, "candidateCount"))));
        } else {
            o.put("bgpPath", null);
        }
        o.put("explanation", text(a, "explanation"));
        if (json()) {
            Json.printArray(out(), List.of(o));
            return 0;
        }
        print(out(), o);
        return 0;
    }

    private static String nameTag(Element a) {
        for (Element t : Answers.items(a, "tagSet")) {
            if ("Name".equals(text(t, "key"))) return text(t, "value");
        }
        return null;
    }

    private static void print(PrintWriter out, Map<String, Object> o) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"from", o.get("from") + (o.get("routeTableId") == null ? " (" + o.get("association") + ")"
                : " -> table " + o.get("routeTableId") + " (" + o.get("association") + ")")});
        lines.add(new String[] {"to", (String) o.get("destinationAddress")});
        Map<?, ?> route = (Map<?, ?>) o.get("route");
        if (route != null) {
            lines.add(new String[] {"route", route.get("destination") + " -> " + route.get("target")
                    + (route.get("nextHopIp") == null ? "" : " via " + route.get("nextHopIp"))
                    + "  (" + route.get("origin") + ", " + route.get("state") + ")"});
        } else {
            lines.add(new String[] {"route", "none matches"});
        }
        String outcome = (String) o.get("outcome");
        String reaches = switch (outcome == null ? "" : outcome) {
            case "interface", "local" -> o.get("networkInterfaceId") == null
                    ? "subnet " + o.get("subnetId") + ", where no network interface holds the address"
                    : o.get("networkInterfaceId") + " " + o.get("interfaceAddress") + " in " + o.get("subnetId")
                    + behind(o) + (outcome.equals("local") ? " (delivered locally)" : "");
            case "internet-gateway" -> o.get("gatewayId") + ": leaves the VPC";
            case "dropped" -> "nothing: dropped";
            default -> outcome;
        };
        lines.add(new String[] {"reaches", reaches});
        Map<?, ?> bgp = (Map<?, ?>) o.get("bgpPath");
        if (bgp != null) {
            String path = String.join(" ", ((List<?>) bgp.get("asPath")).stream().map(Object::toString).toList());
            lines.add(new String[] {"bgp path", "route server " + bgp.get("routeServerId") + ", peer "
                    + bgp.get("routeServerPeerId") + " (" + bgp.get("peerAddress") + ", AS " + bgp.get("peerAsn") + ")"});
            lines.add(new String[] {"", "as-path " + (path.isEmpty() ? "(empty)" : path) + ", med "
                    + (bgp.get("med") == null ? "-" : bgp.get("med")) + ", origin " + bgp.get("origin") + ", next hop "
                    + bgp.get("nextHopIp") + "; best of " + bgp.get("candidates")
                    + " (vroute explain " + (route == null ? "" : route.get("destination")) + " shows the others)"});
        } else if (route != null && "Advertisement".equals(route.get("origin"))) {
            lines.add(new String[] {"bgp path", "none found: the route server's best path changed since; trace again"});
        }
        if (o.get("note") != null) lines.add(new String[] {"note", (String) o.get("note")});
        for (String[] l : lines) out.println(String.format("%-9s %s", l[0], l[1]).stripTrailing());
        out.flush();
    }

    /** What is behind an interface: its Name tag or description, or that it is a route server endpoint. */
    private static String behind(Map<String, Object> o) {
        Object name = o.get("name") != null ? o.get("name") : o.get("networkInterfaceDescription");
        String type = (String) o.get("interfaceType");
        String kind = type == null || type.equals("interface") ? "" : type;
        if (name == null && kind.isEmpty()) return "";
        return " (" + (name == null ? "" : "\"" + name + "\"") + (name != null && !kind.isEmpty() ? ", " : "") + kind + ")";
    }
}
