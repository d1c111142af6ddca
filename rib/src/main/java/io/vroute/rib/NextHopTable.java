package io.vroute.rib;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One {@link NextHop} per distinct next-hop address, resolved once and counted by the routes using it, so
 * that a million routes through one appliance cost one resolver call and one address object.
 */
final class NextHopTable {
    private static final NextHop NONE = new NextHop(null, null);

    private final NextHopResolver resolver;
    private final Map<InetAddress, NextHop> byAddress = new HashMap<>();

    NextHopTable(NextHopResolver resolver) {
        this.resolver = Objects.requireNonNull(resolver, "next-hop resolver is missing: pass one that maps an address to its ENI id");
    }

    NextHop acquire(InetAddress address) {
        if (address == null) return NONE;
        NextHop nh = byAddress.get(address);
        if (nh == null) {
            nh = new NextHop(address, resolver.resolve(address));
            byAddress.put(address, nh);
        }
        nh.refs++;
        return nh;
    }

    void release(NextHop nh) {
        if (nh == NONE) return;
        if (--nh.refs == 0 && byAddress.get(nh.address) == nh) byAddress.remove(nh.address);
    }

    /**
     * Asks the resolver again for every next hop; each whose interface changed gets a {@link NextHop#replacement}
     * (now the one in the table). True when any changed.
     */
    boolean reresolve() {
        boolean changed = false;
        for (Map.Entry<InetAddress, NextHop> e : byAddress.entrySet()) {
            NextHop old = e.getValue();
            String target = resolver.resolve(old.address);
            if (Objects.equals(target, old.target)) continue;
            NextHop fresh = new NextHop(old.address, target);
            old.replacement = fresh;
            e.setValue(fresh);
            changed = true;
        }
        return changed;
    }

    int size() { return byAddress.size(); }
}
