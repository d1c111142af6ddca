package io.vroute.rib;

import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import java.net.InetAddress;

/**
 * A path to a prefix learned from one neighbour (one path id of it, with ADD-PATH). The RIB never changes what
 * a route says: a re-announcement or a re-resolved next hop puts a new Route in its place, so a route handed
 * to a {@link Rib.FibListener} as the old best keeps describing what was installed.
 */
public final class Route {
    /** The top bit of {@link #stamp}: the route is stale. Kept there so a route is six references and two numbers. */
    static final long STALE = Long.MIN_VALUE;

    final Destination destination;
    final Peer peer;
    final int pathId;
    final InternedAttributes attributes; // with the next hop
    long stamp;                          // the arrival batch, and STALE
    Route nextInPrefix;
    Route previousOfPeer;
    Route nextOfPeer;

    Route(Destination destination, Peer peer, int pathId, InternedAttributes attributes, long stamp) {
        this.destination = destination;
        this.peer = peer;
        this.pathId = pathId;
        this.attributes = attributes;
        this.stamp = stamp;
    }

    public Neighbor neighbor() { return peer.neighbor; }
    public Prefix prefix() { return destination.prefix; }
    /** The ADD-PATH path identifier (RFC 7911), 0 on sessions without ADD-PATH. */
    public int pathId() { return pathId; }
    /** The shared, interned attribute set. */
    public PathAttributes attributes() { return attributes.value; }
    /** The BGP next hop (NEXT_HOP for IPv4, MP_REACH_NLRI's for IPv6), null when the route came without one. */
    public InetAddress nextHop() { return attributes.nextHop.address; }
    /** The interface (ENI) that owns the next hop, null when none does. */
    public String target() { return attributes.nextHop.target; }
    /** When the route arrived: the RIB's batch number (one per drainChanges); lower is older. */
    public long arrival() { return stamp & ~STALE; }
    /** True while the route was kept over a graceful restart and not yet re-announced (RFC 4724 §4.2). */
    public boolean isStale() { return stamp < 0; }
    /** True when the decision process may choose it. */
    public boolean isEligible() { return attributes.nextHop.target != null && !attributes.isLoop(); }
    /** True when this route is the best for its prefix (the one in the FIB), as of the last decision. */
    public boolean isBest() { return destination.best == this; }

    /** Why the route can never be best, or null when it can. */
    public String ineligibleReason() {
        NextHop nextHop = attributes.nextHop;
        if (nextHop.target == null) {
            if (nextHop.address == null) {
                return "the route has no next hop; the appliance must announce one that an ENI of the VPC owns";
            }
            return "next hop " + nextHop.addressText() + " is not an address of any ENI in the VPC; "
                    + "give that address to an appliance's ENI or make the appliance announce its own address";
        }
        if (attributes.isLoop()) {
            return "AS_PATH " + attributes.pathText() + " contains the local ASN " + attributes.loopAsn
                    + " (a routing loop); the appliance must not send routes that passed through this route server's AS";
        }
        return null;
    }

    /** "rsp-0a via 10.0.1.10". */
    String label() {
        return peer.neighbor.name() + " via " + attributes.nextHop.addressText();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(destination.prefix).append(" from ").append(label());
        if (pathId != 0) sb.append(" path-id ").append(Integer.toUnsignedString(pathId));
        sb.append(" -> ").append(target() == null ? "(no ENI)" : target());
        sb.append(", AS_PATH ").append(attributes.pathText()).append(", origin ").append(attributes.originWord())
                .append(", MED ").append(attributes.med);
        if (isStale()) sb.append(", stale");
        return sb.toString();
    }
}
