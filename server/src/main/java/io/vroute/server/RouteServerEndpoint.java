package io.vroute.server;

/**
 * An endpoint {@code rse-…}: its own network interface and address in a subnet, where it listens for BGP.
 * State: pending | available | deleting | deleted | failing | failed | delete-failed.
 */
public record RouteServerEndpoint(String routeServerEndpointId, String routeServerId, String vpcId, String subnetId,
                                  String eniId, String eniAddress, String state, String failureReason) {
    RouteServerEndpoint with(String newState, String reason) {
        return new RouteServerEndpoint(routeServerEndpointId, routeServerId, vpcId, subnetId, eniId, eniAddress, newState, reason);
    }
}
