package io.vroute.app.show;

import io.vroute.api.QueryClient;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/** Prefix arguments of the views, their order, and which route servers a view covers. */
final class Prefixes {
    private Prefixes() {}

    /** {@code 172.16.1.1} -> {@code 172.16.1.1/32}, {@code fd00::1} -> {@code fd00::1/128}; a CIDR block stays as it is. */
    static String normalize(String prefix, View view) {
        String p = prefix.strip();
        if (p.isEmpty() || !(p.indexOf('.') >= 0 || p.indexOf(':') >= 0) || !p.matches("[0-9A-Fa-f.:/]+")) {
            throw view.usage("'" + prefix + "' is not a prefix: give a CIDR block such as 172.16.1.0/24, or an address");
        }
        if (p.contains("/")) return p;
        return p + (p.contains(":") ? "/128" : "/32");
    }

    /** {@code only} when given (after checking it exists), else every route server. */
    static List<String> routeServers(QueryClient c, String only) throws IOException {
        List<String> out = new ArrayList<>();
        var p = only == null ? Answers.params() : Answers.params("RouteServerId.1", only);
        for (Element rs : Answers.allPages(c, "DescribeRouteServers", p, "routeServerSet")) {
            out.add(Answers.text(rs, "routeServerId"));
        }
        return out;
    }

    /** Sorts prefixes by family, address, then length, as routing tables are listed. */
    static String sortKey(String prefix) {
        if (prefix == null) return "";
        int slash = prefix.indexOf('/');
        String address = slash < 0 ? prefix : prefix.substring(0, slash);
        int length = slash < 0 ? 0 : Integer.parseInt(prefix.substring(slash + 1));
        try {
            byte[] b = InetAddress.getByName(address).getAddress();
            String hex = String.format("%032x", new BigInteger(1, b));
            return (b.length == 4 ? "4" : "6") + hex + String.format("%03d", length);
        } catch (UnknownHostException | NumberFormatException e) {
            return "9" + prefix;
        }
    }
}
