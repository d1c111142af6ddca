package io.vroute.app.interop;

import java.util.ArrayList;
import java.util.List;

/**
 * A route an appliance daemon advertises, with the attributes it sets on it, and what vroute must print for
 * it. {@code prepend} is the path the daemon adds in front of its own AS: every daemon then puts its own AS
 * first, so the AS_PATH on the wire is {@code [local AS] + prepend}.
 */
record Route(String prefix, String origin, List<Long> prepend, Long med, List<String> communities,
             List<String> largeCommunities) {

    static Route of(String prefix) {
        return new Route(prefix, "igp", List.of(), null, List.of(), List.of());
    }

    Route origin(String o) {
        return new Route(prefix, o, prepend, med, communities, largeCommunities);
    }

    Route prepend(Long... asns) {
        return new Route(prefix, origin, List.of(asns), med, communities, largeCommunities);
    }

    Route med(long m) {
        return new Route(prefix, origin, prepend, m, communities, largeCommunities);
    }

    Route communities(String... c) {
        return new Route(prefix, origin, prepend, med, List.of(c), largeCommunities);
    }

    Route large(String... c) {
        return new Route(prefix, origin, prepend, med, communities, List.of(c));
    }

    boolean ipv6() {
        return prefix.contains(":");
    }

    String afi() {
        return ipv6() ? "ipv6" : "ipv4";
    }

    String address() {
        return prefix.substring(0, prefix.indexOf('/'));
    }

    List<Long> expectedAsPath(long localAs) {
        List<Long> path = new ArrayList<>();
        path.add(localAs);
        path.addAll(prepend);
        return path;
    }
}
