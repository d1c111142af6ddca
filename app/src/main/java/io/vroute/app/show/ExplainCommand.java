package io.vroute.app.show;

import static io.vroute.app.show.Answers.items;
import static io.vroute.app.show.Answers.object;
import static io.vroute.app.show.Answers.params;
import static io.vroute.app.show.Answers.text;

import io.vroute.api.QueryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Element;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vroute explain PREFIX}: every candidate path a route server holds for a prefix, the best first, and the step of
 * the decision process (RFC 4271 §9.1.2.2, see docs/rib.md) that eliminated each of the others.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Why a prefix has the route it has: every candidate path (peer, next hop, AS path, MED), the best"
                + " first, and the decision step that eliminated each other one.",
                "Asks every route server unless --route-server is given. See docs/rib.md for the steps."})
public final class ExplainCommand extends View {
    @Parameters(paramLabel = "PREFIX", description = "A CIDR block such as 172.16.1.0/24 (an address alone means /32 or /128).")
    String prefix;

    @Option(names = "--route-server", paramLabel = "ID", description = "Only this route server (default: all).")
    String routeServerId;

    @Override
    public Integer call() throws IOException {
        QueryClient c = client();
        String exact = Prefixes.normalize(prefix, this);
        List<String> servers = Prefixes.routeServers(c, routeServerId);
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, String> headings = new HashMap<>();
        for (String rs : servers) {
            Element answer = Answers.call(c, "ExplainRouteServerRoute", params("RouteServerId", rs, "Prefix", exact));
            List<Element> candidates = items(answer, "candidateSet");
            if (candidates.isEmpty() && routeServerId == null) continue;
            String explanation = text(answer, "explanation");
            String firstLine = explanation == null ? exact : explanation.lines().findFirst().orElse(exact);
            int colon = firstLine.indexOf(": ");
            headings.put(rs, exact + " in " + rs + (colon < 0 ? "" : ": " + firstLine.substring(colon + 2)));
            // AS path and MED come from the routing database; the explanation names peer and next hop.
            Map<String, Element> attributes = new HashMap<>();
            for (Element r : Answers.allPages(c, "GetRouteServerRoutingDatabase", params("RouteServerId", rs,
                    "Filter.1.Name", "prefix", "Filter.1.Value.1", exact), "routeSet")) {
                attributes.put(text(r, "routeServerPeerId") + "|" + text(r, "nextHopIp"), r);
            }
            for (Element cand : candidates) {
                Element r = attributes.get(text(cand, "routeServerPeerId") + "|" + text(cand, "nextHopIp"));
                rows.add(object("routeServerId", rs, "prefix", exact, "routeServerPeerId", text(cand, "routeServerPeerId"),
                        "nextHopIp", text(cand, "nextHopIp"),
                        "asPath", r == null ? List.of() : Answers.values(r, "asPathSet").stream().map(Long::parseLong).toList(),
                        "med", r == null ? null : Answers.number(text(r, "med")),
                        "best", "true".equals(text(cand, "best")), "step", text(cand, "step"), "reason", text(cand, "reason")));
            }
        }
        if (json()) {
            Json.printArray(out(), rows);
            return 0;
        }
        PrintWriter out = out();
        if (headings.isEmpty()) {
            out.println(servers.isEmpty() ? "no route servers yet: create one with CreateRouteServer"
                    : "no route server has a path for " + exact + ": no peer announces it (check the appliance's"
                    + " announcements with vroute bgp listen, and vroute show peers for its session)");
            out.flush();
            return 0;
        }
        boolean first = true;
        for (String rs : servers) {
            if (!headings.containsKey(rs)) continue;
            if (!first) out.println();
            first = false;
            out.println(headings.get(rs));
            Table t = new Table("STEP", "PEER", "NEXT HOP", "AS PATH", "MED", "REASON");
            for (Map<String, Object> r : rows) {
                if (!rs.equals(r.get("routeServerId"))) continue;
                String path = String.join(" ", ((List<?>) r.get("asPath")).stream().map(Object::toString).toList());
                t.row(r.get("step"), r.get("routeServerPeerId"), r.get("nextHopIp"), path, r.get("med"), r.get("reason"));
            }
            if (t.rows() > 0) t.print(out, "  ");
        }
        out.flush();
        return 0;
    }
}
