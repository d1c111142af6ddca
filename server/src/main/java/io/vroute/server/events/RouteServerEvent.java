package io.vroute.server.events;

import java.time.Instant;
import java.util.List;

/**
 * Something that happened to a route server that operators are told about: in the event timeline (API and console),
 * the peer event logs and the webhook notifications. Records are immutable and safe to hand to any thread.
 */
public sealed interface RouteServerEvent {
    /** When it happened (for a failover: when the failure was detected). */
    Instant time();

    String routeServerId();

    /**
     * A peer's BGP session or BFD session went UP or DOWN (the words of AWS's peer event logs; the notification codes
     * are ROUTE_SERVER_PEER_BGP_STATUS_CHANGE and ROUTE_SERVER_PEER_BFD_STATUS_CHANGE).
     *
     * @param kind   BGP or BFD
     * @param status UP or DOWN
     * @param reason why it went down (a NOTIFICATION, hold timer, BFD diagnostic, ...); null for UP
     */
    record PeerStatus(Instant time, String routeServerId, String endpointId, String peerId, String peerAddress,
                      String kind, String status, String reason) implements RouteServerEvent {}

    /**
     * A route the peer advertised, replaced or withdrew (AWS's RouteStatus log entry). Made only for route servers
     * whose peer logging is on: a full table makes one per prefix.
     *
     * @param status ADVERTISED, UPDATED or WITHDRAWN
     * @param asPath the AS numbers, space-separated, as the peer sent them ("" for an empty path)
     * @param med    MULTI_EXIT_DISC, or null when the peer sent none
     */
    record RouteStatus(Instant time, String routeServerId, String peerId, String peerAddress, String status,
                       String prefix, String asPath, Long med, String nextHopIp) implements RouteServerEvent {}

    /**
     * A peer's session went down and the route server moved its routes: measured from the detection (BFD Down or the
     * BGP session's end) to the moment the last route table carried the new best paths (the kernel's answer with the
     * Linux data plane, the model's update otherwise).
     *
     * @param cause       what ended the session (the PeerStatus reason)
     * @param prefixes    best paths that changed because of it (moved to another peer, or withdrawn)
     * @param moved       of those, how many now point to another peer (the rest have no path left)
     * @param routeTables the route tables rewritten
     * @param durationMillis detection to tables updated
     */
    record Failover(Instant time, String routeServerId, String peerId, String peerAddress, String cause, int prefixes,
                    int moved, List<String> routeTables, double durationMillis) implements RouteServerEvent {}

    /**
     * An endpoint stops or starts serving for a reason of the route server's own (shutdown, its address cannot be
     * listened on): the notification code ROUTE_SERVER_ENDPOINT_MAINTENANCE.
     *
     * @param status the endpoint's state afterwards (available, failed, shutting-down)
     */
    record EndpointStatus(Instant time, String routeServerId, String endpointId, String endpointAddress, String status,
                          String reason) implements RouteServerEvent {}
}
