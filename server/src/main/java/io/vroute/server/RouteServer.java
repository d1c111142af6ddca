package io.vroute.server;

/**
 * A route server {@code rs-…} as EC2 describes it. Immutable: a change replaces the record.
 * {@code persistRoutesState}: enabled | disabled (the transitional states are not observable here);
 * {@code persistRoutesDuration}: minutes, 1..5, only meaningful when enabled.
 */
public record RouteServer(String routeServerId, long amazonSideAsn, String state, String persistRoutesState,
                          Long persistRoutesDuration, boolean snsNotificationsEnabled, String snsTopicArn) {
    RouteServer withState(String s) {
        return new RouteServer(routeServerId, amazonSideAsn, s, persistRoutesState, persistRoutesDuration,
                snsNotificationsEnabled, snsTopicArn);
    }

    boolean persistRoutesEnabled() { return "enabled".equals(persistRoutesState); }
}
