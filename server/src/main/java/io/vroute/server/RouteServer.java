package io.vroute.server;

/**
 * A route server {@code rs-…} as EC2 describes it. Immutable: a change replaces the record.
 * {@code persistRoutesState}: enabled | disabled (the transitional states are not observable here);
 * {@code persistRoutesDuration}: minutes, 1..5, only meaningful when enabled; {@code peerLogging} (vroute): where its
 * peers' event logs go, {@code file} or {@code stdout}, null when off (docs/peer-logs.md).
 */
public record RouteServer(String routeServerId, long amazonSideAsn, String state, String persistRoutesState,
                          Long persistRoutesDuration, boolean snsNotificationsEnabled, String snsTopicArn,
                          String peerLogging) {
    public RouteServer(String routeServerId, long amazonSideAsn, String state, String persistRoutesState,
                       Long persistRoutesDuration, boolean snsNotificationsEnabled, String snsTopicArn) {
        this(routeServerId, amazonSideAsn, state, persistRoutesState, persistRoutesDuration, snsNotificationsEnabled,
                snsTopicArn, null);
    }

    RouteServer withState(String s) {
        return new RouteServer(routeServerId, amazonSideAsn, s, persistRoutesState, persistRoutesDuration,
                snsNotificationsEnabled, snsTopicArn, peerLogging);
    }

    RouteServer withPeerLogging(String destination) {
        return new RouteServer(routeServerId, amazonSideAsn, state, persistRoutesState, persistRoutesDuration,
                snsNotificationsEnabled, snsTopicArn, destination);
    }

    boolean persistRoutesEnabled() { return "enabled".equals(persistRoutesState); }
}
