package io.vroute.server;

/** A route server's association with its (one) VPC. State: associating | associated | disassociating. */
public record RouteServerAssociation(String routeServerId, String vpcId, String state) {}
