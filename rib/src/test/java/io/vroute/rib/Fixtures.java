package io.vroute.rib;

import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.AsPath;
import io.vroute.bgp.wire.Nlri;
import io.vroute.bgp.wire.Origin;
import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.UpdateMessage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small builders that keep the tests about routes, not about constructing objects. */
final class Fixtures {
    static final long LOCAL_AS = 65000;

    private Fixtures() {}

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static Prefix prefix(String text) { return Prefix.parse(text); }

    static Neighbor neighbor(int id, String name, String address, long asn, String routerId) {
        return new Neighbor(id, name, ip(address), asn, routerId == null ? null : ip(routerId));
    }

    /** An IGP route through {@code asns} with NEXT_HOP {@code nextHop}. */
    static PathAttributes path(String nextHop, long... asns) {
        return PathAttributes.builder().origin(Origin.IGP).asPath(AsPath.sequence(asns)).nextHop(ip(nextHop)).build();
    }

    static PathAttributes withMed(PathAttributes a, long med) { return a.toBuilder().med(med).build(); }

    static PathAttributes withOrigin(PathAttributes a, Origin o) { return a.toBuilder().origin(o).build(); }

    /** An IPv4 UPDATE announcing {@code prefixes} with {@code a} (its NEXT_HOP is the routes' next hop). */
    static UpdateMessage announce(PathAttributes a, String... prefixes) {
        return new UpdateMessage(null, a, nlri(AddressFamily.IPV4_UNICAST, prefixes), null, null);
    }

    static UpdateMessage withdraw(String... prefixes) {
        return new UpdateMessage(nlri(AddressFamily.IPV4_UNICAST, prefixes), null, null, null, null);
    }

    static Nlri nlri(AddressFamily family, String... prefixes) {
        List<Prefix> out = new ArrayList<>();
        for (String p : prefixes) out.add(prefix(p));
        return Nlri.of(family, out);
    }

    /** A resolver backed by a map that tests may change (then call reresolveNextHops). */
    static final class Enis implements NextHopResolver {
        final Map<InetAddress, String> owners = new HashMap<>();
        int calls;

        Enis own(String address, String eni) {
            owners.put(ip(address), eni);
            return this;
        }

        Enis forget(String address) {
            owners.remove(ip(address));
            return this;
        }

        @Override
        public String resolve(InetAddress nextHop) {
            calls++;
            return owners.get(nextHop);
        }
    }

    /** What drainChanges reported, in order. */
    record Change(Prefix prefix, Route oldBest, Route newBest) {}

    static List<Change> drain(Rib rib) {
        List<Change> out = new ArrayList<>();
        rib.drainChanges((p, o, n) -> out.add(new Change(p, o, n)));
        return out;
    }
}
