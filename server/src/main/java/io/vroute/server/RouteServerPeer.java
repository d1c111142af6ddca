package io.vroute.server;

/**
 * A peer {@code rsp-…}: one appliance's BGP session with one endpoint. Its live status (BGP and BFD up or down)
 * is not part of the record; see {@link PeerState}. State: pending | available | deleting | deleted | failing | failed.
 * {@code peerLivenessDetection}: bgp-keepalive | bfd.
 */
public record RouteServerPeer(String routeServerPeerId, String routeServerEndpointId, String routeServerId, String vpcId,
                              String subnetId, String endpointEniId, String endpointEniAddress, String peerAddress,
                              long peerAsn, String peerLivenessDetection, String state, String failureReason) {
    RouteServerPeer withState(String s) {
        return new RouteServerPeer(routeServerPeerId, routeServerEndpointId, routeServerId, vpcId, subnetId, endpointEniId,
                endpointEniAddress, peerAddress, peerAsn, peerLivenessDetection, s, failureReason);
    }
}
