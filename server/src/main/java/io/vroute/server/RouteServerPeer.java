package io.vroute.server;

/**
 * A peer {@code rsp-…}: one appliance's BGP session with one endpoint. Its live status (BGP and BFD up or down)
 * is not part of the record; see {@link PeerState}. State: pending | available | deleting | deleted | failing | failed.
 * {@code peerLivenessDetection}: bgp-keepalive | bfd. {@code bfdOptions}: the BFD timers of a bfd peer (a vroute
 * extension; null in records stored before it existed, read as the defaults).
 */
public record RouteServerPeer(String routeServerPeerId, String routeServerEndpointId, String routeServerId, String vpcId,
                              String subnetId, String endpointEniId, String endpointEniAddress, String peerAddress,
                              long peerAsn, String peerLivenessDetection, String state, String failureReason,
                              BfdOptions bfdOptions) {
    RouteServerPeer withState(String s) {
        return new RouteServerPeer(routeServerPeerId, routeServerEndpointId, routeServerId, vpcId, subnetId, endpointEniId,
                endpointEniAddress, peerAddress, peerAsn, peerLivenessDetection, s, failureReason, bfdOptions);
    }

    RouteServerPeer withFailure(String reason) {
        return new RouteServerPeer(routeServerPeerId, routeServerEndpointId, routeServerId, vpcId, subnetId, endpointEniId,
                endpointEniAddress, peerAddress, peerAsn, peerLivenessDetection, state, reason, bfdOptions);
    }

    RouteServerPeer withBfdOptions(BfdOptions o) {
        return new RouteServerPeer(routeServerPeerId, routeServerEndpointId, routeServerId, vpcId, subnetId, endpointEniId,
                endpointEniAddress, peerAddress, peerAsn, peerLivenessDetection, state, failureReason, o);
    }

    public boolean bfd() { return "bfd".equals(peerLivenessDetection); }

    /** The BFD timers in effect: the stored ones, or the defaults. Null for a bgp-keepalive peer. */
    public BfdOptions effectiveBfdOptions() {
        if (!bfd()) return null;
        return bfdOptions != null ? bfdOptions : BfdOptions.DEFAULT;
    }
}
