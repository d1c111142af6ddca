package io.vroute.rib;

import io.vroute.bgp.wire.Prefix;
import java.net.InetAddress;

/**
 * A next hop as the RIB knows it: the address and the interface that owned it when last resolved.
 * Immutable once made; when re-resolution changes the owner, a new NextHop takes its place and the routes
 * move over to it, so a route handed out earlier keeps telling the target it had.
 */
final class NextHop {
    final InetAddress address; // null: the route came without a next hop
    final String target;
    int refs;
    NextHop replacement;

    NextHop(InetAddress address, String target) {
        this.address = address;
        this.target = target;
    }

    String addressText() {
        return address == null ? "no next hop" : Prefix.formatAddress(address);
    }
}
