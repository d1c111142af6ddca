package io.vroute.server;

/** Propagation of a route server's FIB into one route table. State: pending | available | deleting. */
public record RouteServerPropagation(String routeServerId, String routeTableId, String state) {
    String key() { return routeServerId + "|" + routeTableId; }
}
